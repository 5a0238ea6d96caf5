"""The deck: which slide is which scene. Imports nothing from manim, so the render
pipeline can read it without paying for Manim's start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Slide", "SLIDES", "SLIDE_COUNT", "KICKER", "LECTURE_TITLE", "LECTURE_SUBTITLE",
           "find_slide"]

KICKER = "NEURAL NETWORKS / BACKPROPAGATION"
LECTURE_TITLE = "Backpropagation Demystified"
LECTURE_SUBTITLE = "How Neural Networks Learn"
SCENES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Slide:
    number: int
    slug: str  # output files are named f"{number:02d}-{slug}"
    module: str  # file name under scenes/, without .py
    scene: str  # the Scene class in that file
    title: str
    subtitle: str

    @property
    def stem(self) -> str:
        return f"{self.number:02d}-{self.slug}"

    @property
    def path(self) -> Path:
        return SCENES_DIR / f"{self.module}.py"


SLIDES: tuple[Slide, ...] = (
    Slide(1, "what-is-backpropagation", "s01_what_is_backpropagation", "WhatIsBackpropagation",
          "What is Backpropagation?", ""),  # the title card below says the lecture's subtitle
    Slide(2, "forward-propagation", "s02_forward_propagation", "ForwardPropagation",
          "Forward Propagation", "The Network Makes a Prediction"),
    Slide(3, "loss-function", "s03_loss_function", "LossFunction",
          "Measuring Mistakes", "The Loss Function"),
    Slide(4, "gradient-descent", "s04_gradient_descent", "GradientDescent",
          "Which Way is Down?", "Gradient Descent"),
    Slide(5, "chain-rule", "s05_chain_rule", "ChainRule",
          "The Chain Rule", "Connecting the Dots Backward"),
    Slide(6, "backward-propagation", "s06_backward_propagation", "BackwardPropagation",
          "Backward Propagation", "Computing the Gradient"),
    Slide(7, "activation-functions", "s07_activation_functions", "ActivationFunctions",
          "Why We Need More Than a Line", "Activation Functions"),
    Slide(8, "full-picture", "s08_full_picture", "FullPicture",
          "Why Backpropagation Makes Learning Possible", "The Full Picture"),
)
SLIDE_COUNT = len(SLIDES)


def find_slide(key: str) -> Slide:
    """A slide by number ('6', '06') or slug ('backward-propagation', '06-backward-propagation')."""
    key = key.strip().lower()
    for slide in SLIDES:
        if key in (str(slide.number), f"{slide.number:02d}", slide.slug, slide.stem, slide.scene.lower()):
            return slide
    known = ", ".join(f"{s.number} ({s.slug})" for s in SLIDES)
    raise KeyError(f"unknown slide '{key}'. Slides are: {known}.")
