"""The job processes' fork host (manim_host.py): each forked command is its own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from backprop_render import REPO

# Run in a fresh process: the host forks only a process with one thread, and the test
# runner's may have more.
SCENARIO = textwrap.dedent("""
    import os, signal, sys, tempfile
    from pathlib import Path
    import lecture.slides  # imported in the job process too, as a real one has it
    from backprop_render.build import manim_host

    manim_host.enable(Path({repo!r}))
    folder = Path(tempfile.mkdtemp())
    here, env_before = os.getcwd(), dict(os.environ)

    def run(*what, wait=True):
        log = folder / f"{{what[0]}}.log"
        with log.open("wb") as handle:
            child = manim_host.start([sys.executable, "-m", "tests.backprop_render.host_probe",
                                      *what], folder, {{**os.environ, "PROBE": "given"}}, handle)
        if not wait:
            return child, log
        return child.wait(), log.read_text(), type(child).__name__

    print("EXIT", run("exit", "3"))
    print("POISON", run("poison"))
    print("CRASH", run("crash"))
    print("AFTER", run("exit", "0"))
    child, log = run("sleep", "30", wait=False)
    import time; time.sleep(1.0)
    child.terminate()
    print("TERMINATED", child.wait(timeout=10))
    print("UNCHANGED", os.getcwd() == here and dict(os.environ) == env_before)
    other = manim_host.start([sys.executable, "-c", "print('plain')"], folder, dict(os.environ),
                             open(folder / "plain.log", "wb"))
    print("OTHER", type(other).__name__, other.wait(), (folder / "plain.log").read_text())
""")


def test_each_forked_command_is_a_process_of_its_own_with_its_status_and_log():
    done = subprocess.run([sys.executable, "-c", SCENARIO.format(repo=str(REPO))], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    # Its status, its folder, its environment, its arguments, stdout and stderr in its log,
    # and named manim where ps looks.
    status, log, kind = eval(lines["EXIT"])
    assert (status, kind) == (3, "Child")
    assert "env=given args=['exit', '3'] comm=manim marked=None" in log
    assert "cwd=/tmp/" in log and "to stderr" in log
    # A crash is a status and a traceback in the log, like a process's.
    status, log, _ = eval(lines["CRASH"])
    assert status == 1 and "RuntimeError: the probe crashed on purpose" in log
    # Nothing one child changes (its modules, environment, folder) reaches the next one.
    status, log, _ = eval(lines["AFTER"])
    assert status == 0 and "env=given" in log and "marked=None" in log
    assert lines["TERMINATED"] == "-15"
    assert lines["UNCHANGED"] == "True"
    # A command that is not `python -m MODULE` runs as it is.
    assert lines["OTHER"].startswith("Popen 0 plain")


def test_a_job_process_forks_its_manim():
    check = "from backprop_render.build import manim_host, pipeline; pipeline._worker_started(); " \
            "print(manim_host.enabled())"
    done = subprocess.run([sys.executable, "-c", check], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


def test_a_fork_dies_with_its_job_process_however_that_ends(tmp_path):
    log = tmp_path / "probe.log"
    job = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import os, sys, time
        from pathlib import Path
        from backprop_render.build import manim_host
        manim_host.enable(Path({str(REPO)!r}))
        child = manim_host.start([sys.executable, "-m", "tests.backprop_render.host_probe",
                                  "sleep", "60"], Path.cwd(), dict(os.environ),
                                 open({str(log)!r}, "wb"))
        print(child.pid, flush=True)
        time.sleep(60)
    """)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert job.stdout is not None
        child = int(job.stdout.readline())
        deadline = time.monotonic() + 30
        while "cwd=" not in (log.read_text() if log.exists() else ""):  # the probe runs
            assert time.monotonic() < deadline, "the probe never started"
            time.sleep(0.05)
        job.kill()  # SIGKILL: the job process runs no code of its own any more
        job.wait()
        deadline = time.monotonic() + 5
        while alive(child):
            if time.monotonic() > deadline:
                os.kill(child, signal.SIGKILL)
                raise AssertionError("the fork outlived its job process")
            time.sleep(0.05)
    finally:
        if job.poll() is None:
            job.kill()
            job.wait()


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] \
            != "Z"
    except (OSError, IndexError):
        return False


GARBAGE = textwrap.dedent("""
    import gc, os, sys, tempfile
    from pathlib import Path
    from backprop_render.build import manim_host

    gc.disable()  # garbage left to an unknown later collection, as a job process may leave it

    manim_host.enable(Path({repo!r}))
    folder = Path(tempfile.mkdtemp())

    class Owned:  # stands for a PyAV graph whose threads only the job process has
        def __del__(self):
            print("freed in", "job" if os.getpid() == job else "fork", flush=True)

    job = os.getpid()
    garbage = Owned()
    garbage.cycle = garbage  # only the garbage collector frees it
    del garbage
    with (folder / "log").open("wb") as log:
        child = manim_host.start([sys.executable, "-m", "tests.backprop_render.host_probe",
                                  "collect"], folder, dict(os.environ), log)
        print("status", child.wait(), flush=True)
    print((folder / "log").read_text(), flush=True)
""")


def test_a_fork_frees_nothing_the_job_process_made():
    # A PyAV filter graph freed in a fork waited for ever for FFmpeg threads the fork has
    # not got (a render hung): garbage is freed in the job process before the fork, and the
    # fork's garbage collector leaves alone what it inherited.
    done = subprocess.run([sys.executable, "-c", GARBAGE.format(repo=str(REPO))], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "freed in job" in done.stdout and "status 0" in done.stdout
    assert "freed in fork" not in done.stdout, done.stdout
