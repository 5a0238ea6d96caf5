"""What do captions, WebVTT files and the tagged handout (issue 26) add to a default render?

On a folder rendered as a lecturer renders it (`./render.sh --quality Q` into a new
folder: GIFs, voice and presentation as by default; or `--out` a folder rendered so
before), each step the change added or replaced is timed in this process against what
it replaced, `--repeat` times (median CPU seconds, user + system of this process):

- each slide's MP4 finished with its subtitle track (media.concat_videos with the
  narration and the cues, as slide_render does) against the same call without cues;
- where Manim draws the MP4 itself (no GIF master: 720p and up), the remux the slide no
  longer makes (it was copied once for the pictures, then again with its narration);
- lecture.mp4 joined from the slides with their subtitle tracks (copied onto its
  chapters) against the same slides without them;
- the WebVTT files (the slides' and the lecture's);
- handout.pdf as a tagged PDF (handout.write_handout, WeasyPrint) against the picture
  PDF it replaced (write_handout of the commit before handout.py, from git), and
  WeasyPrint's import (in a fresh interpreter, against one that imports nothing);
- the presenter's deck.js, pptx descriptions: no measurable work (not timed).

It prints each row's seconds before and after, and the sum of what was added as a share
of the cold render's wall clock and CPU (printed too when this script rendered it; else
give them with --render-wall/--render-cpu). The goal is under 3% of the wall clock: the
steps run one after another in this process, so their CPU sum bounds what they add to
a wall clock. Run it on an otherwise idle machine; the load average is printed.

    .venv/bin/python bench/accessibility.py --quality 1080p --repeat 5
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render import REPO  # noqa: E402
from backprop_render.media import audio  # noqa: E402
from backprop_render.media import video as media  # noqa: E402
from backprop_render.media.subtitles import compose_vtt, read_srt  # noqa: E402
from backprop_render.present import handout  # noqa: E402
from backprop_render.quality import QUALITIES  # noqa: E402
from lecture.i18n import catalog_for  # noqa: E402
from lecture.language import LECTURE_LANGUAGE  # noqa: E402
from lecture.user_cache import UserCache, default_root  # noqa: E402
from lecture.voices import NO_VOICE  # noqa: E402
from narration.speech import Narrator  # noqa: E402


def cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def timed(step: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of `step`."""
    runs = []
    for _ in range(repeat):
        start = cpu()
        step()
        runs.append(cpu() - start)
    return statistics.median(runs)


def old_write_handout(before: str) -> Callable:
    """write_handout as it was at commit `before` (the picture PDF), loaded from git."""
    source = subprocess.run(["git", "-C", str(REPO), "show",
                             f"{before}:backprop_render/present/build.py"],
                            check=True, capture_output=True, text=True).stdout
    folder = Path(tempfile.mkdtemp(prefix="bench-handout-"))  # ours alone (mode 700)
    path = folder / "old_present_build.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_present_build", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.write_handout


def commit_before_handout() -> str:
    added = subprocess.run(["git", "-C", str(REPO), "log", "--format=%H", "--diff-filter=A",
                            "--", "backprop_render/present/handout.py"],
                           check=True, capture_output=True, text=True).stdout.split()
    if not added:
        raise SystemExit("handout.py is not in this repository's history: give --before")
    return f"{added[-1]}^"


