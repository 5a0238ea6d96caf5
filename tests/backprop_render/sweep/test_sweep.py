"""`./render.sh sweep`: variants, shared renders, faults, on a real LocalCluster.

The scheduling tests run a real Dask LocalCluster of 2 worker processes with a
stand-in renderer (tiny real media in a fraction of a second, tests/backprop_render/
sweep_standin.py): the point there is which renders happen where, not Manim.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from backprop_core import Params, build_lesson
from backprop_core.formatting import answer_key
from backprop_core.params import params_from_mapping
from backprop_render.build.reuse import REPO, keys_for
from backprop_render.errors import UsageError
from backprop_render.media import video as media
from backprop_render.quality import QUALITIES
from backprop_render.sweep.plan import make_plan, variants_from_csv, variants_from_sets
from backprop_render.sweep.tasks import StaleWorker, Store, TaskSpec, run_task
from lecture.slides import SLIDES
from tests.backprop_render.sweep_standin import StandIn, wait_for

PREVIEW = QUALITIES["preview"]
TITLE, CHAIN, BACKWARD = SLIDES[0], SLIDES[4], SLIDES[5]  # network; x,w,b,y; x,w,b,y,lr


# ----- variants and the plan (no cluster) -------------------------------------------------

def test_set_lists_make_a_grid_or_pair_up():
    grid, bad = variants_from_sets(["lr=0.005,0.01", "x=1,2,3", "steps=12"], "grid", Params())
    assert bad == [] and len(grid) == 6
    assert grid[0].name == "lr-0.005_x-1" and grid[0].params.steps == 12
    zipped, _ = variants_from_sets(["x=1,2", "y=3,5"], "zip", Params())
    assert [(v.params.x, v.params.y) for v in zipped] == [(1.0, 3.0), (2.0, 5.0)]
    with pytest.raises(UsageError, match="one length: x has 2, y has 3"):
        variants_from_sets(["x=1,2", "y=3,5,7"], "zip", Params())


def _message(values: dict) -> str:
    """What `--set` says about these values."""
    with pytest.raises(Exception) as caught:
        build_lesson(params_from_mapping(values))
    return str(caught.value)


def test_bad_rows_get_the_messages_of_set(tmp_path):
    table = tmp_path / "class.csv"
    table.write_text("name,x,learning_rate,lr\nann,1.5,,0.1\nbob,abc,,\nann,1,,\n"
                     "../up,1,,\ncid,1,0.1,\ndee,,,2\neve,2,,0.02\n")
    variants, bad = variants_from_csv(table, Params())
    assert [v.name for v in variants] == ["ann", "eve"]
    assert variants[1].params == Params(x=2.0, lr=0.02)
    found = {b.where: b.message for b in bad}
    assert found["class.csv line 3 (bob)"] == _message({"x": "abc"})
    assert found["class.csv line 6 (cid)"] == _message({"learning_rate": "0.1"})
    assert "Did you mean 'lr'?" in found["class.csv line 6 (cid)"]
    assert found["class.csv line 7 (dee)"] == _message({"lr": "2"})
    assert "used by an earlier row" in found["class.csv line 4 (ann)"]
    assert "cannot be a folder name" in found["class.csv line 5 (../up)"]
    # A value that is bad alone is reported once, not once per combination.
    _, bad = variants_from_sets(["lr=0.01,-1", "x=1,2,3"], "grid", Params())
    assert [str(b) for b in bad] == [f"lr=-1: {_message({'lr': '-1'})}"]


def test_a_bad_row_stops_the_sweep_before_anything_renders(tmp_path):
    table = tmp_path / "class.csv"
    table.write_text("name,x,lr\nann,1.5,0.1\nbob,2,zero\n")
    out = tmp_path / "sweep"
    result = subprocess.run([sys.executable, "-m", "backprop_render", "sweep", "--variants",
                             str(table), "--out", str(out)], capture_output=True, text=True,
                            cwd=REPO, timeout=120)
    assert result.returncode == 2, result.stderr
    assert f"error: class.csv line 3 (bob): {_message({'lr': 'zero'})}" in result.stderr
    assert "nothing was rendered" in result.stderr and "--keep-going" in result.stderr
    assert not out.exists()


def test_the_render_command_never_imports_dask():
    probe = ("import sys, contextlib, io\n"
             "from backprop_render import cli, system\n"
             "from backprop_render.build import pipeline, slide_render\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    cli.main(['list'])\n"
             "    with contextlib.suppress(SystemExit):\n"
             "        cli.main(['--help'])\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_plan_merges_renders_by_declared_parameters(tmp_path):
    variants, _ = variants_from_sets(["lr=0.01,0.02", "x=2.1,3"], "grid", Params())
    plan = make_plan(tmp_path, variants, [TITLE, CHAIN, BACKWARD], PREVIEW, None)
    per_slide = {s.stem: sum(t.slide == s for t in plan.tasks.values())
                 for s in (TITLE, CHAIN, BACKWARD)}
    assert per_slide == {TITLE.stem: 1, CHAIN.stem: 2, BACKWARD.stem: 4}
    assert plan.slide_renders == 12 and len(plan.tasks) == 7


def test_a_worker_refuses_a_task_planned_with_other_code(tmp_path):
    key = keys_for([TITLE], PREVIEW, None)[TITLE.stem]
    spec = TaskSpec("t", TITLE, PREVIEW, None, "0" * len(key), Params(), tmp_path / ".sweep",
                    StandIn(tmp_path / "log"))
    with pytest.raises(StaleWorker, match="other code for slide 1"):
        run_task(spec)
    assert not (tmp_path / "log").exists()  # nothing rendered


# ----- on a real LocalCluster of two worker processes ---------------------------------------

@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit=0,
                      dashboard_address=None) as cluster:
        yield cluster


@pytest.fixture
def with_sheets() -> None:
    """The test typesets the sweep's exercise sheets (a pdflatex run): one test here does."""


