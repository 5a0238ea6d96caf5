"""Drawings take lesson data and a fact maker, not a scene: each is built here alone."""

from __future__ import annotations

import pytest
from manim import Line

from backprop_core import build_lesson
from lecture.facts import FactRecorder, TrackedLesson
from scenes.drawings.graph import ComputationalGraphDiagram
from scenes.drawings.loss import clipped_tangent
from scenes.drawings.plot import Plot
from scenes.drawings.unit_table import unit_table
from scenes.kit import theme
from scenes.kit.typeset import Typesetter


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


def halo_problems(line, curve_width: float = 4) -> list[str]:
    """Why `line`, drawn over a curve `curve_width` wide, would not read as a line of its
    own: it needs a band of background colour either side (a halo that cuts the curve)."""
    problems = []
    halo = line.get_stroke_color(background=True).to_hex().lower()
    if halo != theme.BACKGROUND.lower():
        problems.append(f"halo {halo} is not the background {theme.BACKGROUND}")
    if line.get_stroke_width(background=True) < line.get_stroke_width() + 2 * 2:
        problems.append("halo narrower than the line plus 2 either side")
    if line.get_stroke_width() < curve_width:
        problems.append("line thinner than the curve under it")
    return problems


def test_a_tangent_stands_out_from_the_curve_it_touches():
    # In the light theme the gradient (orange-red) and the loss (dark red) are only ~12
    # CIEDE2000 apart, and the tangent lies along the loss curve near its point: a halo
    # of background colour, not the colours alone, keeps them apart (issue 17).
    plot = Plot((0, 2), (0, 4), tick_numbers=False)
    assert halo_problems(clipped_tangent(plot, 1.0, 2.0, -2.0)) == []
    # The tangent before the fix: the gradient's colour alone, as wide as the curve.
    assert halo_problems(Line(color=theme.GRADIENT, stroke_width=4)) != []


@pytest.mark.parametrize("hidden", range(2, 9))
@pytest.mark.parametrize("packing", [{}, {"spacing": 0.6, "radius": 0.2, "radius_share": 0.4}])
def test_the_network_fits_the_height_it_gets_and_its_neurons_never_touch(hidden, packing):
    from types import SimpleNamespace

    from scenes.drawings.network import fitted_network

    weights = SimpleNamespace(W1=[1.0 - 0.3 * k for k in range(hidden)], W2=[0.5] * hidden)
    net = fitted_network(weights, width=3.0, height=2.2, **packing)
    assert net.hidden.height <= 2.2 + 1e-9
    assert abs(net.input.get_x() - net.output.get_x()) == pytest.approx(3.0)
    tops = [n.get_top()[1] for n in net.hidden]
    bottoms = [n.get_bottom()[1] for n in net.hidden]
    # A gap between each neuron and the next.
    assert all(bottom > top for bottom, top in zip(bottoms, tops[1:], strict=False))
    assert len(net.labels) == 0


def test_a_paragraph_breaks_between_words_never_at_an_operator_and_records_its_numbers(typeset):
    from scenes.kit.typeset import paragraph

    sentence = ("The loss is the squared error, (y − ŷ)². With y = @y and ŷ = @yh, what is "
                "the loss of this neuron on its one example?")
    lines = paragraph(typeset, sentence, 6.0, font_size=30, y="worked_step.y",
                      yh="worked_step.y_hat")
    texts = [line.original_text for line in lines]
    assert len(texts) > 1 and " ".join(texts) == sentence.replace("@yh", "2.1").replace(
        "@y", "4")
    assert all(not t.endswith(("=", "−")) and not t.startswith(("=", "−")) for t in texts)
    assert all(line.width <= 6.0 for line in lines)
    assert [(f.key, f.shown) for f in typeset.facts.facts] == [
        ("worked_step.y", "4"), ("worked_step.y_hat", "2.1")]


def test_a_checkpoints_card_fills_the_content_band_and_empties_its_bar(typeset):
    from manim import Scene

    from scenes.checks.layout import CONTENT, visible_box
    from scenes.drawings.checkpoint import CheckpointCard

    card = CheckpointCard(typeset, "Pause and think", "At w = @w, which way does w move?",
                          [("a", "Up."), ("b", "Down.")], w="worked_step.w")
    assert visible_box(card).inside(CONTENT)
    assert [c[1].original_text for c in card.choices] == ["Up.", "Down."]
    scene = Scene()
    scene.add(card)
    countdown = card.countdown()
    countdown.begin()
    countdown.interpolate(0.5)
    assert card.bar.width == pytest.approx(card.track.width / 2, rel=0.05)
    countdown.interpolate(1)
    assert visible_box(card.bar) is None and card.bar in card.get_family()  # still its part
