"""Every reach into Manim is put in by one function, only into the Manim code it was read
against (scenes/speedups/guard.py): these tests fail, loudly, when the installed Manim is
other code, so an upgrade of Manim says which patch to read again instead of dropping it."""

from __future__ import annotations

from typing import Any

import pytest

import scenes.kit.slide  # noqa: F401 - importing the slides installs the patches
from lecture import contract
from scenes import speedups
from scenes.speedups.guard import RELEASE, ManimChanged, Patch, fingerprint, manim_source

EVERY_PATCH = speedups.every_patch()
READ = [(patch, name) for patch in EVERY_PATCH for name in patch.read_against]


@pytest.mark.parametrize("patch", EVERY_PATCH, ids=lambda patch: patch.name)
def test_manim_is_the_code_the_patch_was_read_against(patch):
    patch.verify()  # raises ManimChanged, saying what to read again


@pytest.mark.parametrize("patch, name", READ,
                         ids=[f"{patch.name}:{name.split(':')[1]}" for patch, name in READ])
def test_the_check_fails_on_a_doctored_source(patch, name):
    def doctored(asked: str) -> str | None:
        text = manim_source(asked)
        if asked == name and text is not None:
            return text + "        pass  # a line another Manim added\n"
        return text

    assert patch.differences(doctored) == [
        f"{name} changed (fingerprint {fingerprint(doctored(name))}, "
        f"read as {patch.read_against[name]})"]
    with pytest.raises(ManimChanged, match=f"'{patch.name}'.*{name}"):
        patch.verify(doctored)
    with pytest.raises(ManimChanged, match=f"{name} is gone"):
        patch.verify(lambda asked: None if asked == name else manim_source(asked))


@pytest.mark.parametrize("patch", EVERY_PATCH, ids=lambda patch: patch.name)
def test_the_check_fails_on_another_release(patch):
    with pytest.raises(ManimChanged, match=f"Manim is 0.22.1, not {RELEASE}"):
        patch.verify(release="0.22.1")


def test_the_source_read_is_the_files_not_the_patch_installed_over_it():
    import inspect

    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    from scenes.speedups import held_frames

    assert VideoSegmentEncoder.write_frame is held_frames.write_frame_converting_once
    text = manim_source("manim.scene.video_segment_encoder:VideoSegmentEncoder.write_frame")
    assert text == inspect.getsource(held_frames._original_write_frame)
    assert manim_source("manim.scene.scene:Scene.no_such_method") is None
    assert manim_source("manim.no_such_module:Thing") is None


def test_importing_the_slides_installs_every_patch():
    assert speedups.install() == [patch.name for patch in speedups.PATCHES]
    assert all(patch.installed() for patch in speedups.PATCHES if patch.apply is not None)


def test_stock_manim_or_a_switch_keeps_manims_own_code(monkeypatch):
    monkeypatch.setenv(contract.STOCK_MANIM, "1")
    assert speedups.install() == []
    monkeypatch.delenv(contract.STOCK_MANIM)
    monkeypatch.setenv(contract.NO_SVG_CACHE, "1")
    assert "svg cache" not in speedups.install()


class Log:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warning(self, message: str, *args: Any) -> None:
        self.warnings.append(message % args if args else message)


def test_a_patch_whose_manim_code_differs_stays_out_and_one_warning_says_so(monkeypatch):
    log = Log()
    monkeypatch.setattr(speedups, "logger", log)
    monkeypatch.setattr(speedups, "_warned", False)
    name = "manim.scene.scene:Scene.wait"
    as_read = {name: fingerprint(manim_source(name))}
    other = {name: fingerprint(manim_source(name) + "        pass\n")}
    applied: list[str] = []

    def patch(label: str, read: dict[str, str], **kwargs: Any) -> Patch:
        return Patch(label, read, apply=lambda: applied.append(label),
                     installed=lambda: label in applied, **kwargs)

    patches = [patch("same", as_read), patch("changed", other),
               patch("needs changed", as_read, needs=("changed",)),
               Patch("mirror", other)]
    assert speedups.install(patches) == ["same"]
    assert applied == ["same"]  # Manim's own code for the others
    [warning] = log.warnings
    assert "Manim's own code runs" in warning and f"changed ({name} changed" in warning
    assert "needs changed (needs changed)" in warning
    assert f"Mirrored code that changed: mirror ({name} changed" in warning
    assert "a render stops on a difference" in warning
    assert speedups.install(patches) == ["same"]
    assert applied == ["same"] and len(log.warnings) == 1  # once a process, in once