@pytest.fixture(autouse=True)
def no_sheets(request, monkeypatch) -> None:
    if "with_sheets" not in request.fixturenames:
        monkeypatch.setattr("backprop_render.sweep.run.write_class_sheets",
                            lambda top, students, language="en": 0)


def sweep(out: Path, variants, slides, renderer: StandIn, scheduler, retries: int = 2,
          theme: str = "dark", voice: str = "none"):
    """A sweep of `variants` (or of `--set` items) on the test cluster."""
    from backprop_render.progress import Progress
    from backprop_render.sweep.run import SweepRequest, run_sweep

    if variants and isinstance(variants[0], str):
        variants, bad = variants_from_sets(variants, "grid", Params())
        assert not bad
    request = SweepRequest(tuple(variants), tuple(slides), PREVIEW, out, 32,
                           scheduler.scheduler_address, retries=retries, renderer=renderer,
                           theme=theme, voice=voice)
    return run_sweep(request, Progress(io.StringIO(), "lines"))


def facts_of(folder: Path) -> dict:
    return json.loads((folder / "facts.json").read_text())


def test_variants_share_what_is_the_same(tmp_path, scheduler, with_sheets):
    table = tmp_path / "class.csv"
    table.write_text("name,lr,x\nbase,,\nfast,0.02,\nbigx,,3\n")  # fast: only lr changed
    variants, _ = variants_from_csv(table, Params())
    renderer = StandIn(tmp_path / "log")
    out = tmp_path / "sweep"
    slides = [TITLE, CHAIN, BACKWARD]
    summary = sweep(out, variants, slides, renderer, scheduler)
    renders = sorted((n, p["lr"], p["x"]) for n, p in renderer.renders())
    # The title slide once for all three; the chain rule once for base and fast (lr is not
    # on it); the backward pass, which shows the update, once per variant.
    assert renders == [(1, 0.01, 2.1), (5, 0.01, 2.1), (5, 0.01, 3.0),
                       (6, 0.01, 2.1), (6, 0.01, 3.0), (6, 0.02, 2.1)]
    assert (summary.plan.slide_renders, len(summary.plan.tasks), summary.shared) == (9, 6, 3)
    assert all(o.complete for o in summary.outcomes.values())
    folders = [out / v.name for v in variants]
    for folder in folders:  # each a whole render: every slide, its facts, the lecture
        assert [e["stem"] for e in facts_of(folder)["slides"]] == [s.stem for s in slides]
        assert media.probe_video(folder / "lecture.mp4").frames == 6 + 10 + 11
    # A shared render is one file in every folder, with each variant's own facts beside it.
    assert len({(f / f"{TITLE.stem}.mp4").stat().st_ino for f in folders}) == 1
    assert [json.loads((f / f"{CHAIN.stem}.facts.json").read_text())["params"]["lr"]
            for f in folders] == [0.01, 0.02, 0.01]
    table_out = list(csv.DictReader((out / "variants.csv").open()))
    assert [r["name"] for r in table_out] == ["base", "fast", "bigx"]
    assert float(table_out[2]["dloss_dw"]) == build_lesson(Params(x=3.0)).worked_step.dloss_dw
    assert table_out[1]["lecture"] == "fast/lecture.mp4"
    assert 'src="bigx/06-backward-propagation.png"' not in (out / "index.html").read_text()
    assert 'src="bigx/05-chain-rule.png"' in (out / "index.html").read_text()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".sweep", "index.html", "variants.csv", "answers.csv", "base", "fast", "bigx"])
    # Each variant's exercise sheets beside its video, the class key, the index's links.
    key = list(csv.DictReader((out / "answers.csv").open()))
    assert [(r["name"], r["dloss_dw"]) for r in key] == [
        (v.name, answer_key("worked_step.dloss_dw", v.lesson.worked_step.dloss_dw).key)
        for v in variants]
    for name in ("base", "fast", "bigx"):
        assert {"exercises.pdf", "answers.pdf"} <= {p.name for p in (out / name).iterdir()}
        assert f'href="{name}/answers.pdf"' in (out / "index.html").read_text()
    assert 'href="answers.csv"' in (out / "index.html").read_text()
    sheet = (out / "fast" / "answers.pdf").stat().st_mtime_ns

    # A variant folder is a normal render's: rendering into it keeps everything.
    from backprop_render.build import pipeline
    from backprop_render.progress import Progress

    kept = pipeline.run(pipeline.RenderRequest(tuple(slides), variants[1].params, PREVIEW,
                                               out / "fast", 32), Progress(io.StringIO(), "quiet"),
                        renderer)
    assert kept.rendered == [] and kept.kept == slides and not kept.lecture_rebuilt

    # Running again renders nothing; a lost file comes back from the store, unrendered.
    (out / "fast" / f"{BACKWARD.stem}.mp4").unlink()
    again = sweep(out, variants, slides, renderer, scheduler)
    assert again.rendered == [] and len(renderer.renders()) == 6
    assert (out / "fast" / "answers.pdf").stat().st_mtime_ns == sheet  # not typeset again
    assert media.probe_video(out / "fast" / f"{BACKWARD.stem}.mp4").frames == 11
    assert all(o.complete for o in again.outcomes.values())


