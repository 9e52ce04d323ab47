"""Each host is a small machine: own hostname, own /etc and /var, private /root /home /tmp /run.
What a student does in the bench's server stays there: not in the seat, not on the machine.
(About the machine itself: the first class file only; hosts come from its model.)"""

import socket

import pytest

from tests.integration.conftest import machine_view, one_class

class_file = one_class()


def test_each_host_has_its_own_hostname(running):
    for name in running.model.names():
        assert running.cmd(name, "hostname").strip() == name
        assert running.cmd(name, "cat /etc/hostname").strip() == name


def test_commands_started_outside_the_shell_see_the_hostname_too(running, played):
    out, err, code = running.host(played.server.name).pexec("hostname")
    assert (out.strip(), code) == (played.server.name, 0)


def test_renaming_a_host_does_not_rename_the_machine(running, played):
    machine = socket.gethostname()
    client, other = [h.name for h in played.neighbour.hosts if h != played.neighbour.server][:2]
    running.cmd(client, "hostname renamed")
    try:
        assert running.cmd(client, "hostname").strip() == "renamed"
        assert socket.gethostname() == machine
        assert running.cmd(other, "hostname").strip() == other
    finally:
        running.cmd(client, f"hostname {client}")


def test_useradd_stays_in_its_host(running, played):
    server, seat, user = played.server.name, played.seat.name, f"visitor{played.number}"
    running.cmd(server, f"useradd -m {user}")
    assert f"{user}:" in running.cmd(server, f"getent passwd {user}")
    assert running.cmd(seat, f"getent passwd {user}").strip() == ""
    assert user not in open("/etc/passwd").read()
    assert user in running.cmd(server, "ls /home").split()
    assert user not in running.cmd(seat, "ls /home").split()


def test_chfn_changes_the_label_in_its_host_only(running, played):
    running.cmd(played.server.name, "chfn -f Thomas root")
    assert running.cmd(played.server.name, "getent passwd root").split(":")[4].split(",")[0] == "Thomas"
    assert "Thomas" not in running.cmd(played.neighbour.server.name, "getent passwd root")
    assert ":Thomas:" not in open("/etc/passwd").read()


def test_editing_etc_aliases_stays_in_its_host(running, played):
    line = f"visitor{played.number}: root"
    running.cmd(played.server.name, f"echo '{line}' >> /etc/aliases")
    assert line in running.cmd(played.server.name, "cat /etc/aliases")
    assert line not in running.cmd(played.seat.name, "cat /etc/aliases 2>/dev/null")


def test_var_root_tmp_run_are_private(running, played):
    server, seat, n = played.server.name, played.seat.name, played.number
    files = {f"/var/mail/probe{n}": "hello", "/root/note": "secret", f"/tmp/t{n}": "t",
             f"/run/r{n}": "r"}
    running.cmd(server, "mkdir -p /var/mail && " +
                "; ".join(f"echo {text} > {path}" for path, text in files.items()))
    for path, text in files.items():
        assert running.cmd(server, f"cat {path}").strip() == text
        assert "No such file" in running.cmd(seat, f"cat {path}"), path
    with pytest.raises(FileNotFoundError):
        open(f"/var/mail/probe{n}")


def test_the_machine_is_left_as_it_was(running, machine_before):
    assert machine_view() == machine_before
