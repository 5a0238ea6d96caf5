"""The worked neuron: the outline's numbers, every gradient against finite differences."""

from __future__ import annotations

import dataclasses
import math

import pytest
from core_strategies import (
    EPS,
    SETTINGS,
    central_difference,
    loss_fd_tolerance,
    neuron_params,
    relative_step,
)
from hypothesis import example, given

from backprop_core.neuron import (
    WorkedStep,
    dloss_dyhat,
    error,
    forward,
    squared_error,
    update,
    worked_step,
)

DERIVED = ["y_hat", "loss", "dloss_dyhat", "dyhat_dw", "dyhat_db", "dloss_dw", "dloss_db",
           "w_next", "b_next", "y_hat_next", "loss_next", "loss_drop"]

def test_outline_numbers_raw():
    s = worked_step(x=2.1, w=1.0, b=0.0, y=4.0, lr=0.01)
    assert s.y_hat == 2.1
    assert s.loss == pytest.approx(3.61, rel=1e-14)  # 1.9 squared, no factor 1/2
    assert s.dloss_dyhat == pytest.approx(-3.8, rel=1e-14)
    assert (s.dyhat_dw, s.dyhat_db) == (2.1, 1.0)
    assert s.dloss_dw == pytest.approx(-7.98, rel=1e-14)
    assert s.dloss_db == pytest.approx(-3.8, rel=1e-14)
    assert s.w_next == pytest.approx(1.0798, rel=1e-14)
    assert s.b_next == pytest.approx(0.038, rel=1e-14)
    assert s.y_hat_next == pytest.approx(2.30558, rel=1e-14)
    assert s.loss_next == pytest.approx(1.69442**2, rel=1e-14)
    assert s.loss_next == pytest.approx(2.87, abs=0.005)
    assert s.loss_drop == pytest.approx(0.74, abs=0.005)
    assert s.error == pytest.approx(1.9, rel=1e-14)


def test_worked_step_fields_are_the_interface_in_order():
    assert [f.name for f in dataclasses.fields(WorkedStep)] == [
        "x", "y", "w", "b", "lr", "y_hat", "loss", "dloss_dyhat", "dyhat_dw", "dyhat_db",
        "dloss_dw", "dloss_db", "w_next", "b_next", "y_hat_next", "loss_next", "loss_drop"]


@given(neuron_params())
@SETTINGS
def test_fields_follow_the_chain_rule_exactly(p):
    s = worked_step(**p)
    assert (s.x, s.y, s.w, s.b, s.lr) == (p["x"], p["y"], p["w"], p["b"], p["lr"])
    assert s.y_hat == forward(p["x"], p["w"], p["b"]) == p["w"] * p["x"] + p["b"]
    assert s.loss == squared_error(s.y, s.y_hat) == error(s.y, s.y_hat) ** 2
    assert s.dloss_dyhat == -2.0 * error(s.y, s.y_hat)
    assert (s.dyhat_dw, s.dyhat_db) == (s.x, 1.0)
    assert s.dloss_dw == s.dloss_dyhat * s.dyhat_dw  # upstream x local, as named
    assert s.dloss_db == s.dloss_dyhat * s.dyhat_db
    assert s.w_next == s.w - s.lr * s.dloss_dw
    assert s.b_next == s.b - s.lr * s.dloss_db
    assert s.y_hat_next == forward(s.x, s.w_next, s.b_next)
    assert s.loss_next == squared_error(s.y, s.y_hat_next)
    assert s.loss_drop == s.loss - s.loss_next
    for name in DERIVED:  # no '-0' can reach a slide
        value = getattr(s, name)
        assert math.isfinite(value)
        if value == 0:
            assert math.copysign(1.0, value) == 1.0, name


# --- finite differences -------------------------------------------------------------------
# The tolerance is derived, not tuned: see core_strategies.loss_fd_tolerance.

@given(neuron_params())
@example({"x": 1e-12, "w": 1.0, "b": 1.0, "y": 1.0, "lr": 1.0})  # straddles the snapping rule
@example({"x": 2.696049516866054e-159, "w": 1.0, "b": 0.0, "y": 0.0, "lr": 1.0})  # subnormal loss
@SETTINGS
def test_dloss_dw_matches_central_differences(p):
    x, w, b, y = p["x"], p["w"], p["b"], p["y"]
    s = worked_step(**p)
    h = relative_step(w)
    numeric = central_difference(lambda v: squared_error(y, forward(x, v, b)), w, h)
    scale = abs(y) + (abs(w) + h) * abs(x) + abs(b)
    tol = loss_fd_tolerance(s.error, scale, h, w, s.dloss_dw, abs(x))
    assert abs(numeric - s.dloss_dw) <= tol, (numeric, s.dloss_dw, tol)


@given(neuron_params())
@SETTINGS
def test_dloss_db_matches_central_differences(p):
    x, w, b, y = p["x"], p["w"], p["b"], p["y"]
    s = worked_step(**p)
    h = relative_step(b)
    numeric = central_difference(lambda v: squared_error(y, forward(x, w, v)), b, h)
    scale = abs(y) + abs(w * x) + abs(b) + h
    tol = loss_fd_tolerance(s.error, scale, h, b, s.dloss_db, 1.0)
    assert abs(numeric - s.dloss_db) <= tol, (numeric, s.dloss_db, tol)


