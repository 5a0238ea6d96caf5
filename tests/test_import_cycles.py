"""No import cycle anywhere in the product: every package can be read from the bottom up.

The graph is static: every `import` and `from ... import` in a module's syntax tree, the
ones inside functions and under `if TYPE_CHECKING:` included, since a cycle hidden in a
function still ties two modules together. An import names the most specific product module
it reaches (`from pkg import mod` is an edge to `pkg.mod`, `from pkg.mod import name` one to
`pkg.mod`); importing a submodule is not counted as importing its package's `__init__`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from backprop_render import REPO

PRODUCT = ("backprop_core", "lecture", "narration", "scenes", "backprop_render")


def modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Every module of `packages` under `root`, by dotted name (a package by its own name)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _known(name: str, known: set[str]) -> str | None:
    """`name`, or its nearest enclosing module that is one of `known`."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that module `name` (at `path`) imports, anywhere in its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(filter(None, (_known(a.name, known) for a in node.names)))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                target = _known(f"{base}.{alias.name}", known)
                if target is not None:
                    found.add(target)
    found.discard(name)
    return found


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    found = modules(root, packages)
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each group of modules that import each other (Tarjan's strongly
    connected components), as a path that ends where it starts."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_within(graph, set(group)) for group in groups]


def _path_within(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest cycle from the group's first module back to itself, inside the group."""
    start = min(group)
    parent: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for other in sorted(graph[node] & group):
                if other == start:
                    path = [node]
                    while (before := parent[path[-1]]) is not None:
                        path.append(before)
                    return [*reversed(path), start]
                if other not in parent:
                    parent[other] = node
                    following.append(other)
        frontier = following
    raise AssertionError(f"no cycle within {sorted(group)}")


def describe(found: list[list[str]]) -> str:
    return "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_product_has_no_import_cycle():
    graph = import_graph(REPO, PRODUCT)
    assert "backprop_render.cli" in graph and graph["backprop_render.cli"]  # the graph is real
    found = cycles(graph)
    assert not found, f"import cycles in the product:\n{describe(found)}"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_through_a_function_and_a_type_only_import_is_found_and_named(tmp_path):
    write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/cli/__init__.py": "from pkg.cli.options import shared\n",
        "pkg/cli/options.py": "def shared():\n    from pkg.cli import main  # in a function\n",
        "pkg/run.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    from pkg.index import Row\n",
        "pkg/index.py": "from . import run\nclass Row: ...\n",
        "pkg/leaf.py": "import os\nimport pkg.index\n",
    })
    graph = import_graph(tmp_path, ("pkg",))
    assert graph["pkg.leaf"] == {"pkg.index"} and graph["pkg.index"] == {"pkg.run"}
    assert describe(cycles(graph)).splitlines() == ["pkg.cli -> pkg.cli.options -> pkg.cli",
                                                    "pkg.index -> pkg.run -> pkg.index"]
    with_the_cycles_gone = {**graph, "pkg.cli.options": set(), "pkg.index": set()}
    assert cycles(with_the_cycles_gone) == []


def test_a_longer_cycle_is_named_in_import_order(tmp_path):
    write(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n",
                     "pkg/b.py": "from pkg import c\n", "pkg/c.py": "from .a import thing\n"})
    assert cycles(import_graph(tmp_path, ("pkg",))) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
