"""The deck: which slide is which scene. Imports nothing from manim, so the render
pipeline can read it without paying for Manim's start-up."""

from __future__ import annotations

import ast
import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from backprop_core.params import DECLARED, depends_on
from lecture.i18n import N_, catalog_for

__all__ = ["Slide", "SLIDES", "SLIDE_COUNT", "KICKER", "LECTURE_TITLE", "LECTURE_SUBTITLE",
           "lecture_title", "find_slide", "beat_id", "is_beat_name", "declared_beats",
           "declared_beat_ids", "EVERY_PARAM"]

# Catalog entries (lecture/i18n.py): a slide's title and subtitle under `SLUG.title`, ...
KICKER = N_("NEURAL NETWORKS / BACKPROPAGATION", "chrome")
LECTURE_TITLE = N_("Backpropagation Demystified", "lecture")
LECTURE_SUBTITLE = N_("How Neural Networks Learn", "lecture")


def lecture_title(language: str | None = None) -> str:
    """The lecture's title and subtitle, "Title: Subtitle", in `language` (a tag)."""
    catalog = catalog_for(language)
    return f"{catalog.text(LECTURE_TITLE)}: {catalog.text(LECTURE_SUBTITLE)}"


SCENES_DIR = Path(__file__).resolve().parent.parent / "scenes"

EVERY_PARAM = tuple(DECLARED)


@dataclass(frozen=True)
class Slide:
    number: int
    slug: str  # output files are named f"{number:02d}-{slug}"
    module: str  # file name under scenes/, without .py
    scene: str  # the Scene class in that file
    title: str
    subtitle: str
    # The parameters whose change can change a lesson value the slide reads: those whose
    # declaration names the slide (backprop_core/params.py). A sweep renders the slide once
    # for all variants that agree on these. Proved against the slide's recorded reads by
    # tests/backprop_render/test_end_to_end.py; a sweep also checks each shared render's
    # reads and renders the slide again where one differs.
    depends_on: tuple[str, ...] = EVERY_PARAM

    @property
    def stem(self) -> str:
        return f"{self.number:02d}-{self.slug}"

    @property
    def path(self) -> Path:
        return SCENES_DIR / f"{self.module}.py"


_DECK = (
    Slide(1, "what-is-backpropagation", "s01_what_is_backpropagation", "WhatIsBackpropagation",
          N_("What is Backpropagation?", "what-is-backpropagation.title"),
          ""),  # the title card says the subtitle
    Slide(2, "forward-propagation", "s02_forward_propagation", "ForwardPropagation",
          N_("Forward Propagation", "forward-propagation.title"),
          N_("The Network Makes a Prediction", "forward-propagation.subtitle")),
    Slide(3, "loss-function", "s03_loss_function", "LossFunction",
          N_("Measuring Mistakes", "loss-function.title"),
          N_("The Loss Function", "loss-function.subtitle")),
    Slide(4, "gradient-descent", "s04_gradient_descent", "GradientDescent",
          N_("Which Way is Down?", "gradient-descent.title"),
          N_("Gradient Descent", "gradient-descent.subtitle")),
    Slide(5, "chain-rule", "s05_chain_rule", "ChainRule",
          N_("The Chain Rule", "chain-rule.title"),
          N_("Connecting the Dots Backward", "chain-rule.subtitle")),
    Slide(6, "backward-propagation", "s06_backward_propagation", "BackwardPropagation",
          N_("Backward Propagation", "backward-propagation.title"),
          N_("Computing the Gradient", "backward-propagation.subtitle")),
    Slide(7, "activation-functions", "s07_activation_functions", "ActivationFunctions",
          N_("Why We Need More Than a Line", "activation-functions.title"),
          N_("Activation Functions", "activation-functions.subtitle")),
    Slide(8, "full-picture", "s08_full_picture", "FullPicture",
          N_("Why Backpropagation Makes Learning Possible", "full-picture.title"),
          N_("The Full Picture", "full-picture.subtitle")),
)
SLIDES: tuple[Slide, ...] = tuple(
    dataclasses.replace(slide, depends_on=depends_on(slide.number)) for slide in _DECK)
SLIDE_COUNT = len(SLIDES)


def find_slide(key: str) -> Slide:
    """A slide by number ('6', '06') or slug ('backward-propagation', '06-backward-propagation')."""
    key = key.strip().lower()
    for slide in SLIDES:
        if key in (str(slide.number), f"{slide.number:02d}", slide.slug, slide.stem,
                   slide.scene.lower()):
            return slide
    known = ", ".join(f"{s.number} ({s.slug})" for s in SLIDES)
    raise KeyError(f"unknown slide '{key}'. Slides are: {known}.")


_BEAT_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def is_beat_name(name: str) -> bool:
    """Whether `name` is a beat's name: snake_case, as the slide's method that plays it."""
    return bool(_BEAT_NAME.fullmatch(name))


def beat_id(slug: str, beat: str) -> str:
    """The beat `beat` of the slide `slug` named across the lecture: `<slide slug>.<beat
    name>`, e.g. `gradient-descent.take_one_step`.

    What anything keyed on a beat keys on (a lecturer's recorded voice, a translation's
    context, a checkpoint question). By slug, not number, so inserting or moving a slide
    keeps every id; a beat's name is its method's name in the slide (scenes/kit/slide.py,
    `@beat`), so renaming the method renames the beat.
    """
    if not is_beat_name(beat):
        raise ValueError(f"a beat is named in snake_case: {beat!r}")
    return f"{slug}.{beat}"


def declared_beats(slide: Slide) -> list[str]:
    """The beats `slide`'s scene declares (its methods marked `@beat`), in the order of its
    source, read without Manim; none if the scene cannot be read."""
    try:
        tree = ast.parse(slide.path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    return [node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            and any(getattr(d, "id", None) == "beat" for d in node.decorator_list)]


def declared_beat_ids() -> list[str]:
    """Every beat the lecture's scenes declare, by id (`beat_id`), in deck order."""
    return [beat_id(slide.slug, name) for slide in SLIDES for name in declared_beats(slide)]
