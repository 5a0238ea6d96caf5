"""Which slides must be drawn again, and which finished files can stay.

A slide's frames are a deterministic function of two things:

- its **code and settings**: the slide's scene file and every module of `scenes/`
  and `backprop_core/` it imports (found by reading the import statements, so the
  set cannot drift from the code), the assets under `assets/`, the pipeline code
  that turns Manim's output into files, the quality (size, frame rate, encoder
  options), the GIF width, the theme, the language and its catalogs (lecture/locale/), the
  checkpoints the slide stops on (its questions in the bank and their words, under
  `--checkpoints`: a slide without one has the same key either way), `manim.cfg`, the
  versions of Manim and the media
  libraries, and the narrator (the voice and its engine: package versions,
  espeak-ng's version, the synthesis settings; the spoken words are lesson values
  and text in the scene's code, both covered already), and whether it speaks the
  lecturer's takes. These are hashed into the slide's **key**;
- the **lesson values it reads**. A scene sees the lesson only through
  `lecture.facts.TrackedLesson`, which records every value it hands out, by path,
  in the facts manifest the scene writes (`reads`). The previous render's reads
  are kept in `facts.json`;
- with takes, **each beat's take**: which file, which recording (its hash), and whether
  it fits the beat's sentence (narration/takes.py's `BeatTake.identity`), as the
  manifest records them (`changed_takes`).

If the key is unchanged and every recorded read has the same value in the new
lesson (`value_at(new_lesson, path)`), the scene would construct exactly as last
time (the same sentences too), so the files it produced last time are the files it
would produce now, unless one of its takes changed: the slide is kept. A slide whose
code changed has no trustworthy reads (the new code may read other values) and is always
rendered; that render records fresh reads.
So no separate dry run is needed: every render is its own record.

Reads compare as canonical JSON text, so 4 and 4.0, or 0.0 and -0.0, count as
different: a scene may write them differently.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from backprop_render import REPO
from backprop_render.quality import Quality
from lecture.contract import DEFAULT_CHECKPOINTS
from lecture.i18n import catalog_sources
from lecture.questions import BANK_FILE, checkpoint_record
from lecture.slides import Slide
from narration.speech import NO_VOICE, engine_identity

if TYPE_CHECKING:
    from backprop_render.build.records import Publication, SlideEntry
    from narration.takes import TakesFolder

__all__ = ["KEY_SCHEMA", "SOURCE_PACKAGES", "PIPELINE_FILES", "module_closure", "slide_key",
           "scene_key", "load_imports", "save_imports", "add_imports", "known_imports",
           "changed_reads", "Decision", "decide", "REPO", "lesson_key", "lesson_digest",
           "reads_proof", "changed_takes", "canonical", "NO_SUCH_VALUE"]

KEY_SCHEMA = 1  # bump when the meaning of a key changes: every slide renders once more
# The packages a scene's imports are followed into.
SOURCE_PACKAGES = ("scenes", "lecture", "narration", "backprop_core")
# The pipeline code between Manim's output and the published files: a change to how a
# GIF is made or a still is saved changes the files, so it re-renders the slides.
PIPELINE_FILES = ("backprop_render/build/slide_render.py", "backprop_render/media/video.py",
                  "backprop_render/media/subtitles.py", "backprop_render/quality.py",
                  "backprop_render/media/audio.py")
# Libraries that draw or encode what a slide shows. (numpy is not here: it changes
# only values, and the values a slide reads are compared one by one.)
PACKAGES = ("manim", "av", "pycairo", "manimpango", "pillow", "srt")
# Read by runtime.py only when no parameters are passed; the pipeline always passes
# them, and parameters reach the frames only as lesson values, which are compared.
NOT_AN_INPUT = ("assets/default_params.toml",)
# What the lesson is a function of besides the parameters: the core's code, the code that
# turns a lesson value into the JSON a read is compared as, and numpy (the network's
# training), on this Python.
LESSON_CODE = ("backprop_core",)
LESSON_FILES = ("lecture/facts.py", "backprop_render/build/reuse.py")
LESSON_PACKAGES = ("numpy",)


# ----- the code a slide depends on ---------------------------------------------------

def _module_file(name: str, root: Path) -> Path | None:
    parts = name.split(".")
    if parts[0] not in SOURCE_PACKAGES:
        return None
    base = root.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


# module:sha256 of its file -> the modules it imports. Parsing every file of a slide's
# closure is most of the time of a render that changes nothing, so the pipeline keeps this
# table in the output folder (load_imports/save_imports). Keyed by the file's content, an
# entry can never describe another version of the file.
_IMPORTS: dict[str, list[str]] = {}
_IMPORTS_ADDED: list[str] = []


def load_imports(path: Path) -> None:
    """Add the table saved at `path` (if any, and readable) to the known imports."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    add_imports(data)


