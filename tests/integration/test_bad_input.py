"""Bad input, table-driven: one line naming the problem, exit code 2, nothing started,
nothing left behind. (A second lab while one runs: test_lifecycle.py.)"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.integration.conftest import PYTHON, REPO, leftovers


def overrides(tree):
    """A folder of override files: {"s54/etc/postfix/main.cf": "text"}."""
    root = Path(tempfile.mkdtemp(prefix="overrides-"))
    for path, text in tree.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text) if isinstance(text, bytes) else target.write_text(text)
    return str(root)


BROKEN_ZONE = {"s54/etc/bind/meszones/db.etudiant541.iut":
               "$TTL 1\n@ IN SOA s54. root.s54. ( 2 1 1 1 1 )\n@ IN NS s54.\nsmtp IN AA 10.254.54.1\n"}
BROKEN_MAIN_CF = {"s53/etc/postfix/main.cf": "myhostname = s53\nthis line is wrong\n"}

CASES = [
    # (what, argv after the interpreter, environment, words the one line must hold)
    ("bench 0", ["-m", "lab", "run", "--benches", "0"], {}, "bench 0 is out of range 1-253"),
    ("bench 254", ["-m", "lab", "run", "--benches", "254"], {}, "bench 254 is out of range"),
    ("a word", ["-m", "lab", "run", "--benches", "abc"], {}, "bench 'abc' in 'abc' is not a number"),
    ("a duplicate", ["-m", "lab", "run", "--benches", "53,54,53"], {}, "bench 53 appears twice"),
    ("empty list", ["-m", "lab", "run", "--benches", ""], {}, "empty bench list"),
    ("backwards range", ["-m", "lab", "run", "--benches", "9-3"], {}, "bench range '9-3'"),
    ("range too far", ["-m", "lab", "run", "--benches", "250-260"], {}, "bench 260 is out of range"),
    ("empty item", ["-m", "lab", "run", "--benches", "53,,54"], {}, "bench '' in '53,,54'"),
    ("BENCHES=0", ["-m", "lab", "run"], {"BENCHES": "0"}, "bench 0 is out of range"),
    ("unknown command", ["-m", "lab", "start"], {}, "invalid choice: 'start'"),
    ("unknown option", ["-m", "lab", "run", "--bogus"], {}, "unrecognized arguments: --bogus"),
    ("unknown scenario", ["-m", "scenarios", "mx_delivry"], {}, "unknown scenario 'mx_delivry'"),
    ("empty scenario name", ["-m", "scenarios", ""], {}, "unknown scenario ''"),
    ("bench not in class", ["scenarios/connectivity.py", "--bench", "55"], {},
     "--bench 55 is not a bench of this class (53, 54)"),
    ("unknown client host", ["scenarios/dns_lookup.py", "--client", "d99"], {},
     "--client d99: no such host in this class"),
    ("overrides missing", ["-m", "lab", "run", "--overrides", "/nonexistent/dir"], {},
     "overrides: /nonexistent/dir is not a directory"),
    ("override unknown host", ["-m", "lab", "run", "--overrides", lambda: overrides(
        {"x99/etc/hosts": "127.0.0.1 localhost\n"})], {}, "names no host of this class"),
    ("override not text", ["-m", "lab", "run", "--overrides", lambda: overrides(
        {"s54/etc/mailname": b"\xff\xfe\x00"})], {}, "is not a text file"),
    ("zone failing named-checkzone", ["-m", "lab", "run", "--overrides", lambda: overrides(
        BROKEN_ZONE)], {}, "s54: named config /etc/bind/named.conf failed its check: "
                           "/etc/bind/meszones/db.etudiant541.iut:4: unknown RR type 'AA'"),
    ("main.cf failing postfix check", ["scenarios/mx_delivery.py", "--overrides", lambda: overrides(
        BROKEN_MAIN_CF)], {}, "s53: postfix config /etc/postfix/main.cf failed its check: "
                              "postfix: fatal: /etc/postfix/main.cf, line 2"),
    ("no mininet", ["-S", "scenarios/bounce.py"], {},
     "cannot import mininet; run: sudo /usr/bin/python3 scenarios/bounce.py"),
    ("no mininet for the lab", ["-S", "-m", "lab", "run"], {}, "cannot import mininet"),
]


@pytest.mark.parametrize("what, argv, environment, named", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_named_in_one_line(what, argv, environment, named):
    argv = [a() if callable(a) else a for a in argv]
    result = subprocess.run([PYTHON, *argv], cwd=REPO, capture_output=True, text=True,
                            timeout=120, env={**os.environ, **environment},
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert "ready on" not in result.stdout
    assert leftovers() == []


def test_not_root_is_told_to_use_sudo():
    """As `nobody`, from a copy of the tree `nobody` can read."""
    copy = Path(tempfile.mkdtemp(prefix="classlab-"))
    for part in ("lab", "scenarios", "services", "topologies", "evidence"):
        shutil.copytree(REPO / part, copy / part)
    subprocess.run(["chmod", "-R", "a+rX", str(copy)], check=True)
    result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             PYTHON, "scenarios/connectivity.py"], cwd=copy,
                            capture_output=True, text=True, timeout=60)
    shutil.rmtree(copy)
    assert result.returncode == 2
    assert result.stderr.strip() == ("scenarios/connectivity.py: emulating a network needs root; "
                                     "run: sudo /usr/bin/python3 scenarios/connectivity.py")
    assert leftovers() == []
