"""The design card's command as typed: `python scenarios/mx_delivery.py` where `python` is an
interpreter that cannot import Mininet (a pyenv shim, a virtualenv): the scenario re-runs
itself under Debian's /usr/bin/python3. Without root, it says to use sudo, in one line."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.integration.conftest import REPO, leftovers
from tests.readable_copy import readable_copy

PYTHON = "/usr/bin/python3"
CODE = ("lab", "scenarios", "checks", "services", "topologies", "evidence")


@pytest.fixture(scope="module")
def python_without_mininet():
    folder = Path(tempfile.mkdtemp(prefix="classlab-venv-"))
    folder.chmod(0o755)  # the not-root case runs it as nobody
    venv = folder / "plain"
    subprocess.run([PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    probe = subprocess.run([python, "-c", "import mininet"], capture_output=True)
    assert probe.returncode != 0, "the virtualenv was meant to lack mininet"
    yield python
    shutil.rmtree(folder)


def test_a_scenario_reruns_itself_under_the_interpreter_with_mininet(python_without_mininet):
    run = subprocess.run([python_without_mininet, "scenarios/connectivity.py"], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "=== PASS: 3/3 steps passed ===" in run.stdout
    assert leftovers() == []


def test_bad_input_is_named_before_any_rerun(python_without_mininet):
    run = subprocess.run([python_without_mininet, "scenarios/mx_delivery.py", "--benches", "999"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "bench 999 is out of range" in run.stderr


def test_without_root_it_says_sudo_and_never_escalates(python_without_mininet):
    with readable_copy(CODE) as copy:
        run = subprocess.run(["runuser", "-u", "nobody", "--", python_without_mininet,
                              "scenarios/connectivity.py"], cwd=copy, capture_output=True,
                             text=True, timeout=60, env={**os.environ, "HOME": "/tmp"})
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "needs root; run: sudo" in run.stderr
    assert run.stdout == ""
