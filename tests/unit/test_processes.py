"""The PID helpers the lab's hosts rely on, tried on this machine's own processes (no root)."""

import os
import subprocess

import pytest

from lab.base.processes import children_of, only_child, pid_in_machine, pids_with_mount_of
from lab.base.waiting import wait_until


@pytest.fixture
def parent_with_one_child():
    """A shell that waits on one sleep (a shell given `sleep; true` forks the sleep)."""
    process = subprocess.Popen(["sh", "-c", "sleep 30; true"])
    yield process
    for pid in children_of(process.pid):
        os.kill(pid, 15)
    process.wait()


def becomes_sleep(pid):
    """The child found is the one forked: it runs sleep once it has exec'd (found before
    its exec, it is still sh)."""
    def command():
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip() == "sleep"
    wait_until(command, f"process {pid} to run sleep", 5.0)


def test_only_child_finds_the_process_a_parent_forked(parent_with_one_child):
    child = only_child(parent_with_one_child.pid)
    becomes_sleep(child)
    assert children_of(parent_with_one_child.pid) == [child]


def test_children_of_lists_every_child_and_nothing_once_the_parent_is_gone():
    parent = subprocess.Popen(["sh", "-c", "sleep 30 & sleep 30 & wait"])
    try:
        children = wait_until(lambda: len(children_of(parent.pid)) == 2 and
                              children_of(parent.pid), "the two sleeps", 5.0)
        for child in children:
            becomes_sleep(child)
        assert os.getpid() not in children and parent.pid not in children
    finally:
        for pid in children_of(parent.pid):
            os.kill(pid, 15)
        parent.wait()
    assert children_of(parent.pid) == []


def test_only_child_of_a_process_that_ended_says_so_at_once():
    process = subprocess.Popen(["true"])
    process.wait()
    with pytest.raises(ProcessLookupError):
        only_child(process.pid)


def test_a_process_of_the_machine_is_its_own_pid_in_the_machine():
    assert pid_in_machine(os.getpid(), os.getpid()) == os.getpid()
    with pytest.raises(ProcessLookupError):
        pid_in_machine(os.getpid(), 2 ** 22 + 1)  # above any PID the kernel hands out


def test_no_process_sees_a_mount_of_a_path_nobody_mounted(tmp_path):
    assert pids_with_mount_of(str(tmp_path / "never-mounted")) == []
