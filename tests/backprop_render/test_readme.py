"""The README promises things the code must keep: names, defaults, options, paths."""

from __future__ import annotations

import dataclasses
import re

from backprop_core import Params
from backprop_core.params import PARAM_RANGES
from backprop_render import REPO, cli
from lecture.slides import SLIDES

README = (REPO / "README.md").read_text(encoding="utf-8")


def table_rows(heading: str) -> list[list[str]]:
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [[cell.strip().strip("`") for cell in line.strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]


def test_the_two_commands_come_first():
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == \
        ["./render.sh", "./render.sh test"]


def test_the_parameter_table_matches_the_defaults_and_ranges():
    rows = table_rows("Parameters")
    defaults = dataclasses.asdict(Params())
    assert [row[0] for row in rows] == list(defaults)
    for name, default, _, allowed in rows:
        assert float(default) == defaults[name], name
        low, high, whole = PARAM_RANGES[name]
        number = (lambda v: str(int(v))) if whole else (lambda v: f"{v:g}")
        assert allowed.endswith(number(high)), name
        assert allowed.startswith(number(low) + " to") or allowed.startswith(f"above {low:g}"), name


def test_the_options_table_lists_every_option_of_the_command_line():
    documented = {row[0].split()[0] for row in table_rows("Options")}
    actual = {a.option_strings[-1] for a in cli.command_parser("render")._actions
              if a.option_strings and a.dest != "help"}
    assert documented == actual


def test_named_files_and_slides_exist():
    for path in re.findall(r"`((?:assets|backprop_render|scenes)/[\w./-]+\.\w+)`", README):
        assert (REPO / path).exists(), path
    assert f"`{SLIDES[0].stem}.mp4`" in README and f"`{SLIDES[-1].stem}.mp4`" in README
    assert "manim -qm scenes/s06_backward_propagation.py BackwardPropagation" in README
    assert (SLIDES[5].module, SLIDES[5].scene) == \
        ("s06_backward_propagation", "BackwardPropagation")
