"""Hypothesis strategies and numeric helpers shared by the core's tests.

Every strategy draws from the validated ranges in `params.PARAM_RANGES`, so a test
never exercises a value the lecture would refuse, and never misses one it accepts.
"""

from __future__ import annotations

import math
import sys

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from backprop_core.params import PARAM_RANGES, ParamError, Params, params_from_mapping

EPS = sys.float_info.epsilon

# Bounded so the whole core suite runs in seconds; deadline off because the first
# example of a test pays numpy's warm-up.
SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def exclusive_low(name: str) -> bool:
    """Whether the lowest bound itself is refused (lr and net_lr: a zero step teaches nothing).

    Asked of the validator rather than copied from it, so the strategies follow the code.
    """
    low = PARAM_RANGES[name][0]
    try:
        params_from_mapping({name: int(low) if PARAM_RANGES[name][2] else low})
    except ParamError:
        return True
    return False


def value_of(name: str) -> st.SearchStrategy:
    """Any value `name` accepts, as the validator stores it (-0.0 becomes 0.0)."""
    low, high, whole = PARAM_RANGES[name]
    if whole:
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
        if abs(y_hat) <= PARAM_RANGES["y"][1]:
            values["y"] = y_hat
    return values


def params_strategy(**fixed) -> st.SearchStrategy:
    """A whole valid `Params`, with the given fields held fixed."""
    return st.builds(Params, **{f: (st.just(fixed[f]) if f in fixed else value_of(f))
                                for f in PARAM_RANGES})


def central_difference(f, at: float, step: float) -> float:
    return (f(at + step) - f(at - step)) / (2.0 * step)


def relative_step(at: float, scale: float = 1e-3) -> float:
    """A finite-difference step scaled to the magnitude of the point, exact in binary.

    A power of two keeps `at + step` and `at - step` as symmetric as floating point allows.
    """
    return 2.0 ** math.floor(math.log2(scale * max(1.0, abs(at))))