def add_imports(table: Any) -> None:
    """Add the well-formed entries of `table` (module:sha256 -> imports) to the known imports:
    a job process starts from its render's (known_imports), so its slides' scene keys parse
    no file the render parsed already."""
    if isinstance(table, dict):
        _IMPORTS.update({k: v for k, v in table.items() if isinstance(v, list)
                         and all(isinstance(n, str) for n in v)})


def known_imports() -> dict[str, list[str]]:
    """The imports this process knows (loaded, or parsed), for a job process to start from."""
    return dict(_IMPORTS)


def save_imports(path: Path) -> None:
    """Save the table at `path` if this process parsed a file it did not hold."""
    if not _IMPORTS_ADDED:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(path.name + ".tmp")
    staged.write_text(json.dumps(_IMPORTS, sort_keys=True), encoding="utf-8")
    staged.replace(path)
    _IMPORTS_ADDED.clear()


def _imported_modules(path: Path, module: str) -> frozenset[str]:
    """Every module name `path` imports, statically, at any depth of its code."""
    data = path.read_bytes()
    known = f"{module}:{_digest(data)}"
    if known not in _IMPORTS:
        _IMPORTS[known] = sorted(_parse_imports(data, path, module))
        _IMPORTS_ADDED.append(known)
    return frozenset(_IMPORTS[known])


def _parse_imports(data: bytes, path: Path, module: str) -> set[str]:
    tree = ast.parse(data, filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            # `from scenes.kit import theme` imports the module scenes.kit.theme
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@dataclass
class _Modules:
    """Module files and their imports as found once, for the keys of every slide of a run
    (their closures share most modules); not kept longer, since files change between runs."""

    root: Path
    files: dict[str, Path | None] = dataclasses.field(default_factory=dict)
    imports: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)

    def file(self, name: str) -> Path | None:
        if name not in self.files:
            self.files[name] = _module_file(name, self.root)
        return self.files[name]

    def imported(self, path: Path, name: str) -> frozenset[str]:
        if name not in self.imports:
            self.imports[name] = _imported_modules(path, name)
        return self.imports[name]


def module_closure(slide: Slide, root: Path = REPO, _modules: _Modules | None = None) -> list[Path]:
    """The slide's scene file and every file of SOURCE_PACKAGES it can import, sorted.

    Package `__init__.py` files are included, since importing a module runs them.
    """
    modules = _Modules(root) if _modules is None or _modules.root != root else _modules
    start = f"scenes.{slide.module}"
    seen: dict[str, Path] = {}
    pending = [start]
    while pending:
        name = pending.pop()
        # importing a.b.c imports a and a.b first
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):
            prefix = ".".join(parts[:depth])
            if prefix in seen:
                continue
            path = modules.file(prefix)
            if path is None:
                continue
            seen[prefix] = path
            pending.extend(modules.imported(path, prefix))
    if start not in seen:
        raise FileNotFoundError(f"no scene file for slide {slide.number}: scenes/{slide.module}.py")
    return sorted(set(seen.values()))


# ----- the key -----------------------------------------------------------------------

def _file_digest(path: Path, digests: dict[Path, str]) -> str:
    """`path`'s digest, read once per `digests`."""
    if path not in digests:
        digests[path] = _digest(path.read_bytes())
    return digests[path]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=None)
def _package_versions() -> tuple[tuple[str, str], ...]:
    return tuple((name, _version(name)) for name in PACKAGES)


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _key_record(slide: Slide, quality: Quality, root: Path, digests: dict[Path, str],
                theme: str, voice: str, language: str, checkpoints: str, takes: bool,
                modules: _Modules | None) -> dict[str, Any]:
    """What slide_key and scene_key hash, but the GIF's width and the catalogs."""

    def digest(path: Path) -> str:
        return _file_digest(path, digests)

    sources = {_relative(p, root): digest(p) for p in module_closure(slide, root, modules)}
    sources.update({name: digest(root / name) for name in PIPELINE_FILES})
    assets = root / "assets"
    if assets.is_dir():
        sources.update({_relative(p, root): digest(p) for p in sorted(assets.rglob("*"))
                        if p.is_file() and _relative(p, root) not in NOT_AN_INPUT})
    config = root / "manim.cfg"
    return {
        "schema": KEY_SCHEMA,
        "slide": dataclasses.asdict(slide),
        "sources": sources,
        "manim_cfg": digest(config) if config.is_file() else None,
        "quality": dataclasses.asdict(quality),
        "theme": theme,  # the palette: every colour of every frame
        # the language: every word, and how each number is written
        "language": language,
        "packages": dict(_package_versions()),
        "narrator": engine_identity(voice, language),
        # The bank is data, outside the code's closure: the slide's part of it.
        "checkpoints": checkpoint_record(slide.number, checkpoints,
                                         root / BANK_FILE.relative_to(REPO)),
        # Spoken with the lecturer's takes where they fit: which takes, and whether each
        # fits, is checked beat by beat (`changed_takes`), not keyed on.
        "takes": takes,
    }


