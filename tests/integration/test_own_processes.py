"""Each host has its own PID namespace: what a student types about processes in one host
(`ps aux`, `killall named`, `service ...`, `reboot -f`) sees and touches that host only."""

from lab.base.waiting import wait_until
from tests.integration.conftest import one_class

class_file = one_class()


def commands_in(lab, host):
    """The command names `ps` lists inside a host."""
    return lab.cmd(host, "ps -e -o comm=").split()


def answers_soa(lab, host, zone):
    return "NOERROR" in lab.cmd(host, f"dig @127.0.0.1 +norec +time=1 +tries=1 SOA {zone} | grep status")


def test_ps_in_the_server_lists_its_own_daemons_only(lab, played):
    seen = commands_in(lab, played.server.name)
    assert seen.count("named") == 1 and seen.count("master") == 1, seen
    assert lab.cmd(played.server.name, "echo $$").strip() == "1"  # the host's shell is its PID 1
    assert "named" not in commands_in(lab, played.seat.name)


def test_service_acts_on_the_hosts_own_daemon(lab, played):
    server = played.server.name
    assert "postfix is running" in lab.cmd(server, "service postfix status")
    refused = lab.cmd(server, "systemctl stop postfix; echo rc=$?")
    assert "rc=1" in refused  # no systemd in a host: the machine's is never reached
    assert "postfix is running" in lab.cmd(server, "service postfix status")


def test_killall_named_in_one_server_stops_that_named_only(lab, played):
    server, neighbour = played.server.name, played.neighbour.server.name
    own_zone = played.model.zones_on(server)[0].name
    their_zone = played.model.zones_on(neighbour)[0].name
    lab.cmd(server, "killall named")
    wait_until(lambda: "named" not in commands_in(lab, server), f"named gone from {server}", 10)
    assert answers_soa(lab, neighbour, their_zone)
    assert "named" in commands_in(lab, lab.model.instructor.name)
    lab.cmd(server, "service named start")
    assert answers_soa(lab, server, own_zone)
