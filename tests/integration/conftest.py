"""Integration tests: root, a real lab (Mininet namespaces, real daemons), real tools.

Fixtures
    class_file       each class file the suite runs on: the report's (iut) and another
                     school's (campus); $CLASS (make test CLASS=file.toml) runs on that one only
    lab              one running class of that file (its default benches) for the module's tests
    machine_before   what the machine's own namespace looked like before the lab
    running          the module's lab, started once machine_before was taken
    played           the bench whose student the tests play (the class's last), a BenchView
Helpers
    one_class()      for a module about the machine itself: its `class_file` fixture, the
                     first class only (`class_file = one_class()` in the module)
    BenchView        a bench's hosts and domains as the tests name them (.neighbour: the
                     bench it writes to)
    gateway(host)    the server's address on a client's LAN (the client's default route)
    leftovers()      what a lab left behind (must be nothing after any exit)
    machine_view()   the machine's own addresses, routes, links, hostname, key files
    another_terminal(*argv, env=None)
                     a command typed in another terminal, without the lab's variables
                     (LAB_VARIABLES) unless env gives them: its exit, stdout, stderr
    lab_lines(stderr)
                     stderr without make's own "make: ***" lines
    lab_lock_held    fixture: the one-lab lock held as a running lab holds it
    typed_in_own_host(lab, host, command)
                     a command a student types that would harm the machine if it ran there
                     (killall, rm -rf /etc/*, reboot, halt), typed only once the host's shell
                     is proven isolated (isolated(said) on ISOLATION's output): PID 1 of a PID
                     namespace and in a mount namespace other than the machine's, /etc an
                     overlay: it never reaches the machine, even if the lab stopped isolating
"""

import hashlib
import os
import re
import socket
import subprocess
from functools import cached_property
from pathlib import Path

import pytest

from lab.base.processes import pids_with_mount_of
from lab.runtime.rundir import RUN_DIR, RunDir
from topologies.classfile import CLASSES

REPO = Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"
WATCHED_FILES = ("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/hostname", "/etc/hosts",
                 "/etc/resolv.conf", "/etc/aliases", "/etc/aliases.db", "/etc/mailname",
                 "/etc/bind/named.conf.options", "/etc/bind/named.conf.local",
                 "/etc/bind/named.conf.default-zones", "/etc/bind/rndc.key",
                 "/etc/postfix/main.cf", "/etc/postfix/master.cf")
LAB_VARIABLES = ("CLASS", "BENCHES", "STAGE", "BENCH", "HANDIN", "HOST")
WATCHED_DIRS = ("/etc/bind", "/var/mail", "/var/spool/postfix", "/var/cache/bind", "/var/lib/postfix")

pytestmark = pytest.mark.integration


def pytest_collection_modifyitems(items):
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="integration tests need root: sudo make test")
        for item in items:
            if "integration" in str(item.fspath):
                item.add_marker(skip)


def class_files():
    chosen = os.environ.get("CLASS")
    if chosen:
        return [Path(chosen)]
    return [CLASSES / "iut.toml", CLASSES / "campus.toml"]


@pytest.fixture(scope="module", params=class_files(), ids=lambda path: path.stem)
def class_file(request):
    return request.param


def one_class():
    return pytest.fixture(scope="module", name="class_file")(lambda: class_files()[0])


@pytest.fixture(scope="module")
def lab(class_file):
    from lab.command.compose import build_lab
    from topologies.model import classroom
    with build_lab(classroom(path=class_file), say=lambda _line: None) as running:
        yield running


@pytest.fixture(scope="module")
def machine_before():
    return machine_view()


@pytest.fixture(scope="module")
def running(machine_before, lab):
    """The lab, started after the machine's own view was taken (machine_before)."""
    return lab


@pytest.fixture(scope="module")
def played(lab):
    return BenchView(lab.model, lab.model.benches[-1])


