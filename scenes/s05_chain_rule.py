"""Slide 5 — The Chain Rule: connecting the dots backward.

The network as a nested function, drawn as the core's computational graph; the chain
rule's two products, with the upstream and local gradients named and evaluated from
the values the forward pass left on the graph; then a nudge of w on linked number
lines, moving y_hat and the loss by (about) what the two factors predict.
"""

from __future__ import annotations

import re

from manim import (
    BOLD,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Brace,
    Circumscribe,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    SurroundingRectangle,
    Text,
    VGroup,
    Write,
    smooth,
    squish_rate_func,
)

from lecture.i18n import N_
from scenes import wording
from scenes.drawings.graph import ComputationalGraphDiagram
from scenes.drawings.number_lines import LinkedNumberLines, Row
from scenes.kit import notation, theme
from scenes.kit.formula import Fly, Part, hide, operand, reveal
from scenes.kit.placement import fit_width
from scenes.kit.slide import SlideScene, beat, styled_text

WIDTH = theme.CONTENT_RIGHT - theme.CONTENT_LEFT
HEADLINE_TOP = theme.CONTENT_TOP - 0.05
GRAPH_Y = 0.12  # the graph's main row
ROWS_Y = (-1.3, -2.15)  # d loss / d w and d loss / d b
STEP = "worked_step"
NUDGE_TOP, NUDGE_GAP = -1.25, 0.8  # the linked number lines
NOTES_LEFT = 1.0  # the changes, written beside the lines
UPSTREAM_EDGES = (("y_hat", "error"), ("error", "loss"))
LOCAL_EDGES = (("w", "wx"), ("wx", "y_hat"), ("b", "y_hat"))


