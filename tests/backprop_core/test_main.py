"""`python -m backprop_core facts`: the lesson as JSON, and exit code 2 with a message."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from backprop_core.__main__ import main
from backprop_core.neuron import worked_step
from backprop_render import REPO

WORKED_KEYS = ["x", "y", "w", "b", "lr", "y_hat", "loss", "dloss_dyhat", "dyhat_dw", "dyhat_db",
               "dloss_dw", "dloss_db", "w_next", "b_next", "y_hat_next", "loss_next", "loss_drop"]


def _refuse_constant(name: str):
    raise AssertionError(f"non-standard JSON constant {name}")


def strict_loads(text: str):
    return json.loads(text, parse_constant=_refuse_constant)


def run(capsys, *argv: str):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def python(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, **kwargs)


def test_facts_prints_the_lesson(capsys):
    code, out, err = run(capsys, "facts")
    assert code == 0 and err == ""
    data = strict_loads(out)
    keys = list(data)
    for key in ("params", "worked_step", "descent", "activations", "network"):
        assert key in keys
    assert keys.index("params") < keys.index("worked_step") < keys.index("descent") \
        < keys.index("activations") < keys.index("network")
    assert list(data["worked_step"]) == WORKED_KEYS
    expected = worked_step(2.1, 1.0, 0.0, 4.0, 0.01)
    for key in WORKED_KEYS:  # raw floats, exactly
        assert data["worked_step"][key] == getattr(expected, key)
        assert isinstance(data["worked_step"][key], float)
    assert data["params"]["steps"] == 10 and data["params"]["lr"] == 0.01
    assert data["shown"]["worked_step"]["dloss_dw"] == "\u22127.98"


def test_set_and_params_file(capsys, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[params]\nlr = 0.2\nx = 3\n", encoding="utf-8")
    code, out, _ = run(capsys, "facts", "--params", str(path), "--set", "lr=0.1", "--set", "w=-2")
    assert code == 0
    data = strict_loads(out)
    assert (data["params"]["lr"], data["params"]["x"], data["params"]["w"]) == (0.1, 3.0, -2.0)
    assert data["worked_step"]["lr"] == 0.1 and data["worked_step"]["w"] == -2.0


def test_default_params_file_gives_the_default_lesson(capsys):
    _, plain, _ = run(capsys, "facts")
    _, from_file, _ = run(capsys, "facts", "--params", str(REPO / "assets" / "default_params.toml"))
    assert plain == from_file


@pytest.mark.parametrize("argv, fragments", [
    (["--set", "lr=0"], ["'lr'", "'0'", "> 0", "<= 1"]),
    (["--set", "learing_rate=0.1"], ["'learing_rate'", "Did you mean 'lr'?"]),
    (["--set", "wieght=2"], ["'wieght'", "Did you mean 'w'?"]),
    (["--set", "steps=2.5"], ["'steps'", "'2.5'", "whole number", ">= 1", "<= 50"]),
    (["--set", "x=nan"], ["'x'", "'nan'", ">= -100", "<= 100"]),
    (["--set", "x=1e400"], ["'x'", "'1e400'"]),
    (["--set", "seed=-1"], ["'seed'", "'-1'", "<= 2147483647"]),
    (["--set", "lr"], ["KEY=VALUE", "'lr'"]),
    (["--params", "/nonexistent/params.toml"], ["/nonexistent/params.toml", "does not exist"]),
    (["--set", "lr=1", "--set", "x=100", "--set", "steps=50"], ["'lr'", "got 1", "steps"]),
])
def test_bad_input_exits_2_with_a_message_on_stderr(capsys, argv, fragments):
    code, out, err = run(capsys, "facts", *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.endswith("\n")
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def test_bad_toml_exits_2(capsys, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("lr = \n", encoding="utf-8")
    code, out, err = run(capsys, "facts", "--params", str(path))
    assert (code, out) == (2, "")
    assert str(path) in err and "not valid TOML" in err


@pytest.mark.parametrize("argv", [[], ["render"], ["facts", "--bogus"], ["facts", "--set"]])
def test_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_module_runs_as_a_program():
    done = python("-m", "backprop_core", "facts", "--set", "lr=0.1")
    assert done.returncode == 0, done.stderr
    data = strict_loads(done.stdout)
    assert data["params"]["lr"] == 0.1 and list(data["worked_step"]) == WORKED_KEYS


def test_module_error_is_a_message_not_a_traceback():
    done = python("-m", "backprop_core", "facts", "--set", "learning_rate=0.1")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Did you mean 'lr'?" in done.stderr and "Traceback" not in done.stderr