def slide_key(slide: Slide, quality: Quality, gif_width: int | None, root: Path = REPO,
              _digests: dict[Path, str] | None = None, theme: str = "dark",
              voice: str = NO_VOICE, language: str = "en",
              checkpoints: str = DEFAULT_CHECKPOINTS, takes: bool = False,
              _modules: _Modules | None = None) -> str:
    """The hash of everything but lesson values that decides the slide's files."""
    digests = {} if _digests is None else _digests
    record = _key_record(slide, quality, root, digests, theme, voice, language, checkpoints,
                         takes, _modules)
    record["gif_width"] = gif_width
    # The language's catalog and the lecturer's English (en.po) under it, and the template
    # the pseudo-language marks.
    record["catalogs"] = {p.name: _file_digest(p, digests)
                          for p in catalog_sources(language, root / "lecture" / "locale")}
    return _digest(json.dumps(record, sort_keys=True).encode("utf-8"))


def scene_key(slide: Slide, quality: Quality, root: Path = REPO, theme: str = "dark",
              voice: str = NO_VOICE, language: str = "en",
              checkpoints: str = DEFAULT_CHECKPOINTS) -> str:
    """The hash of what decides the frames of the slide's scene (spoken without takes),
    beside what the scene is handed while it runs: lesson values, the catalog's words,
    speech (scenes/speedups/play_key.py keys each animation on both). The slide's key
    without its GIF's width, which no frame of the scene depends on, and without the
    catalogs: each animation is keyed on the words the scene took up to it instead, so a
    changed sentence draws again only what comes after it."""
    record = _key_record(slide, quality, root, {}, theme, voice, language, checkpoints,
                         False, None)
    record["use"] = "scene"
    return _digest(json.dumps(record, sort_keys=True).encode("utf-8"))


# ----- the lesson values a slide read ----------------------------------------------------

def canonical(value: Any) -> str:
    """A read value as the JSON text reads compare as (and finished.py names entries by)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# What `value_at` raises for a path the lesson does not have (a read that no longer exists).
NO_SUCH_VALUE = (KeyError, IndexError, TypeError, AttributeError, ValueError)


# ----- the lesson, without building it --------------------------------------------------------

def lesson_key(params: Mapping[str, Any], root: Path = REPO) -> str:
    """The hash of everything the lesson is a function of: the parameters, every file of
    the core, the code that compares reads, numpy's version and Python's. Equal keys mean
    equal lessons, so a render whose key matches the last one's need not build it."""
    files = sorted(p for package in LESSON_CODE for p in (root / package).rglob("*.py"))
    files += [root / name for name in LESSON_FILES]
    record = {
        "schema": KEY_SCHEMA,
        "params": dict(params),
        "sources": {_relative(p, root): _digest(p.read_bytes()) for p in files},
        "packages": {name: _version(name) for name in LESSON_PACKAGES},
        "python": sys.version,
    }
    return _digest(json.dumps(record, sort_keys=True).encode("utf-8"))


def lesson_digest(lesson_json: Any) -> str:
    """The hash of a lesson's JSON form, as facts.json holds it."""
    return _digest(canonical(lesson_json).encode("utf-8"))


def reads_proof(lesson: str, reads: Mapping[str, Any]) -> str:
    """A record that every one of `reads` has its value in the lesson of key `lesson`.

    Written when a render's reads came from that lesson, or were compared with it and none
    changed; a later run whose lesson key is the same may then skip the comparison."""
    return _digest(canonical({"lesson": lesson, "reads": dict(reads)}).encode("utf-8"))


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def changed_reads(reads: Mapping[str, Any], lesson) -> list[str]:
    """The recorded reads whose value differs in `lesson` (or that it no longer has)."""
    from lecture.facts import value_at  # the lesson's modules, only when a lesson is compared

    changed = []
    for path, recorded in reads.items():
        try:
            now = value_at(lesson, path)
        except NO_SUCH_VALUE:
            changed.append(path)
            continue
        if canonical(now) != canonical(recorded):
            changed.append(path)
    return changed


