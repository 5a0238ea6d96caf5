"""Slide 2 — Forward Propagation: the network makes a prediction.

The worked neuron computes y_hat = w*x + b in front of the viewer (the multiply, then
the add), its prediction travels out along the edge; then the full-picture network
shows the same computation in one hidden neuron, with its real weights, and in all of
them at once.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromCenter,
    Indicate,
    LaggedStart,
    MathTex,
    VGroup,
    Write,
)

from lecture.i18n import N_, fill_words
from lecture.slides import find_slide
from scenes import wording
from scenes.drawings.network import fitted_network
from scenes.drawings.neuron import NeuronDiagram
from scenes.drawings.signal_flow import forward_flow
from scenes.kit import notation, theme
from scenes.kit.formula import Fly, Formula, Part, hide, operand, reveal, symbol_to_tag
from scenes.kit.placement import fit_width, keep_in_content
from scenes.kit.slide import SlideScene, beat
from scenes.kit.typeset import value_tag

NEURON_CENTRE = 0.55 * UP  # the body of the worked neuron once the work lines come
WORK_Y = (-2.2, -2.9)  # the multiply line and the add line
NETWORK_CENTRE = 3.4 * LEFT + 0.35 * DOWN
RIGHT_COLUMN = (0.3, theme.CONTENT_RIGHT)  # the hidden neuron's formulas
SYMBOLS = {"x": notation.X, "w": notation.W, "b": notation.B, "y_hat": notation.Y_HAT}


class ForwardPropagation(SlideScene):
    slide_number = 2

    def construct(self) -> None:
        self.show_neuron()
        self.feed_values()
        self.multiply()
        self.add_bias()
        self.emit_prediction()
        self.show_network()
        self.one_hidden_neuron()
        self.apply_relu()
        self.whole_network()

    # ----- helpers ------------------------------------------------------------------

    def tag(self, symbol: str, key: str, color: str) -> Formula:
        """`symbol = value`, the value in the symbol's colour."""
        return value_tag(self.typeset, symbol, key, color)

    def formula(self, *parts: str | Part, y: float, colors: dict[str, str], **keys: str) -> Formula:
        """A work line across the content, hidden; `colors` colours parts by name."""
        formula = self.tex(*parts, **keys).color_parts(colors)
        return hide(fit_width(formula, theme.CONTENT_RIGHT - theme.CONTENT_LEFT).move_to(y * UP))

    # ----- the worked neuron ---------------------------------------------------------

    @beat
    def show_neuron(self) -> None:
        n = self.neuron = NeuronDiagram(self.lesson.worked_step)
        n.shift(NEURON_CENTRE - n.body.get_center())
        # While the neuron is alone (beats 1-2) it sits at the content's middle height, and
        # rises to NEURON_CENTRE when the work lines come below it.
        self.lift = n.get_center()[1] - (theme.CONTENT_TOP + theme.CONTENT_BOTTOM) / 2
        n.shift(self.lift * DOWN)
        s = n.symbols
        with self.narrate("A single neuron multiplies its input x by a weight w "
                          "and adds a bias b."):
            self.show_chrome()
            self.add(n)  # every part is animated in below; nothing shows before its turn
            self.play(LaggedStart(
                AnimationGroup(FadeIn(n.input), FadeIn(s["x"])),
                AnimationGroup(Create(n.edge_in), FadeIn(s["w"])),
                AnimationGroup(GrowFromCenter(n.body), Write(n.formula)),
                AnimationGroup(GrowArrow(n.bias), FadeIn(s["b"])),
                AnimationGroup(Create(n.edge_out), FadeIn(n.output), FadeIn(s["y_hat"])),
                lag_ratio=0.5), run_time=3)

    @beat
    def feed_values(self) -> None:
        step = "worked_step"
        with self.narrate("Our input is @x, the weight is @w, and the bias is @b.",
                          x=f"{step}.x", w=f"{step}.w", b=f"{step}.b"):
            self.tags = {}
            moves = []
            for name, color in (("x", theme.INPUT), ("w", theme.PARAM), ("b", theme.PARAM)):
                tag = self.tags[name] = self.neuron.place(
                    self.tag(SYMBOLS[name], f"{step}.{name}", color), name)
                moves += symbol_to_tag(self, self.neuron.detach(name), tag)
            self.play(*moves, run_time=1.5)
            self.play(self.neuron.pulse("in"))

    @beat
    def multiply(self) -> None:
        keys = {"w": "worked_step.w", "x": "worked_step.x", "wx": "graph.nodes.wx.value"}
        with self.narrate("First the multiply: the weight @w times the input @x "
                          "gives @wx.", **keys):
            line = self.line1 = self.formula(
                notation.W, notation.X, "=", "@w", r"\times",
                operand(self.lesson.lookup(keys["x"]), "x"),
                Part("gives", "="), "@wx", y=WORK_Y[0],
                colors={"@w": theme.PARAM, "@x": theme.INPUT},
                **keys)
            self.play(VGroup(self.neuron, *self.tags.values()).animate.shift(self.lift * UP),
                      run_time=0.8)
            self.add(line)
            self.play(Indicate(self.neuron.product_term(), color=theme.ACTIVATION),
                      *(reveal(part) for part in line.parts_before("@w")))
            self.play(Fly(self.tags["w"].part("@v"), line.part("@w")), reveal(line.part(r"\times")),
                      Fly(self.tags["x"].part("@v"), line.part("@x")))
            self.play(reveal(line.part("gives")), reveal(line.part("@wx"), 0.3 * LEFT))

    @beat
    def add_bias(self) -> None:
        keys = {"wx": "graph.nodes.wx.value", "b": "worked_step.b", "y_hat": "worked_step.y_hat"}
        with self.narrate("Then the add: @wx plus the bias @b gives @y_hat.", **keys):
            line = self.line2 = self.formula(
                notation.W, notation.X, "+", notation.B, "=", "@wx", Part("plus", "+"),
                operand(self.lesson.lookup(keys["b"]), "b"), Part("gives", "="), "@y_hat",
                y=WORK_Y[1],
                colors={"@b": theme.PARAM, "@y_hat": theme.PREDICTION}, **keys)
            self.add(line)
            self.play(Indicate(self.neuron.bias_term(), color=theme.ACTIVATION),
                      *(reveal(part) for part in line.parts_before("@wx")))
            self.play(Fly(self.line1.part("@wx"), line.part("@wx")), reveal(line.part("plus")),
                      Fly(self.tags["b"].part("@v"), line.part("@b")))
            self.play(reveal(line.part("gives")), reveal(line.part("@y_hat"), 0.3 * LEFT))

    @beat
    def emit_prediction(self) -> None:
        key = "worked_step.y_hat"
        with self.narrate("So the neuron predicts y-hat equals @y_hat: "
                          "the signal has moved forward.", y_hat=key):
            tag = self.tags["y_hat"] = self.neuron.place(self.tag(notation.Y_HAT, key,
                                                                  theme.PREDICTION), "y_hat")
            self.play(self.neuron.pulse("out"))
            self.play(*symbol_to_tag(self, self.neuron.detach("y_hat"), tag,
                                     number_from=self.line2.part("@y_hat")))
            self.play(self.neuron.pulse("all", run_time=1.6))

    # ----- a network is many such neurons --------------------------------------------

    @beat
    def show_network(self) -> None:
        net = self.lesson.network
        self.net = fitted_network(net.initial, width=4.4, height=4.2).move_to(NETWORK_CENTRE)
        self.net_symbols = {name: MathTex(tex, color=notation.SYMBOL_COLORS[tex])
                            .next_to(node, DOWN, 0.18)
                            for name, tex, node in (("x", notation.X, self.net.input),
                                                    ("y_hat", notation.Y_HAT, self.net.output))}
        layers = self.net.layers()
        # Each under its layer, never wider than the gap to the next (a longer word shrinks).
        room = 0.92 * (layers[1].get_x() - layers[0].get_x())
        captions = VGroup(*(fit_width(self.label(name), room).next_to(layer, DOWN, 0)
                            .set_y(-2.95)
                            for name, layer in zip((N_("input"), N_("hidden layer"),
                                                    N_("output")), layers, strict=True)))
        with self.narrate("A network is many such neurons in layers, "
                          "here @h hidden ones, all doing the same thing.",
                          h="network.hidden"):
            self.play(FadeOut(self.neuron, *self.tags.values(), self.line1, self.line2),
                      run_time=0.8)
            net = self.net
            self.add(net)  # its parts are animated in below
            self.play(LaggedStart(FadeIn(net.input, scale=0.6), FadeIn(net.hidden, scale=0.6),
                                  FadeIn(net.output, scale=0.6), lag_ratio=0.4),
                      Create(net.edges_in), Create(net.edges_out), FadeIn(captions),
                      *(FadeIn(symbol) for symbol in self.net_symbols.values()), run_time=2)

    @beat
    def one_hidden_neuron(self) -> None:
        trace = self.lesson.network.trace
        k = next((i for i, a in enumerate(trace.a1) if a > 0), 0)  # a neuron the ReLU lets through
        self.k = k
        keys = {"x": "network.trace.x", "w": f"network.initial.W1.{k}",
                "b": f"network.initial.b1.{k}",
                "z": f"network.trace.z1.{k}"}
        with self.narrate("For the input @x, this hidden neuron computes @w times @x "
                          "plus @b, which is @z.", **keys):
            x_tag = self.below(self.tag(notation.X, keys["x"], theme.INPUT), self.net.input, LEFT)
            self.net_tags = {"x": x_tag}
            ring = self.net.hidden[k].copy().set_fill(opacity=0).set_stroke(theme.ACTIVATION, 5)
            title = self.label("this hidden neuron", color=theme.ACTIVATION)
            formula = self.tex(notation.W, notation.X, "+", notation.B, "=", "@w", r"\times",
                               operand(self.lesson.lookup(keys["x"]), "x"), Part("plus", "+"),
                               operand(self.lesson.lookup(keys["b"]), "b"), Part("gives", "="),
                               "@z",
                               **keys)
            formula.color_parts({"@w": theme.PARAM, "@x": theme.INPUT, "@b": theme.PARAM,
                                 "@z": theme.ACTIVATION})
            self.column(VGroup(title, formula), top=1.2)
            hide(formula)
            self.add(formula)
            self.play(*symbol_to_tag(self, self.net_symbols["x"], x_tag))
            self.play(Create(ring), Indicate(self.net.edges_in[k], color=theme.ACTIVATION),
                      FadeIn(title), *(reveal(part) for part in formula.parts_before("@w")))
            self.play(reveal(formula.part("@w")), reveal(formula.part(r"\times")),
                      Fly(x_tag.part("@v"), formula.part("@x")), reveal(formula.part("plus")),
                      reveal(formula.part("@b")))
            self.play(reveal(formula.part("gives")), reveal(formula.part("@z"), 0.3 * LEFT))
            self.hidden_work = VGroup(title, formula, ring)

    @beat
    def apply_relu(self) -> None:
        k = self.k
        keys = {"z": f"network.trace.z1.{k}", "a": f"network.trace.a1.{k}"}
        with self.narrate(wording.RELU[self.lesson.verdicts.dead_units], **keys):
            relu = self.tex(r"\mathrm{ReLU}", "(@z)", "=", "@a", **keys)
            relu.part("@a").set_color(theme.ACTIVATION)
            later = find_slide("activation-functions")
            note = self.label(fill_words(self.tr(N_("activation function: more on slide @number")),
                                         {"number": str(later.number)}))
            note.numerals_ok = "slide reference"
            self.column(VGroup(relu, note), top=self.hidden_work[1].get_bottom()[1] - 0.45)
            filled = self.net.copy().fill_hidden(self.lesson.network.trace.a1)
            self.play(FadeIn(relu, shift=0.2 * DOWN))
            self.play(self.net.hidden[k].animate.set_fill(filled.hidden[k].get_fill_color(), 1),
                      FadeIn(note))
            self.relu_work = VGroup(relu, note)

    @beat
    def whole_network(self) -> None:
        key = "network.trace.y_hat"
        with self.narrate("Layer after layer, every neuron does the same, and the output "
                          "neuron gives the network's prediction, @y_hat.", y_hat=key):
            ACT = {"a": theme.ACTIVATION}
            hidden_rule = self.tex("a", "=", r"\mathrm{ReLU}(", notation.W, notation.X, "+",
                                   notation.B, ")",
                                   colors=ACT)
            output_rule = self.tex(notation.Y_HAT, "=", r"\sum", notation.W, "a", "+", notation.B,
                                   "=",
                                   "@y_hat", colors=ACT, y_hat=key)
            output_rule.part("@y_hat").set_color(theme.PREDICTION)
            rules = VGroup(VGroup(self.label("every hidden neuron"),
                                  hidden_rule).arrange(DOWN, buff=0.15),
                           VGroup(self.label("the output neuron"),
                                  output_rule).arrange(DOWN, buff=0.15))
            self.column(rules, top=1.2, buff=0.55)
            filled = self.net.copy().fill_hidden(self.lesson.network.trace.a1)
            tag = self.below(self.tag(notation.Y_HAT, key, theme.PREDICTION), self.net.output,
                             RIGHT)
            self.play(FadeOut(self.hidden_work, self.relu_work), run_time=0.6)
            self.play(FadeIn(rules[0], shift=0.2 * DOWN), run_time=0.8)
            self.play(forward_flow(self.net, self.lesson.network.trace, run_time=2),
                      *(h.animate.set_fill(f.get_fill_color(), 1)
                        for h, f in zip(self.net.hidden, filled.hidden, strict=True)))
            self.play(FadeIn(rules[1], shift=0.2 * DOWN))
            self.play(*symbol_to_tag(self, self.net_symbols["y_hat"], tag,
                                     number_from=output_rule.part("@y_hat")))

    # ----- placement ------------------------------------------------------------------

    def below(self, mob, node, reach):
        """Under `node`, reaching out (`reach` LEFT or RIGHT) away from the edges that meet it."""
        edge = RIGHT if reach[0] < 0 else LEFT
        return keep_in_content(fit_width(mob, 3.0).next_to(node, DOWN, 0.18, aligned_edge=edge))

    def column(self, group: VGroup, top: float, buff: float = 0.3) -> VGroup:
        """Stack `group` in the right-hand column, scaled to fit its width."""
        left, right = RIGHT_COLUMN
        group.arrange(DOWN, buff=buff)
        fit_width(group, right - left)
        return group.move_to(((left + right) / 2) * RIGHT + (top - group.height / 2) * UP)
