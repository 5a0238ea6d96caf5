"""What the commands share: options declared once (argparse parent parsers) and their checks.

A render and a sweep mean the same by `--quality`, `--slides`, `--theme`, `--lang`, `--voice`,
`--checkpoints`, `--no-gif`, `--gif-width`, `--params`, `--force` and `--quiet`; a render
and `facts` the same by `--set KEY=VALUE`. Each is declared here once and checked here
once, with one message for each kind of bad input. Only the standard library and
`lecture` are imported at module level: `--help` answers before anything is installed.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from backprop_core.params import DECLARED
from backprop_render.errors import UsageError
from backprop_render.quality import DEFAULT_GIF_WIDTH, DEFAULT_QUALITY, QUALITIES
from lecture.contract import CHECKPOINT_MODES, DEFAULT_CHECKPOINTS
from lecture.language import DEFAULT_LANGUAGE, LANGUAGES, find_language
from lecture.palettes import DEFAULT_THEME, THEMES
from lecture.slides import SLIDES, Slide, find_slide
from lecture.voices import DEFAULT_VOICE, DRAFT_VOICE, choose_voice, voice_names

if TYPE_CHECKING:  # numpy: not before anything is installed
    from backprop_core import Params

__all__ = ["VOICE_NAMES", "Subparsers", "look_options", "run_options", "cache_options",
           "params_options", "cache_size", "open_user_cache",
           "set_options", "params_table", "check_gif_width", "check_voice", "check_language",
           "keep_catalogs", "at_least_one", "parse_slides", "choose_slides", "check_look",
           "check_bank", "read_params", "language_options",
           "progress_mode", "say"]

VOICE_NAMES = tuple(voice_names())
# Where each command module adds its parser: argparse's subparsers of the whole tool.
Subparsers = argparse._SubParsersAction


def _parent() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(add_help=False)


def look_options() -> argparse.ArgumentParser:
    """What the videos look and sound like: the render's and every variant's of a sweep."""
    parent = _parent()
    parent.add_argument("--quality", default=DEFAULT_QUALITY, choices=list(QUALITIES),
                        help=f"render quality (default: {DEFAULT_QUALITY})")
    parent.add_argument("--slides", action="append", default=[], metavar="LIST",
                        help="slides to render, by number, range or slug: 2,6 or 3-5 or "
                             "backward-propagation (default: every slide whose scene exists)")
    parent.add_argument("--theme", default=DEFAULT_THEME, choices=list(THEMES),
                        help="colours: dark (default; videos, dark rooms) or light (white "
                             "slide decks, washed-out projectors)")
    parent.add_argument("--no-gif", action="store_true", help="skip the GIFs (faster)")
    parent.add_argument("--gif-width", type=int, default=DEFAULT_GIF_WIDTH, metavar="PX",
                        help=f"GIF width in pixels, 64 to 1920 (default: {DEFAULT_GIF_WIDTH})")
    _add_language(parent)
    parent.add_argument("--voice", default=None, metavar="NAME",
                        help=f"the narrator: {', '.join(VOICE_NAMES)} (default: the bundled "
                             f"voice of the language, {DEFAULT_VOICE} for English, else none; "
                             "none: silent videos, each beat as long as its subtitle takes "
                             f"to read; {DRAFT_VOICE}: espeak-ng's robotic draft voice, any "
                             "language)")
    parent.add_argument("--checkpoints", default=DEFAULT_CHECKPOINTS,
                        choices=list(CHECKPOINT_MODES),
                        help="all (default): the lecture stops on the question bank's "
                             "checkpoints, a card that asks before the slide shows the answer "
                             "(lecture/questions.toml, checkpoint = true); none: no card")
    return parent


def language_options() -> argparse.ArgumentParser:
    """The language of what is made: the exercise sheets' (a render's is in look_options)."""
    return _add_language(_parent())


def _add_language(parent: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parent.add_argument("--lang", default=DEFAULT_LANGUAGE.tag, metavar="CODE",
                        help="the language the slides and sheets show and say: "
                             + ", ".join(f"{t} ({lang.name})" for t, lang in LANGUAGES.items())
                             + f" (default: {DEFAULT_LANGUAGE.tag}; catalogs in lecture/locale/, "
                             "numbers written the language's way)")
    return parent


def run_options() -> argparse.ArgumentParser:
    """How a run goes about it: from nothing or not, how much it says."""
    parent = _parent()
    parent.add_argument("--force", action="store_true",
                        help="render every chosen slide again from nothing, even if unchanged")
    parent.add_argument("--quiet", action="store_true",
                        help="no progress display; warnings, errors and the summary only")
    return parent


def cache_options() -> argparse.ArgumentParser:
    """Where the cache every output folder shares lives, and how large it may grow: a
    render's, a sweep's and a worker's."""
    parent = _parent()
    parent.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                        help="the cache of sentences, formulas, parsed SVGs and finished "
                             "slides that every output folder shares (default: the platform's "
                             "cache folder, $XDG_CACHE_HOME/backprop-lecture or "
                             "~/.cache/backprop-lecture); "
                             "made private to you (mode 0700)")
    parent.add_argument("--cache-size", default=None, metavar="SIZE",
                        help="the cache's size limit, e.g. 500M or 4G; the least recently "
                             "used entries go first (default: 2G)")
    return parent


