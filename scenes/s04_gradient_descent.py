"""Slide 4 — Which Way is Down? Gradient Descent.

The loss over the weight w with our neuron on it, the tangent whose slope is the
gradient, one update -lr x slope drawn as an arrow, then the core's whole descent
step by step with the numbers ticking beside the curve. Every sentence that depends
on the run (falls, bounces, overshoots and explodes, cannot move) is chosen from the
lesson's trajectory.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Transform,
    VGroup,
)

from scenes import wording
from scenes.checks.paused_frames import cross_fade
from scenes.drawings.loss import (
    StepArrow,
    clipped_tangent,
    enlarge_ticks,
    plot_box,
    tidy_axis_labels,
)
from scenes.drawings.plot import curve_plot
from scenes.kit import notation, theme
from scenes.kit.placement import fit_width
from scenes.kit.slide import SlideScene, beat

PANEL_LEFT = 1.35  # the readouts beside the curve, from here to the content's right edge
PANEL_WIDTH = theme.CONTENT_RIGHT - PANEL_LEFT
ROW_TOPS = (1.7, 1.1, 0.5, -0.35, -1.4)  # w, loss, slope, rule (later the step counter), update
READOUT_SIZE = 28
NOTE_Y = -3.0
DESCENT_TIME = 6.0  # seconds for the whole trajectory


class GradientDescent(SlideScene):
    slide_number = 4

    def construct(self) -> None:
        d = self.lesson.descent
        self.steps, self.visible = list(d.steps), d.visible_steps
        self.last = len(self.steps) - 1
        self.regime = self.lesson.verdicts.descent
        self.show_loss_curve()
        self.show_slope()
        self.take_one_step()
        self.descend()
        self.explain()

    # ----- beats ------------------------------------------------------------------

    @beat
    def show_loss_curve(self) -> None:
        with self.narrate("Here is the loss as a function of the weight w: our neuron "
                          "sits at w = @w with loss @loss.", w="worked_step.w",
                          loss="worked_step.loss"):
            self.show_chrome()
            d = self.lesson.descent
            self.plot = curve_plot(d.curves_w[0], notation.W, width=6.2, height=4.0,
                                      y_max=d.curve_w.y_max)
            enlarge_ticks(tidy_axis_labels(self.plot))
            self.plot.move_to([0, (theme.CONTENT_TOP + theme.CONTENT_BOTTOM) / 2, 0])
            self.plot.align_to([theme.CONTENT_LEFT + 0.1, 0, 0], LEFT)
            self.dot, self.drop = self._dot(0), self._drop(0)
            self.rows = [self._row(0, self._w(0)), self._row(1, self._loss(0))]
            self.note = self._note(self.label("the curve holds b at @b", b="descent.steps.0.b"))
            self.play(Create(self.plot.axes), FadeIn(self.plot.x_label, self.plot.y_label,
                                                      self.plot.x_numbers, self.plot.y_numbers))
            self.play(Create(self.plot.graph), run_time=1.2)
            self.play(FadeIn(self.dot, scale=2), Create(self.drop),
                      FadeIn(*self.rows, self.note, shift=0.1 * LEFT))

    @beat
    def show_slope(self) -> None:
        w_moves = self.lesson.verdicts.w_direction
        with self.narrate(wording.slope_meaning(w_moves, self.regime),
                          g="worked_step.dloss_dw", x="worked_step.x"):
            self.tangent = self._tangent(0)
            self.rows.append(self._row(2, self._slope(0)))
            self.play(Create(self.tangent), FadeIn(self.rows[2], shift=0.1 * LEFT))

    @beat
    def take_one_step(self) -> None:
        g = self.steps[0].dloss_dw
        with self.narrate(wording.STEP_MEANING[self.lesson.verdicts.w_direction],
                          lr="worked_step.lr", g="worked_step.dloss_dw",
                          w="worked_step.w", w1="worked_step.w_next"):
            rule = self.tex(notation.W, ":=", notation.W, "-", notation.LR, r"\cdot",
                            notation.DLOSS_DW)
            update = self.tex(notation.W, ":=", "@w", "-", "(", "@lr", ")", "(", "@g", ")", "=",
                              "@w1",
                              w="worked_step.w", lr="worked_step.lr", g="worked_step.dloss_dw",
                              w1="worked_step.w_next")
            update.color_parts({"@lr": theme.LEARNING_RATE, "@g": theme.GRADIENT})
            self.rows += [self._row(3, rule), self._row(4, update)]
            self.play(FadeIn(self.rows[3], shift=0.1 * LEFT))
            self.play(FadeIn(self.rows[4], shift=0.1 * LEFT))
            self.arrow = VGroup()
            if g != 0:
                self.arrow = self._step_arrow(0, theme.LEARNING_RATE)
                self.play(Create(self.arrow), run_time=0.8)

    @beat
    def descend(self) -> None:
        keys = dict(n="params.steps", lr="params.lr", w="descent.steps.0.w",
                    first="descent.steps.0.loss",
                    second="descent.steps.1.loss", last=f"descent.steps.{self.last}.loss")
        with self.narrate(wording.DESCENT_OUTCOME[self.regime], **keys):
            moves = wording.B_DURING_DESCENT[self.lesson.verdicts.b_direction]
            note = self._note(self.label(moves))
            counter = self._row(3, self._counter(0))
            self.play(FadeOut(self.tangent, self.arrow, self.rows[4]),
                      cross_fade(self.rows[3], counter), cross_fade(self.note, note))
            self.rows[3], self.note = counter, note
            run_time = max(0.25, min(0.8, DESCENT_TIME / max(self.last, 1)))
            for k in range(1, self.last + 1):
                self.play(*self._advance(k), run_time=run_time)

    @beat
    def explain(self) -> None:
        end = self.visible - 1
        keys = dict(lr="params.lr", x="worked_step.x", g0="descent.steps.0.dloss_dw",
                    g=f"descent.steps.{self.last}.dloss_dw")
        with self.narrate(wording.DESCENT_REASON[self.regime], **keys):
            # The tangent is drawn at the last step on the chart: its label names that slope
            # first, then the start's. Each names its step: beside the readouts (a diverging
            # run's last step, off the chart) they would otherwise read as two slopes of one point.
            was = VGroup(*(self.label(wording.SLOPE_AT_STEP, k=f"descent.steps.{k}.index",
                                      g=f"descent.steps.{k}.dloss_dw", color=theme.GRADIENT)
                           for k in dict.fromkeys((end, 0)))).arrange(DOWN, aligned_edge=LEFT,
                                                                      buff=0.1)
            was.next_to(self.rows[3], DOWN, buff=0.3, aligned_edge=LEFT)
            self.play(Create(self._tangent(end)), FadeIn(was, shift=0.1 * UP))
            self.play(Indicate(self.rows[2], color=theme.GRADIENT))

    # ----- pieces -----------------------------------------------------------------

    def _advance(self, k: int) -> list:
        """The animations of update k: readouts tick; the dot moves while it is on the chart."""
        rows = [self._w(k), self._loss(k), self._slope(k), self._counter(k)]
        anims = []
        for index, new in enumerate(rows):
            new = self._row(index, new)
            anims.append(cross_fade(self.rows[index], new))  # a paused frame shows one number
            self.rows[index] = new
        d = self.lesson.descent
        if k < self.visible:
            # The trail sits on the w axis: b moves too, so earlier dots are not on today's curve.
            self.add(Dot(self.plot.point(self.steps[k - 1].w, 0), radius=0.06, color=theme.PARAM,
                         fill_opacity=0.6))
            anims += [self.dot.animate.move_to(self._dot(k).get_center()),
                      Transform(self.drop, self._drop(k)),
                      Transform(self.plot.graph, self.plot.curve_from(d.curves_w[k]))]
        elif k == self.visible:  # the run leaves the chart: say so where it leaves
            exit_arrow = self._step_arrow(k - 1, theme.BAD)
            label = self._above(exit_arrow, self.label(wording.OFF_CHART, color=theme.BAD,
                                                       k=f"descent.steps.{k}.index"))
            anims += [Create(exit_arrow), FadeIn(label), self.dot.animate.set_opacity(0.4)]
        return anims

    def _row(self, index: int, mob):
        fit_width(mob, PANEL_WIDTH)
        mob.move_to([PANEL_LEFT, ROW_TOPS[index], 0], aligned_edge=UP + LEFT)
        return mob

    def _note(self, mob):
        fit_width(mob, PANEL_WIDTH)
        return mob.move_to([PANEL_LEFT, NOTE_Y, 0], aligned_edge=LEFT)

    # The readouts tick once per step: monospace text, as the outline writes parameters.
    def _w(self, k: int):
        return self.text("w = @v", mono=True, color=theme.PARAM, font_size=READOUT_SIZE,
                         v=f"descent.steps.{k}.w")

    def _loss(self, k: int):
        color = theme.BAD if self.regime == "diverges" and k else theme.LOSS
        return self.text("loss = @v", mono=True, color=color, font_size=READOUT_SIZE,
                         v=f"descent.steps.{k}.loss")

    def _slope(self, k: int):
        return self.text("\u2202loss/\u2202w = @v", mono=True, color=theme.GRADIENT,
                         font_size=READOUT_SIZE, v=f"descent.steps.{k}.dloss_dw")

    def _counter(self, k: int):
        return self.label(wording.STEP_COUNTER[k < self.visible], k=f"descent.steps.{k}.index",
                          n="params.steps", font_size=theme.BODY_SIZE)

    def _dot(self, k: int) -> Dot:
        step = self.steps[k]
        # Above the tangent, whose halo would otherwise cut through the dot.
        return self.plot.dot(step.w, step.loss, color=theme.PARAM, radius=0.1).set_z_index(1)

    def _drop(self, k: int) -> DashedLine:
        """From the point on the curve down to its w on the axis."""
        step = self.steps[k]
        return DashedLine(self.plot.point(step.w, step.loss), self.plot.point(step.w, 0),
                          color=theme.PARAM, stroke_width=2, stroke_opacity=0.6, dash_length=0.08)

    def _tangent(self, k: int):
        """The tangent at step k, to the curve with b held at that step's value."""
        step = self.steps[k]
        return clipped_tangent(self.plot, step.w, step.loss, step.dloss_dw, half_width=1.6)

    def _step_arrow(self, k: int, color: str) -> VGroup:
        now, then = self.steps[k], self.steps[k + 1]
        arrow = StepArrow(self.plot, now.w, then.w, now.loss, color=color)
        if arrow.enlarged:
            label = self.label("tiny step, drawn larger", color=color)
            label.next_to(arrow, RIGHT if arrow.direction > 0 else LEFT, buff=0.15)
            arrow.add(self._inside_plot(label))
        return arrow

    def _above(self, mob, label):
        return self._inside_plot(label.next_to(mob, UP, buff=0.15))

    def _inside_plot(self, label):
        """`label` slid sideways to stay inside the axes."""
        left, right, _, _ = plot_box(self.plot)
        return label.set_x(min(max(label.get_x(), left + 0.1 + label.width / 2),
                               right - label.width / 2))