@given(neuron_params())
@SETTINGS
def test_dloss_dyhat_matches_central_differences(p):
    s = worked_step(**p)
    h = relative_step(s.y_hat)
    numeric = central_difference(lambda v: squared_error(s.y, v), s.y_hat, h)
    scale = abs(s.y) + abs(s.y_hat) + h
    tol = loss_fd_tolerance(s.error, scale, h, s.y_hat, s.dloss_dyhat, 1.0)
    assert abs(numeric - s.dloss_dyhat) <= tol, (numeric, s.dloss_dyhat, tol)


@given(neuron_params())
@SETTINGS
def test_local_gradients_match_central_differences(p):
    x, w, b = p["x"], p["w"], p["b"]
    s = worked_step(**p)
    hw, hb = relative_step(w), relative_step(b)
    scale = (abs(w) + hw) * abs(x) + abs(b) + hb
    dw = central_difference(lambda v: forward(x, v, b), w, hw)
    db = central_difference(lambda v: forward(x, w, v), b, hb)
    assert abs(dw - s.dyhat_dw) <= 4 * EPS * (scale / hw + abs(x) * (abs(w) + hw) / hw)
    assert abs(db - s.dyhat_db) <= 4 * EPS * (scale / hb + (abs(b) + hb) / hb)


# --- the effect of the update -------------------------------------------------------------

@given(neuron_params())
@example({"x": 1.192092896e-07, "w": 1.192092896e-07, "b": 1.0, "y": 1.0, "lr": 1.0})  # snapped
@SETTINGS
def test_prediction_after_the_step_follows_the_contraction_factor(p):
    """y_hat_next - y = (y_hat - y) (1 - 2 lr (x^2 + 1)): the identity the descent slide uses."""
    s = worked_step(**p)
    if s.error == 0:  # on target up to round-off (snapped): the step moves nothing
        assert (s.w_next, s.b_next, s.y_hat_next) == (s.w, s.b, s.y_hat)
        return
    factor = s.error_factor
    assert factor == 1.0 - 2.0 * s.lr * (s.x**2 + 1.0)
    predicted = (s.y_hat - s.y) * factor
    scale = abs(s.y) + abs(s.w * s.x) + abs(s.b) + abs(s.w_next * s.x) + abs(s.b_next)
    assert abs((s.y_hat_next - s.y) - predicted) <= 16 * EPS * scale * (1 + abs(factor))


def test_learning_rate_so_large_that_the_loss_rises_is_a_fact_not_an_error():
    s = worked_step(x=2.1, w=1.0, b=0.0, y=4.0, lr=0.5)
    assert s.loss_next > s.loss
    assert s.loss_drop < 0
    assert s.loss_drop == s.loss - s.loss_next


# --- degenerate cases are lessons ---------------------------------------------------------

def test_zero_input_gives_no_gradient_for_w():
    s = worked_step(x=0.0, w=1.5, b=0.5, y=4.0, lr=0.1)
    assert s.dyhat_dw == 0.0 and s.dloss_dw == 0.0
    assert s.w_next == s.w  # w cannot change the output, so it does not move
    assert s.dloss_db == -2.0 * 3.5 and s.b_next == pytest.approx(0.5 + 0.1 * 7.0)
    assert s.loss_next < s.loss


@pytest.mark.parametrize("x, w, b, y", [(2.0, 1.5, 1.0, 4.0), (3.0, 0.1, 0.0, 0.3),
                                        (-2.0, 0.5, 1.0, 0.0), (0.0, 7.0, -2.0, -2.0)])
def test_prediction_on_target_gives_zero_loss_and_zero_gradient(x, w, b, y):
    # (3, 0.1, 0, 0.3): 0.1*3 is 0.30000000000000004; the round-off is snapped to zero.
    s = worked_step(x=x, w=w, b=b, y=y, lr=0.1)
    for name in ("loss", "dloss_dyhat", "dloss_dw", "dloss_db", "loss_next", "loss_drop"):
        value = getattr(s, name)
        assert value == 0.0 and math.copysign(1.0, value) == 1.0, name
    assert (s.w_next, s.b_next) == (w, b)


def test_negative_values_throughout():
    s = worked_step(x=-2.0, w=-1.0, b=-0.5, y=-3.0, lr=0.05)
    assert s.y_hat == 1.5
    assert s.loss == 20.25
    assert s.dloss_dyhat == 9.0
    assert s.dloss_dw == -18.0 and s.dloss_db == 9.0
    assert s.w_next == pytest.approx(-0.1) and s.b_next == pytest.approx(-0.95)
    assert s.loss_next < s.loss


def test_error_snaps_only_round_off():
    assert error(0.3, 0.1 * 3) == 0.0
    assert error(4.0, 2.1) == pytest.approx(1.9)
    assert error(1.0, 1.0 + 1e-9) == pytest.approx(-1e-9)  # a real, small mistake survives
    assert error(0.0, 1e-300) == -1e-300  # at zero there is no round-off to snap
    assert dloss_dyhat(2.0, 2.0) == 0.0 and math.copysign(1.0, dloss_dyhat(2.0, 2.0)) == 1.0
    assert update(1.0, 0.1, -2.0) == 1.2

