"""The chain-rule slide's nudge: its size, the first-order predictions and the recomputed
changes."""

from __future__ import annotations

import math

import pytest
from core_strategies import SETTINGS, neuron_params
from hypothesis import given

from backprop_core import build_lesson, format_fact
from backprop_core.neuron import dloss_dyhat, forward, squared_error
from backprop_core.nudge import LARGEST, SMALLEST, nudge, nudge_size


def test_defaults():
    n = nudge(2.1, 1.0, 0.0, 4.0)
    assert n.dw == 0.1
    assert n.dyhat_dw == 2.1 and n.dloss_dyhat == pytest.approx(-3.8)
    assert n.dy_hat_predicted == pytest.approx(0.21)
    assert n.dloss_predicted == pytest.approx(-0.798)
    assert n.w_nudged == pytest.approx(1.1)
    assert n.y_hat_nudged == pytest.approx(2.31)
    assert n.loss_nudged == pytest.approx(2.8561)
    assert n.dy_hat_actual == pytest.approx(0.21)
    assert n.dloss_actual == pytest.approx(-0.7539)
    shown = {k: format_fact(f"nudge.{k}", getattr(n, k)).text
             for k in ("dw", "dy_hat_predicted", "dloss_predicted", "dloss_actual")}
    assert shown == {"dw": "0.1", "dy_hat_predicted": "0.21", "dloss_predicted": "\u22120.8",
                     "dloss_actual": "\u22120.75"}


def test_on_the_lesson():
    lesson = build_lesson()
    assert lesson.nudge == nudge(2.1, 1.0, 0.0, 4.0)
    assert lesson.lookup("nudge.dw") == 0.1
    assert lesson.to_dict()["nudge"]["dloss_actual"] == lesson.nudge.dloss_actual


def test_zero_input_cannot_move_the_prediction():
    n = nudge(0.0, 1.5, -0.5, 2.0)
    assert n.dw > 0
    assert n.dy_hat_predicted == n.dy_hat_actual == 0.0
    assert n.dloss_predicted == n.dloss_actual == 0.0


def test_on_target_the_first_order_change_is_zero():
    n = nudge(2.0, 2.0, 0.0, 4.0)
    assert n.dloss_dyhat == 0.0 and n.dloss_predicted == 0.0
    assert n.dloss_actual == pytest.approx(n.dy_hat_actual**2)  # only the curvature term is left
    assert n.dloss_actual > 0


@pytest.mark.parametrize("x, e, expected", [(2.1, 1.9, 0.1), (1.0, 0.02, 1e-3), (0.5, 200.0, 10.0),
                                            (100.0, 1e-9, SMALLEST), (5e-324, 50.0, LARGEST)])
def test_size_is_a_power_of_ten_near_five_percent_of_the_error(x, e, expected):
    assert nudge_size(x, 1.0, 0.0, x + e) == pytest.approx(expected)


@SETTINGS
@given(neuron_params())
def test_predictions_and_recomputed_changes(p):
    x, w, b, y = p["x"], p["w"], p["b"], p["y"]
    n = nudge(x, w, b, y)
    assert SMALLEST <= n.dw <= LARGEST
    # A power of ten reads as typed.
    assert math.log10(n.dw) == pytest.approx(round(math.log10(n.dw)))
    y_hat = forward(x, w, b)
    assert n.dyhat_dw == x and n.dloss_dyhat == dloss_dyhat(y, y_hat)
    assert n.dy_hat_predicted == x * n.dw
    assert n.dloss_predicted == pytest.approx(n.dloss_dyhat * n.dy_hat_predicted, rel=1e-12, abs=0)
    assert n.y_hat_nudged == forward(x, w + n.dw, b)
    assert n.loss_nudged == squared_error(y, n.y_hat_nudged)
    assert n.dloss_actual == n.loss_nudged - squared_error(y, y_hat)
    # The loss is quadratic in y_hat: the actual change is the prediction plus dy_hat^2.
    scale = max(abs(y), abs(y_hat), abs(n.y_hat_nudged), 1.0)
    assert n.dloss_actual == pytest.approx(n.dloss_predicted + n.dy_hat_actual**2,
                                           rel=1e-6, abs=1e-9 * scale**2)
    gap = abs(y - y_hat)
    if x != 0 and gap > 0 and SMALLEST < n.dw < LARGEST:
        # Unclamped, the nudge moves y_hat by 1.6-16% of the error: the prediction is close.
        assert abs(n.dy_hat_predicted) <= 0.05 * math.sqrt(10) * gap * (1 + 1e-9)
