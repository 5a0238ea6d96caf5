"""Activation functions with their derivatives, and the facts the activation slide shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = [
    "relu", "relu_grad", "leaky_relu", "leaky_relu_grad", "sigmoid", "sigmoid_grad",
    "tanh", "tanh_grad", "ACTIVATIONS", "ActivationCurve", "LineFit", "fit_line",
    "activation_curves", "Collapse", "collapse_linear_layers",
]

LEAKY_SLOPE = 0.1  # large enough to see on a plot; frameworks default to 0.01


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def relu_grad(z: np.ndarray) -> np.ndarray:
    """1 where the unit is active, 0 where it is off (0 at the kink, as frameworks do)."""
    return (np.asarray(z) > 0).astype(float)


def leaky_relu(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_grad(z: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(z) > 0, 1.0, LEAKY_SLOPE)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))  # overflow-free form


def sigmoid_grad(z: np.ndarray) -> np.ndarray:
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def tanh_grad(z: np.ndarray) -> np.ndarray:
    return 1.0 - np.tanh(z) ** 2


ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
}

CURVE_RANGE = (-4.0, 4.0)
CURVE_SAMPLES = 161  # odd, so z = 0 is a sample


@dataclass(frozen=True)
class ActivationCurve:
    name: str
    zs: tuple[float, ...]
    values: tuple[float, ...]
    grads: tuple[float, ...]
    max_grad: float  # sigmoid's 0.25 is why deep sigmoid networks learn slowly
    grad_at_edge: float  # the derivative at z = 4: near 0 for saturating functions


def activation_curves() -> tuple[ActivationCurve, ...]:
    zs = np.linspace(*CURVE_RANGE, CURVE_SAMPLES)
    curves = []
    for name, (f, df) in ACTIVATIONS.items():
        grads = df(zs)
        curves.append(ActivationCurve(
            name=name,
            zs=tuple(map(float, zs)),
            values=tuple(map(float, f(zs))),
            grads=tuple(map(float, grads)),
            max_grad=float(grads.max()),
            grad_at_edge=float(df(np.array(CURVE_RANGE[1]))),
        ))
    return tuple(curves)


@dataclass(frozen=True)
class LineFit:
    """The best straight line through data (least squares) and how badly it fits."""

    slope: float
    intercept: float
    mse: float
    fit: tuple[float, ...] = ()  # the line's predictions at the `at` inputs given to fit_line


def fit_line(xs: np.ndarray, ys: np.ndarray, at: np.ndarray | None = None) -> LineFit:
    design = np.stack([xs, np.ones_like(xs)], axis=1)
    (slope, intercept), *_ = np.linalg.lstsq(design, ys, rcond=None)
    mse = float(np.mean((slope * xs + intercept - ys) ** 2))
    fitted = slope * np.asarray(at, dtype=float) + intercept if at is not None else ()
    fit = tuple(float(v) + 0.0 for v in fitted)
    return LineFit(float(slope) + 0.0, float(intercept) + 0.0, mse, fit)


@dataclass(frozen=True)
class Collapse:
    """Two linear layers, no activation between them, composed into one line.

    hidden = W1 x + b1 and out = W2 hidden + b2 give out = (W2 W1) x + (W2 b1 + b2):
    stacking linear layers adds parameters but never bends the line.
    """

    W1: tuple[float, ...]  # first layer, one weight per hidden unit
    b1: tuple[float, ...]
    W2: tuple[float, ...]  # second layer, one weight per hidden unit
    b2: float
    slope: float  # W2 . W1
    intercept: float  # W2 . b1 + b2
    fit: tuple[float, ...] = ()  # the two layers' output at the `at` inputs (a straight line)


def collapse_linear_layers(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: float,
                           at: np.ndarray | None = None) -> Collapse:
    W1, b1, W2 = (np.asarray(a, dtype=float).ravel() for a in (W1, b1, W2))
    # Layer by layer, as the network computes it (no activation between the layers).
    fit = () if at is None else tuple(
        float(v) + 0.0 for v in (np.outer(np.asarray(at, dtype=float), W1) + b1) @ W2 + b2)
    return Collapse(
        W1=tuple(map(float, W1)),
        b1=tuple(map(float, b1)),
        W2=tuple(map(float, W2)),
        b2=float(b2),
        slope=float(W2 @ W1),
        intercept=float(W2 @ b1 + b2),
        fit=fit,
    )
