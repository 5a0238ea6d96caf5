"""The axe-core helper (tests/backprop_render/axe.py) finds what it should, in headless
Chromium, and says so when axe refuses to run instead of waiting for ever."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.backprop_render import axe
from tests.backprop_render import present_browser as browser

BAD_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title></head>
<body><main><p style="color: #777; background: #888">grey on grey</p>
<button></button><img src="nothing.png"></main></body></html>"""

GOOD_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>good</title>
</head><body><main><h1>Fine</h1><p style="color: #111; background: #fff">black on white</p>
<button type="button">Next</button></main></body></html>"""


@pytest.fixture(scope="module")
def driver():
    problem = browser.available()
    if problem:
        pytest.fail(problem)
    with browser.chromium() as driver:
        yield driver


def test_axe_finds_a_nameless_button_an_image_without_text_low_contrast_and_no_language(
        driver, tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(BAD_PAGE, encoding="utf-8")
    driver.get((tmp_path / "bad.html").as_uri())
    found = {v["id"] for v in axe.violations(driver)}
    assert {"button-name", "image-alt", "color-contrast", "html-has-lang"} <= found
    with pytest.raises(AssertionError, match="button-name"):
        axe.assert_no_violations(driver, "a bad page")
    (tmp_path / "good.html").write_text(GOOD_PAGE, encoding="utf-8")
    driver.get((tmp_path / "good.html").as_uri())
    axe.assert_no_violations(driver, "a good page")


def test_a_run_axe_refuses_is_an_error_not_a_hang(driver, tmp_path: Path) -> None:
    (tmp_path / "good.html").write_text(GOOD_PAGE, encoding="utf-8")
    driver.get((tmp_path / "good.html").as_uri())
    with pytest.raises(RuntimeError, match="wcag21a"):  # axe-core 3.1 has no such tag
        axe.violations(driver, ("wcag2a", "wcag21a"))


def test_the_sweeps_index_has_no_violations(driver, tmp_path: Path) -> None:
    from tests.backprop_render.sweep.test_sweep import write_index

    driver.get(write_index(tmp_path).as_uri())
    axe.assert_no_violations(driver, "the sweep's index.html")
