"""Hand work at the first stage: what a student may type in a host when the bench is theirs
(`killall named`, `systemctl stop postfix`, `rm -rf /etc/*`, `reboot`, `halt` without -f;
each that would harm the machine typed only once the host's shell is proven isolated)
touches that host only: the other hosts run on, the machine's files and its boot stay as
they were; `reset` brings the host back; and `make clean` afterwards (the lab still running,
or killed) leaves nothing. (`reboot -f`/`halt -f`: test_forced_reboot.py; the same commands
at the last stage: test_own_processes.py.) About the machine: on the first class file only.

What non-forced `reboot`/`halt` do in a host: they are systemctl; a host has no systemd (its
/run is its own, empty: no /run/systemd/system, no D-Bus socket) so systemctl says "System
has not been booted with systemd as init system (PID 1). Can't operate.", tries /run/initctl
(the host's own /run: absent) then /dev/initctl (absent on the machine, and on a systemd
machine a symlink into /run), says "Failed to talk to init daemon" and exits 1. Nothing
stops, nothing reaches the machine's init."""

import os
import signal
import subprocess
from pathlib import Path

import pexpect
import pytest

from lab.base.waiting import wait_until
from lab.runtime.rundir import RUN_DIR
from tests.integration.conftest import (LAB_VARIABLES, PYTHON, REPO, class_files,
                                        ISOLATION, isolated, leftovers, machine_view,
                                        typed_in_own_host)
from tests.integration.stagecheck import (commands, played, postfix_running, reaches,
                                          running_staged_lab, soa)
from topologies.model import classroom

CLASS_FILE = class_files()[0]
MODEL = classroom(path=CLASS_FILE)
BENCH = played(MODEL)
SERVER, SEAT = BENCH.server.name, BENCH.seat.name
NEIGHBOUR = BENCH.neighbour.server.name
INSTRUCTOR = MODEL.instructor.name
FIRST = MODEL.stages[0].name
NO_SYSTEMD = "System has not been booted with systemd as init system (PID 1). Can't operate."


def boot_id():
    return Path("/proc/sys/kernel/random/boot_id").read_text()


def own_zone(host):
    return next(z.name for z in MODEL.zones_on(host) if not z.allow_query)


def answers(lab, host, zone):
    return soa(lab, host, zone).authoritative


@pytest.fixture(scope="module")
def machine_before():
    return machine_view(), boot_id()


class TestHandWork:

    @pytest.fixture(scope="class")
    def lab(self, machine_before):
        with running_staged_lab(CLASS_FILE, FIRST) as lab:
            yield lab

    def test_killall_named_and_systemctl_stop_postfix(self, lab):
        typed_in_own_host(lab, SERVER, "killall named")
        wait_until(lambda: "named" not in [c for _, c in commands(lab, SERVER)], "named gone", 10)
        assert answers(lab, NEIGHBOUR, own_zone(NEIGHBOUR))
        assert answers(lab, INSTRUCTOR, own_zone(INSTRUCTOR))
        said = lab.cmd(SERVER, "systemctl stop postfix; echo rc=$?")
        assert NO_SYSTEMD in said and "rc=1" in said
        assert postfix_running(lab, NEIGHBOUR)
        said = lab.cmd(SERVER, "service named start; echo rc=$?")  # as a student would
        assert "rc=0" in said
        wait_until(lambda: soa(lab, SERVER, "localhost").authoritative, "named back", 10)

    def test_rm_rf_etc_empties_that_hosts_etc_only(self, lab, machine_before):
        typed_in_own_host(lab, SERVER, "rm -rf /etc/*")
        assert lab.cmd(SERVER, "ls /etc") == ""  # (* leaves the dot files, as anywhere)
        assert lab.cmd(SEAT, "cat /etc/hostname").strip() == SEAT
        assert lab.cmd(NEIGHBOUR, "cat /etc/hostname").strip() == NEIGHBOUR
        assert answers(lab, NEIGHBOUR, own_zone(NEIGHBOUR))
        assert answers(lab, INSTRUCTOR, own_zone(INSTRUCTOR))
        assert postfix_running(lab, NEIGHBOUR)
        view = machine_view()
        assert view["files"] == machine_before[0]["files"]  # /etc/passwd, /etc/hostname, ...
        assert view["hostname"] == machine_before[0]["hostname"]
        assert len(os.listdir("/etc")) > 50
        lab.reset(SERVER)
        assert lab.cmd(SERVER, "cat /etc/hostname").strip() == SERVER
        assert soa(lab, SERVER, "localhost").authoritative

    @pytest.mark.parametrize("command", ["reboot", "halt"])
    def test_reboot_and_halt_without_force_are_refused_harmlessly(self, lab, machine_before,
                                                                 command):
        shell = lab.host(SERVER).pid
        named = [p for p, c in commands(lab, SERVER) if c == "named"]
        said = typed_in_own_host(lab, SERVER, f"{command}; echo rc=$?")
        assert NO_SYSTEMD in said and "Failed to talk to init daemon" in said
        assert "rc=1" in said and "has stopped" not in said
        assert lab.cmd(SERVER, "echo $$").strip() == "1"  # the same shell, still PID 1
        assert lab.host(SERVER).pid == shell and Path(f"/proc/{shell}").exists()
        assert [p for p, c in commands(lab, SERVER) if c == "named"] == named
        assert soa(lab, SERVER, "localhost").authoritative
        assert reaches(lab, NEIGHBOUR, MODEL.instructor.ip)
        assert boot_id() == machine_before[1]  # the machine did not reboot
        assert machine_view() == machine_before[0]


