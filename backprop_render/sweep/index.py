"""DIR/index.html and DIR/variants.csv: every variant of a sweep at a glance.

For each variant: its name, its parameters, the key numbers of its lesson (the
worked neuron's loss and gradients, its loss after one step, the network's final
loss), whether its folder is complete, and links to its lecture, slides and GIFs,
with one still per variant (of the first slide that shows a parameter the variants
differ in) so a lecturer can compare them side by side.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
from typing import TYPE_CHECKING, Any, Iterable

from backprop_core import Params
from backprop_render.build.outputs import OutputFolder
from backprop_render.exercises.make import CLASS_KEY
from backprop_render.sweep.plan import BadVariant, Plan, Variant
from lecture.slides import LECTURE_TITLE, Slide

if TYPE_CHECKING:
    from backprop_render.sweep.run import VariantOutcome

__all__ = ["KEY_NUMBERS", "write", "still_slide", "varying"]

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


def _files(outcome: VariantOutcome, slides: list[Slide], kind: str, folder) -> list[str]:
    name = outcome.variant.name
    return [f"{name}/{s.stem}.{kind}" for s in slides if (folder / name / f"{s.stem}.{kind}")
            .is_file()]


def _sheets(name: str, folder) -> str:
    """Links to the variant's exercise sheet and its answers, those that exist."""
    links = [f'<a href="{html.escape(f"{name}/{file}")}">{label}</a>'
             for file, label in (("exercises.pdf", "exercises"), ("answers.pdf", "answers"))
             if (folder / name / file).is_file()]
    return " ".join(links) or "-"


def _class_key(folder) -> str:
    if not (folder / CLASS_KEY).is_file():
        return ""
    return (f'Every student\'s answers, a column per question: <a href="{CLASS_KEY}">'
            f"{CLASS_KEY}</a>.")


def _csv(plan: Plan, outcomes: dict[str, VariantOutcome], folder, still: Slide | None) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["name", "status", *PARAMS, *(c for c, _, _ in KEY_NUMBERS), "lecture",
                  "slides", "gifs", "still", "problems"])
    for outcome in outcomes.values():
        variant = outcome.variant
        lecture = f"{variant.name}/lecture.mp4"
        still_file = f"{variant.name}/{still.stem}.png" if still else ""
        out.writerow([
            variant.name, "complete" if outcome.complete else "incomplete",
            *(getattr(variant.params, n) for n in PARAMS),
            *(variant.lesson.lookup(path) for _, path, _ in KEY_NUMBERS),
            lecture if (folder / lecture).is_file() else "",
            " ".join(_files(outcome, plan.slides, "mp4", folder)),
            " ".join(_files(outcome, plan.slides, "gif", folder)),
            still_file if still_file and (folder / still_file).is_file() else "",
            "; ".join(outcome.problems),
        ])
    return buffer.getvalue()


def _html(plan: Plan, outcomes: dict[str, VariantOutcome], folder, still: Slide | None,
          skipped: Iterable[BadVariant]) -> str:
    e = html.escape
    differ = varying(plan.variants) or list(PARAMS)
    rows = []
    for outcome in outcomes.values():
        variant = outcome.variant
        name = variant.name
        still_file = f"{name}/{still.stem}.png" if still else None
        picture = (f'<a href="{e(still_file)}"><img src="{e(still_file)}" width="320" '
                   f'alt="{e(name)}: slide {still.number}"></a>'
                   if still_file and (folder / still_file).is_file() else "no still yet")
        params = "<br>".join(f"{e(n)} = {getattr(variant.params, n)}" for n in differ)
        numbers = "".join(f"<td>{e(_shown(variant, path))}</td>" for _, path, _ in KEY_NUMBERS)
        slides = " ".join(f'<a href="{e(p)}">{e(p.split("/")[-1].split("-")[0])}</a>'
                          for p in _files(outcome, plan.slides, "mp4", folder))
        gifs = " ".join(f'<a href="{e(p)}">{e(p.split("/")[-1].split("-")[0])}</a>'
                        for p in _files(outcome, plan.slides, "gif", folder))
        lecture = (f'<a href="{e(name)}/lecture.mp4">lecture</a>'
                   if (folder / name / "lecture.mp4").is_file() else "")
        status = "complete" if outcome.complete else \
            "<b>incomplete</b>: " + e("; ".join(outcome.problems) or "not rendered yet")
        rows.append(f"<tr><td><b>{e(name)}</b><br>{status}</td><td>{params}</td>{numbers}"
                    f"<td>{lecture}<br>slides: {slides or '-'}<br>GIFs: {gifs or '-'}<br>"
                    f"sheets: {_sheets(name, folder)}</td><td>{picture}</td></tr>")
    headings = "".join(f"<th>{e(h)}</th>" for _, _, h in KEY_NUMBERS)
    skipped_html = "".join(f"<li>{e(str(b))}</li>" for b in skipped)
    still_note = f"slide {still.number} ({e(still.title)})." if still else "none."
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(LECTURE_TITLE)}: {len(rows)} variants</title>
<style>
body {{ font-family: sans-serif; margin: 2em; background: #0f1218; color: #e8e8e8; }}
a {{ color: #7cc4ff; }} table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #333; padding: .4em .6em; vertical-align: top; text-align: left; }}
</style></head><body>
<h1>{e(LECTURE_TITLE)}: {len(rows)} variants</h1>
<p>Quality {e(plan.quality.name)}. Parameters that differ: {e(", ".join(differ))}.
Each folder is a whole render (facts.json traces every number). Still: {still_note}
{_class_key(folder)}</p>
<table><tr><th>variant</th><th>parameters</th>{headings}<th>files</th><th>still</th></tr>
{chr(10).join(rows)}
</table>
{f"<h2>Rows left out</h2><ul>{skipped_html}</ul>" if skipped_html else ""}
</body></html>
"""


def write(top: OutputFolder, plan: Plan, outcomes: dict[str, Any],
          skipped: Iterable[BadVariant] = ()) -> None:
    still = still_slide(plan.slides, plan.variants)
    top.write_text("variants.csv", _csv(plan, outcomes, top.path, still))
    top.write_text("index.html", _html(plan, outcomes, top.path, still, list(skipped)))
