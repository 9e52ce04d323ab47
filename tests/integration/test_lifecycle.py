"""The lab's life as a user sees it: `make lab`, the CLI, exit, a crash, `make clean`, `mn --custom`.
About the machine itself: on the first class file only (names and addresses from its model)."""

import os
import re
import signal
import subprocess

import pexpect
import pytest

from lab.runtime.rundir import RunDir
from tests.integration.conftest import PYTHON, REPO, BenchView, class_files, leftovers
from topologies.model import classroom

PROMPT = "mininet> "
CLASS_FILE = class_files()[0]
MODEL = classroom(path=CLASS_FILE)
PLAYED = BenchView(MODEL, MODEL.benches[-1])
SEAT, SERVER = PLAYED.seat.name, PLAYED.server.name
NEXT_HOP = PLAYED.server.interfaces[1].ip   # the server, one hop from the seat (ttl 64)
FAR = MODEL.instructor.ip                   # two hops (ttl 63)


def as_in_a_terminal():
    """Ctrl-C reaches the lab as in a user's terminal, even when the suite itself was started
    in the background (`make test &` ignores SIGINT, and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn_lab():
    child = pexpect.spawn(PYTHON, ["-m", "lab", "run", "--class", str(CLASS_FILE)], cwd=str(REPO),
                          encoding="utf-8", timeout=120, dimensions=(50, 200),
                          preexec_fn=as_in_a_terminal)
    child.expect(PROMPT)
    return child


def leave(child):
    """`exit` in the CLI; the lab's exit status."""
    child.sendline("exit")
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    return child.exitstatus


def type_in(child, line, timeout=60):
    child.sendline(line)
    child.expect(PROMPT, timeout=timeout)
    return child.before.replace("\r\n", "\n")


def clean():
    subprocess.run([PYTHON, "-m", "lab", "clean"], cwd=REPO, capture_output=True, timeout=120)


@pytest.fixture(autouse=True)
def independent_tests():
    """Each test starts from a clean machine, whatever the previous one left."""
    clean()
    yield
    clean()


def test_student_session_in_the_cli_then_exit_leaves_nothing():
    child = spawn_lab()
    ping = type_in(child, f"{SEAT} ping -c 3 {NEXT_HOP}")
    assert "3 packets transmitted, 3 received, 0% packet loss" in ping and "ttl=64" in ping
    assert "ttl=63" in type_in(child, f"{SEAT} ping -c 3 {FAR}")
    assert type_in(child, f"{SERVER} hostname").strip().endswith(SERVER)
    assert f"{PLAYED.server.interfaces[0].name}:{PLAYED.server.ip}" in type_in(child, "dump")
    assert leave(child) == 0
    assert leftovers() == []


