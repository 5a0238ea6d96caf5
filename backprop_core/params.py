"""The lecture's parameters, each declared once: a field of `Params` made by `param(...)`.

A declaration says everything about its parameter: its default (an int makes it a whole
number), its range, its meaning, the slides whose numbers it can change, the other names a
lecturer may type for it, how the voice says it, and another value worth trying. The rest is
derived from `DECLARED`: the checks and their messages here, the slides' dependencies
(`lecture.slides`), `--help`'s table, the spoken form (`spoken.py`), how a typed value is
written (`formatting.py`) and the tests' lists; `assets/default_params.toml` and the README's
table are held to it by tests (`./render.sh test ... --set_test` writes them).

Every value is validated here, before anything is computed or rendered, so that a
typo costs a one-line message instead of a half-rendered video. Standard library only:
`render.sh --help` reads the declarations before anything is installed.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Iterable, Mapping

__all__ = ["Params", "Param", "ParamError", "DECLARED", "load_params", "parse_overrides",
           "params_from_mapping", "params_to_dict", "depends_on"]


class ParamError(ValueError):
    """A parameter is unknown, malformed or out of range; the message names it."""


@dataclass(frozen=True)
class Param:
    """One parameter as `Params` declares it; `name` and `default` are its field's."""

    name: str
    default: float | int
    meaning: str  # in messages and tables: "parameter 'lr' (the learning rate) got ..."
    low: float | int
    high: float | int
    slides: tuple[int, ...]  # the slides whose lesson values it can change (Slide.depends_on)
    example: float | int  # another valid value, not the default: the one tests change it to
    exclusive_low: bool = False  # `low` itself is refused
    aliases: tuple[str, ...] = ()  # other names a lecturer may type for it
    spoken: str | None = None  # what the voice says where a narration sentence writes the name

    @property
    def whole(self) -> bool:
        return type(self.default) is int

    def _show(self, bound: float) -> str:
        # Whole bounds exactly: the seed's 2147483647, not '2.14748e+09'.
        return str(int(bound)) if self.whole else f"{bound:g}"

    @property
    def allowed(self) -> str:
        """What the messages say is allowed: 'a finite number > 0 and <= 1'."""
        kind = "a whole number" if self.whole else "a finite number"
        lower = ">" if self.exclusive_low else ">="
        return f"{kind} {lower} {self._show(self.low)} and <= {self._show(self.high)}"

    @property
    def span(self) -> str:
        """The range as the tables write it: '1 to 50', 'above 0, up to 1'."""
        if self.exclusive_low:
            return f"above {self._show(self.low)}, up to {self._show(self.high)}"
        return f"{self._show(self.low)} to {self._show(self.high)}"

    @property
    def shown_default(self) -> str:
        return repr(self.default)  # 1.0, not 1: a float stays a float in the TOML file

    @property
    def summary(self) -> str:
        """Its meaning and range, for `--help` and the defaults file."""
        return f"{self.meaning} ({self.span})"


def param(default: float | int, meaning: str, *, high: float | int,
          low: float | int | None = None, above: float | None = None,
          slides: tuple[int, ...], example: float | int, aliases: tuple[str, ...] = (),
          spoken: str | None = None) -> Any:
    """A field of `Params` with its declaration; give `low` (allowed) or `above` (refused)."""
    if (low is None) == (above is None):
        raise TypeError(f"parameter {meaning!r}: give either low= or above=, not both or neither")
    declared = dict(meaning=meaning, high=high, slides=slides, example=example, aliases=aliases,
                    spoken=spoken, low=above if low is None else low,
                    exclusive_low=above is not None)
    return dataclasses.field(default=default, metadata={"declared": declared})


# The bounds keep every number short enough to lay out on a slide and every render bounded
# in time. `slides` is proved by tests/backprop_render/test_end_to_end.py against the
# values each slide reads; a sweep renders a slide once for all variants that agree on it.
@dataclass(frozen=True)
class Params:
    # The worked example of slides 2-6: one neuron y_hat = w*x + b (the outline's numbers).
    x: float = param(2.1, "the neuron's input", low=-100.0, high=100.0,
                     slides=(2, 3, 4, 5, 6), example=3.0, aliases=("input",))
    w: float = param(1.0, "the neuron's weight", low=-100.0, high=100.0,
                     slides=(2, 3, 4, 5, 6), example=0.5, aliases=("weight",))
    b: float = param(0.0, "the neuron's bias", low=-100.0, high=100.0,
                     slides=(2, 3, 4, 5, 6), example=0.25, aliases=("bias",))
    y: float = param(4.0, "the target", low=-100.0, high=100.0,  # compared with y_hat
                     slides=(2, 3, 4, 5, 6), example=5.0, aliases=("target", "label"))
    # Of the update w := w - lr * dloss/dw; above 0: a zero step teaches nothing.
    lr: float = param(0.01, "the learning rate", above=0.0, high=1.0, slides=(3, 4, 6),
                      example=0.02, aliases=("learning_rate", "learningrate", "alpha", "eta"),
                      spoken="the learning rate")
    steps: int = param(10, "the number of gradient-descent steps", low=1, high=50,
                       slides=(3, 4), example=12, aliases=("step",))  # animated on slide 4

    # The small network of slides 1, 2, 7 and 8: 1 input -> `hidden` ReLU units -> 1 output.
    hidden: int = param(4, "the number of hidden ReLU units", low=2, high=8,
                        slides=(1, 2, 7, 8), example=5, aliases=("hidden_units", "units"))
    epochs: int = param(400, "the number of training epochs", low=1, high=5000,  # full-batch
                        slides=(1, 2, 7, 8), example=300, aliases=("epoch",))
    net_lr: float = param(0.05, "the network's learning rate", above=0.0, high=0.5,
                          slides=(1, 2, 7, 8), example=0.04, aliases=("network_lr",))
    # So that every render trains the same network.
    seed: int = param(4, "the weight-initialisation seed", low=0, high=2**31 - 1,
                      slides=(1, 2, 7, 8), example=7, aliases=("random_seed",))