def test_a_slide_that_reads_more_than_it_declares_is_rendered_again(tmp_path, scheduler):
    renderer = StandIn(tmp_path / "log", extra_reads={1: ["worked_step.loss_next"]})
    summary = sweep(tmp_path / "sweep", ["lr=0.01,0.02"], [TITLE], renderer, scheduler)
    assert sorted(p["lr"] for _, p in renderer.renders()) == [0.01, 0.02]
    assert any("read worked_step.loss_next" in w and "slides= in backprop_core/params.py" in w
               for w in summary.warnings)
    for name, lr in (("lr-0.01", 0.01), ("lr-0.02", 0.02)):
        entry = facts_of(tmp_path / "sweep" / name)["slides"][0]
        loss_next = build_lesson(Params(lr=lr)).worked_step.loss_next
        assert entry["manifest"]["reads"]["worked_step.loss_next"] == loss_next


def test_a_render_serves_waiting_variants_that_read_the_same_values(tmp_path, scheduler):
    # The stand-in's chain-rule slide reads only x, though the slide declares x, w, b, y: the
    # first renders start at once (one per worker); the third waits for a free worker, and by
    # then a finished render has shown that it reads the same values.
    renderer = StandIn(tmp_path / "log", reads={5: ["params.x"]})
    out = tmp_path / "sweep"
    summary = sweep(out, ["y=1,2,3"], [CHAIN], renderer, scheduler)
    renders = renderer.renders()
    assert len(summary.merged) >= 1 and len(renders) + len(summary.merged) == 3
    assert summary.shared == len(summary.merged)
    for y in (1, 2, 3):
        assert facts_of(out / f"y-{y}")["slides"][0]["params"]["y"] == y
    assert all(o.complete for o in summary.outcomes.values())