# ----- the decision ------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    slide: Slide
    key: str
    reason: str | None  # why it must be rendered; None: its files are kept

    @property
    def render(self) -> bool:
        return self.reason is not None


def _files_whole(folder: Path, sizes: Mapping[str, int]) -> str | None:
    for name, size in sizes.items():
        try:
            actual = (folder / name).stat().st_size
        except OSError:
            return f"{name} is missing"
        if actual != size:
            return f"{name} changed since it was rendered"
    return None


def _facts_file_problem(folder: Path, slide: Slide) -> str | None:
    """Why the slide's NN-slug.facts.json does not read back, if it does not: its files are
    whole only if every one of them does (a cut-short one would be kept, and copied on)."""
    from backprop_render.build.records import slide_facts_file

    name = slide_facts_file(slide.stem)
    try:
        document = json.loads((folder / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"{name} is missing"
    except (OSError, ValueError):
        return f"{name} does not read back"
    if not isinstance(document, dict) or document.get("stem") != slide.stem:
        return f"{name} is not this slide's"
    return None


def decide(slide: Slide, key: str, entry: SlideEntry | None, record: Publication | None,
           lesson: Any | Callable[[], Any], folder: Path, force: bool = False,
           lesson_key: str | None = None, takes: TakesFolder | None = None) -> Decision:
    """Render `slide`, or keep its files? `entry` is its facts.json entry, `record` its
    entry in the render state, `lesson` the new lesson (or a function that builds it, called
    only if needed) and `lesson_key` its key: when the
    record proves the reads were found in the lesson of that key (reads_proof), they are not
    compared again, and the lesson need not be built. `takes`: the lecturer's takes folder
    the slide is spoken from, if any (see changed_takes)."""
    def render(reason: str) -> Decision:
        return Decision(slide, key, reason)

    if force:
        return render("--force")
    if entry is None or record is None:
        return render("no earlier render in this folder")
    if record.key != key:
        return render("its code or the render settings changed")
    if set(record.files) != set(entry.files.values()):
        return render("its record is incomplete")
    problem = _files_whole(folder, record.files) or _facts_file_problem(folder, slide)
    if problem:
        return render(problem)
    reads = entry.manifest.get("reads")
    if not isinstance(reads, dict):
        return render("its record holds no reads")
    if lesson_key is None or record.reads is None \
            or record.reads != reads_proof(lesson_key, reads):
        changed = changed_reads(reads, lesson() if callable(lesson) else lesson)
        if changed:
            more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
            return render(f"it shows values that changed ({changed[0]}{more})")
    # Its sentences are as last time (it reads what it read then): are its takes?
    retaken = changed_takes(slide, entry.manifest, takes) if takes is not None else []
    if retaken:
        more = f" and {len(retaken) - 1} more" if len(retaken) > 1 else ""
        return render(f"the take of {retaken[0]}{more} changed")
    return Decision(slide, key, None)


def changed_takes(slide: Slide, manifest: Mapping[str, Any], takes: TakesFolder) -> list[str]:
    """The beats (ids) of a slide whose take is not what the slide was spoken with: another
    file or recording, or one that now fits its sentence or no longer does. Judged against
    each beat's sentence as the slide's manifest gives it, which is the sentence now when
    the slide reads what it read then."""
    from narration.takes import BeatLine

    changed = []
    for said in manifest.get("narration") or []:
        line = BeatLine.said(slide.slug, slide.number, said)
        recorded = (said.get("take") or {}).get("found")
        if recorded != takes.take(line)[0].identity():
            changed.append(line.id)
    return changed


def keys_for(slides: Iterable[Slide], quality: Quality, gif_width: int | None,
             root: Path = REPO, theme: str = "dark", voice: str = NO_VOICE,
             language: str = "en", checkpoints: str = DEFAULT_CHECKPOINTS,
             takes: bool = False) -> dict[str, str]:
    digests: dict[Path, str] = {}
    modules = _Modules(root)
    return {s.stem: slide_key(s, quality, gif_width, root, digests, theme, voice, language,
                              checkpoints, takes, modules)
            for s in slides}