def params_options() -> argparse.ArgumentParser:
    parent = _parent()
    parent.add_argument("--params", metavar="FILE.toml",
                        help="read parameters from a TOML file; --set applies on top")
    return parent


def set_options() -> argparse.ArgumentParser:
    parent = _parent()
    parent.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="change one parameter; repeat for more (see the table below)")
    return parent


def params_table() -> str:
    """The parameters, their defaults and what each allows, from their declarations."""
    rows = [f"  {p.name:<8} {p.shown_default:<6} {p.summary}" for p in DECLARED.values()]
    return "parameters (--set KEY=VALUE, or a TOML file like assets/default_params.toml):\n" \
        "  name     default\n" + "\n".join(rows)


# ----- checks ----------------------------------------------------------------------------------

def cache_size(text: str | None) -> int | None:
    """--cache-size in bytes (None: the default); UsageError if unreadable."""
    if text is None:
        return None
    from lecture.user_cache import parse_size

    try:
        size = parse_size(text)
    except ValueError:
        raise UsageError(f"--cache-size must be a size such as 500M or 4G, got '{text}'.") \
            from None
    if size < 16 * 1024**2:
        raise UsageError(f"--cache-size must be at least 16M, got '{text}'.")
    return size


def open_user_cache(root: Path | None, size: int | None) -> None:
    """The user cache of this machine, opened (and so checked) before anything renders, and
    named in $BACKPROP_CACHE for the processes this one starts; workers elsewhere use their
    own machine's."""
    from backprop_render.build.slide_render import use_user_cache
    from lecture.user_cache import CacheError

    try:
        use_user_cache(root and root.absolute(), size).close()
    except CacheError as error:
        raise UsageError(str(error)) from None


def check_gif_width(width: int) -> None:
    if not 64 <= width <= 1920:
        raise UsageError(f"--gif-width must be between 64 and 1920 pixels, got {width}.")


def check_voice(name: str | None, language: str = DEFAULT_LANGUAGE.tag) -> str:
    """The voice that speaks `language` when `name` is asked for (None: the language's own,
    or none); UsageError if `name` is unknown or speaks another language."""
    try:
        choice = choose_voice(name, language, find_language(language).name)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if choice.note:
        say(f"note: {choice.note}.")
    return choice.name


def keep_catalogs(cache_dir: Path | None) -> None:
    """Where this run and its slide processes keep the checked catalogs (lecture/i18n.py):
    the user cache's folder (--cache-dir, else the platform's)."""
    from lecture import contract
    from lecture.user_cache import default_root

    given = os.environ.get(contract.CACHE)
    root = cache_dir.absolute() if cache_dir is not None else (
        Path(given) if given else default_root())
    os.environ[contract.CATALOGS] = str(root / "catalogs.json")