def nothing_left(machine):
    """What a user checks after `make clean`: no run dir, no lab process, no lab mount in the
    machine's mount table, no lab interface (veth, bridge) in `ip link`."""
    found = leftovers()
    mounts = Path("/proc/self/mountinfo").read_text()
    found += [line for line in mounts.splitlines() if str(RUN_DIR) in line]
    links = machine_view()["links"]
    found += [f"link {name}" for name in set(links) - set(machine["links"])]
    return found


def lab_process_gone(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state == "Z"


@pytest.mark.parametrize("then", ["the lab still running", "the lab killed"])
def test_make_clean_after_hand_work_leaves_nothing(machine_before, then):
    env = {k: v for k, v in os.environ.items() if k not in LAB_VARIABLES}
    child = pexpect.spawn(PYTHON, ["-m", "lab", "run", "--class", str(CLASS_FILE), "--stage", FIRST],
                          cwd=str(REPO), env=env, encoding="utf-8", timeout=120,
                          dimensions=(50, 200))
    try:
        child.expect("mininet> ")
        for host in (SERVER, SEAT):  # what follows would harm the machine: typed in hosts alone
            child.sendline(f"{host} {ISOLATION}")
            child.expect("mininet> ")
            assert isolated(child.before), child.before
        said = {}
        for typed in (f"{SERVER} service named stop", f"{SERVER} systemctl stop postfix",
                      f"{SERVER} rm -rf /etc/*", f"{SERVER} reboot", f"{SERVER} halt",
                      f"{SEAT} halt -f", f"{NEIGHBOUR} cd /etc/bind"):
            child.sendline(typed)
            child.expect("mininet> ")
            said[typed] = child.before
        assert NO_SYSTEMD in said[f"{SERVER} reboot"] and NO_SYSTEMD in said[f"{SERVER} halt"]
        assert f"{SEAT} has stopped" in said[f"{SEAT} halt -f"]
        if then == "the lab killed":
            os.kill(child.pid, signal.SIGKILL)
        clean = subprocess.run(["make", "-s", "clean"], cwd=REPO, capture_output=True, text=True,
                               timeout=120, env=env)
        assert clean.returncode == 0, clean.stdout + clean.stderr
        assert (f"clean: asking the running lab (pid {child.pid}) to stop" in clean.stdout
                if then == "the lab still running"
                else "clean: removed /run/classlab/state.json and hosts/" in clean.stdout), clean.stdout
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
    assert lab_process_gone(child.pid)
    assert nothing_left(machine_before[0]) == []
    assert machine_view() == machine_before[0]
    assert boot_id() == machine_before[1]
    again = subprocess.run(["make", "-s", "clean"], cwd=REPO, capture_output=True, text=True,
                           timeout=120, env=env)
    assert (again.returncode, again.stdout.strip()) == (0, "clean: nothing left by a lab")
