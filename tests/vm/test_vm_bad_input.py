"""`make vm` on bad input: one line naming the cause, exit code 2, no image under the final name.

These run build.py's checks only (they stop before mmdebstrap): a second or two each."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.readable_copy import readable_copy

REPO = Path(__file__).resolve().parents[2]
BUILD = [sys.executable, str(REPO / "tools" / "vm" / "build.py")]

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="make vm's checks are run as root")


def make_vm(tmp_path, prefix=(), build=BUILD, **environment):
    out = tmp_path / "vm"
    answer = subprocess.run([*prefix, *build, "--out", str(out)], capture_output=True, text=True,
                            env={**os.environ, **environment}, timeout=120)
    return answer, out


def assert_one_line_exit_2(answer, out, words):
    assert answer.returncode == 2, answer.stderr
    lines = answer.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("make vm: "), answer.stderr
    assert words in lines[0]
    assert not (out / "classlab.qcow2").exists()


def test_not_root(tmp_path):
    """As `nobody`, from a copy of the tools `nobody` can read (the checkout may not be)."""
    tmp_path.chmod(0o777)
    with readable_copy(("tools",)) as copy:
        answer, out = make_vm(tmp_path, prefix=("setpriv", "--reuid=65534", "--regid=65534",
                                                "--clear-groups"),
                              build=[sys.executable, str(copy / "tools" / "vm" / "build.py")])
    assert_one_line_exit_2(answer, out, "must run as root")


def test_too_little_disk_space(tmp_path):
    answer, out = make_vm(tmp_path, VM_MIN_FREE_GIB="1000000")
    assert_one_line_exit_2(answer, out, "too little disk space")


def test_registry_unreachable(tmp_path):
    # A closed port on loopback stands for the registry: nothing leaves the machine.
    answer, out = make_vm(tmp_path, VM_MIRROR="http://127.0.0.1:9", VM_MIN_FREE_GIB="0")
    assert_one_line_exit_2(answer, out, "registry is unreachable")
