"""The reverse-mode engine: its graph, its agreement with the closed forms and with
finite differences, and the Value class on its own."""

from __future__ import annotations

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
from hypothesis import strategies as st

from backprop_core.engine import Value, worked_graph
from backprop_core.neuron import worked_step

EDGES = [("w", "wx"), ("x", "wx"), ("wx", "y_hat"), ("b", "y_hat"), ("y", "error"),
         ("y_hat", "error"), ("error", "loss")]
OPS = {"x": "", "w": "", "b": "", "y": "", "wx": "*", "y_hat": "+", "error": "-", "loss": "^2"}


def _graph(p):
    return worked_graph(p["x"], p["w"], p["b"], p["y"])


def test_graph_shape():
    g = worked_graph(2.1, 1.0, 0.0, 4.0)
    assert {n.name: n.op for n in g.nodes} == OPS
    assert sorted((e.source, e.target) for e in g.edges) == sorted(EDGES)
    assert g.nodes[-1].name == "loss"
    position = {n.name: i for i, n in enumerate(g.nodes)}
    for e in g.edges:  # topological: every input before the operation that consumes it
        assert position[e.source] < position[e.target]
    # Backpropagation visits the edges from the loss backwards.
    assert (g.edges[0].source, g.edges[0].target) == ("error", "loss")
    assert [position[e.target] for e in g.edges] == sorted(
        (position[e.target] for e in g.edges), reverse=True)
    assert g.edge("w", "wx").name == "w->wx"
    with pytest.raises(KeyError):
        g.node("z")
    with pytest.raises(KeyError):
        g.edge("x", "loss")


def test_outline_numbers_by_automatic_differentiation():
    g = worked_graph(2.1, 1.0, 0.0, 4.0)
    assert g.node("y_hat").value == 2.1
    assert g.node("loss").value == pytest.approx(3.61, rel=1e-14)
    assert g.node("loss").grad == 1.0
    assert g.node("error").grad == pytest.approx(3.8, rel=1e-14)
    assert g.node("y_hat").grad == pytest.approx(-3.8, rel=1e-14)
    assert g.node("w").grad == pytest.approx(-7.98, rel=1e-14)
    assert g.node("b").grad == pytest.approx(-3.8, rel=1e-14)
    edge = g.edge("w", "wx")
    assert (edge.upstream, edge.local) == (pytest.approx(-3.8, rel=1e-14), 2.1)


@given(neuron_params())
@SETTINGS
def test_engine_agrees_with_the_closed_forms(p):
    """Both compute (-2 e) * x with the same roundings, so they agree exactly, not nearly."""
    g, s = _graph(p), worked_step(**p)
    assert g.node("y_hat").value == s.y_hat
    assert g.node("loss").value == s.loss
    assert g.node("error").value == s.error
    assert g.node("y_hat").grad == s.dloss_dyhat
    assert g.node("wx").grad == s.dloss_dyhat
    assert g.node("w").grad == s.dloss_dw
    assert g.node("b").grad == s.dloss_db
    assert g.edge("w", "wx").local == s.dyhat_dw
    assert g.edge("b", "y_hat").local == s.dyhat_db
    assert g.node("x").grad == s.dloss_dyhat * s.w + 0.0
    assert g.node("y").grad == -s.dloss_dyhat + 0.0


@given(neuron_params())
@SETTINGS
def test_every_edge_carries_upstream_local_and_their_product(p):
    g = _graph(p)
    x, w = p["x"], p["w"]
    expected_local = {("w", "wx"): x, ("x", "wx"): w, ("wx", "y_hat"): 1.0, ("b", "y_hat"): 1.0,
                      ("y", "error"): 1.0, ("y_hat", "error"): -1.0,
                      ("error", "loss"): 2.0 * g.node("error").value}
    for e in g.edges:
        assert e.local == expected_local[(e.source, e.target)] + 0.0
        assert e.upstream == g.node(e.target).grad
        assert e.product == e.upstream * e.local + 0.0
        # Each node feeds one operation here, so its gradient is that edge's product.
        assert g.node(e.source).grad == e.product
    for n in g.nodes:
        assert math.isfinite(n.value) and math.isfinite(n.grad)
        if n.grad == 0:
            assert math.copysign(1.0, n.grad) == 1.0, n.name
    for e in g.edges:
        for v in (e.upstream, e.local, e.product):
            if v == 0:
                assert math.copysign(1.0, v) == 1.0, e.name


