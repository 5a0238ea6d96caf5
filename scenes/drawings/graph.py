"""The worked neuron's computational graph, drawn from the core's autodiff engine (slides 5, 6).

    w ──► (×) wx ──► (+) ŷ ──► (−) y−ŷ ──► (²) loss     main row, left to right
        x ↘            b ↗        y ↘                  side inputs: x, y above, b below

The structure (which nodes, which op, which edges) is read from `lesson.graph`; every
number is a lesson fact set by the `FactMaker` it is given (a slide passes its
`typeset`), so the diagram holds symbols and geometry only and needs no scene. Labels
are created on demand and placed beside their node or edge but are not part of the
diagram group, so the scene can animate them in
(or fly a product onto a gradient label) without them showing early:

- `value_label(name)`: the forward value (below a node on the main row, beyond a side
  input);
- `grad_label(name)`: d loss / d node (above a node on the main row, beside a side
  input);
- `backward_arrow(source, target)`: the backward flow along an edge, right to left;
- `local_label(...)`: `× local` beside that arrow;
- `edge_equation(...)`: `upstream × local = product` for one edge.

Keys: a leaf's value is the given parameter (`worked_step.x`, as typed); a node's
gradient is the product on its one outgoing edge, which is the number that flows
into it (formatted as a gradient, as `worked_step.dloss_dw` is; the path
`graph.nodes.w.grad` would be formatted as a parameter, with 4 decimals); the local gradient
of an edge into a product is the other factor's value (d(wx)/dw is x, shown as x is).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    MathTex,
    Mobject,
    RoundedRectangle,
    VGroup,
)

from scenes.kit import notation, theme
from scenes.kit.formula import Formula, operand
from scenes.kit.placement import fit_width
from scenes.kit.typeset import FactMaker

__all__ = ["ComputationalGraphDiagram", "LAYOUT", "SYMBOLS", "OP_SYMBOLS"]

# (column, row) of each node: the main row is 0; side inputs enter from above (+1) or below (-1).
LAYOUT: dict[str, tuple[float, int]] = {
    "w": (0, 0), "x": (0.5, 1), "wx": (1, 0), "b": (1.5, -1), "y_hat": (2, 0),
    "y": (2.5, 1), "error": (3, 0), "loss": (4, 0),
}
SYMBOLS: dict[str, tuple[str, ...]] = {  # MathTex parts, coloured by notation.SYMBOL_COLORS
    "x": (notation.X,), "w": (notation.W,), "b": (notation.B,), "y": (notation.Y,),
    "wx": (notation.W, notation.X), "y_hat": (notation.Y_HAT,),
    "error": (notation.Y, "-", notation.Y_HAT), "loss": (notation.LOSS,),
}
OP_SYMBOLS = {"*": r"\times", "+": "+", "-": "-", "^2": r"(\,)^2"}
NODE_COLORS = {"x": theme.INPUT, "w": theme.PARAM, "b": theme.PARAM, "y": theme.TARGET,
               "wx": theme.TEXT, "y_hat": theme.PREDICTION, "error": theme.LOSS, "loss": theme.LOSS}
LABEL_SIZE = 28
EDGE_LABEL_SIZE = 26
LABEL_SLACK = 0.5  # how far a node's label may reach beyond its box, either side together


def _boundary(box: Mobject, towards: np.ndarray) -> np.ndarray:
    """Where the ray from the centre of a box (or a circle) towards a point leaves it."""
    centre = box.get_center()
    d = towards - centre
    if isinstance(box, Circle):
        return centre + d / np.linalg.norm(d) * box.width / 2
    hw, hh = box.width / 2, box.height / 2
    t = min(hw / abs(d[0]) if d[0] else np.inf, hh / abs(d[1]) if d[1] else np.inf)
    return centre + t * d


class GraphNode(VGroup):
    """A value box with its symbol; an operation's result also carries its op badge on the left."""

    def __init__(self, name: str, op: str, size: float = 1.0) -> None:
        super().__init__()
        color = NODE_COLORS[name]
        self.symbol = MathTex(*SYMBOLS[name], font_size=34 * size, color=color)
        for part, tex in zip(self.symbol.submobjects, SYMBOLS[name], strict=True):
            part.set_color(notation.SYMBOL_COLORS.get(tex, color))
        self.box = RoundedRectangle(corner_radius=0.12 * size, height=0.6 * size,
                                    width=max(0.7 * size, self.symbol.width + 0.36 * size),
                                    stroke_color=color, stroke_width=3, fill_color=theme.PANEL,
                                    fill_opacity=1)
        self.symbol.move_to(self.box)
        self.add(self.box, self.symbol)
        self.badge = None
        if op:
            self.op_symbol = MathTex(OP_SYMBOLS[op], font_size=26 * size, color=theme.TEXT)
            radius = max(0.22 * size, self.op_symbol.width / 2 + 0.07 * size)
            self.badge = Circle(radius, color=theme.MUTED,
                                stroke_width=2.5).set_fill(theme.BACKGROUND, 1)
            self.badge.next_to(self.box, LEFT, buff=0.06 * size)
            self.op_symbol.move_to(self.badge)
            self.add(self.badge, self.op_symbol)

    @property
    def inlet(self) -> Mobject:
        """Where edges arrive: the op badge, or the box of a leaf."""
        return self.badge if self.badge is not None else self.box


