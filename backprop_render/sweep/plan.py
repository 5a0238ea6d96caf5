"""What a sweep renders: its variants, and the slide renders they can share.

A variant is a name and a full set of parameters. Variants come from `--set` lists
(every combination with --grid, position by position with --zip) or from a CSV file
(a name column, then parameter columns; an empty cell keeps the base value). Every
row is checked with the same messages as `--set`, and its lesson is built, before
anything renders.

A slide is rendered once for all variants that agree on its task key: the slide's
code key (reuse.slide_key: its code, quality, GIF width, libraries) and the values
of the parameters it declares it depends on (`Slide.depends_on`). The keys are
computed here, before rendering, so equal tasks merge before they reach a worker.
A variant whose folder already holds the slide as these parameters would draw it
(reuse.decide, as a normal render judges) needs no task at all: re-running a sweep
renders only what is missing or stale.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal, Sequence

from backprop_core import Lesson, ParamError, Params, build_lesson
from backprop_core.params import params_from_mapping
from backprop_render.build import records, reuse
from backprop_render.errors import UsageError
from backprop_render.exercises.make import CLASS_KEY
from backprop_render.quality import Quality
from lecture.contract import DEFAULT_CHECKPOINTS
from lecture.slides import Slide

__all__ = ["Variant", "BadVariant", "Task", "Plan", "variants_from_sets", "variants_from_csv",
           "task_key", "make_plan", "SWEEP_DIR", "RESERVED_NAMES"]

SWEEP_DIR = ".sweep"  # in the sweep folder: the shared renders, attempt counts, logs
RESERVED_NAMES = frozenset({SWEEP_DIR, "index.html", "variants.csv", CLASS_KEY})
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._=+-]{0,99}")


@dataclass(frozen=True)
class Variant:
    name: str  # its folder under the sweep folder
    params: Params
    given: tuple[tuple[str, str], ...]  # the values the lecturer set for it, as written

    @property
    def lesson(self) -> Lesson:
        return _lesson(self.params)


@dataclass(frozen=True)
class BadVariant:
    where: str  # "row 3 (ann)" or "lr=abc"
    message: str  # the message --set would print

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


_LESSONS: dict[Params, Lesson] = {}


def _lesson(params: Params) -> Lesson:
    if params not in _LESSONS:
        _LESSONS[params] = build_lesson(params)
    return _LESSONS[params]


def _check(where: str, values: dict[str, str], base: Params,
           lesson: bool = True) -> Params | BadVariant:
    """The variant's parameters, or why it cannot be rendered (with `lesson`, its lesson
    is built too: the network's training can diverge)."""
    try:
        params = params_from_mapping(values, base)
        if lesson:
            _lesson(params)
    except ParamError as error:
        return BadVariant(where, str(error))
    return params


def _add(name: str, where: str, values: dict[str, str], base: Params, variants: list[Variant],
         bad: list[BadVariant]) -> None:
    checked = _check(where, values, base)
    if isinstance(checked, BadVariant):
        bad.append(checked)
    else:
        variants.append(Variant(name, checked, tuple(values.items())))


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._=+-]", "_", text)


def _split_set(item: str) -> tuple[str, list[str]]:
    key, sep, values = item.partition("=")
    key = key.strip()
    listed = [v.strip() for v in values.split(",")]
    if not sep or not key or not all(listed):
        raise UsageError(f"--set expects KEY=VALUE or KEY=V1,V2,... (for example "
                         f"lr=0.005,0.01,0.02), got {item!r}.")
    return key, listed


def variants_from_sets(items: Sequence[str], mode: Literal["grid", "zip"],
                       base: Params) -> tuple[list[Variant], list[BadVariant]]:
    """Variants from `--set KEY=V1,V2,...` items; a key with one value applies to all."""
    lists: dict[str, list[str]] = {}
    for item in items:
        key, values = _split_set(item)
        if key in lists:
            raise UsageError(f"--set {key}=... is given twice; list every value once: "
                             f"--set {key}={','.join(lists[key] + values)}.")
        lists[key] = values
    if not lists:
        raise UsageError("a sweep needs --set KEY=V1,V2,... or --variants FILE.csv.")
    bad: list[BadVariant] = []
    # Each value is checked alone first: one bad value is one message, not one per row.
    for key, values in lists.items():
        for value in values:
            checked = _check(f"{key}={value}", {key: value}, base, lesson=False)
            if isinstance(checked, BadVariant):
                bad.append(checked)
    if bad:
        return [], bad
    varying = [k for k, v in lists.items() if len(v) > 1]
    if mode == "zip":
        lengths = {len(lists[k]) for k in varying}
        if len(lengths) > 1:
            counts = ", ".join(f"{k} has {len(lists[k])}" for k in varying)
            raise UsageError(f"--zip pairs the lists value by value, so they need one length: "
                             f"{counts}. Use --grid for every combination.")
        count = lengths.pop() if lengths else 1
        rows = [{k: v[i] if len(v) > 1 else v[0] for k, v in lists.items()} for i in range(count)]
    else:
        rows = [dict(zip(lists, combination, strict=True))
                for combination in itertools.product(*lists.values())]
    variants: list[Variant] = []
    for row in rows:
        name = _safe_name("_".join(f"{k}-{row[k]}" for k in varying) or "variant")
        _add(name, name, row, base, variants, bad)
    return variants, bad


