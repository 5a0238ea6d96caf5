"""DIR/index.html and DIR/variants.csv: every variant of a sweep at a glance.

For each variant: its name, its parameters, the key numbers of its lesson (the
worked neuron's loss and gradients, its loss after one step, the network's final
loss), whether its folder is complete, and links to its lecture, slides and GIFs,
with one still per variant (of the first slide that shows a parameter the variants
differ in) so a lecturer can compare them side by side. The page is index.html.jinja
beside this module, rendered by jinja2 with every value escaped.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import jinja2

from backprop_core import Params
from backprop_render.build.outputs import OutputFolder
from backprop_render.exercises.make import CLASS_KEY
from backprop_render.sweep.assemble import VariantOutcome
from backprop_render.sweep.plan import BadVariant, Plan, Variant
from lecture.slides import LECTURE_TITLE, Slide

__all__ = ["KEY_NUMBERS", "TEMPLATE", "write", "still_slide", "varying"]

TEMPLATE = "index.html.jinja"  # beside this module, shipped as package data
# Every value the page shows is escaped: a variant's row, a problem's text, a CSV's cells.
_TEMPLATES = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                                trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

# (column, lesson path, heading)
KEY_NUMBERS = (
    ("loss", "worked_step.loss", "loss"),
    ("dloss_dw", "worked_step.dloss_dw", "∂L/∂w"),
    ("dloss_db", "worked_step.dloss_db", "∂L/∂b"),
    ("loss_after_step", "worked_step.loss_next", "loss after one step"),
    ("network_final_loss", "network.final_loss", "network's final loss"),
)
PARAMS = tuple(f.name for f in dataclasses.fields(Params))


def varying(variants: Iterable[Variant]) -> list[str]:
    """The parameters whose values differ between the variants."""
    variants = list(variants)
    return [n for n in PARAMS if len({getattr(v.params, n) for v in variants}) > 1]


def still_slide(slides: list[Slide], variants: list[Variant]) -> Slide | None:
    """The first slide that shows a parameter the variants differ in (else the first)."""
    differ = set(varying(variants))
    for slide in slides:
        if differ & set(slide.depends_on):
            return slide
    return slides[0] if slides else None


def _shown(variant: Variant, path: str) -> str:
    return variant.lesson.shown(path).text


@dataclass(frozen=True)
class _Link:
    href: str  # relative to the sweep's folder
    text: str  # what the page shows
    label: str  # what a screen reader says: the text first, then what it is


def _links(outcome: VariantOutcome, slides: list[Slide], kind: str, what: str,
           folder: Path) -> list[_Link]:
    name = outcome.variant.name
    return [_Link(f"{name}/{s.stem}.{kind}", f"{s.number:02d}",
                  f"{s.number:02d} {s.title}: {what} of {name}")
            for s in slides if (folder / name / f"{s.stem}.{kind}").is_file()]


def _row(outcome: VariantOutcome, plan: Plan, differ: list[str], folder: Path,
         still: Slide | None) -> dict[str, Any]:
    """What the page and the table say of one variant; only files its folder holds."""
    variant = outcome.variant
    name = variant.name
    picture = None
    if still is not None and (folder / name / f"{still.stem}.png").is_file():
        picture = _Link(f"{name}/{still.stem}.png", "",
                        f"{name}: the last frame of slide {still.number}, {still.title}")
    return {
        "variant": variant, "name": name, "complete": outcome.complete,
        "problems": "; ".join(outcome.problems),
        "params": [(n, getattr(variant.params, n)) for n in differ],
        "numbers": [_shown(variant, path) for _, path, _ in KEY_NUMBERS],
        "lecture": f"{name}/lecture.mp4" if (folder / name / "lecture.mp4").is_file() else None,
        "videos": _links(outcome, plan.slides, "mp4", "the video", folder),
        "gifs": _links(outcome, plan.slides, "gif", "the GIF", folder),
        "still": picture,
        "sheets": [_Link(f"{name}/{file}", what, f"{what} of {name}")
                   for file, what in (("exercises.pdf", "exercises"), ("answers.pdf", "answers"))
                   if (folder / name / file).is_file()],
    }


def _csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["name", "status", *PARAMS, *(c for c, _, _ in KEY_NUMBERS), "lecture",
                  "slides", "gifs", "still", "problems"])
    for row in rows:
        variant = row["variant"]
        out.writerow([
            variant.name, "complete" if row["complete"] else "incomplete",
            *(getattr(variant.params, n) for n in PARAMS),
            *(variant.lesson.lookup(path) for _, path, _ in KEY_NUMBERS),
            row["lecture"] or "", " ".join(link.href for link in row["videos"]),
            " ".join(link.href for link in row["gifs"]),
            row["still"].href if row["still"] else "", row["problems"],
        ])
    return buffer.getvalue()


def _html(plan: Plan, rows: list[dict[str, Any]], differ: list[str], still: Slide | None,
          skipped: Iterable[BadVariant], class_key: bool) -> str:
    template = _TEMPLATES.from_string(
        resources.files(__package__).joinpath(TEMPLATE).read_text(encoding="utf-8"))
    return template.render(
        title=LECTURE_TITLE, quality=plan.quality.name, differ=differ, still=still,
        headings=[heading for _, _, heading in KEY_NUMBERS], rows=rows,
        skipped=[str(b) for b in skipped], class_key=CLASS_KEY if class_key else None)


def write(top: OutputFolder, plan: Plan, outcomes: dict[str, VariantOutcome],
          skipped: Iterable[BadVariant] = ()) -> None:
    still = still_slide(plan.slides, plan.variants)
    differ = varying(plan.variants) or list(PARAMS)
    rows = [_row(o, plan, differ, top.path, still) for o in outcomes.values()]
    top.write_text("variants.csv", _csv(rows))
    top.write_text("index.html", _html(plan, rows, differ, still, skipped,
                                       (top.path / CLASS_KEY).is_file()))