def import_cpu(statement: str, repeat: int) -> float:
    """Median CPU seconds of a fresh interpreter running `statement`."""
    runs = []
    for _ in range(repeat):
        start = cpu(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", statement], check=True, cwd=REPO)
        runs.append(cpu(resource.RUSAGE_CHILDREN) - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", default="1080p", choices=sorted(QUALITIES))
    parser.add_argument("--slides", default=None, help="as ./render.sh --slides (default: all)")
    parser.add_argument("--out", type=Path, default=None,
                        help="a folder rendered by default (no new render; give its times)")
    parser.add_argument("--render-wall", type=float, default=None)
    parser.add_argument("--render-cpu", type=float, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", default=None,
                        help="the commit whose handout to compare with (default: the one "
                             "before handout.py was added)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    out, wall, used = args.out, args.render_wall, args.render_cpu
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="bench-accessibility-")) / "out"
        command = [str(REPO / "render.sh"), "--quality", args.quality, "--quiet", "--out",
                   str(out), *(["--slides", args.slides] if args.slides else [])]
        start, before = time.monotonic(), cpu(resource.RUSAGE_CHILDREN)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall, used = time.monotonic() - start, cpu(resource.RUSAGE_CHILDREN) - before
        print(f"cold render: {wall:.1f} s wall, {used:.1f} s CPU ({out})", flush=True)

    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    entries = facts["slides"]
    quality = QUALITIES[entries[0]["quality"]]
    work = Path(tempfile.mkdtemp(prefix="bench-accessibility-work-"))
    rows: list[tuple[str, float, float]] = []  # (what, seconds before, seconds after)

    with_cues = without_cues = remux = 0.0
    bare: list[tuple[Path, str]] = []
    speech = work / "speech"  # each slide's sentences, from the user cache the render filled
    for entry in entries:
        mp4 = out / entry["files"]["mp4"]
        cues = read_srt(out / entry["files"]["srt"])
        duration = media.probe_video(mp4).duration
        voice = entry["manifest"].get("voice")
        if voice and voice != NO_VOICE:
            narrator = Narrator(voice, speech, UserCache.open(default_root()))
            for beat in entry["manifest"].get("narration", []):
                if beat.get("speech"):
                    narrator.speak(beat["spoken"])
        narration = audio.narration_from_manifest(entry["manifest"], float(duration), speech)
        track = None if narration is None else media.AudioTrack(narration.samples,
                                                                narration.rate)
        finish = functools.partial(media.concat_videos, [(mp4, "")], chapters=False,
                                   audio=track, language=LECTURE_LANGUAGE.iso639_2)
        with_cues += timed(functools.partial(finish, work / "slide.mp4", captions=cues),
                           args.repeat)
        without_cues += timed(functools.partial(finish, work / "slide.mp4", captions=[]),
                              args.repeat)
        if not quality.renders_gif_master:
            remux += timed(functools.partial(media.remux, mp4, work / "remuxed.mp4",
                                             captions=[]), args.repeat)
        bare.append((work / f"bare-{entry['stem']}.mp4", entry["title"]))
        finish(bare[-1][0], captions=[])  # the slide as it was: no subtitle track
    rows.append(("slide MP4s finished (narration + subtitle track)", without_cues, with_cues))
    if remux:
        rows.append(("the remux before the narration, no longer made", remux, 0.0))

    slides = [(out / e["files"]["mp4"], e["title"]) for e in entries]
    lecture = work / "lecture.mp4"
    rows.append(("lecture.mp4 joined (slides' subtitle tracks copied)",
                 timed(lambda: media.concat_videos(bare, lecture), args.repeat),
                 timed(lambda: media.concat_videos(slides, lecture,
                                                   language=LECTURE_LANGUAGE.iso639_2),
                       args.repeat)))
    cues = [read_srt(out / e["files"]["srt"]) for e in entries] + \
        [read_srt(out / "lecture.srt")]
    rows.append(("WebVTT files", 0.0, timed(lambda: [compose_vtt(c, "en") for c in cues],
                                           args.repeat)))

    write_old = old_write_handout(args.before or commit_before_handout())
    handout.import_layout()  # its import is the row below
    rows.append(("handout.pdf (picture PDF -> tagged PDF/UA)",
                 timed(lambda: write_old(work / "old.pdf", out, entries), args.repeat),
                 timed(lambda: handout.write_handout(work / "new.pdf", out, entries,
                                                    catalog_for(None)),
                       args.repeat)))
    rows.append(("WeasyPrint's import (in the preparing thread)", import_cpu("pass", args.repeat),
                 import_cpu("import weasyprint", args.repeat)))

    added = sum(after - before for _, before, after in rows)
    print(f"\n**{quality.name}**, {len(entries)} slides, median of {args.repeat}, CPU s:\n")
    print("| step | before | after | added |")
    print("| --- | ---: | ---: | ---: |")
    for name, before, after in rows:
        print(f"| {name} | {before:.3f} | {after:.3f} | {after - before:+.3f} |")
    print(f"| **all** | | | **{added:+.3f}** |")
    if wall and used:
        print(f"\nadded: {added / wall:+.2%} of the cold render's wall clock ({wall:.1f} s), "
              f"{added / used:+.2%} of its CPU ({used:.1f} s); the goal is under 3%")
    print(f"handout.pdf: {(work / 'old.pdf').stat().st_size / 1e6:.2f} MB before, "
          f"{(work / 'new.pdf').stat().st_size / 1e6:.2f} MB after")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
