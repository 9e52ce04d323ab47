"""Each host is a small machine: own hostname, own /etc and /var, private /root /home /tmp /run.
What a student does in S54 stays in S54: not in D54, not on the machine."""

import socket

import pytest

from tests.integration.conftest import machine_view


@pytest.fixture(scope="module")
def machine_before():
    return machine_view()


@pytest.fixture(scope="module")
def running(machine_before, lab):
    return lab


def test_each_host_has_its_own_hostname(running):
    for name in running.model.names():
        assert running.cmd(name, "hostname").strip() == name
        assert running.cmd(name, "cat /etc/hostname").strip() == name


def test_commands_started_outside_the_shell_see_the_hostname_too(running):
    out, err, code = running.host("s54").pexec("hostname")
    assert (out.strip(), code) == ("s54", 0)


def test_renaming_a_host_does_not_rename_the_machine(running):
    machine = socket.gethostname()
    running.cmd("g53", "hostname renamed")
    try:
        assert running.cmd("g53", "hostname").strip() == "renamed"
        assert socket.gethostname() == machine
        assert running.cmd("d53", "hostname").strip() == "d53"
    finally:
        running.cmd("g53", "hostname g53")


def test_useradd_stays_in_its_host(running):
    running.cmd("s54", "useradd -m student54")
    assert "student54:" in running.cmd("s54", "getent passwd student54")
    assert running.cmd("d54", "getent passwd student54").strip() == ""
    assert "student54" not in open("/etc/passwd").read()
    assert running.cmd("s54", "ls /home").split() == ["student54"]


def test_chfn_changes_the_label_in_its_host_only(running):
    running.cmd("s54", "chfn -f Thomas root")
    assert running.cmd("s54", "getent passwd root").split(":")[4].split(",")[0] == "Thomas"
    assert "Thomas" not in running.cmd("s53", "getent passwd root")
    assert ":Thomas:" not in open("/etc/passwd").read()


def test_editing_etc_aliases_stays_in_its_host(running):
    running.cmd("s54", "echo 'postmaster: root' >> /etc/aliases")
    assert "postmaster: root" in running.cmd("s54", "cat /etc/aliases")
    assert "postmaster: root" not in running.cmd("d54", "cat /etc/aliases 2>/dev/null")


def test_var_root_tmp_run_are_private(running):
    running.cmd("s54", "mkdir -p /var/mail && echo hello > /var/mail/probe54; "
                       "echo secret > /root/note; echo t > /tmp/t54; echo r > /run/r54")
    for path in ("/var/mail/probe54", "/root/note", "/tmp/t54", "/run/r54"):
        assert running.cmd("s54", f"cat {path}").strip() in ("hello", "secret", "t", "r")
        assert "No such file" in running.cmd("d54", f"cat {path}"), path
    with pytest.raises(FileNotFoundError):
        open("/var/mail/probe54")


def test_the_machine_is_left_as_it_was(running, machine_before):
    assert machine_view() == machine_before