def test_a_failed_slide_leaves_only_its_variant_incomplete(tmp_path, scheduler):
    from backprop_render.cli.sweep import report

    failing = StandIn(tmp_path / "log", fail={6: {"x": 3.0}})
    out = tmp_path / "sweep"
    summary = sweep(out, ["x=2.1,3"], [TITLE, BACKWARD], failing, scheduler, retries=1)
    assert [o.complete for o in summary.outcomes.values()] == [True, False]
    assert "manim exited with status 1" in summary.outcomes["x-3"].problems[0]
    attempts = (out / ".sweep" / "attempts").glob(f"{BACKWARD.stem}-*")
    assert sorted(len(p.read_text().split()) for p in attempts) == [1, 2]  # tried again once
    with open(os.devnull, "w") as sink:
        sys.stdout, saved = sink, sys.stdout
        try:
            assert report(summary) == 1
        finally:
            sys.stdout = saved
    assert "incomplete" in (out / "index.html").read_text()
    # The next run renders only the missing slide.
    fixed = StandIn(tmp_path / "log2")
    again = sweep(out, ["x=2.1,3"], [TITLE, BACKWARD], fixed, scheduler)
    assert [(n, p["x"]) for n, p in fixed.renders()] == [(6, 3.0)]
    assert all(o.complete for o in again.outcomes.values())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_worker_is_replaced_and_its_slide_rendered_whole(tmp_path, scheduler):
    renderer = StandIn(tmp_path / "log", hold={5: 2.0})
    out = tmp_path / "sweep"
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(summary=sweep(
        out, ["lr=0.01,0.02"], [TITLE, CHAIN], renderer, scheduler)))
    thread.start()
    running = wait_for(lambda: list((tmp_path / "log").glob("*.running")), timeout=60)
    pids = json.loads(running[0].read_text())
    os.kill(pids["worker"], signal.SIGKILL)  # mid-render: its child is still sleeping
    thread.join(timeout=120)
    assert not thread.is_alive()
    summary = result["summary"]
    assert all(o.complete for o in summary.outcomes.values())
    wait_for(lambda: not _alive(pids["child"]), timeout=10)  # no orphan left behind
    attempts = (out / ".sweep" / "attempts").glob(f"{CHAIN.stem}-*")
    assert [len(p.read_text().split()) for p in attempts] == [2]
    for folder in (out / "lr-0.01", out / "lr-0.02"):
        for slide in (TITLE, CHAIN):
            assert media.probe_video(folder / f"{slide.stem}.mp4").frames == 5 + slide.number
        assert media.probe_video(folder / "lecture.mp4").frames == 6 + 10
    assert not list((out / ".sweep" / "work").iterdir())


# ----- the command lines -----------------------------------------------------------------

def test_keep_going_leaves_out_bad_rows_and_renders_the_rest(tmp_path, monkeypatch, capsys):
    from backprop_render import cli, system
    from backprop_render.sweep import run as sweep
    from backprop_render.sweep.assemble import VariantOutcome
    from backprop_render.sweep.plan import Plan

    table = tmp_path / "class.csv"
    table.write_text("name,x\nann,1.5\nbob,abc\ncid,2\n")
    seen = {}

    def fake_run(request, progress):
        seen["request"] = request
        plan = Plan(list(request.variants), list(request.slides), request.quality, None, {}, {},
                    {})
        return sweep.SweepSummary(request.out, plan, {v.name: VariantOutcome(
            v, assembled=True) for v in request.variants})

    monkeypatch.setattr(system, "check_system", lambda voice="none": None)
    monkeypatch.setattr(sweep, "run_sweep", fake_run)
    status = cli.main(["sweep", "--variants", str(table), "--out", str(tmp_path / "o"),
                       "--keep-going", "--slides", "1", "--quiet", "--theme", "light"])
    assert status == 0
    request = seen["request"]
    assert [v.name for v in request.variants] == ["ann", "cid"]
    assert [b.where for b in request.skipped] == ["class.csv line 3 (bob)"]
    assert (request.theme, [s.number for s in request.slides]) == ("light", [1])
    assert "error: class.csv line 3 (bob): parameter 'x'" in capsys.readouterr().err