def check_language(tag: str) -> str:
    """The language's tag, its catalog read and checked before anything renders: a broken
    translation is refused here, entries shown in English are named once."""
    from lecture.i18n import CatalogError, catalog_for

    try:
        language = find_language(tag)
        catalog = catalog_for(language.tag)
    except KeyError as error:
        raise UsageError(str(error.args[0])) from None
    except CatalogError as error:
        raise UsageError(str(error)) from None
    fallbacks = catalog.fallbacks
    if fallbacks:
        shown = "; ".join(fallbacks[:12]) + (f"; and {len(fallbacks) - 12} more"
                                             if len(fallbacks) > 12 else "")
        say(f"warning: {len(fallbacks)} entr{'y' if len(fallbacks) == 1 else 'ies'} of "
            f"lecture/locale/{language.tag}.po {'is' if len(fallbacks) == 1 else 'are'} "
            f"untranslated or fuzzy and shown in English: {shown}")
    return language.tag


def at_least_one(option: str, count: int) -> int:
    if count < 1:
        raise UsageError(f"{option} must be at least 1, got {count}.")
    return count


def parse_slides(items: Sequence[str]) -> list[Slide]:
    """Slides named by `--slides` values, in deck order, each once."""
    chosen: set[int] = set()
    for item in items:
        for key in filter(None, (part.strip() for part in item.split(","))):
            span = re.fullmatch(r"(\d+)\s*-\s*(\d+)", key)
            keys = [str(n) for n in range(int(span[1]), int(span[2]) + 1)] if span else [key]
            if span and int(span[1]) > int(span[2]):
                raise UsageError(f"slide range '{key}' runs backwards; write {span[2]}-{span[1]}.")
            for one in keys:
                try:
                    chosen.add(find_slide(one).number)
                except KeyError as error:
                    raise UsageError(str(error.args[0])) from None
    if items and not chosen:
        raise UsageError("--slides names no slide.")
    return [s for s in SLIDES if s.number in chosen]


def choose_slides(items: Sequence[str], note: Callable[[str], None]) -> list[Slide]:
    """The slides `--slides` names, each with its scene; without it, every slide that has one
    (`note` says which have none yet)."""
    if items:
        slides = parse_slides(items)
        missing = [s for s in slides if not s.path.exists()]
        if missing:
            names = ", ".join(f"{s.number} (scenes/{s.module}.py)" for s in missing)
            raise UsageError(f"no scene yet for slide {names}.")
        return slides
    slides = [s for s in SLIDES if s.path.exists()]
    if not slides:
        raise UsageError("no slide has a scene yet (scenes/s01_*.py ... s08_*.py); "
                         "nothing to render.")
    absent = [s for s in SLIDES if not s.path.exists()]
    if absent:
        note(f"note: no scene yet for slide {', '.join(str(s.number) for s in absent)}; "
             f"rendering the other {len(slides)}.")
    return slides


def check_look(args: argparse.Namespace) -> list[Slide]:
    """Check what `look_options` declared; the chosen slides."""
    check_gif_width(args.gif_width)
    keep_catalogs(getattr(args, "cache_dir", None))
    args.lang = check_language(args.lang)
    args.voice = check_voice(args.voice, args.lang)
    return choose_slides(args.slides, say)


def check_bank(checkpoints: str) -> None:
    """lecture.questions.check_bank, its BankError a UsageError."""
    from lecture.questions import BankError
    from lecture.questions import check_bank as check

    try:
        check(checkpoints)
    except BankError as error:
        raise UsageError(str(error)) from None


def read_params(path: str | None, overrides: Sequence[str] = ()) -> Params:
    """The parameters of `--params FILE.toml`, each `--set KEY=VALUE` of `overrides` on top."""
    from backprop_core import ParamError, load_params, parse_overrides

    try:
        return load_params(path, parse_overrides(overrides))
    except ParamError as error:
        raise UsageError(str(error)) from None


def progress_mode(quiet: bool) -> str:
    """backprop_render.progress's mode: a live display on a terminal, lines in a log."""
    return "quiet" if quiet else ("bar" if sys.stderr.isatty() else "lines")


def say(message: str) -> None:
    """A line for the lecturer on stderr: stdout holds only what a command prints as its result."""
    print(message, file=sys.stderr, flush=True)
