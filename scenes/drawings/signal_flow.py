"""Signals travelling through the full-picture network only where they really flow.

Forward, the input reaches every hidden neuron, but a ReLU unit that is off (its
activation is 0) sends nothing on; backward, the error reaches every hidden neuron,
but an off unit passes no gradient to its incoming weight. `flow` lights exactly the
edges that carry a non-zero signal in the lesson's pass trace.
"""

from __future__ import annotations

from typing import Any, Sequence

from manim import AnimationGroup, Line, ShowPassingFlash, Succession, Wait

from scenes.kit import theme

__all__ = ["flow", "forward_flow", "backward_flow"]


def flow(net: Any, live_in: Sequence[bool], live_out: Sequence[bool], backward: bool = False,
         color: str | None = None, run_time: float = 1.6) -> Succession:
    """Flashes along `net.edges_in` where `live_in`, then `net.edges_out` where `live_out`
    (the other way round, right to left, if `backward`)."""
    color = color or (theme.GRADIENT if backward else theme.ACTIVATION)
    stages = [(net.edges_in, live_in), (net.edges_out, live_out)]
    if backward:
        stages.reverse()
    steps = []
    for edges, live in stages:
        flashes = []
        for edge, on in zip(edges, live, strict=True):
            if not on:
                continue
            start, end = (edge.get_end(), edge.get_start()) if backward else (edge.get_start(),
                                                                              edge.get_end())
            flashes.append(ShowPassingFlash(Line(start, end).set_stroke(color, width=7, opacity=1),
                                            time_width=0.6))
        steps.append(AnimationGroup(*flashes, run_time=run_time / 2) if flashes
                     else Wait(run_time / 2))
    return Succession(*steps)


def forward_flow(net: Any, trace: Any, run_time: float = 1.6) -> Succession:
    """The forward pass of `trace` (the lesson's `network.trace`): every unit hears the
    input; only units that fire (a1 > 0) pass it on."""
    return flow(net, [True] * len(trace.a1), [a > 0 for a in trace.a1], run_time=run_time)


def backward_flow(net: Any, trace: Any, run_time: float = 1.6) -> Succession:
    """The backward pass of `trace`: the error reaches every unit (da1); only units that
    fired pass it on to their incoming weight (dz1 != 0)."""
    return flow(net, [d != 0 for d in trace.dz1], [d != 0 for d in trace.da1], backward=True,
                run_time=run_time)
