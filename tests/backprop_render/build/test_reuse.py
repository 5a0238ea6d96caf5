"""The key of a slide and the decision to keep its files: what changes them, what must not."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from backprop_core import build_lesson, load_params
from backprop_render.build import reuse
from backprop_render.build.records import Publication, SlideEntry
from backprop_render.quality import QUALITIES
from lecture.slides import SLIDES

PREVIEW = QUALITIES["preview"]
SLIDE1, SLIDE2, SLIDE6, SLIDE7 = SLIDES[0], SLIDES[1], SLIDES[5], SLIDES[6]


def names(paths: list[Path], root: Path = reuse.REPO) -> set[str]:
    return {p.relative_to(root).as_posix() for p in paths}


# ----- the code a slide depends on ---------------------------------------------------------

def test_a_slides_closure_follows_its_imports_and_no_further():
    closure = names(reuse.module_closure(SLIDE6))
    for needed in ("scenes/s06_backward_propagation.py", "scenes/__init__.py",
                   "scenes/kit/slide.py",
                   "scenes/kit/theme.py", "lecture/facts.py", "scenes/drawings/graph.py",
                   "backprop_core/__init__.py", "backprop_core/formatting.py"):
        assert needed in closure, needed
    for other in ("scenes/s05_chain_rule.py", "scenes/s01_what_is_backpropagation.py",
                  "scenes/drawings/loss.py"):
        assert other not in closure, other


def test_the_closure_holds_every_module_the_slide_really_imports():
    """Import each scene in a fresh module table and list what Python loaded: the static
    closure must contain all of it, or an edit could go unnoticed."""
    probe = textwrap.dedent("""
        import importlib, json, sys
        import manim  # not ours: loaded once
        from lecture.slides import SLIDES
        ours = ("scenes", "backprop_core")
        loaded = {}
        for slide in SLIDES:
            for name in [m for m in sys.modules if m.split(".")[0] in ours]:
                del sys.modules[name]
            importlib.import_module(f"scenes.{slide.module}")
            loaded[slide.stem] = sorted(m.__file__ for n, m in sys.modules.items()
                                        if n.split(".")[0] in ours and getattr(m, "__file__", None))
        print(json.dumps(loaded))
    """)
    result = subprocess.run([sys.executable, "-c", probe], cwd=reuse.REPO, capture_output=True,
                            text=True, timeout=120, check=True)
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    for slide in SLIDES:
        closure = {str(p) for p in reuse.module_closure(slide)}
        assert set(loaded[slide.stem]) <= closure, (slide.stem, set(loaded[slide.stem]) - closure)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The files a key reads, copied, so a test can edit them."""
    root = tmp_path / "repo"
    for folder in ("scenes", "backprop_core", "assets", "lecture"):
        shutil.copytree(reuse.REPO / folder, root / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in (*reuse.PIPELINE_FILES, "manim.cfg", "lecture/questions.toml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(reuse.REPO / name, root / name)
    return root


def touch(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")


def test_the_key_changes_with_the_code_and_settings_a_slide_depends_on(repo_copy):
    def key(slide=SLIDE1, quality=PREVIEW, gif_width=768):
        return reuse.slide_key(slide, quality, gif_width, repo_copy)

    before = key()
    assert key() == before  # a key is stable
    changes = [
        lambda: touch(repo_copy / "scenes" / SLIDE1.path.name),  # its own scene
        lambda: touch(repo_copy / "scenes" / "kit" / "theme.py"),  # shared scene code
        lambda: touch(repo_copy / "backprop_core" / "formatting.py"),  # how numbers are written
        lambda: touch(repo_copy / "manim.cfg"),
        lambda: touch(repo_copy / "backprop_render" / "media" / "video.py"),  # how GIFs are made
        lambda: (repo_copy / "assets" / "logo.svg").write_text("<svg/>"),  # a new asset
    ]
    for change in changes:
        change()
        now = key()
        assert now != before
        before = now
    assert key(quality=QUALITIES["1080p"]) != before
    assert key(gif_width=None) != before and key(gif_width=640) != before
    faster = dataclasses.replace(PREVIEW, h264_options={"crf": "23", "preset": "ultrafast"})
    assert key(quality=faster) != before
    # issue 17: the theme is every colour of every frame
    assert reuse.slide_key(SLIDE1, PREVIEW, 768, repo_copy, theme="light") != before
    assert reuse.keys_for([SLIDE1], PREVIEW, 768, repo_copy, theme="dark") == {SLIDE1.stem: before}
    # issue 29: the language is every word and every number's symbols; its catalog too
    german = reuse.slide_key(SLIDE1, PREVIEW, 768, repo_copy, language="de")
    assert german != before
    touch(repo_copy / "lecture" / "locale" / "de.po")
    assert reuse.slide_key(SLIDE1, PREVIEW, 768, repo_copy, language="de") != german
    assert key() == before  # an English slide does not read the German catalog
    touch(repo_copy / "lecture" / "locale" / "en.po")  # the lecturer's English: every language's
    assert key() != before


def test_the_scene_key_is_the_slides_but_its_gif_and_catalogs(repo_copy):
    # What Manim's cache keys each animation on, beside what the scene is handed
    # (scenes/speedups/play_key.py): the words are among those, the GIF is made after.
    from lecture.voices import DEFAULT_VOICE, DRAFT_VOICE

    def key(**settings):
        return reuse.scene_key(SLIDE1, settings.pop("quality", PREVIEW), repo_copy, **settings)

    before = key()
    assert key() == before and before != reuse.slide_key(SLIDE1, PREVIEW, None, repo_copy)
    touch(repo_copy / "lecture" / "locale" / "en.po")
    assert key() == before  # its words are keyed one by one, as the scene takes them
    for settings in ({"quality": QUALITIES["1080p"]}, {"theme": "light"}, {"language": "de"},
                     {"voice": DEFAULT_VOICE}, {"voice": DRAFT_VOICE}):
        assert key(**settings) != before, settings
    for change in (lambda: touch(repo_copy / "scenes" / "kit" / "theme.py"),
                   lambda: touch(repo_copy / "manim.cfg"),
                   lambda: touch(repo_copy / "backprop_render" / "build" / "slide_render.py")):
        change()
        now = key()
        assert now != before
        before = now


def test_a_job_handed_the_renders_imports_parses_no_file_for_its_scene_keys(monkeypatch):
    # pipeline._worker_started: a job process starts from the table the render's keys filled.
    reuse.keys_for(SLIDES, PREVIEW, 768)
    table = reuse.known_imports()
    parsed = []
    parse = reuse._parse_imports

    def counted(*args):
        parsed.append(args[2])
        return parse(*args)

    monkeypatch.setattr(reuse, "_parse_imports", counted)
    for handed in (False, True):  # a new job process, without the table and with it
        monkeypatch.setattr(reuse, "_IMPORTS", {})
        monkeypatch.setattr(reuse, "_IMPORTS_ADDED", [])
        if handed:
            reuse.add_imports(table)
        parsed.clear()
        keys = [reuse.scene_key(slide, PREVIEW, voice="joe") for slide in SLIDES]
        assert bool(parsed) is not handed, parsed
        assert len(set(keys)) == len(SLIDES)


def test_the_key_holds_the_checkpoints_a_slide_asks_and_only_those(repo_copy):
    def key(slide, checkpoints="all"):
        return reuse.slide_key(slide, PREVIEW, 768, repo_copy, checkpoints=checkpoints)

    asks, quiet = SLIDE6, SLIDE7  # the bank stops on slide 6, not on slide 7
    before = {s.stem: key(s) for s in (asks, quiet)}
    silent = key(asks, "none")
    assert silent != before[asks.stem]
    assert key(quiet, "none") == before[quiet.stem]  # no render for a switch it ignores
    bank = repo_copy / "lecture" / "questions.toml"
    bank.write_text(bank.read_text(encoding="utf-8").replace(
        "what is the gradient ∂loss/∂w", "what is ∂loss/∂w"), encoding="utf-8")
    assert key(asks) != before[asks.stem] and key(quiet) == before[quiet.stem]
    assert key(asks, "none") == silent
    bank.write_text("[broken", encoding="utf-8")  # renders, so that the bank's check says why
    assert key(asks) != before[asks.stem] and key(quiet) != before[quiet.stem]


def test_the_key_ignores_code_the_slide_does_not_import(repo_copy):
    before = reuse.slide_key(SLIDE1, PREVIEW, 768, repo_copy)
    touch(repo_copy / "scenes" / "s05_chain_rule.py")  # another slide
    touch(repo_copy / "scenes" / "drawings" / "graph.py")  # slides 5 and 6 only
    touch(repo_copy / "assets" / "default_params.toml")  # parameters reach it as read values
    assert reuse.slide_key(SLIDE1, PREVIEW, 768, repo_copy) == before
    assert reuse.slide_key(SLIDE6, PREVIEW, 768, repo_copy) != \
        reuse.slide_key(SLIDE6, PREVIEW, 768, reuse.REPO)


# ----- read values --------------------------------------------------------------------------

def lesson(**params):
    return build_lesson(load_params(None, params))


def test_only_reads_whose_value_changed_count():
    reads = {"worked_step.x": 2.1, "worked_step.y_hat": 2.1, "descent.steps#len": 11,
             "params.lr": 0.01}
    assert reuse.changed_reads(reads, lesson()) == []
    assert reuse.changed_reads(reads, lesson(y=5)) == []  # nothing read depends on y
    assert reuse.changed_reads(reads, lesson(x=3)) == ["worked_step.x", "worked_step.y_hat"]
    assert reuse.changed_reads(reads, lesson(steps=12)) == ["descent.steps#len"]
    assert reuse.changed_reads(reads, lesson(lr=0.1)) == ["params.lr"]


def test_a_read_the_lesson_no_longer_has_or_of_another_type_counts_as_changed():
    assert reuse.changed_reads({"descent.steps.12.w": 1.0}, lesson(steps=10)) == \
        ["descent.steps.12.w"]
    assert reuse.changed_reads({"descent.steps#len": 11.0}, lesson()) == ["descent.steps#len"]
    assert reuse.changed_reads({"worked_step.nothing": 1}, lesson()) == ["worked_step.nothing"]


# ----- the decision ---------------------------------------------------------------------------

@pytest.fixture
def published(tmp_path: Path):
    """A slide's files, its facts.json entry (reads x only) and its state record."""
    files = {kind: f"{SLIDE1.stem}.{kind}" for kind in ("mp4", "png", "srt")}
    for name in files.values():
        (tmp_path / name).write_bytes(b"0123456789")
    entry = SlideEntry(SLIDE1.number, SLIDE1.slug, SLIDE1.stem, SLIDE1.title, SLIDE1.scene,
                       "preview", {}, "0.22", files, {}, None, 1,
                       {"reads": {"worked_step.x": 2.1}, "facts": []})
    record = Publication("K", {name: 10 for name in files.values()}, "1")
    (tmp_path / f"{SLIDE1.stem}.facts.json").write_text(json.dumps(entry.to_json()))
    return tmp_path, entry, record


def cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def test_an_unchanged_slide_with_whole_files_is_kept(published):
    folder, entry, record = published
    decision = reuse.decide(SLIDE1, "K", entry, record, lesson(lr=0.5), folder)
    assert not decision.render and decision.reason is None


@pytest.mark.parametrize("change, reason", [
    (lambda f, e, r: (e, r), "--force"),
    (lambda f, e, r: (None, r), "no earlier render"),
    (lambda f, e, r: (e, None), "no earlier render"),
    (lambda f, e, r: (e, replace(r, key="other")), "its code or the render settings changed"),
    (lambda f, e, r: ((f / f"{SLIDE1.stem}.png").unlink(), e, r)[1:],
     "01-what-is-backpropagation.png is missing"),
    (lambda f, e, r: ((f / f"{SLIDE1.stem}.mp4").write_bytes(b"x"), e, r)[1:],
     "mp4 changed since it was rendered"),
    (lambda f, e, r: (replace(e, manifest={"facts": []}), r), "its record holds no reads"),
    (lambda f, e, r: (cut_short(f / f"{SLIDE1.stem}.facts.json"), e, r)[1:],
     "01-what-is-backpropagation.facts.json does not read back"),
    (lambda f, e, r: ((f / f"{SLIDE1.stem}.facts.json").unlink(), e, r)[1:],
     "01-what-is-backpropagation.facts.json is missing"),
    (lambda f, e, r: (replace(e, files={**e.files, "gif": f"{SLIDE1.stem}.gif"}), r),
     "its record is incomplete"),
])
def test_a_slide_is_rendered_when(published, change, reason):
    folder, entry, record = published
    entry, record = change(folder, entry, record)
    decision = reuse.decide(SLIDE1, "K", entry, record, lesson(), folder, force=reason == "--force")
    assert decision.render and reason in decision.reason


def test_a_slide_that_read_a_changed_value_is_rendered_and_says_which(published):
    folder, entry, record = published
    decision = reuse.decide(SLIDE1, "K", entry, record, lesson(x=3), folder)
    assert decision.reason == "it shows values that changed (worked_step.x)"


# ----- the lesson's key and the proof of a slide's reads -----------------------------------------

def test_the_lesson_key_changes_with_every_parameter_and_the_cores_code(repo_copy):
    for name in reuse.LESSON_FILES:
        (repo_copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(reuse.REPO / name, repo_copy / name)
    defaults = dataclasses.asdict(load_params(None, {}))
    before = reuse.lesson_key(defaults, repo_copy)
    assert reuse.lesson_key(dict(defaults), repo_copy) == before  # stable
    keys = {reuse.lesson_key({**defaults, name: value + 1}, repo_copy)
            for name, value in defaults.items()}
    assert len(keys) == len(defaults) and before not in keys
    assert reuse.lesson_key({**defaults, "lr": 0.010000000000000002}, repo_copy) != before
    for name in ("backprop_core/network.py", "lecture/facts.py", "backprop_render/build/reuse.py"):
        touch(repo_copy / name)
        assert reuse.lesson_key(defaults, repo_copy) != before, name
        before = reuse.lesson_key(defaults, repo_copy)


def test_a_proof_of_the_reads_skips_the_comparison_only_for_its_own_lesson(published):
    folder, entry, record = published
    reads = entry.manifest["reads"]

    def no_lesson():
        raise AssertionError("the lesson was built")

    proven = record.with_reads(reuse.reads_proof("L1", reads))
    assert not reuse.decide(SLIDE1, "K", entry, proven, no_lesson, folder, lesson_key="L1").render
    # Another lesson key (the parameters or the core changed): the reads are compared.
    decision = reuse.decide(SLIDE1, "K", entry, proven, lambda: lesson(x=3), folder,
                            lesson_key="L2")
    assert decision.reason == "it shows values that changed (worked_step.x)"
    # Reads other than those proven (facts.json edited): compared too.
    edited = replace(entry, manifest={**entry.manifest, "reads": {"worked_step.x": 3.0}})
    decision = reuse.decide(SLIDE1, "K", edited, proven, lambda: lesson(), folder, lesson_key="L1")
    assert decision.reason == "it shows values that changed (worked_step.x)"
    # The rest of the decision is as strict as without a proof.
    assert reuse.decide(SLIDE1, "other", entry, proven, no_lesson, folder,
                        lesson_key="L1").render