def test_the_worker_command_starts_single_threaded_dask_workers(monkeypatch):
    from backprop_render import cli, system

    started = {}
    monkeypatch.setattr(system, "check_system", lambda: None)
    monkeypatch.setattr(os, "chdir", lambda path: started.setdefault("cwd", path))
    monkeypatch.setattr(os, "execv", lambda exe, argv: started.setdefault("argv", argv))
    cli.main(["worker", "tcp://10.0.0.5:8786", "--nworkers", "3", "--name", "node7",
              "--death-timeout", "60"])
    argv = started["argv"]
    assert argv[1:4] == ["-m", "distributed.cli.dask_worker", "tcp://10.0.0.5:8786"]
    assert argv[argv.index("--nworkers") + 1] == "3" and argv[argv.index("--nthreads") + 1] == "1"
    assert argv[argv.index("--name") + 1] == "node7" and started["cwd"] == REPO
    assert argv[-2:] == ["--death-timeout", "60"]  # dask worker's own options pass through




def test_the_scheduler_command_runs_dask_scheduler_from_the_checkout(monkeypatch):
    from backprop_render import cli

    started = {}
    monkeypatch.setattr(os, "chdir", lambda path: started.setdefault("cwd", path))
    monkeypatch.setattr(os, "execv", lambda exe, argv: started.setdefault("argv", argv))
    cli.main(["scheduler", "--port", "8786"])
    assert started["argv"][1:] == ["-m", "distributed.cli.dask_scheduler", "--port", "8786"]
    assert started["cwd"] == REPO  # the tasks it unpickles import this checkout's modules


def test_a_damaged_render_in_the_store_is_rendered_again_and_replaced(tmp_path):
    key = keys_for([TITLE], PREVIEW, None)[TITLE.stem]
    renderer = StandIn(tmp_path / "log")
    spec = TaskSpec("t", TITLE, PREVIEW, None, key, Params(), tmp_path / ".sweep", renderer)
    Store(spec.store).prepare()
    first = run_task(spec)
    assert run_task(spec) == first and len(renderer.renders()) == 1  # whole: not rendered again
    first.result.files["png"].unlink()
    again = run_task(spec)
    assert len(renderer.renders()) == 2 and again.result.files["png"].is_file()
    # The record is JSON read field by field, never code: damaged, the render is made again.
    record = spec.store / "tasks" / "t" / "render.json"
    text = record.read_text()
    assert json.loads(text)["done"]["result"]["video"]["fps"] == str(again.result.video.fps)
    for damaged in (text[:-9], text.replace('"fps":"', '"fps":"x'),
                    text.replace('"key":"t"', '"key":"u"')):
        record.write_text(damaged)
        assert Store(spec.store).load("t") is None
    assert run_task(spec).result == again.result and len(renderer.renders()) == 3


# ----- issues 17 and 15: a sweep in the light theme, a voiced sweep --------------------------

@pytest.mark.parametrize("option", [{"theme": "light"}, {"voice": "joe"}], ids=["theme", "voice"])
def test_the_theme_and_the_voice_are_in_every_task_key(tmp_path, option):
    variants, _ = variants_from_sets(["lr=0.01,0.02"], "grid", Params())
    default = make_plan(tmp_path, variants, [TITLE, BACKWARD], PREVIEW, None)
    other = make_plan(tmp_path, variants, [TITLE, BACKWARD], PREVIEW, None, **option)
    assert len(other.tasks) == len(default.tasks) == 3
    assert not set(other.tasks) & set(default.tasks)


def test_a_light_sweep_renders_and_records_light(tmp_path, scheduler):
    renderer = StandIn(tmp_path / "log")
    summary = sweep(tmp_path / "out", ["lr=0.01,0.02"], [TITLE], renderer, scheduler,
                    theme="light")
    assert all(o.complete for o in summary.outcomes.values())
    assert renderer.themes() == ["light"]  # slide 1 reads no lr: one render serves both
    for name in summary.outcomes:
        facts = json.loads((tmp_path / "out" / name / "facts.json").read_text())
        assert facts["theme"] == "light"
        assert [e["theme"] for e in facts["slides"]] == ["light"]


def test_a_voiced_sweep_passes_its_voice_to_every_render(tmp_path, scheduler):
    renderer = StandIn(tmp_path / "log")
    summary = sweep(tmp_path / "out", ["lr=0.01,0.02"], [TITLE], renderer, scheduler,
                    voice="joe")
    assert all(o.complete for o in summary.outcomes.values())
    assert renderer.voices() == ["joe"]  # slide 1 reads no lr: one render serves both


