"""Bad input on the command line: one line naming the problem, exit code 2, nothing started."""

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"


def run(*argv, env=None):
    return subprocess.run([PYTHON, *argv], cwd=REPO, capture_output=True, text=True,
                          timeout=60, env=env)


@pytest.mark.parametrize("benches, named", [
    ("0", "bench 0 is out of range"),
    ("254", "bench 254 is out of range"),
    ("abc", "bench 'abc' in 'abc' is not a number"),
    ("53,53", "bench 53 appears twice"),
    ("", "empty bench list"),
])
def test_lab_refuses_bad_benches(benches, named):
    result = run("-m", "lab", "run", "--benches", benches)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and named in result.stderr
    assert "Traceback" not in result.stderr


def test_scenario_refuses_a_bench_outside_the_class():
    result = run("scenarios/connectivity.py", "--bench", "99")
    assert result.returncode == 2
    assert result.stderr.strip() == ("scenarios/connectivity.py: --bench 99 is not a bench "
                                     "of this class (53, 54)")


def test_scenario_refuses_bad_benches_before_anything_starts():
    result = run("scenarios/connectivity.py", "--benches", "1-300")
    assert result.returncode == 2
    assert "bench 300 is out of range" in result.stderr


def test_interpreter_without_mininet_is_told_how_to_run():
    # -S: no site-packages, so no mininet: the situation of `python` from pyenv or a venv
    result = subprocess.run([PYTHON, "-S", "scenarios/connectivity.py"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "cannot import mininet; run: sudo /usr/bin/python3 scenarios/connectivity.py" \
        in result.stderr


def test_unknown_command_is_refused():
    result = run("-m", "lab", "start")
    assert result.returncode == 2
    assert "invalid choice: 'start'" in result.stderr