def test_a_second_lab_is_refused_while_one_runs():
    child = spawn_lab()
    try:
        second = subprocess.run([PYTHON, "-m", "lab", "run", "--class", str(CLASS_FILE)], cwd=REPO,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert second.stderr.strip() == (f"lab run: a lab is already running (pid {child.pid}): exit "
                                         f"its CLI first, or run 'sudo make clean' if it is stuck")
        assert "*** Building" not in second.stdout
        assert "2 received" in type_in(child, f"{SEAT} ping -c 2 {NEXT_HOP}")
    finally:
        leave(child)


def test_killed_lab_is_cleaned_by_make_clean_twice():
    child = spawn_lab()
    assert RunDir().read_state()["lab_pid"] == child.pid
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    clean = subprocess.run(["make", "-s", "clean"], cwd=REPO, capture_output=True, text=True,
                           timeout=120)
    assert clean.returncode == 0, clean.stderr
    assert "clean: removed /run/classlab/state.json and hosts/" in clean.stdout
    assert leftovers() == []
    again = subprocess.run(["make", "-s", "clean"], cwd=REPO, capture_output=True, text=True,
                           timeout=120)
    assert (again.returncode, again.stdout.strip()) == (0, "clean: nothing left by a lab")


def test_make_clean_stops_a_running_lab():
    child = spawn_lab()
    clean = subprocess.run(["make", "-s", "clean"], cwd=REPO, capture_output=True, text=True,
                           timeout=120)
    assert clean.returncode == 0, clean.stderr
    assert f"asking the running lab (pid {child.pid}) to stop" in clean.stdout
    child.expect(pexpect.EOF, timeout=60)
    assert leftovers() == []


def test_a_new_lab_starts_after_a_crash():
    child = spawn_lab()
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child = spawn_lab()
    assert "0% packet loss" in type_in(child, f"{SEAT} ping -c 1 {FAR}")
    assert leave(child) == 0
    assert leftovers() == []


def mn_custom(topo, *more):
    """Mininet's own `mn --custom` on the class file ($CLASS), the network alone."""
    return subprocess.run(["mn", "--custom", "lab/runtime/mn_custom.py", "--topo", topo, *more],
                          cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CLASS": str(CLASS_FILE)})


def test_mininet_custom_topology_builds_the_class():
    result = mn_custom(",".join(["classroom", *map(str, MODEL.benches)]), "--test", "pingall")
    pairs = len(MODEL.hosts) * (len(MODEL.hosts) - 1)
    assert f"*** Results: 0% dropped ({pairs}/{pairs} received)" in result.stdout + result.stderr
    assert leftovers() == []


def test_mininet_custom_topology_refuses_a_bad_bench_without_its_cleanup():
    low, high = MODEL.spec.bench_range
    result = mn_custom(f"classroom,{MODEL.benches[0]},{high + 1}")
    assert result.returncode == 2
    assert f"classroom: bench {high + 1} is out of range {low}-{high}" in result.stderr
    assert "Removing excess controllers" not in result.stdout + result.stderr  # mn's cleanup


def test_ctrl_c_during_bring_up_stops_everything():
    child = pexpect.spawn(PYTHON, ["-m", "lab", "run", "--class", str(CLASS_FILE)], cwd=str(REPO),
                          encoding="utf-8", timeout=120, preexec_fn=as_in_a_terminal)
    child.expect(r"\*\*\* Network up")
    child.sendintr()
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    assert child.exitstatus == 130
    assert "lab run: interrupted; everything it started is stopped" in child.before
    assert leftovers() == []


def test_ctrl_c_in_the_cli_stops_the_command_not_the_lab():
    child = spawn_lab()
    child.sendline(f"{SEAT} ping {NEXT_HOP}")
    child.expect("icmp_seq=2")
    child.sendintr()
    child.expect(PROMPT, timeout=30)
    assert "packets transmitted" in child.before
    assert "0% packet loss" in type_in(child, f"{SEAT} ping -c 1 {FAR}")
    assert leave(child) == 0
    assert leftovers() == []


def test_a_shell_inside_a_host_from_another_terminal():
    child = spawn_lab()
    shell = pexpect.spawn("make", ["-s", "shell", f"HOST={SERVER}"], cwd=str(REPO),
                          encoding="utf-8", timeout=30)
    prompt = re.escape(f"root@{SERVER.upper()}:~# ")
    shell.expect(prompt)
    shell.sendline("hostname; tail -n 1 /etc/passwd; cat /etc/mailname")
    shell.expect(prompt)
    lines = re.sub(r"\x1b\[\?2004[hl]", "", shell.before).split()
    student = MODEL.student
    assert lines[-3:] == [SERVER, f"{student.name}:x:{student.uid}:{student.uid}::"
                                  f"/home/{student.name}:/bin/sh", PLAYED.origin]
    shell.sendline("exit")
    shell.expect(pexpect.EOF)
    assert leave(child) == 0
    refused = subprocess.run([PYTHON, "-m", "lab", "shell", SERVER], cwd=REPO,
                             capture_output=True, text=True, timeout=30)
    assert refused.returncode == 2
    assert f"no running host '{SERVER}'" in refused.stderr
