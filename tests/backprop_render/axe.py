"""axe-core, the standard accessibility engine, run on whatever page a Selenium driver shows.

PyPI's axe-selenium-python carries axe-core's `axe.min.js`; this injects it and calls
`axe.run` itself (not the package's wrapper, whose promise has no rejection handler: a
rejected run, such as one asked for a tag axe does not know, never calls back, and the
test hangs until Selenium's script timeout). Only the WCAG 2.0 A/AA and 2.1 AA rules
run; the result is the list of violations, each with the elements it found.

    from tests.backprop_render import axe
    driver.get(page.as_uri())
    axe.assert_no_violations(driver, "the sweep's index.html")
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any, Sequence

# WCAG 2.0 level A and AA, and the AA rules 2.1 added (axe-core 3.1 has no "wcag21a").
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21aa")

_RUN = """
const done = arguments[arguments.length - 1];
const options = {runOnly: {type: 'tag', values: arguments[0]}};
try {
  axe.run(document, options).then(
    (results) => done({violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary}))}))}),
    (error) => done({error: String((error && error.message) || error)}));
} catch (error) {
  done({error: String((error && error.message) || error)});
}
"""


@functools.cache
def axe_source() -> str:
    """axe.min.js, as the installed axe-selenium-python carries it."""
    spec = importlib.util.find_spec("axe_selenium_python")
    if spec is None or spec.origin is None:
        raise RuntimeError("axe-selenium-python is not installed (it is in the dev extras)")
    script = Path(spec.origin).parent / "node_modules" / "axe-core" / "axe.min.js"
    return script.read_text(encoding="utf-8")


def violations(driver: Any, tags: Sequence[str] = WCAG_TAGS) -> list[dict[str, Any]]:
    """The page's violations of the rules with `tags`; a RuntimeError if axe refused to
    run (an unknown tag, a page that threw)."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(axe_source())
    result = driver.execute_async_script(_RUN, list(tags))
    if result.get("error"):
        raise RuntimeError(f"axe.run failed: {result['error']}")
    return result["violations"]


def report(found: list[dict[str, Any]]) -> str:
    """The violations, one rule a paragraph, each element it names on a line."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"  {' '.join(n['target'])}: {n['summary']}" for n in v["nodes"])
        for v in found)


def assert_no_violations(driver: Any, what: str) -> None:
    found = violations(driver)
    assert not found, f"axe-core finds WCAG 2.1 AA violations on {what}:\n{report(found)}"
