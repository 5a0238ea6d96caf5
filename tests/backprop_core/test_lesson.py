"""The lesson: every part computed from the parameters, looked up by path, and recorded."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from core_strategies import FEW, params_strategy
from hypothesis import given
from hypothesis import strategies as st

from backprop_core import Lesson, ParamError, Params, build_lesson, load_params
from backprop_core.activations import collapse_linear_layers, fit_line
from backprop_core.descent import descend
from backprop_core.engine import worked_graph
from backprop_core.lesson import _check_finite, resolve
from backprop_core.network import train_network
from backprop_core.neuron import worked_step

WORKED_KEYS = ["x", "y", "w", "b", "lr", "y_hat", "loss", "dloss_dyhat", "dyhat_dw", "dyhat_db",
               "dloss_dw", "dloss_db", "w_next", "b_next", "y_hat_next", "loss_next", "loss_drop"]


def strict_json(data) -> str:
    return json.dumps(data, allow_nan=False, ensure_ascii=False)


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    return build_lesson()


def test_default_lesson_shows_the_outlines_strings(lesson):
    expected = {"x": "2.1", "y": "4", "loss": "3.61", "dloss_dw": "\u22127.98",
                "dloss_dyhat": "\u22123.8", "dloss_db": "\u22123.8", "lr": "0.01",
                "w_next": "1.0798", "b_next": "0.038", "loss_next": "2.87", "loss_drop": "0.74",
                "y_hat": "2.1", "w": "1", "b": "0"}
    for key, text in expected.items():
        assert lesson.shown(f"worked_step.{key}").text == text, key
    assert lesson.to_dict()["shown"]["worked_step"] == {
        key: lesson.shown(f"worked_step.{key}").text for key in WORKED_KEYS}
    # The engine's numbers read the same as the closed forms'.
    assert lesson.shown("graph.nodes.w.grad") == lesson.shown("worked_step.dloss_dw")
    assert lesson.shown("graph.edges.w->wx.upstream") == lesson.shown("worked_step.dloss_dyhat")


def test_every_part_is_computed_from_the_parameters(lesson):
    p = lesson.params
    assert p == Params()
    assert lesson.worked_step == worked_step(p.x, p.w, p.b, p.y, p.lr)
    assert lesson.graph == worked_graph(p.x, p.w, p.b, p.y)
    assert lesson.descent == descend(p.x, p.y, p.w, p.b, p.lr, p.steps)
    assert lesson.network == train_network(p.hidden, p.epochs, p.net_lr, p.seed)
    assert build_lesson(None) == lesson


def test_collapse_uses_the_networks_real_initial_layers(lesson):
    c, n = lesson.activations.collapse, lesson.network
    assert (c.W1, c.b1, c.W2, c.b2) == (n.initial.W1, n.initial.b1, n.initial.W2, n.initial.b2)
    assert c == collapse_linear_layers(*n.initial.arrays(), at=np.array(n.fit_xs))
    W1, b1, W2, b2 = n.initial.arrays()
    for x in (-2.0, -1.0, 0.0, 0.5, 2.0):
        layered = float(W2 @ (W1 * x + b1) + b2)
        assert layered == pytest.approx(c.slope * x + c.intercept, rel=1e-12, abs=1e-12)


def test_network_fits_what_no_line_can(lesson):
    line = lesson.activations.line_fit
    assert line == fit_line(np.array(lesson.network.data_x), np.array(lesson.network.data_y),
                            at=np.array(lesson.network.fit_xs))
    assert lesson.network.final_loss < line.mse / 50
    assert lesson.network.initial_loss > lesson.network.final_loss


def test_activation_curves_are_named_fields(lesson):
    a = lesson.activations
    assert [a.relu.name, a.leaky_relu.name, a.sigmoid.name, a.tanh.name] == [
        "relu", "leaky_relu", "sigmoid", "tanh"]


# --- lookup by path -----------------------------------------------------------------------

def test_lookup_by_index_by_name_and_by_attribute(lesson):
    assert lesson.lookup("descent.steps.3.loss") == lesson.descent.steps[3].loss
    assert lesson.lookup("graph.nodes.loss.grad") == 1.0
    assert lesson.lookup("graph.edges.w->wx.product") == lesson.graph.edge("w", "wx").product
    assert lesson.lookup("network.trained.W1.0") == lesson.network.trained.W1[0]
    assert lesson.lookup("descent.curve_w") is lesson.descent.curves_w[0]
    assert lesson.lookup("network.final_loss") == lesson.network.history[-1]


@pytest.mark.parametrize("path", ["worked_step.nope", "descent.steps.99.loss",
                                  "graph.nodes.z.value",
                                  "worked_step._private", "network.history.400.x"])
def test_lookup_of_a_missing_field_names_it(lesson, path):
    with pytest.raises(KeyError) as error:
        lesson.lookup(path)
    assert path in str(error.value)


def test_resolve_refuses_private_names():
    with pytest.raises(KeyError):
        resolve(Params(), "__class__")


# --- the record ---------------------------------------------------------------------------

def test_to_dict_has_the_interface_keys_in_order(lesson):
    data = lesson.to_dict()
    for key in ("params", "worked_step", "descent", "activations", "network"):
        assert key in data
    order = list(data)
    assert order.index("params") < order.index("worked_step") < order.index("descent") \
        < order.index("activations") < order.index("network")
    assert list(data["worked_step"]) == WORKED_KEYS
    assert data["worked_step"] == dataclasses.asdict(lesson.worked_step)
    assert all(type(v) is float for v in data["worked_step"].values())
    assert data["params"] == dataclasses.asdict(Params())
    assert data["descent"]["curve_w"] == data["descent"]["curves_w"][0]
    assert data["network"]["initial_loss"] == lesson.network.initial_loss
    assert data["network"]["final_loss"] == lesson.network.final_loss
    json.loads(strict_json(data))


def test_check_finite_guards_the_guarantee(lesson):
    broken = dataclasses.replace(lesson, worked_step=dataclasses.replace(lesson.worked_step,
                                                                         loss=math.inf))
    with pytest.raises(FloatingPointError) as error:
        _check_finite(broken)
    assert "worked_step.loss" in str(error.value)


# --- degenerate cases are lessons ---------------------------------------------------------

def test_zero_input_lesson():
    lesson = build_lesson(load_params(None, {"x": "0"}))
    assert lesson.worked_step.dloss_dw == 0.0 and lesson.graph.node("w").grad == 0.0
    assert lesson.descent.w_star is None
    assert lesson.shown("worked_step.dloss_dw").text == "0"


def test_prediction_on_target_lesson():
    lesson = build_lesson(load_params(None, {"x": "2", "w": "1.5", "b": "1", "y": "4"}))
    s = lesson.worked_step
    assert (s.loss, s.dloss_dw, s.dloss_db, s.loss_drop) == (0.0, 0.0, 0.0, 0.0)
    assert lesson.shown("worked_step.loss").text == "0"
    assert lesson.shown("worked_step.dloss_dw").text == "0"


def test_negative_values_lesson():
    lesson = build_lesson(load_params(None, {"x": "-2", "w": "-1", "b": "-0.5", "y": "-3"}))
    assert lesson.shown("worked_step.x").text == "\u22122"
    assert lesson.shown("worked_step.dloss_dw").text == "\u221218"
    assert lesson.shown("worked_step.dloss_dw").tex == "-18"


def test_learning_rate_so_large_that_the_loss_rises_is_said():
    lesson = build_lesson(load_params(None, {"lr": "0.5"}))
    assert lesson.worked_step.loss_drop < 0
    assert lesson.verdicts.step_trend == "rises" and lesson.verdicts.descent == "diverges"
    assert lesson.shown("worked_step.loss_drop").text.startswith("\u2212")
    data = lesson.to_dict()
    assert data["verdicts"]["step_trend"] == "rises" and data["worked_step"]["loss_drop"] < 0


# Epochs narrowed to 200 (of 5000) to keep the suite fast; the network's own tests cover
# training on its own.
@given(params_strategy(epochs=st.integers(1, 200)))
@FEW
def test_every_valid_parameter_set_gives_a_finite_lesson_or_a_param_error(params):
    try:
        lesson = build_lesson(params)
    except ParamError as error:  # a diverging run, refused with its parameter's name
        assert "'lr'" in str(error) or "'net_lr'" in str(error)
        return
    data = lesson.to_dict()
    json.loads(strict_json(data))  # no NaN or Infinity anywhere
    for key in WORKED_KEYS:
        shown = lesson.shown(f"worked_step.{key}")
        assert shown.text and "-" not in shown.text
    for node in lesson.graph.nodes:
        lesson.shown(f"graph.nodes.{node.name}.grad")
        lesson.shown(f"graph.nodes.{node.name}.value")
