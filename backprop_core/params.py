"""The lecture's parameters: one frozen dataclass, loaded from TOML, overridable key by key.

Every value is validated here, before anything is computed or rendered, so that a
typo costs a one-line message instead of a half-rendered video.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Iterable, Mapping

__all__ = ["Params", "ParamError", "load_params", "parse_overrides", "PARAM_RANGES"]


class ParamError(ValueError):
    """A parameter is unknown, malformed or out of range; the message names it."""


@dataclass(frozen=True)
class Params:
    # The worked example of slides 2-6: one neuron y_hat = w*x + b (the outline's numbers).
    x: float = 2.1  # input fed to the neuron
    w: float = 1.0  # its weight
    b: float = 0.0  # its bias
    y: float = 4.0  # the target the prediction is compared with
    lr: float = 0.01  # learning rate of the update w := w - lr * dloss/dw
    steps: int = 10  # gradient-descent steps animated on slide 4

    # The small network of slides 1, 7 and 8: 1 input -> `hidden` ReLU units -> 1 output.
    hidden: int = 4  # hidden ReLU units
    epochs: int = 400  # full-batch training epochs
    net_lr: float = 0.05  # the network's learning rate
    seed: int = 4  # seed of its initial weights, so every render trains the same network


# (lowest, highest, whole number?) per parameter. The bounds keep every number short
# enough to lay out on a slide and every render bounded in time.
PARAM_RANGES: dict[str, tuple[float, float, bool]] = {
    "x": (-100.0, 100.0, False),
    "w": (-100.0, 100.0, False),
    "b": (-100.0, 100.0, False),
    "y": (-100.0, 100.0, False),
    "lr": (0.0, 1.0, False),  # exclusive at 0: a zero step teaches nothing
    "steps": (1, 50, True),
    "hidden": (2, 8, True),
    "epochs": (1, 5000, True),
    "net_lr": (0.0, 0.5, False),  # exclusive at 0
    "seed": (0, 2**31 - 1, True),
}
_EXCLUSIVE_LOW = {"lr", "net_lr"}

_DESCRIPTIONS = {
    "x": "the neuron's input",
    "w": "the neuron's weight",
    "b": "the neuron's bias",
    "y": "the target",
    "lr": "the learning rate",
    "steps": "the number of gradient-descent steps",
    "hidden": "the number of hidden ReLU units",
    "epochs": "the number of training epochs",
    "net_lr": "the network's learning rate",
    "seed": "the weight-initialisation seed",
}


def _allowed(name: str) -> str:
    low, high, whole = PARAM_RANGES[name]
    kind = "a whole number" if whole else "a finite number"
    # Whole bounds exactly: the seed's 2147483647, not '2.14748e+09'.
    show = (lambda v: str(int(v))) if whole else (lambda v: f"{v:g}")  # noqa: E731
    lower = f"> {show(low)}" if name in _EXCLUSIVE_LOW else f">= {show(low)}"
    return f"{kind} {lower} and <= {show(high)}"


# Names a lecturer is likely to try, mapped to ours.
_ALIASES = {
    "learning_rate": "lr", "learningrate": "lr", "alpha": "lr", "eta": "lr",
    "weight": "w", "bias": "b", "input": "x", "target": "y", "label": "y",
    "epoch": "epochs", "step": "steps", "hidden_units": "hidden", "units": "hidden",
    "network_lr": "net_lr", "random_seed": "seed",
}


def _unknown(name: str) -> ParamError:
    valid = [f.name for f in fields(Params)]
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
    low, high, whole = PARAM_RANGES[name]
    problem = f"parameter '{name}' ({_DESCRIPTIONS[name]}) got {raw!r}; allowed: {_allowed(name)}."
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
    too_low = value <= low if name in _EXCLUSIVE_LOW else value < low
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
    valid = {f.name for f in fields(Params)}
    for name, raw in values.items():
        if name not in valid:
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
