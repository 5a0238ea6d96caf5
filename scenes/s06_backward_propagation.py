"""Slide 6 — Backward Propagation: computing the gradient.

The worked example on the core's computational graph: the forward values, then the
gradient flowing right to left, each edge multiplying the upstream gradient by its
local gradient, down to d loss / d w and d loss / d b; the update with the learning
rate, and a forward pass with the new parameters showing what one step saved.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circumscribe,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    Succession,
    VGroup,
    Write,
)

from lecture.i18n import N_
from scenes import wording
from scenes.drawings.graph import ComputationalGraphDiagram
from scenes.kit import notation, theme
from scenes.kit.formula import Fly, hide, operand, reveal
from scenes.kit.placement import fit_width
from scenes.kit.slide import SlideScene, beat

WIDTH = theme.CONTENT_RIGHT - theme.CONTENT_LEFT
FORWARD_Y = 1.68  # the forward line, under the header
GRAPH_Y = -0.15  # the graph's main row
LEDGER_Y = -2.3  # the edge being computed
RESULT_Y = -2.0  # d loss / d w and d loss / d b, under the graph
COLUMNS = (-3.4, 3.4)  # w's column and b's column once the graph has gone
NAMES = {"error": notation.partial(notation.LOSS, r"(y-\hat{y})"), "y_hat": notation.DLOSS_DYHAT,
         "wx": notation.partial(notation.LOSS, "(wx)"), "b": notation.DLOSS_DB,
         "w": notation.DLOSS_DW}
STEP = "worked_step"


class BackwardPropagation(SlideScene):
    slide_number = 6

    def construct(self) -> None:
        self.forward_pass()
        self.backward_to_prediction()
        self.backward_to_parameters()
        self.read_gradients()
        self.update_parameters()
        self.new_forward_pass()

    @beat
    def forward_pass(self) -> None:
        keys = {k: f"{STEP}.{k}" for k in ("x", "w", "b", "y_hat", "y", "loss")}
        with self.narrate("Forward pass: with x @x, w @w and b @b, y-hat is @y_hat, "
                          "and against y @y the loss is @loss.", **keys):
            self.show_chrome()
            self.graph = g = ComputationalGraphDiagram(self.lesson.graph, self.typeset,
                                                       row_gap=0.9).shift(GRAPH_Y * UP)
            line = self.forward_line = fit_width(self.tex(
                notation.X, "=", "@x", ",", notation.W, "=", "@w", ",", notation.B, "=", "@b",
                r"\;\rightarrow\;", notation.Y_HAT, "=", "@y_hat", ",", notation.Y, "=", "@y", ",",
                notation.LOSS, "=", "@loss", font_size=36, **keys), WIDTH).move_to(FORWARD_Y * UP)
            values = [g.value_label(n) for n in ("x", "w", "b", "y", "wx", "y_hat", "error",
                                                 "loss")]
            self.play(FadeIn(g, lag_ratio=0.1), run_time=1.5)
            self.play(LaggedStart(*(FadeIn(v, shift=0.1 * RIGHT) for v in values), lag_ratio=0.25),
                      Write(line), run_time=2.5)

    def flow(self, source: str, target: str) -> None:
        """One edge, right to left: upstream (at the target) × local (on the edge) = product,
        which becomes the gradient at the source."""
        g = self.graph
        ledger = hide(fit_width(g.edge_equation(source, target, NAMES[source]),
                                WIDTH)).move_to(LEDGER_Y * UP)
        tags = VGroup(*(self.label(word, font_size=theme.TINY_SIZE).move_to(ledger.part(name))
                        .set_y(ledger.get_bottom()[1] - 0.2)
                        for word, name in ((N_("upstream"), "@u"), (N_("local"), "@l"),
                                           (N_("product"), "@p"))))
        arrow, local = g.backward_arrow(source, target), g.local_label(source, target)
        grad = g.grad_label(source)
        old = [m for m in (getattr(self, "ledger", None), getattr(self, "tags", None)) if m]
        self.play(GrowArrow(arrow), FadeIn(local), *(FadeOut(m) for m in old), run_time=0.6)
        self.add(ledger)
        self.play(*(reveal(part) for part in ledger.parts_except("@u", "@l", "@p")),
                  FadeIn(tags), run_time=0.4)
        # One factor at a time, so the two copies never cross; the product once both are in.
        self.play(Succession(Fly(g.grad_label(target), ledger.part("@u")),
                             Fly(local, ledger.part("@l"))), run_time=1.0)
        self.play(reveal(ledger.part("@p"), 0.3 * LEFT), run_time=0.4)
        self.play(Fly(ledger.part("@p"), grad), run_time=0.7)
        self.add(grad)
        self.ledger, self.tags = ledger, tags

    @beat
    def backward_to_prediction(self) -> None:
        with self.narrate("Now backward, right to left: start with @one at the "
                          "loss, and let each edge multiply upstream by local; at "
                          "y-hat that gives @g.",
                          one=self.graph.grad_key("loss"), g=self.graph.grad_key("y_hat")):
            start = self.graph.grad_label("loss")
            self.play(FadeIn(start, scale=1.4), Circumscribe(self.graph.nodes["loss"],
                                                             color=theme.GRADIENT))
            self.flow("error", "loss")
            self.flow("y_hat", "error")

    @beat
    def backward_to_parameters(self) -> None:
        with self.narrate("Continuing to the parameters gives the gradients "
                          "dloss/dw = @gw and dloss/db = @gb.",
                          gw=f"{STEP}.dloss_dw", gb=f"{STEP}.dloss_db"):
            self.flow("wx", "y_hat")
            self.flow("b", "y_hat")
            self.flow("w", "wx")

    @beat
    def read_gradients(self) -> None:
        v = self.lesson.verdicts
        grads = {"w": f"{STEP}.dloss_dw", "b": f"{STEP}.dloss_db"}
        rules = [(t, {"g": grads[p]} if p else {})
                 for t, p in wording.parameter_rules(v.w_direction, v.b_direction)]
        # Each rule in the slide's language, its gradient filled; the beat says them together.
        with self.narrate(" ".join(self.say(self.tr(t), **k) for t, k in rules)):
            self.results = VGroup(*(
                hide(fit_width(self.tex(NAMES[p], "=", "@g", g=grads[p], font_size=36),
                               WIDTH / 2 - 0.4)).move_to([x, RESULT_Y, 0])
                for p, x in (("w", COLUMNS[0]), ("b", COLUMNS[1]))))
            size = 24 if len(rules) == 1 else 22
            self.rules = VGroup(*(fit_width(self.text(t, font_size=size, color=theme.EMPHASIS, **k),
                                            WIDTH - 0.2)
                                  for t, k in rules)).arrange(DOWN, buff=0.1)
            self.rules.next_to(self.results, DOWN, buff=0.22).set_x(0)
            self.fit_under_graph(VGroup(self.results, self.rules))
            self.play(FadeOut(self.ledger), FadeOut(self.tags), run_time=0.6)
            self.add(self.results)
            self.play(*(reveal(part) for r in self.results for part in r.parts_before("@g")),
                      run_time=0.5)
            self.play(*(Fly(self.graph.grad_label(p), r.part("@g"))
                        for p, r in zip("wb", self.results, strict=True)), run_time=1.2)
            self.play(FadeIn(self.rules, shift=0.1 * UP), run_time=0.8)

    def fit_under_graph(self, stack: VGroup) -> None:
        """Tall numbers on the graph (b's value label reaches lowest) push the results down;
        the room left above the footer then decides their size."""
        graph_bottom = VGroup(self.graph, self.graph.labels()).get_bottom()[1]
        top = min(stack.get_top()[1], graph_bottom - 0.12)
        room = top - theme.CONTENT_BOTTOM - 0.05
        if stack.height > room:
            stack.scale(room / stack.height)
        stack.shift((top - stack.get_top()[1]) * UP)

    @beat
    def update_parameters(self) -> None:
        keys = {"lr": f"{STEP}.lr", "w": f"{STEP}.w", "b": f"{STEP}.b", "gw": f"{STEP}.dloss_dw",
                "gb": f"{STEP}.dloss_db", "w1": f"{STEP}.w_next", "b1": f"{STEP}.b_next"}
        with self.narrate("With lr = @lr, each parameter steps against its gradient: "
                          "w becomes @w1 and b becomes @b1.", **keys):
            lr = fit_width(self.tex(notation.LR, "=", "@lr", lr=keys["lr"]),
                           WIDTH).move_to(0.72 * DOWN)
            updates = VGroup(*(
                fit_width(self.tex(notation.W if p == "w" else notation.B, ":=", "@p", "-", "(@lr)",
                             "(@g)", "=", "@n", p=keys[p], lr=keys["lr"], g=keys["g" + p],
                             n=keys[p + "1"]), WIDTH / 2 - 0.4).move_to([x, -1.4, 0])
                for p, x in (("w", COLUMNS[0]), ("b", COLUMNS[1]))))
            for update in updates:
                update.color_parts({"@lr": theme.LEARNING_RATE, "@g": theme.GRADIENT,
                                    "@n": theme.PARAM})
            self.play(FadeOut(self.graph), FadeOut(self.graph.labels()), run_time=0.8)
            self.play(self.results.animate.set_y(0.8), self.rules.animate.set_y(-0.02),
                      run_time=0.8)
            self.play(FadeIn(lr, shift=0.1 * DOWN), run_time=0.6)
            self.play(LaggedStart(*(FadeIn(u, shift=0.2 * DOWN) for u in updates), lag_ratio=0.4),
                      run_time=1.2)

    @beat
    def new_forward_pass(self) -> None:
        step = self.lesson.worked_step
        trend = self.lesson.verdicts.step_trend
        keys = {"new": f"{STEP}.loss_next", "old": f"{STEP}.loss", "drop": f"{STEP}.loss_drop"}
        with self.narrate(wording.LOSS_CHANGE_SPOKEN[trend], **keys):
            fkeys = {"w1": f"{STEP}.w_next", "x": f"{STEP}.x", "b1": f"{STEP}.b_next",
                     "yh": f"{STEP}.y_hat_next"}
            forward = self.tex(notation.Y_HAT, "=", "@w1", r"\times", operand(step.x, "x"), "+",
                               operand(step.b_next, "b1"), "=", "@yh", **fkeys)
            fit_width(forward, WIDTH).move_to(2.1 * DOWN)
            forward.color_parts({"@w1": theme.PARAM, "@x": theme.INPUT, "@b1": theme.PARAM,
                                 "@yh": theme.PREDICTION})
            color = theme.TREND_COLORS[trend]
            line = self.text(wording.LOSS_CHANGE[trend], font_size=30, color=color, **keys)
            # The line's own arrow character (the outline's) says which way the loss went.
            fit_width(line, WIDTH).move_to(2.9 * DOWN)
            self.play(FadeIn(forward, shift=0.1 * DOWN), run_time=0.8)
            self.play(FadeIn(line), run_time=1.0)
            self.play(Circumscribe(line, color=color), run_time=1.0)
