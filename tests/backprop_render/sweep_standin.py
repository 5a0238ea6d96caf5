"""A stand-in slide renderer for sweep tests: tiny real media in a fraction of a second.

It runs on Dask workers, so it lives in a module they can import. Each render is
logged as a file in `log_dir` (slide and parameters), so a test can count which
renders happened where. Like a real scene it reports the lesson values it read: by
default the parameters its slide declares it depends on (`Slide.depends_on`);
`extra_reads` adds undeclared ones, as a scene whose declaration is too narrow would;
`reads` replaces them for a slide, as a scene that shows less than it declares.
With `hold` it keeps a child process running for that long before it finishes (started
as render_slide starts Manim), and writes the child's and its own process ids, so a
test can kill the worker mid-render and look for orphans.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from fractions import Fraction
from pathlib import Path

from PIL import Image

from backprop_core import build_lesson
from backprop_core.params import params_from_mapping
from backprop_render.build.result import SlideResult
from backprop_render.build.slide_render import die_with_parent
from backprop_render.errors import SlideFailed
from backprop_render.media import video as media
from backprop_render.media.subtitles import Cue, compose_srt
from backprop_render.quality import Quality
from lecture.facts import value_at
from lecture.slides import Slide
from tests.backprop_render.synthetic_media import write_video


class StandIn:
    def __init__(self, log_dir: Path, extra_reads: dict[int, list[str]] | None = None,
                 hold: dict[int, float] | None = None, fail: dict[int, dict] | None = None,
                 reads: dict[int, list[str]] | None = None) -> None:
        self.log_dir = Path(log_dir)
        self.extra_reads = extra_reads or {}
        self.reads = reads or {}
        self.hold = hold or {}  # slide number -> seconds a child process runs first
        self.fail = fail or {}  # slide number -> parameters with which it always fails

    def renders(self) -> list[tuple[int, dict]]:
        """(slide number, parameters) of every render that finished, in no order."""
        found = []
        for path in self.log_dir.glob("*.done"):
            record = json.loads(path.read_text())
            found.append((record["slide"], record["params"]))
        return found

    def themes(self) -> list[str]:
        """The theme of every render that finished, in no order."""
        found = []
        for path in self.log_dir.glob("*.done"):
            found.append(json.loads(path.read_text())["theme"])
        return found

    def voices(self) -> list[str | None]:
        """The voice every finished render was asked for, in no order."""
        return [json.loads(p.read_text())["voice"] for p in self.log_dir.glob("*.done")]

    def __call__(self, slide: Slide, params_file: Path, quality: Quality, workdir: Path,
                 gif_width: int | None, cache_dir: Path | None = None,
                 theme: str = "dark", voice: str | None = None,
                 language: str = "en", checkpoints: str = "all") -> SlideResult:
        params = json.loads(params_file.read_text())
        self.log_dir.mkdir(parents=True, exist_ok=True)
        me = f"{slide.stem}-{uuid.uuid4().hex[:8]}"
        if slide.number in self.hold:
            child = subprocess.Popen(die_with_parent(
                [sys.executable, "-c", f"import time; time.sleep({self.hold[slide.number]})"]))
            (self.log_dir / f"{me}.running").write_text(json.dumps(
                {"worker": os.getpid(), "child": child.pid}))
            child.wait()
        wanted = self.fail.get(slide.number)
        if wanted is not None and all(params.get(k) == v for k, v in wanted.items()):
            raise SlideFailed(f"slide {slide.number} ({slide.slug}): manim exited with status 1")
        workdir.mkdir(parents=True, exist_ok=True)
        files = {kind: workdir / f"{slide.stem}.{kind}" for kind in ("mp4", "png", "srt")}
        write_video(files["mp4"], 5 + slide.number)
        Image.new("RGB", (64, 36), (slide.number * 20, 0, 0)).save(files["png"])
        files["srt"].write_text(compose_srt([Cue(Fraction(0), Fraction(1, 5),
                                                 f"slide {slide.number}")]))
        gif = None
        if gif_width:
            files["gif"] = workdir / f"{slide.stem}.gif"
            gif = media.make_gif(files["mp4"], files["gif"], 32)
        lesson = build_lesson(params_from_mapping(params))
        paths = self.reads.get(slide.number) or [f"params.{name}" for name in slide.depends_on]
        paths += self.extra_reads.get(slide.number, [])
        manifest = {"facts": [], "reads": {path: value_at(lesson, path) for path in paths}}
        (self.log_dir / f"{me}.done").write_text(json.dumps({"slide": slide.number,
                                                             "params": params, "theme": theme,
                                                             "voice": voice}))
        return SlideResult(slide, quality, files, media.probe_video(files["mp4"]), gif, 1,
                           manifest, seconds=0.2, animations=1)


def wait_for(predicate, timeout: float = 60.0, every: float = 0.05):
    """Poll until `predicate()` is truthy; its value, or an AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s")


class DeckCopy:
    """'Renders' a slide by copying a real render of it from a finished output folder (the
    end-to-end deck's), with the facts its scene wrote. True only for variants whose lesson
    gives the same values to every read of that render; the sweep checks exactly that."""

    def __init__(self, rendered: Path) -> None:
        self.rendered = Path(rendered)

    def __call__(self, slide: Slide, params_file: Path, quality: Quality, workdir: Path,
                 gif_width: int | None, cache_dir: Path | None = None,
                 theme: str = "dark", voice: str | None = None,
                 language: str = "en", checkpoints: str = "all") -> SlideResult:
        entry = json.loads((self.rendered / f"{slide.stem}.facts.json").read_text())
        workdir.mkdir(parents=True, exist_ok=True)
        files = {}
        for kind, name in entry["files"].items():
            if kind == "gif" and not gif_width:
                continue
            files[kind] = workdir / name
            shutil.copyfile(self.rendered / name, files[kind])
        gif = media.probe_gif(files["gif"]) if "gif" in files else None
        return SlideResult(slide, quality, files, media.probe_video(files["mp4"]), gif,
                           entry["subtitles"], entry["manifest"], seconds=0.1, animations=1)