DECLARED: dict[str, Param] = {
    f.name: Param(f.name, f.default, **f.metadata["declared"]) for f in fields(Params)}
# Names a lecturer is likely to try, mapped to ours.
_ALIASES = {alias: p.name for p in DECLARED.values() for alias in p.aliases}


def depends_on(slide: int) -> tuple[str, ...]:
    """The parameters whose change can change a lesson value slide number `slide` reads."""
    return tuple(p.name for p in DECLARED.values() if slide in p.slides)


def _unknown(name: str) -> ParamError:
    valid = list(DECLARED)
    key = name.lower()
    alias = _ALIASES.get(key)
    close = [alias] if alias else difflib.get_close_matches(key, valid, n=1, cutoff=0.4)
    if not close:  # a misspelt alias: 'learing_rate', 'wieght'
        near = difflib.get_close_matches(key, list(_ALIASES), n=1, cutoff=0.8)
        close = [_ALIASES[near[0]]] if near else []
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return ParamError(
        f"unknown parameter '{name}'.{hint} Valid parameters: {', '.join(valid)}."
    )


def _coerce(name: str, raw: Any) -> float | int:
    """Turn one raw value (TOML value or command-line string) into a checked number."""
    declared = DECLARED[name]
    low, high, whole = declared.low, declared.high, declared.whole
    problem = f"parameter '{name}' ({declared.meaning}) got {raw!r}; allowed: {declared.allowed}."
    value: float | int
    if isinstance(raw, bool):
        raise ParamError(problem)
    if isinstance(raw, str):
        text = raw.strip()
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            try:
                as_float = float(text)
            except ValueError:
                raise ParamError(problem) from None
            if not (whole and math.isfinite(as_float) and as_float.is_integer()):
                raise ParamError(problem) from None
            value = int(as_float)
    elif isinstance(raw, (int, float)):
        value = raw
    else:
        raise ParamError(problem)
    if whole:
        if isinstance(value, float):
            if not (math.isfinite(value) and value.is_integer()):
                raise ParamError(problem)
            value = int(value)
    else:
        try:
            value = float(value)
        except OverflowError:  # an integer beyond any float
            raise ParamError(problem) from None
        if not math.isfinite(value):
            raise ParamError(problem)
    too_low = value <= low if declared.exclusive_low else value < low
    if too_low or value > high:
        raise ParamError(problem)
    if not whole and value == 0.0:
        value = 0.0  # no '-0' on a slide
    return value


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    """Parse `KEY=VALUE` strings as given to `--set`."""
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key or not value.strip():
            raise ParamError(f"--set expects KEY=VALUE (for example lr=0.1), got {item!r}.")
        result[key] = value
    return result


def params_from_mapping(values: Mapping[str, Any], base: Params | None = None) -> Params:
    """Validate `values` and apply them on top of `base` (the defaults if omitted)."""
    checked: dict[str, float | int] = {}
    for name, raw in values.items():
        if name not in DECLARED:
            raise _unknown(name)
        checked[name] = _coerce(name, raw)
    return dataclasses.replace(base or Params(), **checked)


def load_params(path: str | Path | None = None,
                overrides: Mapping[str, Any] | None = None) -> Params:
    """Defaults, then the TOML file at `path` (if any), then `overrides` key by key.

    The TOML file may hold the keys at top level or under a `[params]` table.
    """
    params = Params()
    if path is not None:
        path = Path(path)
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            raise ParamError(f"parameter file '{path}' does not exist.") from None
        except IsADirectoryError:
            raise ParamError(f"parameter file '{path}' is a folder, not a TOML file.") from None
        except PermissionError:
            raise ParamError(f"parameter file '{path}' cannot be read "
                             "(permission denied).") from None
        except tomllib.TOMLDecodeError as error:
            raise ParamError(f"parameter file '{path}' is not valid TOML: {error}.") from None
        except UnicodeDecodeError:
            raise ParamError(f"parameter file '{path}' is not UTF-8 text.") from None
        if "params" in data and isinstance(data["params"], dict):
            extra = [k for k in data if k != "params"]
            if extra:
                raise ParamError(
                    f"parameter file '{path}': keys {extra} lie outside the [params] table."
                )
            data = data["params"]
        for key, value in data.items():
            if isinstance(value, dict):
                raise ParamError(f"parameter file '{path}': unexpected table [{key}].")
        try:
            params = params_from_mapping(data, params)
        except ParamError as error:
            raise ParamError(f"in '{path}': {error}") from None
    if overrides:
        params = params_from_mapping(overrides, params)
    return params


def params_to_dict(params: Params) -> dict[str, float | int]:
    return dataclasses.asdict(params)
