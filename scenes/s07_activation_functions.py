"""Slide 7 - Why We Need More Than a Line: Activation Functions.

Two stacked linear layers (the network's real initial weights, no ReLU) collapse into
one line; no line fits the U-shaped data; ReLU, sigmoid and tanh with their
derivatives, and why those derivatives matter to backpropagation; then the small
ReLU network's trained fit. Reads only the activations and the network: the worked
neuron's parameters (x, w, b, y, lr) play no part here.
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
    GrowFromCenter,
    LaggedStart,
    VGroup,
    Write,
)

from lecture.i18n import N_
from scenes.drawings.network import fitted_network
from scenes.drawings.plot import Plot, padded, unit_glyphs
from scenes.drawings.unit_table import unit_table
from scenes.kit import theme
from scenes.kit.placement import fit_width, shift_to_x
from scenes.kit.slide import SlideScene, beat
from scenes.wording import fit_caption, fit_sentence

CURVES = (("relu", N_("ReLU")), ("sigmoid", N_("sigmoid")), ("tanh", N_("tanh")))
P = {r"W_1": theme.PARAM, r"W_2": theme.PARAM, r"b_1": theme.PARAM, r"b_2": theme.PARAM}


class ActivationFunctions(SlideScene):
    slide_number = 7

    def construct(self) -> None:
        self.stack_linear_layers()
        self.collapse_to_a_line()
        self.no_line_fits()
        self.show_activations()
        self.why_derivatives_matter()
        self.relu_network_bends()

    # ----- beats --------------------------------------------------------------------

    @beat
    def stack_linear_layers(self) -> None:
        c = self.lesson.activations.collapse
        hidden = len(c.W1)
        self.net = fitted_network(c, width=2.5, height=3.48, spacing=0.8, radius=0.24,
                                  radius_share=0.38, labels=True)
        self.net.move_to([-4.75, -0.55, 0])
        zs = self.lesson.activations.relu.zs
        self.net.add(unit_glyphs(self.net, zs, zs))  # identity: each unit passes z on unchanged
        note = self.label("no activation in between")
        # centred under the network, as wide as the room left of its centre allows twice
        fit_width(note, 2 * (self.net.get_x() - theme.CONTENT_LEFT)).next_to(self.net, DOWN,
                                                                             buff=0.3)
        rows = [h.get_y() for h in self.net.hidden]
        table = unit_table(self.typeset, rows, [
            (self.tex(name, color=theme.PARAM, font_size=34),
             [f"activations.collapse.{key}.{i}" for i in range(hidden)],
             theme.PARAM, True) for name, key in ((r"W_1", "W1"), (r"b_1", "b1"), (r"W_2", "W2"))],
                           gap=0.3)
        b2 = self.tex(r"b_2", "=", "@b", colors=P, font_size=30, b="activations.collapse.b2")
        b2.part("@b").set_color(theme.PARAM)
        table.add(b2.next_to(table, DOWN, buff=0.3))
        shift_to_x(table, self.net.get_right()[0] + 0.35)
        self.layers = VGroup(self.net, note, table)
        with self.narrate("Take the network's two layers, @h hidden units with their real "
                          "weights, but with no activation between them.", h="params.hidden"):
            self.show_chrome()
            self.play(Create(self.net), run_time=1.2)
            self.play(FadeIn(note), LaggedStart(*(FadeIn(row) for row in table), lag_ratio=0.15),
                      run_time=1.5)

    @beat
    def collapse_to_a_line(self) -> None:
        nested = self.tex(r"\hat{y}", "=", r"W_2", r"\cdot", "(", r"W_1", "x", "+", r"b_1", ")",
                          "+",
                          r"b_2", colors=P, font_size=34)
        slope = self.tex(self.words(N_("slope")), "=", r"W_2", r"\cdot", r"W_1", "=", "@s",
                         colors=P, font_size=32, s="activations.collapse.slope")
        intercept = self.tex(self.words(N_("intercept")), "=", r"W_2", r"\cdot", r"b_1", "+",
                             r"b_2", "=", "@c", colors=P, font_size=32,
                             c="activations.collapse.intercept")
        slope.part("@s").set_color(theme.PARAM)
        intercept.part("@c").set_color(theme.PARAM)
        self.algebra = VGroup(nested, slope, intercept).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        left = self.layers.get_right()[0] + 0.4  # the right-hand column starts after the table
        fit_width(self.algebra, theme.CONTENT_RIGHT - left)
        self.algebra.next_to([theme.CONTENT_RIGHT, theme.CONTENT_TOP - 0.1, 0], DOWN + LEFT, buff=0)
        self.plot = self.data_plot()
        fit_width(self.plot, theme.CONTENT_RIGHT - left)
        self.plot.next_to(self.algebra, DOWN, buff=0.35).set_x((left + theme.CONTENT_RIGHT) / 2)
        fit_xs = self.lesson.network.fit_xs
        self.line = self.plot.path(fit_xs, self.lesson.activations.collapse.fit, theme.PREDICTION)
        with self.narrate("Multiply it out and the layers collapse into one line, slope "
                          "@s and intercept @c: stacking linear layers never bends it.",
                          s="activations.collapse.slope", c="activations.collapse.intercept"):
            self.play(Write(nested), run_time=1.0)
            self.play(FadeIn(slope), FadeIn(intercept), FadeIn(self.plot), run_time=1.0)
            self.play(Create(self.line), run_time=1.0)

    @beat
    def no_line_fits(self) -> None:
        net = self.lesson.network
        view = VGroup(self.plot, self.line)
        fit = self.lesson.activations.line_fit
        with self.narrate("And no line fits this U-shaped data: even the best line has a "
                          "mean loss of @m.", m="activations.line_fit.mse"):
            self.play(FadeOut(self.layers), FadeOut(self.algebra), run_time=0.6)
            self.play(view.animate.scale_to_fit_height(3.9).move_to([-2.9, -0.7, 0]), run_time=0.8)
            self.dots = self.plot.dots(net.data_x, net.data_y)
            best = self.plot.path(net.fit_xs, fit.fit, theme.PREDICTION)
            self.play(LaggedStart(*(GrowFromCenter(d) for d in self.dots), lag_ratio=0.1),
                      run_time=1.2)
            self.play(self.line.animate.become(best), run_time=1.0)
            self.line_note = VGroup(self.label("best straight line", color=theme.PREDICTION),
                                    self.text("mean loss @m", m="activations.line_fit.mse",
                                              color=theme.LOSS, font_size=theme.SMALL_SIZE))
            self.line_note.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            self.line_note.next_to(self.plot, RIGHT, buff=0.5)
            self.play(FadeIn(self.line_note), run_time=0.6)

    @beat
    def show_activations(self) -> None:
        a = self.lesson.activations
        curves = [getattr(a, key) for key, _ in CURVES]
        # ReLU's ramp may leave the window, honestly cut
        low = min(min(c.values) for c in curves[1:])
        high = max(c.max_grad for c in curves)
        window = padded([low, high * 1.4], 0.08)
        self.panels = VGroup()
        for curve, (_, title) in zip(curves, CURVES, strict=True):
            plot = Plot((curve.zs[0], curve.zs[-1]), window, width=3.7, height=2.3,
                        x_label="z", y_label=None)
            plot.f = plot.path(curve.zs, curve.values, theme.TEXT)
            plot.df = plot.path(curve.zs, curve.grads, theme.GRADIENT, stroke_width=3)
            plot.title = self.text(title, font_size=theme.BODY_SIZE, color=theme.EMPHASIS)
            plot.add(plot.f, plot.df)
            self.panels.add(plot)
        self.panels.arrange(RIGHT, buff=0.55).move_to([0, 0.1, 0])
        top = (max(p.axes.get_top()[1] for p in self.panels) + 0.2
               + max(p.title.height for p in self.panels))
        for plot in self.panels:  # titles aligned by their tops, so they share a baseline
            plot.add(plot.title.set_x(plot.axes.get_x()).align_to([0, top, 0], UP))
        legend = VGroup(self.tex("f(z)", color=theme.TEXT, font_size=32),
                        self.tex("f'(z)", color=theme.GRADIENT, font_size=32))
        legend.arrange(RIGHT, buff=0.8).next_to(self.panels, DOWN, buff=0.3)
        self.legend = legend
        with self.narrate("An activation bends each unit's output: here are ReLU, "
                          "sigmoid and tanh, with their derivatives in orange."):
            self.play(FadeOut(VGroup(self.plot, self.line, self.dots, self.line_note)),
                      run_time=0.6)
            self.play(LaggedStart(*(FadeIn(p.axes, p.labels, p.title) for p in self.panels),
                                  lag_ratio=0.2), FadeIn(legend), run_time=1.0)
            self.play(*(Create(p.f) for p in self.panels), run_time=1.2)
            self.play(*(Create(p.df) for p in self.panels), run_time=1.2)

    @beat
    def why_derivatives_matter(self) -> None:
        a = self.lesson.activations
        relu, sig, tanh = self.panels
        edge = len(a.sigmoid.zs) - 1
        small = dict(font_size=theme.SMALL_SIZE, color=theme.GRADIENT)
        notes = VGroup(
            VGroup(self.text("slope @one where on,", one="activations.relu.max_grad", **small),
                   self.text("@zero where off", zero="activations.relu.grads.0", **small)),
            *(VGroup(self.text("slope at most @m,", m=f"activations.{key}.max_grad", **small),
                     self.text("only @e at z = @z", e=f"activations.{key}.grad_at_edge",
                               z=f"activations.{key}.zs.{edge}", **small))
              for key in ("sigmoid", "tanh")),
        )
        for note, panel in zip(notes, self.panels, strict=True):
            note.arrange(DOWN, buff=0.1).next_to(self.legend, DOWN, buff=0.3)
            note.set_x(panel.axes.get_x())
        marks = VGroup()
        for panel, curve in ((sig, a.sigmoid), (tanh, a.tanh)):
            peak = curve.zs[curve.grads.index(curve.max_grad)]
            marks.add(panel.dots([peak, curve.zs[edge]], [curve.max_grad, curve.grad_at_edge],
                                 theme.GRADIENT, radius=0.08))
        with self.narrate("Backpropagation multiplies by these slopes: ReLU passes "
                          "the gradient or stops it; sigmoid's slope is at most @m "
                          "and fades to @e.",
                          m="activations.sigmoid.max_grad", e="activations.sigmoid.grad_at_edge"):
            self.play(*(p.df.animate.set_stroke(width=6) for p in self.panels), run_time=0.6)
            self.play(LaggedStart(*(FadeIn(n, shift=0.1 * UP) for n in notes), lag_ratio=0.3),
                      FadeIn(marks), run_time=1.5)
            self.play(*(p.df.animate.set_stroke(width=3) for p in self.panels), run_time=0.5)
        self.notes, self.marks = notes, marks

    @beat
    def relu_network_bends(self) -> None:
        net = self.lesson.network
        verdict = self.lesson.verdicts.fit
        keys = dict(h="params.hidden", net="network.final_loss", line="activations.line_fit.mse",
                    n="params.epochs")
        net_relu = self.lesson.activations.relu
        fit = self.plot.path(net.fit_xs, net.snapshots[-1].fit, theme.PREDICTION, stroke_width=5)
        trained = fitted_network(net.trained, width=3.2, height=3.1, spacing=0.6, radius=0.2,
                                 radius_share=0.4, labels=True)
        caption = VGroup(*(self.text(line, font_size=theme.SMALL_SIZE, color=color, **keys)
                           for line, color in zip(fit_caption(verdict),
                                                  (theme.PREDICTION, theme.MUTED, theme.TEXT),
                                                  strict=True)))
        caption.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        trained.add(unit_glyphs(trained, net_relu.zs, net_relu.values))
        side = VGroup(trained, caption).arrange(DOWN, buff=0.45)
        fit_width(side, 5.0).next_to(self.plot, RIGHT, buff=0.5)
        with self.narrate(fit_sentence(verdict), count=self.lesson.params.epochs, **keys):
            self.play(FadeOut(VGroup(self.panels, self.legend, self.notes, self.marks)),
                      run_time=0.6)
            ghost = DashedVMobject(self.line.copy().set_stroke(theme.MUTED, width=3), num_dashes=40)
            self.play(FadeIn(self.plot), FadeIn(self.dots), FadeIn(ghost), Create(trained),
                      run_time=1.0)
            self.play(Create(fit), FadeIn(caption), run_time=1.5)

    # ----- drawings -------------------------------------------------------------------

    def data_plot(self) -> Plot:
        """Axes over the data set's window: x where the network's fit is sampled, y around
        the data."""
        net = self.lesson.network
        return Plot((net.fit_xs[0], net.fit_xs[-1]), padded(net.data_y, 0.2),
                    width=4.6, height=2.6, x_label="x", y_label="y")
