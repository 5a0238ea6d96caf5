"""Drawings take lesson data and a fact maker, not a scene: each is built here alone."""

from __future__ import annotations

import pytest

from backprop_core import build_lesson
from scenes import theme
from scenes.drawings.graph import ComputationalGraphDiagram
from scenes.drawings.unit_table import unit_table
from scenes.facts import FactRecorder, TrackedLesson
from scenes.typeset import Typesetter


@pytest.fixture
def typeset() -> Typesetter:
    return Typesetter(FactRecorder(TrackedLesson(build_lesson())))


def test_the_graph_diagram_is_built_from_the_lesson_graph_without_a_scene(typeset):
    lesson = typeset.facts.lesson
    graph = ComputationalGraphDiagram(lesson.graph, typeset)
    assert set(graph.nodes) == {"w", "x", "wx", "b", "y_hat", "y", "error", "loss"}
    assert graph.value_label("x").tex_string == "2.1"
    assert graph.grad_label("w").tex_string == "-7.98"
    ledger = graph.edge_equation("w", "wx", r"\frac{\partial \mathrm{loss}}{\partial w}")
    assert [ledger.part(n).tex_string for n in ("@u", "@l", "@p")] == ["-3.8", "2.1", "-7.98"]
    shown = [(f.key, f.shown) for f in typeset.facts.facts]
    assert ("worked_step.x", "2.1") in shown
    assert ("graph.edges.w->wx.product", "\u22127.98") in shown
    assert "graph.edges.w->wx.product" in lesson.reads  # what it read is recorded


def test_copies_of_the_diagram_share_its_fact_maker(typeset):
    graph = ComputationalGraphDiagram(typeset.facts.lesson.graph, typeset)
    assert graph.copy().facts is typeset


def test_the_unit_table_sets_its_cells_through_the_fact_maker(typeset):
    keys = [f"network.trace.z1.{i}" for i in range(2)]
    header = typeset.tex("z_1")
    table = unit_table(typeset, [0.5, -0.5], [(header, keys, theme.TEXT, False)])
    cells = table[0].cells
    assert [c.get_y() for c in cells] == pytest.approx([0.5, -0.5])
    assert [f.key for f in typeset.facts.facts] == keys


def test_a_unit_table_column_shares_its_decimals_through_the_fact_maker(typeset):
    # issue 17: 2.1 above -7.98 shows as 2.10, so the decimal points line up.
    keys = ["worked_step.x", "graph.edges.w->wx.product"]
    unit_table(typeset, [0.5, -0.5], [(typeset.tex("v"), keys, theme.TEXT, False)])
    facts = typeset.facts.facts[-2:]
    assert [(f.key, f.shown, f.decimals) for f in facts] == [
        ("worked_step.x", "2.10", 2), ("graph.edges.w->wx.product", "\u22127.98", 2)]
