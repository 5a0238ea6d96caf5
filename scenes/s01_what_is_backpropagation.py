"""Slide 1 — What is Backpropagation? The lecture's title, then its road map.

The full-picture network makes a real prediction for one of its examples, its error
flows back, and its weights move to the trained ones, while the four steps the next
slides cover appear one by one, each naming the slides that cover it.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    CurvedArrow,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    MathTex,
    Text,
    VGroup,
)

from lecture.i18n import N_, fill_words
from lecture.slides import LECTURE_SUBTITLE, LECTURE_TITLE, SLIDES
from scenes import wording
from scenes.drawings.network import fitted_network
from scenes.drawings.signal_flow import backward_flow, forward_flow
from scenes.kit import notation, theme
from scenes.kit.formula import symbol_to_tag
from scenes.kit.placement import fit_width, keep_in_content
from scenes.kit.slide import SlideScene, beat
from scenes.kit.typeset import value_tag

# The outline's description of the lecture, as three lines for the title card.
DESCRIPTION = (N_("Learn the fundamentals of neural network training:"),
               N_("forward propagation, loss functions, gradient descent,"),
               N_("the chain rule, and activation functions like ReLU."))
# Where a step is covered, after its topic; the numbers are slide numbers, not lesson values.
ONE_SLIDE = N_("@topic \u00b7 slide @number")
SLIDE_RANGE = N_("@topic \u00b7 slides @first\u2013@last")
TWO_SLIDES = N_("@topic \u00b7 slides @first and @last")
NETWORK_CENTRE = 3.5 * LEFT + 0.2 * DOWN
STEPS_LEFT, STEPS_TOP = 0.9, 1.55


@dataclass(frozen=True)
class RoadStep:
    name: str
    topic: str  # what the slides that cover it are about
    color: str
    slides: tuple[int, ...]

    def where(self, tr) -> str:
        """The topic and the slides that cover it, in the language of `tr` (a translator)."""
        numbers = [str(SLIDES[n - 1].number) for n in self.slides]
        if len(numbers) == 1:
            return fill_words(tr(ONE_SLIDE), {"topic": tr(self.topic), "number": numbers[0]})
        joint = SLIDE_RANGE if numbers == [str(n) for n in range(int(numbers[0]),
                                                                  int(numbers[-1]) + 1)] \
            else TWO_SLIDES
        return fill_words(tr(joint), {"topic": tr(self.topic), "first": numbers[0],
                                      "last": numbers[-1]})


STEPS = (
    RoadStep(N_("Predict"), N_("forward propagation"), theme.PREDICTION, (2,)),
    RoadStep(N_("Measure the mistake"), N_("the loss function"), theme.LOSS, (3,)),
    RoadStep(N_("Trace it back"), N_("backward propagation"), theme.GRADIENT, (5, 6)),
    RoadStep(N_("Adjust"), N_("gradient descent"), theme.LEARNING_RATE, (4, 6)),
)


class WhatIsBackpropagation(SlideScene):
    slide_number = 1

    def construct(self) -> None:
        self.title_card()
        self.overview()
        self.show_network()
        self.predict()
        self.measure()
        self.trace_back()
        self.adjust()
        self.look_ahead()

    # ----- the lecture's title ----------------------------------------------------------

    @beat
    def title_card(self) -> None:
        title = Text(self.tr(LECTURE_TITLE), font=theme.FONT, font_size=56,
                     color=theme.EMPHASIS, weight="BOLD")
        subtitle = Text(self.tr(LECTURE_SUBTITLE), font=theme.FONT, font_size=34,
                        color=theme.PREDICTION)
        self.card = VGroup(title, subtitle).arrange(DOWN, buff=0.3)
        # Low enough that the card, and the description that joins it, fill the frame evenly.
        fit_width(self.card, theme.CONTENT_RIGHT - theme.CONTENT_LEFT).move_to(0.15 * DOWN)
        with self.narrate("Welcome to Backpropagation Demystified: how neural networks learn."):
            self.show_chrome()
            self.play(FadeIn(title, shift=0.3 * UP), run_time=1.2)
            self.play(FadeIn(subtitle, shift=0.2 * UP))

    @beat
    def overview(self) -> None:
        lines = VGroup(*(self.label(line, font_size=theme.SMALL_SIZE,
                                    color=theme.TEXT) for line in DESCRIPTION))
        lines.arrange(DOWN, buff=0.14).next_to(self.card, DOWN, buff=0.6)
        with self.narrate("We will learn the fundamentals of neural network training: "
                          "forward propagation, loss functions, gradient descent, the "
                          "chain rule, and activation functions like ReLU."):
            self.play(LaggedStart(*(FadeIn(line, shift=0.15 * UP) for line in lines),
                                  lag_ratio=0.4),
                      run_time=2)
        self.card.add(lines)

    # ----- the road map on the network -------------------------------------------------------

    @beat
    def show_network(self) -> None:
        net = self.net = fitted_network(self.lesson.network.initial, width=4.6, height=4.1)
        net.move_to(NETWORK_CENTRE)
        self.symbols = {"x": MathTex(notation.X, color=theme.INPUT).next_to(net.input, DOWN, 0.18),
                        "y_hat": MathTex(notation.Y_HAT,
                                         color=theme.PREDICTION).next_to(net.output, DOWN, 0.18)}
        with self.narrate("Backpropagation is how a network like this one learns, "
                          "in four steps that repeat."):
            self.play(FadeOut(self.card, shift=0.3 * UP), run_time=0.8)
            self.add(net)  # its parts are animated in below
            self.play(LaggedStart(FadeIn(net.input, scale=0.6), FadeIn(net.hidden, scale=0.6),
                                  FadeIn(net.output, scale=0.6), lag_ratio=0.4),
                      Create(net.edges_in), Create(net.edges_out),
                      *(FadeIn(s) for s in self.symbols.values()), run_time=2)

    def step_row(self, index: int) -> VGroup:
        step = STEPS[index]
        name = Text(self.tr(step.name), font=theme.FONT, font_size=theme.BODY_SIZE,
                    color=theme.EMPHASIS, weight="BOLD")
        where = self.label(step.where(self.tr))
        where.numerals_ok = "slide reference"
        text = VGroup(name, where).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        dot = Dot(radius=0.11, color=step.color).next_to(name, LEFT, buff=0.25)
        row = VGroup(dot, text)
        fit_width(row, theme.CONTENT_RIGHT - STEPS_LEFT)
        corner = STEPS_LEFT * RIGHT + (STEPS_TOP - 1.05 * index) * UP  # where its top left goes
        row.move_to(row.get_center() - row.get_corner(UP + LEFT) + corner)
        return row

    def tag(self, symbol: str, key: str, color: str):
        return fit_width(value_tag(self.typeset, symbol, key, color), 2.4)

    @beat
    def predict(self) -> None:
        trace = self.lesson.network.trace
        keys = {"x": "network.trace.x", "y_hat": "network.trace.y_hat"}
        with self.narrate("First, predict: the input @x flows forward, and the network "
                          "predicts @y_hat.", **keys):
            self.rows = [self.step_row(0)]
            # under their neurons, each reaching outward, away from the edges
            x_tag = keep_in_content(self.tag(notation.X, keys["x"], theme.INPUT)
                                    .next_to(self.net.input, DOWN, 0.18, aligned_edge=RIGHT))
            y_hat_tag = self.tag(notation.Y_HAT, keys["y_hat"], theme.PREDICTION) \
                .next_to(self.net.output, DOWN, 0.18, aligned_edge=LEFT)
            self.tags = VGroup(x_tag, y_hat_tag)
            self.play(FadeIn(self.rows[0], shift=0.3 * LEFT))
            self.play(*symbol_to_tag(self, self.symbols["x"], x_tag))
            filled = self.net.copy().fill_hidden(trace.a1)
            self.play(forward_flow(self.net, trace, run_time=2),
                      *(h.animate.set_fill(f.get_fill_color(), 1)
                        for h, f in zip(self.net.hidden, filled.hidden, strict=True)))
            self.play(*symbol_to_tag(self, self.symbols["y_hat"], y_hat_tag))

    @beat
    def measure(self) -> None:
        keys = {"y": "network.trace.y", "loss": "network.trace.loss"}
        with self.narrate("Second, measure the mistake: the right answer is @y, so the "
                          "loss is @loss.", **keys):
            self.rows.append(self.step_row(1))
            y_tag = self.tag(notation.Y, keys["y"],
                             theme.TARGET).next_to(self.tags[1], DOWN, 0.2, aligned_edge=LEFT)
            loss_tag = self.tag(notation.LOSS, keys["loss"],
                                theme.LOSS).next_to(y_tag, DOWN, 0.2, aligned_edge=LEFT)
            self.tags.add(y_tag, loss_tag)
            self.play(FadeIn(self.rows[1], shift=0.3 * LEFT))
            self.play(FadeIn(y_tag, shift=0.2 * UP))
            self.play(FadeIn(loss_tag, shift=0.2 * UP), Indicate(self.net.output, color=theme.LOSS))

    @beat
    def trace_back(self) -> None:
        with self.narrate("Third, trace it back: the error flows backward, and every weight "
                          "learns its share of the blame."):
            self.rows.append(self.step_row(2))
            self.play(FadeIn(self.rows[2], shift=0.3 * LEFT),
                      Indicate(self.tags[3], color=theme.GRADIENT))
            self.play(backward_flow(self.net, self.lesson.network.trace, run_time=2.2))

    @beat
    def adjust(self) -> None:
        net = self.lesson.network
        keys = {"n": "network.epochs", "before": "network.initial_loss",
                "after": "network.final_loss"}
        trend = self.lesson.verdicts.network_trend
        rounds = net.epochs
        with self.narrate(wording.ADJUST[trend], count=rounds, **keys):
            self.rows.append(self.step_row(3))
            # one scale for both sets of weights, so a thicker edge means a larger weight
            largest = max(abs(v) for w in (net.initial, net.trained) for v in (*w.W1, *w.W2))
            loss = self.tex(notation.LOSS, r"\colon", "@before", r"\rightarrow", "@after", **keys)
            loss.color_parts({"@before": theme.LOSS, "@after": theme.TREND_COLORS[trend]})
            caption = self.label(N_("average over the examples, after @n round",
                                    plural="average over the examples, after @n rounds"),
                                 count=rounds, n=keys["n"])
            readout = VGroup(loss, caption).arrange(DOWN, buff=0.15)
            fit_width(readout, 5.0).next_to(self.net, DOWN, buff=0.35).set_x(self.net.get_x())
            loop = CurvedArrow(self.rows[3][0].get_left() + 0.15 * LEFT,
                               self.rows[0][0].get_left() + 0.15 * LEFT,
                               angle=-2.2, color=theme.MUTED, stroke_width=3, tip_length=0.2)
            self.play(FadeIn(self.rows[3], shift=0.3 * LEFT), FadeOut(self.tags))
            off = [0.0] * len(net.trained.W1)
            self.play(self.net.animate.style_weights(net.trained, largest).fill_hidden(off),
                      FadeIn(readout, shift=0.2 * UP), run_time=2)
            self.play(Create(loop))

    @beat
    def look_ahead(self) -> None:
        with self.narrate("The next slides take these steps one at a time, starting with "
                          "the prediction."):
            self.play(Indicate(self.rows[0], color=theme.PREDICTION, scale_factor=1.05))
