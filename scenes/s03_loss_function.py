"""Slide 3 — Measuring Mistakes: The Loss Function.

The prediction and the target on one number line, the error between them as a
segment, that segment squared into a square whose area is the loss, why we square
(the sign disappears, big misses cost more), and the loss as a parabola over the
prediction with its minimum where the prediction hits the target.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    FadeTransform,
    GrowFromPoint,
    Indicate,
    Line,
    ReplacementTransform,
    Transform,
    VGroup,
)

from scenes import wording
from scenes.checks.paused_frames import cross_fade
from scenes.drawings.loss import (
    ErrorSquare,
    PredictionLine,
    enlarge_ticks,
    place_above_minimum,
    place_clear_of_sweep,
    place_labels_above,
    tidy_axis_labels,
)
from scenes.drawings.plot import Plot, curve_plot
from scenes.kit import notation, theme
from scenes.kit.placement import fit_width
from scenes.kit.slide import SlideScene, beat

# Beats 1-5 use the middle of the slide; the last beat moves them into the left column
# to make room for the parabola on the right. While the number line is alone (beats 1-2)
# it sits at the content's middle height, and rises to LINE_CENTER when the square comes.
SIDE = 1.35  # the square of the error, in screen units, whatever the error's size
LINE_CENTER = np.array([0.0, 1.0, 0.0])
LINE_LENGTH = 7.0
SQUARE_CORNER = np.array([-3.0, 0.05, 0.0])  # top-left corner of the square
FORMULA_WIDTH = 4.4  # at most, right of the square
CAPTION_Y = -3.05
LABEL_SIZE = 36
LEFT_COLUMN = (theme.CONTENT_LEFT + 0.15, -0.5)  # x extent of the story once the plot arrives


class LossFunction(SlideScene):
    slide_number = 3

    def construct(self) -> None:
        step = self.lesson.worked_step
        self.y_hat, self.y, self.error = step.y_hat, step.y, step.error
        self.verdict = self.lesson.verdicts.prediction
        self.show_prediction_and_target()
        self.show_error()
        self.square_the_error()
        self.sign_does_not_matter()
        self.big_mistakes_cost_more()
        self.loss_over_predictions()

    @beat
    def show_prediction_and_target(self) -> None:
        with self.narrate(wording.PREDICTION_VS_TARGET[self.verdict],
                          yh="worked_step.y_hat", y="worked_step.y"):
            self.show_chrome()
            self.line = PredictionLine(self.y_hat, self.y, LINE_LENGTH, LINE_CENTER)
            if self.error == 0:
                self.point_labels = VGroup(self.tex(notation.Y_HAT, "=", notation.Y, "=", "@y",
                                                    y="worked_step.y", font_size=LABEL_SIZE))
                self.point_labels.next_to(self.line.target, UP, buff=0.2)
            else:
                left, right = (self.line.prediction,
                               self.line.target)[:: 1 if self.error > 0 else -1]
                yh = self.tex(notation.Y_HAT, "=", "@v", v="worked_step.y_hat",
                              font_size=LABEL_SIZE)
                y = self.tex(notation.Y, "=", "@v", v="worked_step.y", font_size=LABEL_SIZE)
                labels = (yh, y) if self.error > 0 else (y, yh)
                place_labels_above(*labels, left, right)
                self.point_labels = VGroup(yh, y)
            self.lift = LINE_CENTER[1] - (theme.CONTENT_TOP + theme.CONTENT_BOTTOM) / 2
            for mob in self._line_parts():
                mob.shift(self.lift * DOWN)
            self.play(Create(self.line), run_time=0.8)
            self.play(FadeIn(self.line.prediction, self.line.target, scale=1.5),
                      FadeIn(self.point_labels, shift=0.1 * DOWN))

    @beat
    def show_error(self) -> None:
        with self.narrate(wording.ERROR_GAP[self.verdict], e="worked_step.error"):
            self.error_label = self.tex(notation.Y, "-", notation.Y_HAT, "=", "@e",
                                        e="worked_step.error", font_size=LABEL_SIZE)
            self.error_label.part("@e").set_color(theme.LOSS)
            self.error_label.next_to(self.line.segment if self.error else self.line.target, DOWN,
                                     0.25)
            if self.error:  # clear of the bar that later moves from the line onto the square
                self.error_label.shift(self.lift * UP)
                bar = self.line.segment.copy().shift(self.lift * UP)
                place_clear_of_sweep(self.error_label, bar, self._square_top())
                self.error_label.shift(self.lift * DOWN)
            if self.error:
                self.play(Create(self.line.segment), run_time=0.8)
            self.play(FadeIn(self.error_label, shift=0.1 * UP))

    @beat
    def square_the_error(self) -> None:
        with self.narrate(wording.SQUARING[self.verdict],
                          e="worked_step.error", loss="worked_step.loss"):
            area = self.number("worked_step.loss", color=theme.EMPHASIS)
            self.square = ErrorSquare(SIDE, area)
            self.square.move_to(SQUARE_CORNER, aligned_edge=UP + LEFT)
            self.formula = self.tex(notation.LOSS, "=", "(", notation.Y, "-", notation.Y_HAT, ")^2",
                                    "=", "@l", l="worked_step.loss", font_size=LABEL_SIZE)
            fit_width(self.formula, FORMULA_WIDTH)
            self.formula.next_to(self.square, RIGHT, buff=0.35)
            shown = [*self._line_parts(on_screen=True), self.error_label]
            for mob in self._line_parts(on_screen=False):
                mob.shift(self.lift * UP)
            # One group moves: `self.line.animate` would set Manim's `line.target` (its copy
            # for the move), which is our target dot's name.
            self.play(VGroup(*shown).animate.shift(self.lift * UP), run_time=0.8)
            if self.error:
                side = self.line.segment.copy()
                self.play(side.animate.put_start_and_end_on(self.square.get_corner(UP + LEFT),
                                                            self.square.get_corner(UP + RIGHT)))
                self.play(GrowFromPoint(self.square.square, self.square.get_top()),
                          FadeOut(side), run_time=0.9)
                self.play(FadeIn(self.square.area_label, scale=0.6), FadeIn(self.formula))
            else:
                self.formula.next_to(self.error_label, DOWN, buff=0.6).set_x(LINE_CENTER[0])
                self.play(FadeIn(self.formula))

    @beat
    def sign_does_not_matter(self) -> None:
        with self.narrate(wording.SIGN_REASON[self.verdict], loss="worked_step.loss"):
            self.caption = self.label("too low or too high: the same square", color=theme.TEXT)
            self.caption.move_to([LINE_CENTER[0], CAPTION_Y, 0])
            if self.error:
                ghost = self.tex(notation.Y_HAT + "'", font_size=LABEL_SIZE, color=theme.PREDICTION)
                ghost.set_opacity(0.7).next_to(self.line.mirror, UP, buff=0.2)
                self.play(FadeIn(self.line.mirror, ghost), Create(self.line.mirror_segment))
                side = self.line.mirror_segment.copy()
                self.play(side.animate.put_start_and_end_on(self.square.get_corner(UP + LEFT),
                                                            self.square.get_corner(UP + RIGHT)))
                self.play(Indicate(self.square.square, color=theme.LOSS), FadeOut(side))
                self.ghost = VGroup(ghost, self.line.mirror, self.line.mirror_segment)
            else:
                self.ghost = VGroup()
            self.play(FadeIn(self.caption, shift=0.1 * UP))

    @beat
    def big_mistakes_cost_more(self) -> None:
        with self.narrate("And big mistakes cost more: twice the error makes four times the "
                          "loss, so the worst predictions pull hardest on the weights."):
            caption = self.label("twice the error: four times the loss", color=theme.TEXT)
            caption.move_to(self.caption)
            self.play(cross_fade(self.caption, caption))
            self.caption = caption
            if self.error:
                self.copies = VGroup(*(self.square.copy().shift(SIDE * d)
                                       for d in (RIGHT, DOWN, RIGHT + DOWN)))
                self.play(FadeOut(self.formula, shift=0.3 * RIGHT))
                self.play(*(FadeIn(c, shift=0.4 * v) for c, v in
                            zip(self.copies, (RIGHT, DOWN, RIGHT + DOWN), strict=True)),
                          run_time=1.2)
            else:
                self.copies = VGroup()

    @beat
    def loss_over_predictions(self) -> None:
        on_target = self.error == 0
        with self.narrate(wording.PARABOLA[self.verdict], loss="worked_step.loss",
                          y="worked_step.y"):
            curve = self.lesson.descent.curve_y_hat
            plot = curve_plot(curve, notation.Y_HAT, width=5.4, height=3.9,
                                 x_color=theme.PREDICTION)
            enlarge_ticks(tidy_axis_labels(plot))
            plot.move_to([3.45, -0.7, 0])
            # wide tick labels
            plot.shift(LEFT * max(0.0, plot.get_right()[0] - theme.CONTENT_RIGHT))
            ours = plot.dot(self.y_hat, self.lesson.worked_step.loss, color=theme.PREDICTION)
            best = plot.dot(self.y, 0.0, color=theme.TARGET)
            best_label = self.tex(notation.Y_HAT, "=", notation.Y, "=", "@y", y="worked_step.y",
                                  font_size=32)
            place_above_minimum(plot, best_label, self.y, curve)
            ours_label = self.tex(notation.LOSS, "=", "@l", l="worked_step.loss", font_size=32)
            toward_min = RIGHT if self.y_hat < self.y else LEFT
            ours_label.next_to(ours, toward_min + 0.6 * UP, buff=0.15)
            self.play(FadeOut(self.copies, self.caption, self.ghost), FadeIn(self.formula))
            self.play(self._story_to_left_column(),
                      Create(plot.axes), FadeIn(plot.x_label, plot.y_label, *self._ticks(plot)))
            self.play(Create(plot.graph), run_time=1.2)
            if on_target:
                self.play(FadeIn(best, scale=2), FadeIn(best_label))
            else:
                self.play(ReplacementTransform(self.square.square.copy(), ours),
                          FadeTransform(self.square.area_label.copy(), ours_label))
                self.play(FadeIn(best, scale=2), FadeIn(best_label))

    def _line_parts(self, on_screen: bool | None = None) -> list:
        """The number line's pieces and labels; `on_screen`: only those shown by the
        square beat (True) or only those still to come (False)."""
        later = [self.line.mirror, self.line.mirror_segment]
        shown = [self.line, self.line.prediction, self.line.target, self.point_labels]
        if self.error:
            shown.append(self.line.segment)
        if on_screen is None:
            return [*shown, *later, *([] if self.error else [self.line.segment])]
        return shown if on_screen else [*later, *([] if self.error else [self.line.segment])]

    def _square_top(self) -> Line:
        """The top edge of the square, where the error bar goes."""
        return Line(SQUARE_CORNER, SQUARE_CORNER + SIDE * RIGHT)

    def _story_to_left_column(self):
        story = VGroup(self.line, self.line.prediction, self.line.target, self.point_labels,
                       self.error_label, self.formula)
        if self.error:  # a zero error has neither segment nor square
            story.add(self.line.segment, self.square)
        target = story.copy()
        left, right = LEFT_COLUMN
        fit_width(target, right - left)
        target.move_to([(left + right) / 2, (theme.CONTENT_TOP + theme.CONTENT_BOTTOM) / 2, 0])
        return Transform(story, target)

    @staticmethod
    def _ticks(plot: Plot) -> list:
        return [m for m in (getattr(plot, "x_numbers", None),
                            getattr(plot, "y_numbers", None)) if m]
