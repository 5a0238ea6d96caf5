"""`./render.sh takes`: the lecturer's takes, checked against a render or cut from one long
recording, without rendering.

- `takes check DIR`: each beat of the render in `--out` and its take in DIR: fresh, stale
  (with the sentence it said and the one it should say), made elsewhere, unusable, missing,
  odd (near-silent, far too long or too short), and the files for no beat.
- `takes import RECORDING LABELS --into DIR`: one long recording split into one take per
  beat by an Audacity label file (narration/take_labels.py), each with its record.

Both read the beats and their sentences from the render's facts.json: the sentences with
that render's numbers are the ones a take is spoken for.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from backprop_render.cli.options import Subparsers
from backprop_render.cli.render import DEFAULT_OUT
from backprop_render.errors import EXIT_OK, UsageError

__all__ = ["add_parser"]

_EPILOG = """\
Takes are one audio file per beat (WAV, FLAC, MP3, OGG, WebM, at any rate), named by the
beat's id (gradient-descent.take_one_step.webm), with a record beside it naming the sentence
it was spoken for (gradient-descent.take_one_step.json). present/record.html records them;
`import` cuts them from one recording. Render with them: ./render.sh --takes DIR.

examples:
  ./render.sh takes check my-takes
  ./render.sh takes import lecture.wav lecture-labels.txt --into my-takes
"""


def add_parser(commands: Subparsers) -> None:
    """The takes command and its two verbs, in `commands` (argparse's subparsers)."""
    parser = commands.add_parser(
        "takes", prog="render.sh takes", usage="./render.sh takes {check,import} ...",
        description="Check a folder of your recorded takes against a render, or cut takes "
                    "from one long recording by its Audacity labels.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="verb", metavar="{check,import}", required=True)
    check = verbs.add_parser(
        "check", prog="render.sh takes check", help="each beat and its take in DIR",
        description="Say, beat by beat, whether DIR holds a take that fits the sentence the "
                    "render in --out speaks, and which files are no beat's take.")
    check.add_argument("folder", type=Path, metavar="DIR", help="the takes folder")
    check.add_argument("--adopt", action="store_true",
                       help="record beside each take made elsewhere (no record yet) that it "
                            "speaks its beat's sentence as it is now, so that a later change "
                            "of the sentence finds it stale (a render with --takes does this "
                            "too)")
    cut = verbs.add_parser(
        "import", prog="render.sh takes import", help="cut takes from one recording",
        description="Split one long recording into a take per beat by an Audacity label "
                    "file (File > Export > Export Labels): each label names a beat, by its "
                    "id (gradient-descent.take_one_step) or slide and name "
                    "(4.take_one_step); a point label runs to the next one.")
    cut.add_argument("recording", type=Path, help="the recording (WAV, FLAC, MP3, ...)")
    cut.add_argument("labels", type=Path, help="its Audacity label file (.txt)")
    cut.add_argument("--into", type=Path, required=True, metavar="DIR",
                     help="the takes folder to write them into (made if need be)")
    for verb in (check, cut):
        verb.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="OUT",
                          help="the render whose sentences the takes speak (its facts.json; "
                               "default: out/ next to render.sh)")
    check.set_defaults(run=_check)
    cut.set_defaults(run=_import)


def _beats(out: Path) -> list:
    from narration.takes import lecture_beats

    try:
        facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{out} holds no render (no facts.json): render first, then the "
                         "beats and their sentences are known (./render.sh --out "
                         f"{out})") from None
    except (OSError, ValueError) as error:
        raise UsageError(f"{out / 'facts.json'} cannot be read ({error})") from None
    beats = lecture_beats(facts)
    if not beats:
        raise UsageError(f"the render in {out} narrates nothing")
    return beats


def _check(args: argparse.Namespace) -> int:
    from backprop_render.present.recording import report_lines
    from lecture.slides import declared_beat_ids
    from narration.takes import adopt, survey

    beats = _beats(args.out)
    try:
        report = survey(beats, args.folder, known=declared_beat_ids())
    except OSError as error:
        raise UsageError(str(error)) from None
    first, *more = report_lines(report)
    print(f"Takes in {args.folder} for the render in {args.out}:\n  {first}")
    for line in more:
        print(f"    {line}")
    if args.adopt:
        written = adopt(report)
        print(f"  recorded the sentence of {len(written)} take(s) made elsewhere"
              + (f": {', '.join(r.beat for r in written)}" if written else ""))
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from narration.take_audio import TakeAudioError
    from narration.take_labels import LabelError, split_recording

    beats = _beats(args.out)
    try:
        done = split_recording(args.recording, args.labels, beats, args.into)
    except (LabelError, TakeAudioError, OSError) as error:
        raise UsageError(str(error)) from None
    print(f"Wrote {len(done.written)} takes into {args.into}: "
          + ", ".join(beat.id for beat, _ in done.written))
    for label, why in done.unknown:
        print(f"  {args.labels.name}, line {label.line} ({label.text!r}), not used: {why}")
    return EXIT_OK
