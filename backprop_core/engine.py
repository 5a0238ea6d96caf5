"""A scalar reverse-mode autodiff engine (micrograd-sized) and the worked example's graph.

Each operation stores its local derivative on the edge to each input; `backward()`
walks the graph in reverse topological order and applies the chain rule
`input.grad += local * output.grad`. The chain-rule and backward slides draw exactly
this graph, so every node exposes its value and gradient and every edge its upstream
gradient, local gradient and their product.
"""

from __future__ import annotations

from dataclasses import dataclass

from .neuron import error as snapped_error

__all__ = ["Value", "GraphNode", "GraphEdge", "ComputationalGraph", "worked_graph"]


class Value:
    """A scalar in a computational graph."""

    def __init__(self, data: float, name: str = "", op: str = "",
                 inputs: tuple[tuple["Value", float], ...] = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.name = name
        self.op = op  # the operation that produced this value ("" for a leaf)
        self.inputs = inputs  # (input value, local derivative d self / d input)

    def __add__(self, other: "Value") -> "Value":
        return Value(self.data + other.data, op="+", inputs=((self, 1.0), (other, 1.0)))

    def __mul__(self, other: "Value") -> "Value":
        return Value(self.data * other.data, op="*",
                     inputs=((self, other.data), (other, self.data)))

    def __sub__(self, other: "Value") -> "Value":
        return Value(self.data - other.data, op="-", inputs=((self, 1.0), (other, -1.0)))

    def square(self) -> "Value":
        return Value(self.data**2, op="^2", inputs=((self, 2.0 * self.data),))

    def named(self, name: str) -> "Value":
        self.name = name
        return self

    def backward(self) -> list["Value"]:
        """Fill in every gradient of the loss; returns the nodes in topological order."""
        order: list[Value] = []
        seen: set[int] = set()

        def visit(node: Value) -> None:
            if id(node) not in seen:
                seen.add(id(node))
                for child, _ in node.inputs:
                    visit(child)
                order.append(node)

        visit(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for child, local in node.inputs:
                child.grad += local * node.grad
        return order

    def __repr__(self) -> str:
        return f"Value({self.name or self.op}={self.data:g}, grad={self.grad:g})"


@dataclass(frozen=True)
class GraphNode:
    name: str  # x, w, b, y, wx, y_hat, error, loss
    op: str  # "" for inputs and parameters, else "*", "+", "-", "^2"
    value: float  # forward value
    grad: float  # d loss / d node


@dataclass(frozen=True)
class GraphEdge:
    """An edge from an input node to the operation node that consumes it."""

    source: str
    target: str
    upstream: float  # d loss / d target: what arrives from the right
    local: float  # d target / d source: known from the forward pass alone
    product: float  # upstream * local: this edge's share of d loss / d source

    @property
    def name(self) -> str:
        return f"{self.source}->{self.target}"


@dataclass(frozen=True)
class ComputationalGraph:
    nodes: tuple[GraphNode, ...]  # in topological order, loss last
    edges: tuple[GraphEdge, ...]  # in the order backpropagation visits them

    def node(self, name: str) -> GraphNode:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def edge(self, source: str, target: str) -> GraphEdge:
        for edge in self.edges:
            if edge.source == source and edge.target == target:
                return edge
        raise KeyError((source, target))


def worked_graph(x: float, w: float, b: float, y: float) -> ComputationalGraph:
    """x, w -> mul -> add(b) -> y_hat; y, y_hat -> sub -> square -> loss, differentiated."""
    vx, vw, vb, vy = Value(x, "x"), Value(w, "w"), Value(b, "b"), Value(y, "y")
    wx = (vw * vx).named("wx")
    y_hat = (wx + vb).named("y_hat")
    err = (vy - y_hat).named("error")
    # Same round-off rule as the closed forms, so a prediction equal to its target
    # gives exactly zero gradients in both.
    err.data = snapped_error(y, y_hat.data)
    loss = err.square().named("loss")
    order = loss.backward()
    nodes = tuple(GraphNode(v.name, v.op, v.data, v.grad + 0.0) for v in order)
    edges = tuple(
        GraphEdge(child.name, node.name, node.grad + 0.0, local + 0.0, local * node.grad + 0.0)
        for node in reversed(order)
        for child, local in node.inputs
    )
    return ComputationalGraph(nodes=nodes, edges=edges)
