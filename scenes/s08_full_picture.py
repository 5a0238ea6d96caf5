"""Slide 8 - Why Backpropagation Makes Learning Possible: The Full Picture.

The training loop as a cycle; one real forward and backward pass through the small
network, layer by layer, for the data point it gets most wrong; then training, drawn
from the real per-epoch loss history and weight snapshots; the takeaways last.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedVMobject,
    FadeIn,
    FadeOut,
    LaggedStart,
    ReplacementTransform,
    Transform,
    VGroup,
)

from lecture.i18n import N_
from scenes.checks.paused_frames import cross_fade
from scenes.drawings.network import fitted_network
from scenes.drawings.plot import Plot, padded
from scenes.drawings.training_loop import TrainingLoop
from scenes.drawings.unit_table import unit_table
from scenes.kit import notation, theme
from scenes.kit.placement import align_optically, fit_width, shift_to_x
from scenes.kit.slide import SlideScene, beat
from scenes.wording import DEAD_UNITS, TRAINING, closing_sentence, training_fit_sentence

LINE_WIDTH = theme.CONTENT_RIGHT - theme.CONTENT_LEFT - 0.2  # a full-width line, with air
ROWS_TOP = 1.0  # the highest the first hidden unit's row may sit in the single pass
ROWS_MIDDLE = -0.1  # a short table is centred on this height
LINE_Y = -1.8  # height of the forward pass's result line
COLORS = {"W_2": theme.PARAM, "b_2": theme.PARAM, "a_1": theme.ACTIVATION}
GRAD = r"\frac{\partial \mathrm{loss}}{\partial %s}"
TAKEAWAYS = (
    (N_("Forward pass:"), N_("weights turn an input into a prediction"), theme.PREDICTION),
    (N_("Loss:"), N_("one number for how wrong the prediction is"), theme.LOSS),
    (N_("Backpropagation:"), N_("the chain rule, upstream × local, layer by layer"),
     theme.GRADIENT),
    (N_("Gradient descent:"), N_("step every weight against its gradient"),
     theme.LEARNING_RATE),
    (N_("Activations:"), N_("let the network bend; their slopes carry the gradient"),
     theme.ACTIVATION),
)


class FullPicture(SlideScene):
    slide_number = 8

    def construct(self) -> None:
        self.the_loop()
        self.forward_pass()
        self.backward_pass()
        self.training()
        self.the_fit()
        self.takeaways()

    # ----- beats --------------------------------------------------------------------

    @beat
    def the_loop(self) -> None:
        n = self.lesson.params.epochs
        centre = VGroup(self.label("repeat", font_size=theme.BODY_SIZE),
                        self.text(N_("× @n epoch", plural="× @n epochs"), count=n,
                                  n="params.epochs", color=theme.MUTED,
                                  font_size=theme.SMALL_SIZE)).arrange(DOWN, buff=0.12)
        self.loop = TrainingLoop(radius_x=3.7, radius_y=1.75, centre=centre).move_to([0, -0.72, 0])
        with self.narrate(N_("Training is one loop: forward pass, loss, backward pass, update, "
                             "and repeat, here for @n epoch.",
                             plural="Training is one loop: forward pass, loss, backward pass, "
                                    "update, and repeat, here for @n epochs."),
                          count=n, n="params.epochs"):
            self.show_chrome()
            self.play(FadeIn(self.loop.cards, lag_ratio=0.2), Create(self.loop.arrows),
                      run_time=1.5)
            self.play(FadeIn(centre), run_time=0.4)
            for stage in self.loop.go_around():
                self.play(stage, run_time=0.8)

    @beat
    def forward_pass(self) -> None:
        net, t = self.lesson.network, self.lesson.network.trace
        hidden = len(t.z1)
        self.net = fitted_network(net.initial, width=2.2, height=2.68, spacing=0.7, radius=0.24,
                                  radius_share=0.4, labels=True)
        self.net.shift(RIGHT * (theme.CONTENT_LEFT + 0.1 - self.net.get_left()[0]))
        top = min(ROWS_TOP, ROWS_MIDDLE + self.net.spread / 2)  # of the first unit's row
        self.net.shift(UP * (top - self.net.hidden[0].get_y()))
        rows = [h.get_y() for h in self.net.hidden]
        units = [range(hidden)] * 2
        self.forward_cols = unit_table(self.typeset, rows, [
            (self.tex("z_1", font_size=30), [f"network.trace.z1.{i}" for i in units[0]], theme.TEXT,
             False),
            (self.tex("a_1", font_size=30, color=theme.ACTIVATION),
             [f"network.trace.a1.{i}" for i in units[1]],
             theme.ACTIVATION, False),
        ], gap=0.5)
        shift_to_x(self.forward_cols, self.net.get_right()[0] + 0.4)
        x_in = self.tex(notation.X, "=", "@x", x="network.trace.x")
        x_in.part("@x").set_color(theme.INPUT)
        y_hat = self.tex(notation.Y_HAT, "=", r"W_2", r"\cdot", r"a_1", "+", r"b_2", "=", "@v",
                         colors=COLORS, v="network.trace.y_hat")
        target = self.tex(notation.Y, "=", "@v", v="network.trace.y")
        loss = self.tex(notation.LOSS, "=", r"(", notation.Y, "-", notation.Y_HAT, r")^2", "=",
                        "@v",
                        v="network.trace.loss")
        for formula, color in ((y_hat, theme.PREDICTION), (target, theme.TARGET),
                               (loss, theme.LOSS)):
            formula.part("@v").set_color(color)
        self.forward_line = VGroup(x_in, y_hat, target, loss).arrange(RIGHT, buff=0.6)
        fit_width(self.forward_line, LINE_WIDTH).move_to([0, LINE_Y, 0])
        with self.narrate("Forward: x = @x goes in, ReLU keeps only the positive z, and "
                          "predicting @yh costs a loss of @l.",
                          x="network.trace.x", yh="network.trace.y_hat", l="network.trace.loss"):
            self.play(FadeOut(self.loop), run_time=0.6)
            self.play(Create(self.net), run_time=1.0)
            self.play(self.net.pulse(), FadeIn(self.forward_cols[0]), run_time=1.2)
            self.play(FadeIn(self.forward_cols[1]), self.fill(t.a1), run_time=0.8)
            self.play(LaggedStart(*(FadeIn(m) for m in self.forward_line), lag_ratio=0.3),
                      run_time=1.2)

    @beat
    def backward_pass(self) -> None:
        t = self.lesson.network.trace
        hidden = len(t.z1)
        rows = [h.get_y() for h in self.net.hidden]
        specs = (("W_2", "dW2"), ("a_1", "da1"), ("z_1", "dz1"), ("W_1", "dW1"))
        columns = [(self.tex(GRAD % sym, font_size=26, color=theme.GRADIENT),
                    [f"network.trace.{key}.{i}" for i in range(hidden)], theme.GRADIENT, False)
                   for sym, key in specs]
        self.backward_cols = unit_table(self.typeset, rows, columns, gap=0.5)
        # a zero gradient is greyed out
        for column, (_, key) in zip(self.backward_cols, specs, strict=True):
            for cell, value in zip(column.cells, getattr(t, key), strict=True):
                if value == 0:
                    cell.set_color(theme.MUTED)
        shift_to_x(self.backward_cols, self.forward_cols.get_right()[0] + 0.8)
        upstream = self.tex(notation.DLOSS_DYHAT, "=", r"-2\,(", notation.Y, "-", notation.Y_HAT,
                            ")", "=",
                            "@g", g="network.trace.dloss_dyhat")
        upstream.part("@g").set_color(theme.GRADIENT)
        fit_width(upstream, LINE_WIDTH).next_to(self.forward_line, DOWN, buff=0.25)
        with self.narrate(DEAD_UNITS[self.lesson.verdicts.dead_units],
                          g="network.trace.dloss_dyhat"):
            self.play(FadeIn(upstream), run_time=0.8)
            self.play(self.net.pulse(backward=True),
                      LaggedStart(*(FadeIn(c, shift=0.1 * RIGHT) for c in self.backward_cols),
                                  lag_ratio=0.35),
                      run_time=2.4)
        self.upstream = upstream

    @beat
    def training(self) -> None:
        net = self.lesson.network
        snaps = net.snapshots
        history = net.history
        self.loss_plot = Plot((0, len(history) - 1), (0, max(history) * 1.1), width=3.6,
                              height=2.8, x_label=self.words(N_("epoch")),
                              y_label=self.words(N_("mean loss")), x_color=theme.MUTED,
                              y_color=theme.LOSS, label_size=26, y_label_above=True)
        self.fit_plot = Plot((net.fit_xs[0], net.fit_xs[-1]), padded(net.data_y, 0.2),
                             width=3.3, height=2.8, x_label="x", y_label="y", label_size=26)
        small = self.net.copy()
        weights = [s.weights for s in snaps]
        self.largest = max(max(abs(v) for v in (*w.W1, *w.W2)) for w in weights)
        small.style_weights(snaps[0].weights, self.largest)
        small.fill_hidden([0.0] * len(snaps[0].weights.W1))
        small.scale_to_fit_width(2.8)
        caption = self.label("weights").next_to(small, DOWN, buff=0.3)
        small_view = VGroup(small, caption)
        panels = VGroup(small_view, self.loss_plot, self.fit_plot)
        panels.arrange(RIGHT, buff=0.75).move_to([0, -0.45, 0])
        start = self.text("@a", a="network.initial_loss", color=theme.LOSS,
                          font_size=theme.TINY_SIZE)
        start.next_to(self.loss_plot.point(0, history[0]), LEFT, buff=0.12)
        self.dots = self.fit_plot.dots(net.data_x, net.data_y)
        self.fit = self.fit_plot.path(net.fit_xs, snaps[0].fit, theme.PREDICTION)
        self.loss_dot = self.loss_plot.dots([snaps[0].epoch], [snaps[0].loss], theme.LOSS,
                                            radius=0.08)
        status = self.status(0)
        n = len(snaps)
        with self.narrate(TRAINING[self.lesson.verdicts.network_trend],
                          a="network.initial_loss", b="network.final_loss"):
            self.play(FadeOut(VGroup(self.forward_cols, self.backward_cols, self.forward_line,
                                     self.upstream)),
                      ReplacementTransform(self.net, small), run_time=1.0)
            self.play(FadeIn(self.loss_plot), FadeIn(self.fit_plot), FadeIn(self.dots),
                      Create(self.fit), FadeIn(self.loss_dot), FadeIn(status), FadeIn(caption),
                      FadeIn(start), run_time=1.0)
            step = min(1.2, max(0.5, 5.0 / max(n - 1, 1)))
            for k in range(1, n):
                a, b = snaps[k - 1].epoch, snaps[k].epoch
                piece = self.loss_plot.path(range(a, b + 1), history[a:b + 1], theme.LOSS,
                                            stroke_width=3)
                target = self.fit_plot.path(net.fit_xs, snaps[k].fit, theme.PREDICTION)
                new_status = self.status(k)
                self.play(Create(piece),
                          self.loss_dot.animate.move_to(self.loss_plot.point(b, snaps[k].loss)),
                          small.animate.style_weights(snaps[k].weights, self.largest),
                          Transform(self.fit, target), cross_fade(status, new_status),
                          run_time=step, rate_func=lambda t: t)
                status = new_status
        self.small, self.status_line = small, status

    @beat
    def the_fit(self) -> None:
        net = self.lesson.network
        verdict = self.lesson.verdicts.fit
        line = DashedVMobject(self.fit_plot.path(net.fit_xs, self.lesson.activations.line_fit.fit,
                                                 theme.MUTED, stroke_width=3), num_dashes=30)
        note = self.text("dashed: best straight line, mean loss @m", m="activations.line_fit.mse",
                         color=theme.MUTED, font_size=theme.SMALL_SIZE)
        note.next_to(self.status_line, DOWN, buff=0.2)
        with self.narrate(training_fit_sentence(verdict), count=self.lesson.params.epochs,
                          n="params.epochs",
                          net="network.final_loss", line="activations.line_fit.mse"):
            self.play(Create(line), FadeIn(note), run_time=1.2)

    @beat
    def takeaways(self) -> None:
        rows = VGroup()
        for head, rest, color in TAKEAWAYS:
            head = self.tr(head)
            row = self.text(" ".join((head, self.tr(rest))))  # both in the slide's language
            row[:len(head.replace(" ", ""))].set_color(color)  # a Text's glyphs skip the spaces
            rows.add(row)
        align_optically(rows.arrange(DOWN, aligned_edge=LEFT, buff=0.38))
        fit_width(rows, LINE_WIDTH).move_to([0, -0.72, 0])
        v = self.lesson.verdicts
        closing = closing_sentence(v.network_trend, v.fit)
        with self.narrate(closing, count=self.lesson.params.epochs, n="params.epochs",
                          a="network.initial_loss", b="network.final_loss"):
            self.play(*(FadeOut(m) for m in self.mobjects if m is not self.chrome), run_time=0.8)
            self.play(LaggedStart(*(FadeIn(r, shift=0.15 * RIGHT) for r in rows), lag_ratio=0.35),
                      run_time=3.0)

    # ----- helpers ------------------------------------------------------------------------

    def fill(self, activations):
        target = self.net.copy().fill_hidden(activations)
        return Transform(self.net, target)

    def status(self, k: int):
        snap = f"network.snapshots.{k}"
        text = self.text("epoch @e    mean loss @l", e=f"{snap}.epoch", l=f"{snap}.loss",
                         font_size=theme.SMALL_SIZE)
        return text.next_to(VGroup(self.loss_plot, self.fit_plot), DOWN, buff=0.35)
