"""The lesson: every value the lecture shows, computed once from the parameters."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .activations import (
    ActivationCurve,
    Collapse,
    LineFit,
    activation_curves,
    collapse_linear_layers,
    fit_line,
)
from .descent import Descent, descend
from .engine import ComputationalGraph, worked_graph
from .formatting import format_fact
from .network import Network, train_network
from .neuron import WorkedStep, worked_step
from .nudge import Nudge, nudge
from .params import Params
from .verdicts import Verdicts, judge

__all__ = ["Activations", "Lesson", "build_lesson", "resolve"]


@dataclass(frozen=True)
class Activations:
    relu: ActivationCurve
    leaky_relu: ActivationCurve
    sigmoid: ActivationCurve
    tanh: ActivationCurve
    collapse: Collapse  # the full-picture network's initial layers without the ReLU
    line_fit: LineFit  # the best straight line through the network's data set


@dataclass(frozen=True)
class Lesson:
    params: Params
    worked_step: WorkedStep  # slides 2, 3, 5, 6
    graph: ComputationalGraph  # slides 5, 6: the same numbers by automatic differentiation
    descent: Descent  # slides 3, 4
    activations: Activations  # slide 7
    network: Network  # slides 1, 7, 8
    nudge: Nudge  # slide 5: nudge w, predict with the chain rule, recompute
    verdicts: Verdicts  # every classification a sentence depends on (verdicts.py)

    def lookup(self, path: str) -> Any:
        """The value at a dotted path such as 'descent.steps.3.loss' or 'graph.nodes.loss.grad'."""
        value: Any = self
        for part in path.split("."):
            value = resolve(value, part, path)
        return value

    def shown(self, path: str):
        """The field at `path` as the video writes it."""
        return format_fact(path, self.lookup(path))

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        # Derived properties the slides read are part of the record too.
        data["descent"]["curve_w"] = data["descent"]["curves_w"][0]
        data["network"]["initial_loss"] = self.network.initial_loss
        data["network"]["final_loss"] = self.network.final_loss
        data["shown"] = {
            "worked_step": {key: self.shown(f"worked_step.{key}").text
                            for key in data["worked_step"]}
        }
        return data


def resolve(obj: Any, part: str, path: str = "") -> Any:
    """One step of a lesson path: an index, a named element of a tuple, or an attribute."""
    if isinstance(obj, (tuple, list)):
        if part.isdigit():
            index = int(part)
            if index < len(obj):
                return obj[index]
        else:
            for item in obj:
                if getattr(item, "name", None) == part:
                    return item
    elif not part.startswith("_") and hasattr(obj, part):
        return getattr(obj, part)
    raise KeyError(f"the lesson has no field '{path or part}' (no '{part}' there)")


def build_lesson(params: Params | None = None) -> Lesson:
    params = params or Params()
    p = params
    network = train_network(p.hidden, p.epochs, p.net_lr, p.seed)
    W1, b1, W2, b2 = network.initial.arrays()
    data_x, data_y = np.array(network.data_x), np.array(network.data_y)
    fit_xs = np.array(network.fit_xs)  # slide 7 draws both lines where the network's fit is drawn
    curves = {curve.name: curve for curve in activation_curves()}
    step = worked_step(p.x, p.w, p.b, p.y, p.lr)
    descent = descend(p.x, p.y, p.w, p.b, p.lr, p.steps)
    line_fit = fit_line(data_x, data_y, at=fit_xs)
    nudged = nudge(p.x, p.w, p.b, p.y)
    lesson = Lesson(
        params=params,
        worked_step=step,
        graph=worked_graph(p.x, p.w, p.b, p.y),
        descent=descent,
        activations=Activations(
            **curves,
            collapse=collapse_linear_layers(W1, b1, W2, b2, at=fit_xs),
            line_fit=line_fit,
        ),
        network=network,
        nudge=nudged,
        verdicts=judge(step, descent, nudged, network, line_fit),
    )
    _check_finite(lesson)
    return lesson


def _check_finite(lesson: Lesson) -> None:
    """Parameter bounds keep every value finite; this guards the guarantee."""

    def walk(value: Any, path: str) -> None:
        if dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name), f"{path}.{field.name}".lstrip("."))
        elif isinstance(value, (tuple, list)):
            for index, item in enumerate(value):
                walk(item, f"{path}.{index}")
        elif isinstance(value, float) and not math.isfinite(value):
            raise FloatingPointError(f"lesson value '{path}' is {value}")

    walk(lesson, "")
