"""The lab's life as a user sees it: `make lab`, the CLI, exit, a crash, `make clean`, `mn --custom`."""

import os
import re
import signal
import subprocess

import pexpect
import pytest

from lab.runtime.rundir import RunDir
from tests.integration.conftest import PYTHON, REPO, leftovers

PROMPT = "mininet> "


def spawn_lab(benches="53,54"):
    child = pexpect.spawn(PYTHON, ["-m", "lab", "run", "--benches", benches], cwd=str(REPO),
                          encoding="utf-8", timeout=120, dimensions=(50, 200))
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
    ping = type_in(child, "d54 ping -c 3 10.54.1.1")
    assert "3 packets transmitted, 3 received, 0% packet loss" in ping and "ttl=64" in ping
    assert "ttl=63" in type_in(child, "d54 ping -c 3 10.254.0.254")
    assert type_in(child, "s54 hostname").strip().endswith("s54")
    assert "s54-eth0:10.254.54.1" in type_in(child, "dump")
    assert leave(child) == 0
    assert leftovers() == []


def test_a_second_lab_is_refused_while_one_runs():
    child = spawn_lab()
    try:
        second = subprocess.run([PYTHON, "-m", "lab", "run"], cwd=REPO, capture_output=True,
                                text=True, timeout=60)
        assert second.returncode == 2
        assert second.stderr.strip() == (f"lab: a lab is already running (pid {child.pid}): exit "
                                         f"its CLI first, or run 'sudo make clean' if it is stuck")
        assert "*** Building" not in second.stdout
        assert "2 received" in type_in(child, "d54 ping -c 2 10.54.1.1")
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
    assert "0% packet loss" in type_in(child, "d54 ping -c 1 10.254.0.254")
    assert leave(child) == 0
    assert leftovers() == []


def test_mininet_custom_topology_builds_the_class():
    result = subprocess.run(["mn", "--custom", "topologies/classroom.py", "--topo",
                             "classroom,53,54", "--test", "pingall"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert "*** Results: 0% dropped (110/110 received)" in result.stdout + result.stderr
    assert leftovers() == []


def test_mininet_custom_topology_refuses_a_bad_bench_without_its_cleanup():
    result = subprocess.run(["mn", "--custom", "topologies/classroom.py", "--topo",
                             "classroom,53,300"], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert "classroom: bench 300 is out of range 1-253" in result.stderr
    assert "Removing excess controllers" not in result.stdout + result.stderr  # mn's cleanup


def test_ctrl_c_during_bring_up_stops_everything():
    child = pexpect.spawn(PYTHON, ["-m", "lab", "run"], cwd=str(REPO), encoding="utf-8",
                          timeout=120)
    child.expect(r"\*\*\* Network up")
    child.sendintr()
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    assert child.exitstatus == 130
    assert "lab: interrupted; everything it started is stopped" in child.before
    assert leftovers() == []


def test_ctrl_c_in_the_cli_stops_the_command_not_the_lab():
    child = spawn_lab()
    child.sendline("d54 ping 10.54.1.1")
    child.expect("icmp_seq=2")
    child.sendintr()
    child.expect(PROMPT, timeout=30)
    assert "packets transmitted" in child.before
    assert "0% packet loss" in type_in(child, "d54 ping -c 1 10.254.0.254")
    assert leave(child) == 0
    assert leftovers() == []


def test_a_shell_inside_a_host_from_another_terminal():
    child = spawn_lab()
    shell = pexpect.spawn("make", ["-s", "shell", "HOST=s54"], cwd=str(REPO), encoding="utf-8",
                          timeout=30)
    shell.expect(r"root@S54:~# ")
    shell.sendline("hostname; tail -n 1 /etc/passwd; cat /etc/mailname")
    shell.expect(r"root@S54:~# ")
    lines = re.sub(r"\x1b\[\?2004[hl]", "", shell.before).split()
    assert lines[-3:] == ["s54", "etudiant:x:1001:1001::/home/etudiant:/bin/sh", "tp541.iut"]
    shell.sendline("exit")
    shell.expect(pexpect.EOF)
    assert leave(child) == 0
    refused = subprocess.run([PYTHON, "-m", "lab", "shell", "s54"], cwd=REPO,
                             capture_output=True, text=True, timeout=30)
    assert refused.returncode == 2
    assert "no running host 's54'" in refused.stderr
