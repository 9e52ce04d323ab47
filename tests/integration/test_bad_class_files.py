"""Bad class files through the real command lines, as root: `python3 -m lab run --class BAD`,
`python3 scenarios/connectivity.py --class BAD`, `make lab CLASS=BAD`. Each prints one line
on stderr naming the file and what is wrong, exits 2, and starts nothing: the one-lab lock is
held by the test meanwhile (a command that reached it would say a lab is already running),
and nothing is left afterwards."""

import subprocess

import pytest

from lab.base.errors import UsageError
from lab.runtime.rundir import RunDir
from tests.integration.conftest import PYTHON, REPO, another_terminal, lab_lines, leftovers
from tests.unit.test_classfile import CASES, bad_file

CHOSEN = ("overlapping prefixes", "host address outside its LAN", "MX to a name without an address",
          "neighbour rule that names no bench", "name Mininet cannot use", "not TOML",
          "unknown key", "unknown service", "NS to a name without an address")
BAD = [case for case in CASES if case[0] in CHOSEN]

COMMANDS = {
    "lab run": lambda path: [PYTHON, "-m", "lab", "run", "--class", str(path)],
    "scenario": lambda path: [PYTHON, "scenarios/connectivity.py", "--class", str(path)],
    "make lab": lambda path: ["make", "--no-print-directory", "lab", f"CLASS={path}"],
}


def refused(argv):
    """The command's one line on stderr (make's own "make: ***" line aside)."""
    code, out, err = another_terminal(*argv)
    assert code == 2, out + err
    lines = lab_lines(err)
    assert len(lines) == 1, err
    assert "Traceback" not in err and "already running" not in err
    assert "ready on" not in out and "mininet>" not in out
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("what, base, old, new, words, _line", BAD, ids=[case[0] for case in BAD])
def test_a_bad_class_file_is_one_line_and_starts_nothing(tmp_path, lab_lock_held, command, what,
                                                         base, old, new, words, _line):
    path = bad_file(tmp_path, base, old, new)
    line = refused(COMMANDS[command](path))
    assert f"class file {path}:" in line and words in line, line


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_class_file_is_named(tmp_path, lab_lock_held, command):
    line = refused(COMMANDS[command](tmp_path / "none.toml"))
    assert line.endswith(f"class file {tmp_path}/none.toml: no such file"), line


@pytest.mark.parametrize("command", COMMANDS)
def test_a_directory_is_no_class_file(tmp_path, lab_lock_held, command):
    line = refused(COMMANDS[command](tmp_path))
    assert f"class file {tmp_path}: cannot be read" in line, line


@pytest.fixture(autouse=True)
def nothing_left():
    """From a clean machine (what a killed lab left is cleaned first; a running lab is never
    stopped: the test fails instead), to a clean machine."""
    rundir = RunDir()
    try:
        rundir.acquire()
    except UsageError as error:
        pytest.fail(f"another lab is running, wait for it: {error}")
    rundir.release()
    if leftovers():
        subprocess.run([PYTHON, "-m", "lab", "clean"], cwd=REPO, capture_output=True, timeout=120)
    assert leftovers() == []
    yield
    assert leftovers() == []
