"""Each host has its own PID namespace: what a student types about processes in one host
(`ps aux`, `killall named`, `service ...`, `dpkg-reconfigure postfix`) sees and touches that
host only."""

import hashlib

from lab.base.waiting import wait_until
from tests.integration.conftest import one_class, typed_in_own_host

class_file = one_class()
MACHINE_FILES = ("/var/cache/debconf/config.dat", "/usr/sbin/policy-rc.d", "/etc/postfix/main.cf")


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
    # typed by a student in the server's own shell, once that shell is proven to be in the
    # host's PID namespace: it reaches that host's named alone (the lab stops by PID)
    typed_in_own_host(lab, server, "killall named")
    wait_until(lambda: "named" not in commands_in(lab, server), f"named gone from {server}", 10)
    assert answers_soa(lab, neighbour, their_zone)
    assert "named" in commands_in(lab, lab.model.instructor.name)
    lab.cmd(server, "service named start")
    assert answers_soa(lab, server, own_zone)


def digest(path):
    """The file's SHA-256, or None where the machine has no such file."""
    try:
        with open(path, "rb") as file:
            return hashlib.sha256(file.read()).hexdigest()
    except FileNotFoundError:
        return None


def test_dpkg_reconfigure_postfix_restarts_that_hosts_postfix_only(lab, played):
    """The report's `dpkg-reconfigure postfix`, answered with debconf-set-selections: the
    host's own policy-rc.d lets the maintainer script restart the host's Postfix; the
    machine's debconf database and policy-rc.d, and the neighbour's Postfix, stay as they were."""
    server, neighbour = played.server.name, played.neighbour.server.name
    machine = {path: digest(path) for path in MACHINE_FILES}
    master = "cat /var/spool/postfix/pid/master.pid"
    before = lab.cmd(server, master).strip(), lab.cmd(neighbour, master).strip()
    answers = ["postfix postfix/main_mailer_type select Internet Site",
               f"postfix postfix/mailname string {played.origin}",
               f"postfix postfix/mynetworks string {' '.join(played.model.trusted_networks(played.number))}"]
    said = lab.cmd(server, "printf '%s\\n' " + " ".join(f"'{a}'" for a in answers)
                   + " | debconf-set-selections && DEBIAN_FRONTEND=noninteractive "
                     "dpkg-reconfigure postfix >/dev/null 2>&1; echo rc=$?")
    assert "rc=0" in said
    assert lab.cmd(server, "cat /etc/mailname").strip() == played.origin
    wait_until(lambda: "postfix is running" in lab.cmd(server, "service postfix status"),
               f"postfix on {server} running again", 15)
    assert lab.cmd(server, master).strip() != before[0]  # restarted
    assert lab.cmd(neighbour, master).strip() == before[1]  # untouched
    assert {path: digest(path) for path in MACHINE_FILES} == machine