class BenchView:
    """One bench of a class model: its server, its seat, its mail domains, its secondary DNS."""

    def __init__(self, model, number):
        self.model, self.number = model, number
        self.server, self.seat = model.server(number), model.seat(number)
        self.origin = model.mail_origin(number)
        self.domains = model.mail_domains(number)

    @cached_property
    def neighbour(self):
        return BenchView(self.model, self.model.neighbour(self.number))

    @property
    def hosts(self):
        return [h for h in self.model.hosts if h.bench == self.number]

    @property
    def secondary(self):
        """The host copying the server's zones (the report's NSn)."""
        copied = [z for z in self.model.zones_on(self.server.name) if z.secondaries]
        return self.model.host(copied[0].secondaries[0])

    @property
    def student(self):
        return self.model.student.name


def gateway(host):
    return next(route.via for route in host.routes if route.destination == "default")


def another_terminal(*argv, env=None):
    """A command typed in another terminal while (or when no) lab runs: its exit, stdout, stderr.
    The lab's variables (LAB_VARIABLES) are not set there, but for those `env` sets."""
    env = {**{k: v for k, v in os.environ.items() if k not in LAB_VARIABLES}, **(env or {})}
    result = subprocess.run(list(argv), cwd=REPO, capture_output=True, text=True, timeout=300,
                            env=env, stdin=subprocess.DEVNULL)
    return result.returncode, result.stdout, result.stderr


def lab_lines(stderr):
    """stderr without make's own "make: ***" line ("make[1]: ***" when the tests run under make)."""
    return [line for line in stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]


@pytest.fixture
def lab_lock_held():
    """The one-lab lock, held as a running lab holds it; released (and its run dir gone) after."""
    rundir = RunDir()
    rundir.acquire()
    try:
        yield
    finally:
        rundir.release()


ISOLATION = ("echo isolation: $$ $(readlink /proc/self/ns/pid) $(readlink /proc/self/ns/mnt) "
             "$(findmnt -n -o FSTYPE /etc)")


def isolated(said):
    """Does ISOLATION's output show a shell in a host of its own?"""
    found = re.search(r"isolation: (\d+) (\S+) (\S+) (\S+)", said)  # not the line typed
    machine = [os.readlink(f"/proc/self/ns/{ns}") for ns in ("pid", "mnt")]
    return bool(found) and found.group(1) == "1" and found.group(4) == "overlay" and all(
        inside != outside for inside, outside in zip(found.group(2, 3), machine))


def typed_in_own_host(lab, host, command):
    said = lab.cmd(host, ISOLATION)
    assert isolated(said), f"{host}'s shell is not isolated ({said.strip()}): '{command}' not typed"
    return lab.cmd(host, command)


def leftovers():
    """Everything a lab may leave: processes inside lab mounts, run dir, root-namespace links."""
    found = [f"process {pid} inside a lab host" for pid in pids_with_mount_of(str(RUN_DIR))]
    if RUN_DIR.exists():
        found.append(f"{RUN_DIR} still exists: {sorted(p.name for p in RUN_DIR.iterdir())}")
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    found += [f"link {line.split(':')[1].strip()} in the machine's namespace"
              for line in links.splitlines() if "-eth" in line]
    return found


def machine_view():
    """The machine's own namespace and files, to compare before and after a lab."""
    def run(*argv):
        return subprocess.run(argv, capture_output=True, text=True).stdout
    return {
        "addresses": run("ip", "-4", "-o", "addr", "show"),
        "routes": run("ip", "-4", "route", "show", "table", "all"),
        "links": sorted(line.split(":")[1].strip()
                        for line in run("ip", "-o", "link", "show").splitlines()),
        "hostname": socket.gethostname(),
        "files": {path: _digest(path) for path in WATCHED_FILES},
        "dirs": {path: _tree(path) for path in WATCHED_DIRS},
    }


def _tree(top):
    """Every path under top with its size: what a lab must never add, remove or grow."""
    return sorted((str(p), p.stat().st_size if p.is_file() else None)
                  for p in Path(top).rglob("*")) if os.path.isdir(top) else None


def _digest(path):
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