@pytest.mark.parametrize("leaf", ["x", "w", "b", "y"])
@given(p=neuron_params())
# An error of 1.00009e-12 against a snapping threshold of 1e-12: the w - h evaluation snaps.
@example(p={"x": 1e-12, "w": 1.0, "b": 1.0, "y": 1.0, "lr": 1.0})
@SETTINGS
def test_engine_gradients_match_central_differences(leaf, p):
    """Differentiate the engine's own forward value numerically, leaf by leaf.

    The loss is quadratic in each leaf, so only round-off (and the snapping rule) separates
    the two; the bound is derived in core_strategies.loss_fd_tolerance.
    """
    g = _graph(p)
    at = p[leaf]
    h = relative_step(at)

    def loss(v: float) -> float:
        return _graph({**p, leaf: v}).node("loss").value

    numeric = central_difference(loss, at, h)
    analytic = g.node(leaf).grad
    chain = {"x": abs(p["w"]), "w": abs(p["x"]), "b": 1.0, "y": 1.0}[leaf]
    scale = abs(p["y"]) + (abs(p["w"]) + h) * (abs(p["x"]) + h) + abs(p["b"]) + h
    tol = loss_fd_tolerance(g.node("error").value, scale, h, at, analytic, chain)
    assert abs(numeric - analytic) <= tol, (numeric, analytic, tol)


def test_degenerate_graphs():
    g = worked_graph(0.0, 3.0, 1.0, 4.0)  # x = 0: w gets no gradient
    assert g.node("w").grad == 0.0 and math.copysign(1.0, g.node("w").grad) == 1.0
    assert g.node("b").grad == -6.0
    g = worked_graph(3.0, 0.1, 0.0, 0.3)  # on target up to round-off: every gradient 0
    assert g.node("loss").value == 0.0
    assert all(n.grad == 0.0 for n in g.nodes if n.name != "loss")
    assert all(e.product == 0.0 for e in g.edges)


# --- the Value class on its own -----------------------------------------------------------

finite = st.floats(-100, 100, allow_nan=False, allow_infinity=False)


@given(finite, finite)
@SETTINGS
def test_value_operations_and_their_local_derivatives(a, b):
    va, vb = Value(a, "a"), Value(b, "b")
    out = (va * vb + va - vb).square()
    out.backward()
    inner = a * b + a - b
    assert out.data == inner**2
    assert va.grad == pytest.approx(2 * inner * (b + 1), rel=1e-12, abs=1e-9)
    assert vb.grad == pytest.approx(2 * inner * (a - 1), rel=1e-12, abs=1e-9)
    assert out.grad == 1.0


@given(finite)
@SETTINGS
def test_a_value_used_twice_accumulates_its_gradient(a):
    va = Value(a, "a")
    (va * va).backward()
    assert va.grad == 2 * a
    vb = Value(a, "b")
    (vb + vb + vb).backward()
    assert vb.grad == 3.0


def test_backward_twice_gives_the_same_gradients():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    out = (a * b).square()
    order = out.backward()
    first = (a.grad, b.grad)
    out.backward()
    assert (a.grad, b.grad) == first == (2 * (-6.0) * -3.0, 2 * (-6.0) * 2.0)
    assert [v.name for v in order[:2]] == ["a", "b"] and order[-1] is out
    assert "grad=" in repr(a)


@given(finite, finite, finite)
@SETTINGS
def test_value_engine_matches_central_differences(a, b, c):
    def f(x: float, y: float, z: float) -> Value:
        return ((Value(x) * Value(y) - Value(z)).square() + Value(x) * Value(z))

    va, vb, vc = Value(a), Value(b), Value(c)
    out = (va * vb - vc).square() + va * vc
    out.backward()
    for index, (v, at) in enumerate(((va, a), (vb, b), (vc, c))):
        h = relative_step(at)
        args = [a, b, c]

        def g(t: float, args: list[float] = args, index: int = index) -> float:
            args[index] = t
            return f(*args).data

        numeric = central_difference(g, at, h)
        scale = (abs(a) + h) * (abs(b) + h) + abs(c) + h
        # Quadratic in each argument: round-off only, of order eps * scale^2 / h.
        assert abs(numeric - v.grad) <= 8 * EPS * (scale**2 + scale) / h + 1e-12 * abs(v.grad)