class ChainRule(SlideScene):
    slide_number = 5

    def construct(self) -> None:
        self.nested_function()
        self.draw_graph()
        self.chain_rule()
        self.upstream_gradient()
        self.local_gradient()
        self.reuse()
        self.nudge_w()
        self.predict_loss()

    def headline(self, sentence: str) -> VGroup:
        """The beat's key sentence under the header, styled as the outline (**bold** white
        labels, `parameters` in blue monospace); split into two centred lines when one is
        too wide, never inside a styled span."""
        sentence = self.tr(sentence)

        def build(text: str) -> Text:
            return styled_text(text, 24, theme.TEXT, theme.EMPHASIS, theme.PARAM)
        lines = VGroup(build(sentence))
        if lines.width > WIDTH:
            middle = len(sentence) // 2
            spans = [m.span() for m in re.finditer(r"\*\*[^*]+\*\*|`[^`]+`", sentence)]
            cut = min((i for i, c in enumerate(sentence) if c == " "
                       and not any(a < i < b for a, b in spans)),
                      key=lambda i: abs(i - middle))
            lines = VGroup(build(sentence[:cut]), build(sentence[cut + 1:]))
            lines.arrange(DOWN, buff=0.12)
        fit_width(lines, WIDTH)
        return lines.move_to([0, HEADLINE_TOP - lines.height / 2, 0])

    def swap_headline(self, new: Text) -> None:
        self.play(FadeOut(self.title_line, shift=0.2 * UP), FadeIn(new, shift=0.2 * UP),
                  run_time=0.8)
        self.title_line = new

    # ----- the nested function and its graph --------------------------------------------

    @beat
    def nested_function(self) -> None:
        with self.narrate("The network is a nested function: loss depends on the neuron's "
                          "output, which depends on the weights."):
            self.show_chrome()
            self.title_line = self.headline(
                "The network is a **nested function**: loss depends on neuron output, "
                "which depends on `weights`.")
            nested = self.tex(notation.LOSS, r"\Big(", notation.Y_HAT, r"\big(", notation.W,
                              r"\big)",
                              r"\Big)", font_size=60)
            parts = VGroup(self.tex(notation.Y_HAT, "=", notation.W, notation.X, "+", notation.B),
                           self.tex(notation.LOSS, "=", r"(", notation.Y, "-", notation.Y_HAT,
                                    r")^2"))
            parts.arrange(RIGHT, buff=1.5)
            self.nested = VGroup(nested, parts).arrange(DOWN, buff=0.6).move_to(0.3 * DOWN)
            self.play(FadeIn(self.title_line, shift=0.2 * DOWN), run_time=0.8)
            self.play(Write(nested), run_time=1.2)
            self.play(LaggedStart(*(FadeIn(p, shift=0.2 * UP) for p in parts), lag_ratio=0.5),
                      run_time=1.2)

    @beat
    def draw_graph(self) -> None:
        keys = {k: f"{STEP}.{k}" for k in ("x", "y_hat", "y", "loss")}
        with self.narrate("As a graph: w times @x plus b gives y-hat @y_hat, "
                          "and against y @y the loss is @loss.", **keys):
            g = self.graph = ComputationalGraphDiagram(self.lesson.graph, self.typeset,
                                                       column_gap=2.75, row_gap=0.72, size=0.85,
                                                       side_values="left").shift(GRAPH_Y * UP)
            self.play(FadeOut(self.nested, shift=0.3 * DOWN), FadeIn(g, lag_ratio=0.1),
                      run_time=1.5)
            values = [g.value_label(n) for n in ("w", "x", "wx", "b", "y_hat", "y", "error",
                                                 "loss")]
            self.play(LaggedStart(*(FadeIn(v, shift=0.1 * RIGHT) for v in values), lag_ratio=0.3),
                      run_time=2.5)

    # ----- the chain rule -------------------------------------------------------------

    @beat
    def chain_rule(self) -> None:
        with self.narrate("Chain rule: to find dloss/dw, multiply the upstream gradient "
                          "by the local one."):
            self.swap_headline(self.headline(
                "Chain rule: to find `\u2202loss/\u2202w`, multiply **upstream \u00d7 local** "
                "gradient."))
            rows = []
            for dp, local, expr, key in ((notation.DLOSS_DW, notation.DYHAT_DW, notation.X,
                                          f"{STEP}.x"),
                                         (notation.DLOSS_DB, notation.DYHAT_DB, "@l",
                                          f"{STEP}.dyhat_db")):
                value = operand(self.lesson.lookup(key), "l")
                # Two formulas, so the notation's -2 never shares a text with a number.
                symbolic = self.tex(dp, "=", Part("up", notation.DLOSS_DYHAT), r"\times",
                                    Part("loc", local), Part("expanded", "="), "-2(", notation.Y,
                                    "-", notation.Y_HAT, ")", r"\times", Part("locexpr", expr),
                                    font_size=34, l=key)
                numeric = self.tex("=", "@up", r"\times", value, font_size=34,
                                   up=f"{STEP}.dloss_dyhat", l=key)
                numeric.color_parts({"@up": theme.GRADIENT,
                                     "@l": theme.INPUT if expr == notation.X else theme.TEXT})
                numeric.next_to(symbolic, RIGHT, buff=0.2)
                rows.append(VGroup(hide(symbolic), hide(numeric)))
            self.rows = VGroup(*rows)
            for row, y in zip(rows, ROWS_Y, strict=True):
                row.move_to([0, y, 0]).align_to(rows[0], LEFT)
            fit_width(self.rows, WIDTH).set_x(0)
            self.add(self.rows)
            self.play(*(reveal(part) for row in rows for part in row[0].parts_before("expanded")),
                      run_time=1.5)

    def brace_tag(self, part, word: str, key: str, side) -> VGroup:
        """A brace under a factor with `word = value`, hanging off to one `side` (the factors
        sit close)."""
        brace = Brace(part, DOWN, buff=0.08, color=theme.GRADIENT)
        tag = VGroup(Text(self.tr(word), font=theme.FONT, font_size=24, color=theme.EMPHASIS,
                          weight=BOLD),
                     self.tex("=", "@v", v=key, font_size=30, color=theme.GRADIENT))
        tag.arrange(RIGHT, buff=0.15)
        tag.next_to(brace, DOWN, buff=0.08)
        tag.shift((brace.get_center()[0] - 0.3 * side[0] - tag.get_edge_center(-side)[0]) * RIGHT)
        return VGroup(brace, tag)

    @beat
    def upstream_gradient(self) -> None:
        key = f"{STEP}.dloss_dyhat"
        with self.narrate("Upstream: how the loss reacts to the layer's output, here @up.",
                          up=key):
            self.swap_headline(self.headline(
                "**Upstream gradient:** how loss reacts to the layer's output."))
            self.upstream = self.brace_tag(self.rows[1][0].part("up"), N_("upstream"), key, LEFT)
            g = self.graph
            self.play(*(g.arrows[e].animate.set_color(theme.GRADIENT).set_stroke(width=5)
                        for e in UPSTREAM_EDGES),
                      FadeIn(self.upstream), run_time=1.0)

    @beat
    def local_gradient(self) -> None:
        keys = {"x": f"{STEP}.x", "one": f"{STEP}.dyhat_db"}
        with self.narrate("Local: how the output reacts to its own parameter, "
                          "@x for w and @one for b.", **keys):
            self.swap_headline(self.headline(
                "**Local gradient:** how the layer's output reacts to its own parameter."))
            self.local = self.brace_tag(self.rows[1][0].part("loc"), N_("local"), keys["one"],
                                        RIGHT)
            g = self.graph
            self.play(*(g.arrows[e].animate.set_color(theme.PARAM).set_stroke(width=5)
                        for e in LOCAL_EDGES),
                      FadeIn(self.local), run_time=1.0)
            (_, a), (_, b) = self.rows
            self.play(*(reveal(part) for r in self.rows
                        for part in r[0].parts_between("expanded", "locexpr")),
                      run_time=1.0)
            self.play(*(reveal(part) for r in self.rows for part in r[1].parts_except("@l")),
                      Fly(g.value_label("x"), a.part("@l")), reveal(b.part("@l")), run_time=1.0)

    @beat
    def reuse(self) -> None:
        with self.narrate("Key benefit: both factors reuse values the forward pass "
                          "already computed; nothing is computed twice."):
            self.swap_headline(self.headline(
                "**Key benefit:** intermediate values from the forward pass get reused \u2014 "
                "no redundant computation."))
            g, a = self.graph, self.rows[0][0]
            pairs = [(g.value_label("x"), a.part("locexpr")),
                     (g.value_label("y_hat"), a.part(notation.Y_HAT)),
                     (g.value_label("y"), a.part(notation.Y))]
            self.marks = VGroup(*(SurroundingRectangle(m, color=theme.ACTIVATION, buff=0.06,
                                                       stroke_width=2.5)
                                  for pair in pairs for m in pair))
            # Each value flies into its symbol's place, which makes way for it as it comes and
            # takes the place back when it lands: no paused frame shows both.
            self.play(LaggedStart(*(AnimationGroup(
                dst.animate(rate_func=squish_rate_func(smooth, 0, 0.3)).set_opacity(0),
                Fly(src, dst)) for src, dst in pairs), lag_ratio=0.3), run_time=1.5)
            self.play(Create(self.marks), run_time=1.0)

    # ----- the nudge ------------------------------------------------------------------

    @beat
    def nudge_w(self) -> None:
        n = self.lesson.nudge
        keys = {"dw": "nudge.dw", "x": f"{STEP}.x", "dyh": "nudge.dy_hat_predicted"}
        with self.narrate(wording.NUDGE_MOVE[self.lesson.verdicts.nudge], **keys):
            self.swap_headline(self.headline(
                "Nudge `w` a little: y\u0302 and the loss move by the amounts the factors "
                "predict."))
            self.lines = lines = LinkedNumberLines(
                [Row(notation.W, theme.PARAM, n.dw),
                 Row(notation.Y_HAT, theme.PREDICTION, n.dy_hat_actual),
                 Row(notation.LOSS, theme.LOSS, n.dloss_actual, n.dloss_predicted)],
                left=theme.CONTENT_LEFT, right=0.4, top=NUDGE_TOP, gap=NUDGE_GAP)
            starts = [lines.place_above(i, self.tex("@v", v=k, font_size=28, color=c))
                      for i, (k, c) in enumerate(((f"{STEP}.w", theme.PARAM),
                                                  (f"{STEP}.y_hat", theme.PREDICTION),
                                                  (f"{STEP}.loss", theme.LOSS)))]
            self.notes = [
                self.tex(r"\Delta w", "=", "@dw", dw="nudge.dw", font_size=32),
                self.tex(r"\Delta\hat{y}", "=", "@x", r"\times", "@dw", "=", "@dyh", font_size=32,
                         **keys),
            ]
            self.notes[0].part(r"\Delta w").set_color(theme.PARAM)
            self.notes[1].color_parts({r"\Delta\hat{y}": theme.PREDICTION, "@x": theme.INPUT})
            for note, i in zip(self.notes, (0, 1), strict=True):
                fit_width(note, theme.CONTENT_RIGHT - NOTES_LEFT)
                note.move_to([0, lines.starts[i][1], 0]).set_x(NOTES_LEFT, LEFT)
            self.play(FadeOut(self.rows, self.upstream, self.local, self.marks), run_time=0.8)
            self.play(FadeIn(lines), *(FadeIn(s) for s in starts), run_time=1.0)
            trails = [t for t in (lines.trail(i) for i in range(3)) if t is not None]
            self.play(*(d.animate.move_to(e) for d, e in zip(lines.dots, lines.ends, strict=True)),
                      *(GrowArrow(t) for t in trails), run_time=1.6)
            self.play(*(FadeIn(note, shift=0.1 * LEFT) for note in self.notes), run_time=0.8)

    @beat
    def predict_loss(self) -> None:
        keys = {"up": "nudge.dloss_dyhat", "dyh": "nudge.dy_hat_predicted",
                "dlp": "nudge.dloss_predicted",
                "dla": "nudge.dloss_actual"}
        with self.narrate(wording.NUDGE_LOSS[self.lesson.verdicts.nudge], **keys):
            up, dyh = (operand(self.lesson.lookup(keys[k]), k) for k in ("up", "dyh"))
            predicted = self.tex(r"\Delta\mathrm{loss}", r"\approx", up, r"\times", dyh, "=",
                                 "@dlp",
                                 font_size=32, **keys)
            predicted.color_parts({r"\Delta\mathrm{loss}": theme.LOSS, "@up": theme.GRADIENT})
            actual = self.text("recomputed: @dla", font_size=24, color=theme.LOSS, dla=keys["dla"])
            y = self.lines.starts[2][1]
            fit_width(predicted, theme.CONTENT_RIGHT - NOTES_LEFT)
            predicted.move_to([0, y + 0.2, 0]).set_x(NOTES_LEFT, LEFT)
            actual.next_to(predicted, DOWN, buff=0.12, aligned_edge=LEFT)
            tick = self.lines.predicted_ticks[2]
            tag = Text(self.tr(N_("predicted")), font=theme.FONT, font_size=20,
                       color=theme.GRADIENT).next_to(tick, DOWN, buff=0.06)
            self.play(FadeIn(predicted, shift=0.1 * LEFT), Create(tick), FadeIn(tag), run_time=1.0)
            self.play(FadeIn(actual, shift=0.1 * LEFT),
                      Circumscribe(self.lines.dots[2], color=theme.LOSS), run_time=1.0)
