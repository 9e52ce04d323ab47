"""Bad input, table-driven: one line naming the problem, exit code 2, nothing started,
nothing left behind. (A second lab while one runs: test_lifecycle.py; bad class files:
test_bad_class_files.py.) Names and numbers come from the first class file's model."""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from lab.command.preflight import REEXEC
from tests.integration.conftest import PYTHON, REPO, BenchView, class_files, leftovers
from tests.readable_copy import readable_copy
from topologies.classfile import CLASSES
from topologies.model import classroom


def overrides(tree):
    """A folder of override files: {"<host>/etc/postfix/main.cf": "text"}."""
    root = Path(tempfile.mkdtemp(prefix="overrides-"))
    for path, text in tree.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text) if isinstance(text, bytes) else target.write_text(text)
    return str(root)


CLASS_FILE = class_files()[0]
MODEL = classroom(path=CLASS_FILE)
OTHER_CLASS = next(path for path in (CLASSES / "iut.toml", CLASSES / "campus.toml")
                   if path.resolve() != CLASS_FILE.resolve())
PLAYED = BenchView(MODEL, MODEL.benches[-1])
SERVER, NEIGHBOUR = PLAYED.server, PLAYED.neighbour.server
ZONE = next(z for z in MODEL.zones_on(SERVER.name) if not z.copy and not z.secondaries)
LOW, HIGH = MODEL.spec.bench_range
FIRST, LAST = MODEL.benches[0], MODEL.benches[-1]
ABSENT = next(n for n in range(LOW, HIGH + 1) if n not in MODEL.benches)
BENCH_LIST = ", ".join(map(str, MODEL.benches))

BROKEN_ZONE = {f"{SERVER.name}{ZONE.file}": (
    f"$TTL 1\n@ IN SOA {SERVER.name}. root.{SERVER.name}. ( 2 1 1 1 1 )\n"
    f"@ IN NS {SERVER.name}.\nmx IN AA {SERVER.ip}\n")}
BROKEN_MAIN_CF = {f"{NEIGHBOUR.name}/etc/postfix/main.cf":
                  f"myhostname = {NEIGHBOUR.name}\nthis line is wrong\n"}

CASES = [
    # (what, argv after the interpreter, environment, words the one line must hold)
    ("bench below the range", ["-m", "lab", "run", "--benches", str(LOW - 1)], {},
     f"bench {LOW - 1} is out of range {LOW}-{HIGH}"),
    ("bench above the range", ["-m", "lab", "run", "--benches", str(HIGH + 1)], {},
     f"bench {HIGH + 1} is out of range"),
    ("a word", ["-m", "lab", "run", "--benches", "abc"], {}, "bench 'abc' in 'abc' is not a number"),
    ("a duplicate", ["-m", "lab", "run", "--benches", f"{FIRST},{LAST},{FIRST}"], {},
     f"bench {FIRST} appears twice"),
    ("empty list", ["-m", "lab", "run", "--benches", ""], {}, "empty bench list"),
    ("backwards range", ["-m", "lab", "run", "--benches", f"{HIGH}-{LOW}"], {},
     f"bench range '{HIGH}-{LOW}'"),
    ("range too far", ["-m", "lab", "run", "--benches", f"{HIGH - 3}-{HIGH + 7}"], {},
     f"bench {HIGH + 7} is out of range"),
    ("empty item", ["-m", "lab", "run", "--benches", f"{FIRST},,{LAST}"], {},
     f"bench '' in '{FIRST},,{LAST}'"),
    ("BENCHES below the range", ["-m", "lab", "run"], {"BENCHES": str(LOW - 1)},
     f"bench {LOW - 1} is out of range"),
    ("unknown command", ["-m", "lab", "start"], {}, "invalid choice: 'start'"),
    ("unknown option", ["-m", "lab", "run", "--bogus"], {}, "unrecognized arguments: --bogus"),
    ("--class without a file", ["-m", "lab", "run", "--class"], {},
     "argument --class: expected one argument"),
    ("unknown scenario", ["-m", "scenarios", "mx_delivry"], {}, "unknown scenario 'mx_delivry'"),
    ("empty scenario name", ["-m", "scenarios", ""], {}, "unknown scenario ''"),
    ("bench not in class", ["scenarios/connectivity.py", "--bench", str(ABSENT)], {},
     f"--bench {ABSENT} is not a bench of this class ({BENCH_LIST})"),
    ("unknown client host", ["scenarios/dns_lookup.py", "--client", "nohost"], {},
     "--client nohost: no such host in this class"),
    ("overrides missing", ["-m", "lab", "run", "--overrides", "/nonexistent/dir"], {},
     "overrides: /nonexistent/dir is not a directory"),
    ("override unknown host", ["-m", "lab", "run", "--overrides", lambda: overrides(
        {"nohost/etc/hosts": "127.0.0.1 localhost\n"})], {}, "names no host of this class"),
    ("override for another class", ["-m", "lab", "run", "--class", str(OTHER_CLASS), "--overrides",
                                    lambda: overrides({f"{SERVER.name}/etc/mailname": "x\n"})],
     {}, f"{SERVER.name} names no host of this class"),
    ("override of a part-2 host without part 2", ["-m", "lab", "run", "--no-part2", "--overrides",
                                                  lambda: overrides({f"{PLAYED.secondary.name}/etc/hosts":
                                                                     "127.0.0.1 localhost\n"})],
     {}, f"{PLAYED.secondary.name} names no host of this class"),
    ("override not text", ["-m", "lab", "run", "--overrides", lambda: overrides(
        {f"{SERVER.name}/etc/mailname": b"\xff\xfe\x00"})], {}, "is not a text file"),
    ("zone failing named-checkzone", ["-m", "lab", "run", "--overrides", lambda: overrides(
        BROKEN_ZONE)], {}, f"{SERVER.name}: named config /etc/bind/named.conf failed its check: "
                           f"{ZONE.file}:4: unknown RR type 'AA'"),
    ("main.cf failing postfix check", ["scenarios/mx_delivery.py", "--overrides", lambda: overrides(
        BROKEN_MAIN_CF)], {}, f"{NEIGHBOUR.name}: postfix config /etc/postfix/main.cf failed its "
                              "check: postfix: fatal: /etc/postfix/main.cf, line 2"),
    ("no mininet, even re-run", ["-S", "scenarios/bounce.py"], {REEXEC: PYTHON},
     f"cannot import mininet; run: sudo {PYTHON} {REPO / 'scenarios/bounce.py'}"),
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
    with readable_copy(("lab", "scenarios", "checks", "services", "topologies",
                        "evidence")) as copy:
        result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                 PYTHON, "scenarios/connectivity.py"], cwd=copy,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == ("scenarios/connectivity.py: emulating a network needs root; "
                                     f"run: sudo {PYTHON} {copy}/scenarios/connectivity.py")
    assert leftovers() == []
