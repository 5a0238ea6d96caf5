"""Hypothesis strategies and numeric helpers shared by the core's tests.

Every strategy draws from the ranges the parameters declare (`params.DECLARED`), so a test
never exercises a value the lecture would refuse, and never misses one it accepts; a whole
`Params` draws every declared parameter.
"""

from __future__ import annotations

import functools
import math
import sys

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from backprop_core.params import DECLARED, ParamError, Params, params_from_mapping

EPS = sys.float_info.epsilon
UNDERFLOW = math.ulp(0.0)  # the absolute precision of a result below the normal range

# Bounded so the whole core suite runs in seconds; deadline off because the first
# example of a test pays numpy's warm-up.
SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
# For tests that are parametrized many times over, or whose every example is heavy
# (a 50-step descent samples 51 loss curves).
MEDIUM = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def exclusive_low(name: str) -> bool:
    """Whether the lowest bound itself is refused (lr and net_lr: a zero step teaches nothing).

    Asked of the validator rather than copied from it, so the strategies follow the code.
    """
    low = DECLARED[name].low
    try:
        params_from_mapping({name: int(low) if DECLARED[name].whole else low})
    except ParamError:
        return True
    return False


@functools.cache  # built once: hypothesis validates a fresh strategy on every draw
def value_of(name: str) -> st.SearchStrategy:
    """Any value `name` accepts, as the validator stores it (-0.0 becomes 0.0)."""
    low, high = DECLARED[name].low, DECLARED[name].high
    if DECLARED[name].whole:
        return st.integers(int(low), int(high))
    raw = st.floats(low, high, exclude_min=exclusive_low(name), allow_nan=False,
                    allow_infinity=False)
    return raw.map(lambda v: getattr(params_from_mapping({name: v}), name))


NEURON_KEYS = ("x", "w", "b", "y", "lr")


@st.composite
def neuron_params(draw) -> dict[str, float]:
    """x, w, b, y, lr for the worked neuron, sometimes with y_hat == y exactly (zero loss)."""
    values = {key: draw(value_of(key)) for key in NEURON_KEYS}
    if draw(st.integers(0, 9)) == 0:
        y_hat = values["w"] * values["x"] + values["b"]
        if abs(y_hat) <= DECLARED["y"].high:
            values["y"] = y_hat
    return values


def params_strategy(**narrowed) -> st.SearchStrategy:
    """A whole valid `Params`; a field given here is held at that value, or drawn from that
    strategy (which must stay within the field's range). A name no parameter declares fails
    at once, not as a field silently drawn at large."""
    unknown = set(narrowed) - set(DECLARED)
    if unknown:
        raise ValueError(f"no parameter is declared as {sorted(unknown)}")

    def field(name: str) -> st.SearchStrategy:
        if name not in narrowed:
            return value_of(name)
        given = narrowed[name]
        return given if isinstance(given, st.SearchStrategy) else st.just(given)

    return st.builds(Params, **{name: field(name) for name in DECLARED})


def central_difference(f, at: float, step: float) -> float:
    return (f(at + step) - f(at - step)) / (2.0 * step)


def relative_step(at: float, scale: float = 1e-3) -> float:
    """A finite-difference step scaled to the magnitude of the point, exact in binary.

    A power of two keeps `at + step` and `at - step` as symmetric as floating point allows.
    """
    return 2.0 ** math.floor(math.log2(scale * max(1.0, abs(at))))


# The snapping rule of neuron.error: |y - y_hat| <= 1e-12 * max(|y|, |y_hat|) counts as 0.
SNAP = 1e-12


def loss_fd_tolerance(e: float, scale: float, h: float, point: float, grad: float,
                      chain: float) -> float:
    """How far a central difference of loss = e^2 may honestly sit from the true gradient.

    loss is a quadratic in each of w, b, y_hat (and x, y), so a central difference has no
    truncation error at all: what separates it from the closed form is floating point.
    - Round-off: each evaluation forms e with an absolute error of about 2 eps S (S, the
      `scale`, bounds the magnitudes added), so e^2 carries about 4 eps |e| S + eps e^2;
      the quotient divides the difference of two such errors by 2h.
    - The step: `point + h` is rounded, a relative error eps |point| / h on the quotient.
    - Snapping: an error within 1e-12 S of zero is snapped to 0, so the gradient may be 0
      where the exact one is 2 |e| chain <= 2e-12 S chain, and the loss jumps by at most
      (1e-12 S)^2 where an evaluation crosses the snapping boundary.
    - Underflow: below the normal range (a loss of 1e-318 from an error of 1e-159) a result
      has an absolute, not relative, precision of one subnormal step (math.ulp(0.0)),
      per evaluation and in the closed form's own products.
    `chain` is |d e / d point| (|x| for w, 1 for b). The bound is doubled, no more: it scales
    with the magnitudes (loss up to ~1e8) rather than being a fixed rtol loosened until green.
    """
    e_max = abs(e) + h * chain
    rounding = (4 * EPS * e_max * scale + EPS * e_max**2 + 4 * UNDERFLOW) / h + 4 * UNDERFLOW
    step = abs(grad) * EPS * (abs(point) + h) / h
    snapping = 2 * SNAP * scale * chain + (SNAP * scale) ** 2 / h
    return 2 * (rounding + step + snapping)