class _Uncopied:
    """Holds a service the drawing uses but does not own, so copies of the drawing (every
    Transform makes some) share it instead of deep-copying it; no `__dict__`, so Manim's
    cache key does not walk into it either."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __deepcopy__(self, memo: dict[int, Any]) -> _Uncopied:
        return self


class ComputationalGraphDiagram(VGroup):
    """The lesson's computational graph (`lesson.graph`); `facts` sets its numbers."""

    def __init__(self, graph: Any, facts: FactMaker, column_gap: float = 2.9, row_gap: float = 1.0,
                 size: float = 1.0, side_values: str = "outside") -> None:
        """`size` scales boxes and fonts; `side_values` puts the values of the side inputs
        (x, b, y) "outside" (above the top ones, below b) or to their "left"."""
        super().__init__()
        self.size, self.side_values = size, side_values
        self._facts = _Uncopied(facts)
        self.ops = {node.name: node.op for node in graph.nodes}
        self.outgoing: dict[str, list[str]] = {name: [] for name in self.ops}
        self.edge_pairs = [(edge.source, edge.target) for edge in graph.edges]
        for source, target in self.edge_pairs:
            self.outgoing[source].append(target)
        self.nodes: dict[str, GraphNode] = {}
        for name, op in self.ops.items():
            column, row = LAYOUT[name]
            node = self.nodes[name] = GraphNode(name, op, size)
            node.move_to(np.array([(column - 2) * column_gap, row * row_gap, 0]))
            # centre the box, not the badge
            node.shift((node.get_center() - node.box.get_center()) * RIGHT)
        self.arrows: dict[tuple[str, str], Arrow] = {}
        for source, target in self.edge_pairs:
            self.arrows[(source, target)] = self._arrow(source, target, theme.MUTED)
        self.add(VGroup(*self.arrows.values()), VGroup(*self.nodes.values()))
        self._labels: dict[tuple[str, ...], Mobject] = {}

    @property
    def facts(self) -> FactMaker:
        return self._facts.value

    # ----- geometry ----------------------------------------------------------------

    def _ends(self, source: str, target: str) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.nodes[source].box, self.nodes[target].inlet
        return _boundary(a, b.get_center()), _boundary(b, a.get_center())

    def _arrow(self, source: str, target: str, color: str, backward: bool = False,
               offset: float = 0.0) -> Arrow:
        start, end = self._ends(source, target)
        normal = self.label_side(source, target)
        start, end = start + offset * normal, end + offset * normal
        if backward:
            start, end = end, start
        return Arrow(start, end, buff=0.04, color=color, stroke_width=3 if not backward else 4,
                     max_tip_length_to_length_ratio=0.12, tip_length=0.18)

    def row(self, name: str) -> int:
        return LAYOUT[name][1]

    def label_side(self, source: str, target: str) -> np.ndarray:
        """The unit normal on the side of an edge that has room for its labels: away from
        the side input entering the same node (main row), outward for a side input."""
        start, end = (self.nodes[source].get_center(), self.nodes[target].get_center())
        d = (end - start) / np.linalg.norm(end - start)
        normal = np.array([-d[1], d[0], 0.0])  # left of the direction of travel
        if self.row(source) != 0:  # a side input: the side facing away from the main row's start
            return normal if normal[0] > 0 else -normal
        side_inputs = [s for s, t in self.edge_pairs if t == target and self.row(s) != 0]
        return DOWN if side_inputs and self.row(side_inputs[0]) > 0 else UP

    # ----- labels (lesson facts, set by the fact maker) ------------------------------

    def value_key(self, name: str) -> str:
        return f"worked_step.{name}" if not self.ops[name] else f"graph.nodes.{name}.value"

    def grad_key(self, name: str) -> str:
        targets = self.outgoing[name]
        if len(targets) == 1:
            return f"graph.edges.{name}->{targets[0]}.product"
        return f"graph.nodes.{name}.grad"

    def edge_key(self, source: str, target: str, field: str) -> str:
        return f"graph.edges.{source}->{target}.{field}"

    def local_key(self, source: str, target: str) -> str:
        """The local gradient of an edge. Into a product it *is* the other factor's forward
        value (d(wx)/dw = x), so it is shown as that value, written as the value is."""
        if self.ops[target] == "*":
            other = next(s for s, t in self.edge_pairs if t == target and s != source)
            return self.value_key(other)
        return self.edge_key(source, target, "local")

    def value_label(self, name: str) -> Mobject:
        """The forward value of a node: below it on the main row, beyond it for a side input."""
        if ("value", name) not in self._labels:
            color = NODE_COLORS[name] if name != "wx" else theme.TEXT
            label = self.facts.tex("@v", v=self.value_key(name), font_size=LABEL_SIZE * self.size,
                                   color=color)
            box, row = self.nodes[name].box, self.row(name)
            # long numbers must not reach the next node's labels
            fit_width(label, box.width + LABEL_SLACK * self.size)
            if row != 0 and self.side_values == "left":
                label.next_to(box, LEFT, buff=0.12)
            else:
                label.next_to(box, DOWN if row <= 0 else UP, buff=0.1)
            self._labels[("value", name)] = label
        return self._labels[("value", name)]

    def grad_label(self, name: str) -> Mobject:
        """d loss / d node, in the gradient colour: above a main-row node, beside a side input."""
        if ("grad", name) not in self._labels:
            label = self.facts.tex("@g", g=self.grad_key(name), font_size=LABEL_SIZE * self.size,
                                   color=theme.GRADIENT)
            node = self.nodes[name]
            fit_width(label, node.box.width + LABEL_SLACK * self.size)
            if self.row(name) == 0:
                label.next_to(node.box, UP, buff=0.1)
            else:
                label.next_to(node.box, LEFT, buff=0.15)
            self._labels[("grad", name)] = label
        return self._labels[("grad", name)]

    def backward_arrow(self, source: str, target: str) -> Arrow:
        """An orange arrow beside the edge, pointing from the consumer back to its input."""
        if ("back", source, target) not in self._labels:
            self._labels[("back", source, target)] = self._arrow(
                source, target, theme.GRADIENT, backward=True, offset=0.14)
        return self._labels[("back", source, target)]

    def local_label(self, source: str, target: str) -> Mobject:
        """`× local` beside the backward arrow of an edge."""
        if ("local", source, target) not in self._labels:
            key = self.local_key(source, target)
            value = self.facts.lookup(key)
            label = self.facts.tex(r"\times", operand(value, "l"), l=key,
                                   font_size=EDGE_LABEL_SIZE * self.size, color=theme.GRADIENT)
            arrow = self.backward_arrow(source, target)
            fit_width(label, 0.8 * arrow.get_length())  # stays between the two nodes' own labels
            side = self.label_side(source, target)
            label.next_to(arrow.get_center(), side, buff=0.12)
            self._labels[("local", source, target)] = label
        return self._labels[("local", source, target)]

    def edge_equation(self, source: str, target: str, name: str,
                      font_size: float = theme.TEX_SIZE) -> Formula:
        """`name = upstream × local = product` for one edge, where `name` is the LaTeX of
        d loss / d source; the three numbers are the parts "@u", "@l" and "@p"."""
        keys = {f: self.edge_key(source, target, f) for f in ("upstream", "product")}
        keys["local"] = self.local_key(source, target)
        local = self.facts.lookup(keys["local"])
        return self.facts.tex(name, "=", "@u", r"\;\times\;", operand(local, "l"), r"\;=\;", "@p",
                              font_size=font_size, color=theme.GRADIENT, u=keys["upstream"],
                              l=keys["local"], p=keys["product"])

    def labels(self) -> VGroup:
        """Every label and backward arrow created so far (to move or fade with the graph)."""
        return VGroup(*self._labels.values())
