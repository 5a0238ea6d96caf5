"""What a slide read from the lesson and which numbers it showed.

Scenes never hold the lesson itself, only a `TrackedLesson`: every value they read is
recorded under its path ('descent.steps.3.loss'), and every number they show goes
through `FactRecorder.show`, which formats it by the core's rules and records
{key, value, shown, where}. The render pipeline keys its skip-if-unchanged cache on
the reads, and the tests check every shown number against the core.

No manim import here: the pipeline reads these records without starting Manim.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Iterator

from backprop_core import Lesson, Shown, format_fact
from backprop_core.formatting import CANONICAL, NumberFormat, column_decimals, localize
from backprop_core.lesson import resolve
from lecture.templates import PLACEHOLDER, fill  # where the scenes and the bank find them

__all__ = ["TrackedLesson", "FactRecorder", "value_at", "jsonable", "LEN", "PLACEHOLDER",
           "fill", "CHECKPOINT"]

LEN = "#len"  # suffix of a read that recorded a sequence's length
# Where a checkpoint's numbers are shown: its question, answer and solution, as the presenter,
# the deck's notes and the handout show them (the slide's narration entry of that beat).
CHECKPOINT = "checkpoint"


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [jsonable(v) for v in value]
    return value


def value_at(lesson: Lesson, key: str) -> Any:
    """The JSON form of a recorded read, computed afresh from `lesson`."""
    if key.endswith(LEN):
        return len(lesson.lookup(key[: -len(LEN)]))
    return jsonable(lesson.lookup(key))


def _is_leaf(value: Any) -> bool:
    if isinstance(value, (tuple, list)):
        return all(isinstance(v, (int, float, str, bool)) or v is None for v in value)
    return not dataclasses.is_dataclass(value)


class _Tracked:
    """A read-only view of part of the lesson that records every leaf it hands out."""

    __slots__ = ("_value", "_path", "_reads")

    def __init__(self, value: Any, path: str, reads: dict[str, Any]) -> None:
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_reads", reads)

    def _child(self, part: str, value: Any) -> Any:
        path = f"{self._path}.{part}" if self._path else part
        if _is_leaf(value):
            if callable(value):
                raise AttributeError(
                    f"'{path}' is a method; read lesson values by path instead "
                    "(e.g. lesson.graph.nodes.loss, lesson.lookup('graph.nodes.loss.grad'))"
                )
            self._reads[path] = jsonable(value)
            return value
        if isinstance(value, (tuple, list)):
            return _TrackedSequence(value, path, self._reads)
        return _Tracked(value, path, self._reads)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._child(name, resolve(self._value, name, f"{self._path}.{name}"))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("the lesson is read-only")

    def lookup(self, path: str) -> Any:
        node: Any = self
        for part in path.split("."):
            node = node[int(part)] if part.isdigit() else getattr(node, part)
        return node

    def __repr__(self) -> str:
        return f"Tracked({self._path or 'lesson'})"


class _TrackedSequence(_Tracked):
    __slots__ = ()

    def _record_len(self) -> int:
        self._reads[self._path + LEN] = len(self._value)
        return len(self._value)

    def __len__(self) -> int:
        return self._record_len()

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            self._record_len()  # a slice's extent depends on the length
            return [self[i] for i in range(*index.indices(len(self._value)))]
        if index < 0:
            index += self._record_len()
        return self._child(str(index), self._value[index])

    def __iter__(self) -> Iterator[Any]:
        for index in range(self._record_len()):
            yield self[index]

    def __getattr__(self, name: str) -> Any:
        # Elements with a name (graph nodes and edges) can be reached by it.
        if name.startswith("_"):
            raise AttributeError(name)
        return self._child(name, resolve(self._value, name, f"{self._path}.{name}"))


class TrackedLesson(_Tracked):
    """The lesson as a scene sees it."""

    __slots__ = ()

    def __init__(self, lesson: Lesson, reads: dict[str, Any] | None = None) -> None:
        super().__init__(lesson, "", {} if reads is None else reads)

    @property
    def reads(self) -> dict[str, Any]:
        return self._reads

    @property
    def raw(self) -> Lesson:
        """The untracked lesson, for the fact recorder only."""
        return self._value


@dataclasses.dataclass(frozen=True)
class Fact:
    key: str
    value: Any
    shown: str  # the text as on screen (true minus sign)
    tex: str  # the same number as written in LaTeX
    where: str  # "screen", "narration" or CHECKPOINT (a slide's); a question's for a sheet
    decimals: int | None = None  # a table column's shared decimals (format_fact's argument)


class FactRecorder:
    """Formats lesson fields for display and keeps the record of what was shown."""

    def __init__(self, lesson: TrackedLesson, numbers: NumberFormat = CANONICAL) -> None:
        self.lesson = lesson
        self.numbers = numbers  # the language's symbols (formatting.localize)
        self.facts: list[Fact] = []

    def show(self, key: str, where: str = "screen", decimals: int | None = None) -> Shown:
        value = self.lesson.lookup(key)
        if isinstance(value, _Tracked) or isinstance(value, (tuple, list)):
            raise TypeError(f"'{key}' is not a single number; show one of its fields")
        shown = localize(format_fact(key, value, decimals), self.numbers)
        self.facts.append(Fact(key, jsonable(value), shown.text, shown.tex, where, decimals))
        return shown

    def column_decimals(self, keys: list[str]) -> int:
        """The decimals a table column of these lesson fields shares (see formatting.py)."""
        return column_decimals([(key, self.lesson.lookup(key)) for key in keys])

    def manifest(self) -> dict[str, Any]:
        return {
            "facts": [dataclasses.asdict(f) for f in self.facts],
            "reads": dict(sorted(self.lesson.reads.items())),
        }

    def write(self, path, **extra: Any) -> None:
        data = {**extra, **self.manifest()}
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
