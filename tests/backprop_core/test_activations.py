"""Activation functions and their derivatives, the collapse of stacked linear layers,
and the best straight line through the network's data."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from core_strategies import EPS, FEW, MEDIUM, SETTINGS
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from backprop_core.activations import (
    ACTIVATIONS,
    CURVE_RANGE,
    CURVE_SAMPLES,
    LEAKY_SLOPE,
    activation_curves,
    collapse_linear_layers,
    fit_line,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)
from backprop_core.network import DATA_X, DATA_Y

z_values = st.floats(-30, 30, allow_nan=False, allow_infinity=False)


def test_reference_values():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    assert relu(z).tolist() == [0.0, 0.0, 0.0, 0.5, 2.0]
    assert relu_grad(z).tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]  # 0 at the kink
    assert leaky_relu(z).tolist() == pytest.approx([-0.2, -0.05, 0.0, 0.5, 2.0])
    assert leaky_relu_grad(z).tolist() == [LEAKY_SLOPE] * 3 + [1.0, 1.0]
    assert sigmoid(0.0) == 0.5 and sigmoid_grad(0.0) == 0.25
    assert tanh(0.0) == 0.0 and tanh_grad(0.0) == 1.0
    assert sigmoid(z) == pytest.approx(1 / (1 + np.exp(-z)), rel=1e-15)
    assert tanh(z) == pytest.approx(np.tanh(z))
    assert set(ACTIVATIONS) == {"relu", "leaky_relu", "sigmoid", "tanh"}


def test_sigmoid_does_not_overflow_at_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warning would fail the test
        z = np.array([-1000.0, -745.0, 745.0, 1000.0])
        values, grads = sigmoid(z), sigmoid_grad(z)
    assert values.tolist() == [0.0, 0.0, 1.0, 1.0]
    assert np.all(np.isfinite(grads)) and np.all(grads >= 0)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
@given(z=z_values)
@SETTINGS
def test_smooth_derivatives_match_central_differences(name, z):
    """Truncation h^2 |f'''| / 6 <= 2e-11 with h = 1e-5 (|f'''| <= 2 for tanh, 1/8 for
    sigmoid); round-off eps |f| / h <= 3e-11 with |f| <= 1."""
    f, df = ACTIVATIONS[name]
    h = 1e-5
    numeric = (float(f(z + h)) - float(f(z - h))) / (2 * h)
    assert abs(numeric - float(df(z))) <= 1e-10


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
@given(z=z_values)
@SETTINGS
def test_piecewise_linear_derivatives_match_central_differences_off_the_kink(name, z):
    f, df = ACTIVATIONS[name]
    h = 1e-6
    assume(abs(z) > 2 * h)  # across the kink there is no derivative to check
    numeric = (float(f(z + h)) - float(f(z - h))) / (2 * h)
    assert abs(numeric - float(df(z))) <= 4 * EPS * (abs(z) + h) / h


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@example(z=np.array([2.1749610645912654]))  # tanh: array and scalar paths differ by an ulp
@given(z=hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=5), elements=z_values))
@FEW
def test_activations_work_elementwise_on_arrays(name, z):
    f, df = ACTIVATIONS[name]
    values, grads = f(z), df(z)
    assert values.shape == grads.shape == z.shape
    # numpy's vectorised tanh may differ from its scalar one in the last bit, which
    # 1 - tanh^2 turns into an absolute ~1e-16: a few eps, absolute for values below 1.
    for index in np.ndindex(z.shape):
        for whole, single in ((values[index], f(np.array(z[index]))),
                              (grads[index], df(np.array(z[index])))):
            assert abs(whole - single) <= 4 * EPS * max(1.0, abs(single))


def test_activation_curves_for_the_slide():
    curves = activation_curves()
    assert [c.name for c in curves] == list(ACTIVATIONS)
    for c in curves:
        f, df = ACTIVATIONS[c.name]
        zs = np.array(c.zs)
        assert len(zs) == CURVE_SAMPLES and (zs[0], zs[-1]) == CURVE_RANGE
        assert 0.0 in c.zs  # the kink and sigmoid's maximum are samples
        assert c.values == tuple(map(float, f(zs)))
        assert c.grads == tuple(map(float, df(zs)))
        assert c.max_grad == max(c.grads)
        assert c.grad_at_edge == float(df(np.array(CURVE_RANGE[1])))
    by_name = {c.name: c for c in curves}
    assert by_name["sigmoid"].max_grad == 0.25  # why deep sigmoid networks learn slowly
    assert by_name["tanh"].max_grad == 1.0 and by_name["relu"].max_grad == 1.0
    assert by_name["sigmoid"].grad_at_edge == pytest.approx(0.01766, abs=1e-5)
    assert by_name["tanh"].grad_at_edge == pytest.approx(0.00134, abs=1e-5)
    assert by_name["relu"].grad_at_edge == 1.0 and by_name["leaky_relu"].grad_at_edge == 1.0


# --- two linear layers collapse into one line ---------------------------------------------

weights = st.floats(-5, 5, allow_nan=False, allow_infinity=False)


@given(st.integers(2, 8).flatmap(lambda n: st.tuples(
    hnp.arrays(np.float64, n, elements=weights), hnp.arrays(np.float64, n, elements=weights),
    hnp.arrays(np.float64, n, elements=weights), weights)))
@MEDIUM
def test_two_linear_layers_compose_to_slope_times_x_plus_intercept(layers):
    W1, b1, W2, b2 = layers
    c = collapse_linear_layers(W1, b1, W2, b2)
    assert (c.W1, c.b1, c.W2, c.b2) == (tuple(W1), tuple(b1), tuple(W2), float(b2))
    for x in (-2.0, -0.5, 0.0, 1.0, 3.7):
        hidden = W1 * x + b1  # no activation between the layers
        out = float(W2 @ hidden + b2)
        scale = float(np.abs(W2) @ (np.abs(W1 * x) + np.abs(b1)) + abs(b2))
        assert abs(out - (c.slope * x + c.intercept)) <= 64 * EPS * (scale + 1)


def test_collapse_accepts_column_shaped_weights():
    c = collapse_linear_layers(np.array([[1.0], [2.0]]), [0.5, -0.5], np.array([[3.0, -1.0]]), 0.25)
    assert (c.slope, c.intercept) == (1.0, 2.25)


# --- the best line through the network's data ---------------------------------------------

def test_no_line_fits_the_u_shaped_data():
    fit = fit_line(DATA_X, DATA_Y)
    # Symmetric data: the best line is flat at the mean, and its error is the variance.
    assert fit.slope == pytest.approx(0.0, abs=1e-12)
    assert fit.intercept == pytest.approx(float(np.mean(DATA_Y)))
    assert fit.mse == pytest.approx(float(np.var(DATA_Y)))
    assert fit.mse > 1.0
    if fit.slope == 0:
        assert math.copysign(1.0, fit.slope) == 1.0  # no '-0' slope on the slide


@given(hnp.arrays(np.float64, st.integers(3, 12), elements=weights, unique=True),
       st.data())
@SETTINGS
def test_fit_line_is_least_squares(xs, data):
    ys = data.draw(hnp.arrays(np.float64, len(xs), elements=weights))
    assume(np.ptp(xs) > 1e-3)
    fit = fit_line(xs, ys)
    slope, intercept = np.polyfit(xs, ys, 1)
    assert fit.slope == pytest.approx(slope, rel=1e-6, abs=1e-8)
    assert fit.intercept == pytest.approx(intercept, rel=1e-6, abs=1e-8)
    assert fit.mse == pytest.approx(float(np.mean((slope * xs + intercept - ys) ** 2)),
                                    rel=1e-9, abs=1e-12)
    # No nearby line does better.
    for ds, di in ((1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)):
        other = float(np.mean(((fit.slope + ds) * xs + fit.intercept + di - ys) ** 2))
        assert other >= fit.mse - 1e-12


@given(st.integers(2, 8).flatmap(lambda n: st.tuples(
    hnp.arrays(np.float64, n, elements=weights), hnp.arrays(np.float64, n, elements=weights),
    hnp.arrays(np.float64, n, elements=weights), weights)))
@MEDIUM
def test_collapsed_layers_predictions_lie_on_the_collapsed_line(layers):
    """`fit` is computed layer by layer; it must be the line slope * x + intercept."""
    W1, b1, W2, b2 = layers
    at = np.linspace(-2.25, 2.25, 7)
    c = collapse_linear_layers(W1, b1, W2, b2, at=at)
    assert len(c.fit) == len(at)
    scale = float(np.abs(W2) @ (np.abs(W1) * 2.25 + np.abs(b1)) + abs(b2))
    for x, y in zip(at, c.fit, strict=True):
        assert abs(y - (c.slope * x + c.intercept)) <= 64 * EPS * (scale + 1)
    assert collapse_linear_layers(W1, b1, W2, b2).fit == ()


def test_line_fit_predictions_at_given_inputs():
    at = np.array([-2.5, 0.0, 1.0])
    fit = fit_line(DATA_X, DATA_Y, at=at)
    assert fit.fit == pytest.approx(tuple(fit.slope * at + fit.intercept), rel=1e-15, abs=1e-15)
    assert fit_line(DATA_X, DATA_Y).fit == ()