def variants_from_csv(path: Path, base: Params) -> tuple[list[Variant], list[BadVariant]]:
    """One variant per row of `path`: a `name` column, then parameter columns."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"variants file '{path}' does not exist.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"variants file '{path}' cannot be read: {error}.") from None
    rows = list(csv.reader(text.splitlines()))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise UsageError(f"variants file '{path}' is empty; its first line names the columns: "
                         "name,x,w,b,y,...")
    header = [cell.strip() for cell in rows[0]]
    if not header or header[0].lower() != "name":
        raise UsageError(f"variants file '{path}': the first column must be 'name' (the "
                         f"variant's folder), then parameter columns; got {header[:1]}.")
    columns = header[1:]
    if len(set(columns)) != len(columns) or "" in columns:
        raise UsageError(f"variants file '{path}': every parameter column needs a name of its "
                         f"own; got {columns}.")
    variants: list[Variant] = []
    bad: list[BadVariant] = []
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        name = row[0].strip() if row else ""
        where = f"{path.name} line {number}" + (f" ({name})" if name else "")
        if len(row) > len(header):
            bad.append(BadVariant(where, f"{len(row)} cells, but the header names "
                                         f"{len(header)} columns."))
            continue
        if not _NAME.fullmatch(name) or name in RESERVED_NAMES:
            bad.append(BadVariant(where, f"the name {name!r} cannot be a folder name: use "
                                         "letters, digits, '.', '_', '-' (at most 100), "
                                         "starting with a letter or digit."))
            continue
        if name in seen:
            bad.append(BadVariant(where, f"the name {name!r} is used by an earlier row."))
            continue
        seen.add(name)
        given = {k: v.strip() for k, v in zip(columns, row[1:], strict=False) if v.strip()}
        _add(name, where, given, base, variants, bad)
    return variants, bad


# ----- tasks --------------------------------------------------------------------------

def task_key(slide: Slide, code_key: str, params: Params, solo: bool = False) -> str:
    """Equal for every variant whose render of `slide` is the same file. `solo`: keyed
    on every parameter (a render for one variant's values only)."""
    names = [f.name for f in dataclasses.fields(Params)] if solo else slide.depends_on
    values = {name: getattr(params, name) for name in sorted(names)}
    record = json.dumps({"code": code_key, "params": values, "solo": solo}, sort_keys=True)
    return f"{slide.stem}-{hashlib.sha256(record.encode('utf-8')).hexdigest()[:20]}"


@dataclass
class Task:
    key: str
    slide: Slide
    code_key: str
    params: Params  # those of the first variant that needs it: all agree on what it reads
    variants: list[str] = field(default_factory=list)


@dataclass
class Plan:
    variants: list[Variant]
    slides: list[Slide]
    quality: Quality
    gif_width: int | None
    tasks: dict[str, Task]  # by key
    needs: dict[str, dict[str, str]]  # variant name -> slide stem -> task key
    kept: dict[str, list[str]]  # variant name -> stems already in its folder as they should be

    @property
    def slide_renders(self) -> int:
        """Renders a sweep without sharing would do: one per variant and slide needed."""
        return sum(len(n) for n in self.needs.values())


def folder_decisions(folder: Path, slides: Iterable[Slide], keys: dict[str, str],
                     lesson: Lesson) -> list[reuse.Decision]:
    """How a render into `folder` would judge each slide (see reuse.decide), read-only."""
    on_disk = records.read_records(folder)
    published = on_disk.state.slides
    return [reuse.decide(s, keys[s.stem], on_disk.entries.get(s.stem), published.get(s.stem),
                         lesson, folder) for s in slides]


def make_plan(out: Path, variants: list[Variant], slides: list[Slide], quality: Quality,
              gif_width: int | None, force: bool = False, theme: str = "dark",
              voice: str = "none", language: str = "en",
              checkpoints: str = DEFAULT_CHECKPOINTS) -> Plan:
    # The theme, the language, the voice and the checkpoints are in each slide's code key,
    # so in every task key: a light sweep shares no render with a dark one, a German one
    # none with an English one, nor a voiced one with a silent one, nor a slide that asks
    # with one that does not.
    keys = reuse.keys_for(slides, quality, gif_width, theme=theme, voice=voice,
                          language=language, checkpoints=checkpoints)
    plan = Plan(variants, slides, quality, gif_width, {}, {}, {})
    for variant in variants:
        decisions = folder_decisions(out / variant.name, slides, keys, variant.lesson)
        needs = plan.needs.setdefault(variant.name, {})
        plan.kept[variant.name] = [d.slide.stem for d in decisions if not d.render and not force]
        for decision in decisions:
            if not decision.render and not force:
                continue
            slide = decision.slide
            key = task_key(slide, keys[slide.stem], variant.params)
            task = plan.tasks.setdefault(key, Task(key, slide, keys[slide.stem], variant.params))
            task.variants.append(variant.name)
            needs[slide.stem] = key
    return plan
