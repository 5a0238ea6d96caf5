"""A sweep's variant folder, assembled from the store's renders as a render of its own.

Once every slide render a variant needs is settled (finished, or failed for good), its
folder `DIR/NAME` is written by the normal pipeline (pipeline.run) with a renderer that
links the finished files from the store (`StoreRenderer`) instead of drawing them: the
pipeline publishes them as it publishes any slide, writes the variant's own facts and
joins its lecture.mp4. So the folder is laid out as `./render.sh --out DIR/NAME` would
lay it out, and every other command works on it. A failed slide leaves only its variant
incomplete, with the problem named in its outcome.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from backprop_render.build import pipeline
from backprop_render.build.result import SlideResult
from backprop_render.errors import RenderError
from backprop_render.progress import Progress
from backprop_render.quality import Quality
from backprop_render.sweep.plan import Variant
from backprop_render.sweep.tasks import TaskDone
from lecture.contract import DEFAULT_CHECKPOINTS
from lecture.slides import Slide

__all__ = ["VariantOutcome", "StoreRenderer", "assemble"]


@dataclass
class VariantOutcome:
    variant: Variant
    problems: list[str] = field(default_factory=list)  # empty: complete
    assembled: bool = False  # its folder was written (complete or not)

    @property
    def complete(self) -> bool:
        return self.assembled and not self.problems


class StoreRenderer:
    """A pipeline renderer that 'renders' a slide by linking its finished files from the
    store into the variant's staging folder: pipeline.run then publishes them, writes the
    variant's facts and joins its lecture, as for a render of its own."""

    def __init__(self, done: dict[str, TaskDone]) -> None:
        self.done = done  # slide stem -> its render for this variant

    def __call__(self, slide: Slide, params_file: Path, quality: Quality, workdir: Path,
                 gif_width: int | None, cache_dir: Path | None = None,
                 theme: str = "dark", voice: str | None = None,
                 language: str = "en",
                 checkpoints: str = DEFAULT_CHECKPOINTS) -> SlideResult:
        result = self.done[slide.stem].result
        workdir.mkdir(parents=True, exist_ok=True)
        files = {}
        for kind, source in result.files.items():
            target = workdir / source.name
            target.unlink(missing_ok=True)
            try:
                os.link(source, target)  # the same bytes in every variant, stored once
            except OSError:
                shutil.copyfile(source, target)  # another file system, or no hard links
            files[kind] = target
        return dataclasses.replace(result, files=files)


def assemble(outcome: VariantOutcome, request: pipeline.RenderRequest,
             renders: dict[str, TaskDone], failed: dict[str, str]) -> None:
    """Write `outcome`'s variant folder (`request.out`) from `renders` (slide stem -> its
    finished render); `failed` (slide stem -> why) are left out and named as its problems."""
    outcome.problems = [f"slide {stem}: {failed[stem]}" for stem in sorted(failed)]
    request = dataclasses.replace(request, slides=tuple(s for s in request.slides
                                                        if s.stem not in failed))
    try:
        pipeline.run(request, Progress(io.StringIO(), "quiet"), StoreRenderer(renders))
    except RenderError as error:
        outcome.problems.append(str(error))
    outcome.assembled = True