# ----- issue 25: the index from a template, every value escaped ------------------------------

class _Page(HTMLParser):
    """A page's tags, checked to nest, and its links with what each shows."""

    VOID = {"meta", "img", "br", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: list[tuple[str, dict]] = []
        self.links: list[tuple[dict, list[str]]] = []  # attributes; its text and images' alt

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.seen.append((tag, attrs))
        if tag == "a":
            self.links.append((attrs, []))
        elif tag == "img" and "a" in self.open:
            self.links[-1][1].append(attrs.get("alt") or "")
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag, f"</{tag}> closes {self.open[-1:]}"

    def handle_data(self, data):
        if "a" in self.open:
            self.links[-1][1].append(data)


def write_index(tmp_path: Path) -> Path:
    """A sweep's index.html of two good variants (one incomplete, its failure named in
    markup) and two bad rows, every awkward value an HTML tag. Its folder is tmp_path/out."""
    from backprop_render.build.outputs import OutputFolder
    from backprop_render.sweep import index
    from backprop_render.sweep.assemble import VariantOutcome

    table = tmp_path / "class.csv"
    table.write_text("name,x,lr\nann,1.5,\n<script>alert(1)</script>,2,\nbob,<b>,\ncid,3,0.02\n")
    variants, bad = variants_from_csv(table, Params())
    assert [v.name for v in variants] == ["ann", "cid"] and len(bad) == 2
    plan = make_plan(tmp_path / "out", variants, [TITLE, CHAIN], PREVIEW, None)
    (tmp_path / "out" / "ann").mkdir(parents=True)
    for kind in ("mp4", "png", "gif"):
        (tmp_path / "out" / "ann" / f"{CHAIN.stem}.{kind}").write_bytes(b"")
    (tmp_path / "out" / "ann" / "lecture.mp4").write_bytes(b"")
    outcomes = {"ann": VariantOutcome(variants[0], [], assembled=True),
                "cid": VariantOutcome(variants[1], ["slide 05: <i>manim</i> & co failed"],
                                      assembled=True)}
    with OutputFolder(tmp_path / "out") as top:
        index.write(top, plan, outcomes, bad)
    return tmp_path / "out" / "index.html"


def test_the_index_escapes_every_value_and_is_a_page_a_screen_reader_can_use(tmp_path):
    page = write_index(tmp_path).read_text()
    assert "<script>" not in page and "<b>," not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "slide 05: &lt;i&gt;manim&lt;/i&gt; &amp; co failed" in page
    assert 'src="ann/05-chain-rule.png"' in page and "cid/05-chain-rule.png" not in page

    parsed = _Page()
    parsed.feed(page)
    assert parsed.open == []  # every element closed, in order
    tags = [tag for tag, _ in parsed.seen]
    assert parsed.seen[0] == ("html", {"lang": "en"}) and "main" in tags
    assert "2 variants" in page.split("<title>")[1].split("</title>")[0]
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in parsed.seen if tag == "th")
    assert tags.count("th") == 2 + 5 + 2 + 2  # the columns, then a row header per variant
    assert all(attrs.get("alt") for tag, attrs in parsed.seen if tag == "img")
    assert len(parsed.links) == 4  # ann's lecture, video, GIF and still; none of cid's
    for attrs, shown in parsed.links:
        # A screen reader names each link: by its aria-label, which starts with what it
        # shows, else by its text or its image's alt.
        shown = "".join(shown).strip()
        assert shown and attrs.get("aria-label", shown).startswith(shown), attrs
    rows = list(csv.DictReader((tmp_path / "out" / "variants.csv").open()))
    assert [(r["name"], r["status"], r["slides"], r["still"]) for r in rows] == [
        ("ann", "complete", "ann/05-chain-rule.mp4", "ann/05-chain-rule.png"),
        ("cid", "incomplete", "", "")]


def test_the_index_template_ships_with_the_package():
    import tomllib

    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    shipped = data["tool"]["setuptools"]["package-data"]["backprop_render"]
    package = REPO / "backprop_render"
    assert any((package / "sweep" / "index.html.jinja").match(str(package / pattern))
               for pattern in shipped)
    assert "jinja2" in " ".join(data["project"]["dependencies"])
