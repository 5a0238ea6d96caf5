"""bench/profiling.py: the phases add up, a real render is timed phase by phase, and
without $BACKPROP_PROFILE nothing is imported or wrapped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bench import profiling
from lecture import contract

REPO = Path(__file__).resolve().parents[2]


def spin(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_nested_phases_charge_the_innermost_and_add_up() -> None:
    recorder = profiling.Recorder()
    started = time.perf_counter(), time.thread_time()
    with recorder.phase("outer"):
        spin(0.02)
        with recorder.phase("inner"):
            spin(0.03)
        spin(0.01)
    wall, cpu = time.perf_counter() - started[0], time.thread_time() - started[1]
    outer, inner = recorder.phases["outer"], recorder.phases["inner"]
    assert inner["cpu"] == pytest.approx(0.03, abs=0.01)
    assert outer["cpu"] == pytest.approx(0.03, abs=0.01)  # its own time, not inner's
    assert outer["cpu"] + inner["cpu"] == pytest.approx(cpu, abs=0.002)
    # The machine may be loaded: within the measured span, and no less than the CPU.
    assert cpu - 0.002 <= outer["wall"] + inner["wall"] <= wall + 0.002
    assert (outer["calls"], inner["calls"]) == (1, 1)
    assert recorder.main_cpu == pytest.approx(cpu, abs=0.002)  # this is the main thread


def test_columns_sum_their_phases_and_leave_the_capture_out() -> None:
    def entry(wall: float, main: float, cpu: float) -> dict[str, float]:
        return {"wall": wall, "main_wall": main, "cpu": cpu, "calls": 1}

    record = {"phases": {"latex": entry(2, 2, 1), "svg": entry(1, 1, 1), "draw": entry(3, 3, 3),
                         "encode": entry(5, 1, 4), "encode-native": entry(0, 0, 6),
                         "join": entry(1, 1, 0.5), "capture": entry(9, 0, 9)}}
    found = profiling.columns(record)
    assert set(found) == set(profiling.COLUMNS)
    assert found["typeset"] == {"cpu": 2, "wall": 3, "thread_wall": 0}
    assert found["encode"] == {"cpu": 10.5, "wall": 2, "thread_wall": 4}
    assert found["draw"]["cpu"] == 3 and found["voice"]["cpu"] == 0
    assert sum(c["cpu"] for c in found.values()) == 15.5  # capture's 9 nowhere


# Through scenes.kit.slide's hook, as a render gets it: first without the variable (nothing
# imported, Manim's own functions), then with it (slide.py imported again), a tiny scene.
SCRIPT = textwrap.dedent("""
    import importlib, os, sys
    import scenes.kit.slide
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.scene_file_writer import SceneFileWriter
    originals = (SceneFileWriter.write_frame, CairoRenderer.update_frame)
    print("off:", "bench.profiling" in sys.modules,
          any(hasattr(f, "__profiled__") for f in originals), flush=True)
    from lecture import contract
    os.environ[contract.PROFILE] = sys.argv[1]
    os.environ[contract.PROFILE_CAPTURE] = sys.argv[2]
    importlib.reload(scenes.kit.slide)
    from manim import FadeIn, MathTex, Scene, Text, tempconfig
    print("on:", hasattr(SceneFileWriter.write_frame, "__profiled__"), flush=True)

    class Tiny(Scene):
        def construct(self):
            self.play(FadeIn(Text("hi"), MathTex("x^2")), run_time=0.4)
            self.wait(0.4)

    with tempconfig({"pixel_width": 64, "pixel_height": 36, "frame_rate": 10,
                     "media_dir": sys.argv[3], "disable_caching": True,
                     "progress_bar": "none", "verbosity": "WARNING"}):
        Tiny().render()
""")


def test_a_tiny_render_is_timed_only_when_asked(tmp_path: Path) -> None:
    profile, capture = tmp_path / "profile", tmp_path / "capture"
    env = {k: v for k, v in os.environ.items() if k not in (contract.PROFILE,
                                                           contract.PROFILE_CAPTURE)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(profile), str(capture),
                           str(tmp_path / "media")], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "off: False False" in done.stdout  # not imported, nothing wrapped
    assert "on: True" in done.stdout

    [record] = profiling.read_records(profile)
    phases = record["phases"]
    # 0.4 s of animation at 10 fps, then a held frame for 0.4 s
    assert record["frames"] == 8 and record["segments"] == 2
    assert (record["width"], record["height"]) == (64, 36)
    for name in ("start", "latex", "pango", "svg", "draw", "encode", "wait", "join"):
        assert phases[name]["cpu"] > 0 or phases[name]["calls"] > 0, name
    assert phases["latex"]["calls"] == 1 and phases["draw"]["calls"] >= 4
    # The phases are the process's time, neither more nor less (clock ticks aside).
    counted = sum(p["cpu"] for name, p in phases.items() if name != "capture")
    assert counted + phases["capture"]["cpu"] == pytest.approx(record["cpu"], abs=0.1)
    main_wall = sum(p["main_wall"] for p in phases.values())
    assert main_wall == pytest.approx(record["wall"], abs=0.01)

    segments, spec = profiling.capture_index(capture)
    assert [repeats for _, repeats in segments] == [[1, 1, 1, 1], [4]]
    assert (spec.width, spec.height) == (64, 36)
    assert all(path.stat().st_size > 0 for path, _ in segments)
    json.dumps(record)  # plain JSON, for bench/breakdown.py --json
