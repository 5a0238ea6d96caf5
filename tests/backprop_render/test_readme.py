"""The README promises things the code must keep: names, defaults, options, paths.

Its links, and the pages under docs/, are checked by tests/test_docs.py."""

from __future__ import annotations

from backprop_core.params import DECLARED
from backprop_render import REPO, cli
from lecture.slides import SLIDES
from tests.docs_checks import missing_paths

README_FILE = REPO / "README.md"
README = README_FILE.read_text(encoding="utf-8")


def table_rows(heading: str, readme: str = README) -> list[list[str]]:
    section = readme.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [[cell.strip().strip("`") for cell in line.strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]


def parameter_table() -> list[str]:
    """The Parameters table as the declarations write it."""
    return ["| name | default | meaning | allowed | changes slides |",
            "| --- | --- | --- | --- | --- |",
            *(f"| `{p.name}` | {p.shown_default} | {p.meaning} | {p.span} | "
              f"{', '.join(map(str, p.slides))} |" for p in DECLARED.values())]


def write_parameter_table() -> None:
    """Replace the table under '## Parameters' (`--set_test`); the words around it stay."""
    head, heading, section = README_FILE.read_text(encoding="utf-8").partition("## Parameters\n")
    lines = section.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    lines[start:end] = parameter_table()
    README_FILE.write_text(head + heading + "\n".join(lines), encoding="utf-8")


def test_the_two_commands_come_first():
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == \
        ["./render.sh", "./render.sh test"]


def test_the_parameter_table_is_the_declarations(request):
    if request.config.getoption("--set_test"):
        write_parameter_table()
    readme = README_FILE.read_text(encoding="utf-8")
    expected = table_rows("Parameters", "## Parameters\n" + "\n".join(parameter_table()))
    assert table_rows("Parameters", readme) == expected, \
        "write it with: ./render.sh test tests/backprop_render/test_readme.py --set_test"


def test_the_options_table_lists_every_option_of_the_command_line():
    documented = {row[0].split()[0] for row in table_rows("Options")}
    actual = {a.option_strings[-1] for a in cli.command_parser("render")._actions
              if a.option_strings and a.dest != "help"}
    assert documented == actual


def test_named_files_and_slides_exist():
    assert missing_paths(REPO / "README.md", REPO) == []
    assert f"`{SLIDES[0].stem}.mp4`" in README and f"`{SLIDES[-1].stem}.mp4`" in README
    assert "manim -qm scenes/s06_backward_propagation.py BackwardPropagation" in README
    assert (SLIDES[5].module, SLIDES[5].scene) == \
        ("s06_backward_propagation", "BackwardPropagation")
