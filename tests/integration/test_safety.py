"""Lab addresses and routes live only in the lab's namespaces; the machine's stay as they were.
On each class file: their address plans differ, and so do the ranges looked for."""

import ipaddress
import subprocess


from tests.integration.conftest import machine_view


def test_no_lab_address_in_the_machine_namespace(running):
    lines = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True).stdout
    addresses = [line.split()[3].split("/")[0] for line in lines.splitlines()]
    lab_ranges = [ipaddress.ip_network(n) for n in running.model.lab_networks()]
    assert not [a for a in addresses if any(ipaddress.ip_address(a) in n for n in lab_ranges)]


def test_no_lab_route_in_the_machine_namespace(running):
    routes = subprocess.run(["ip", "-4", "-o", "route", "show", "table", "all"],
                            capture_output=True, text=True).stdout.splitlines()
    lab_ranges = [ipaddress.ip_network(n) for n in running.model.lab_networks()]
    for route in routes:
        for word in route.split()[:2]:
            if word[0].isdigit():
                network = ipaddress.ip_network(word, strict=False)
                assert not any(network.overlaps(r) for r in lab_ranges), route


def test_no_lab_interface_in_the_machine_namespace(running, machine_before):
    assert machine_view()["links"] == machine_before["links"]


def test_lab_hosts_do_not_see_the_machine_network(running):
    machine_links = set(machine_view()["links"])
    for name in running.model.names():
        inside = subprocess.run(["nsenter", "-t", str(running.host(name).pid), "-n",
                                 "ip", "-o", "link"], capture_output=True, text=True).stdout
        seen = {line.split(":")[1].strip().split("@")[0] for line in inside.splitlines()}
        assert seen - {"lo"} <= {i.name for i in running.model.host(name).interfaces}
        assert not (seen - {"lo"}) & machine_links


def test_no_nat_rule_anywhere(running):
    for name in running.model.names():
        out = running.cmd(name, "nft list ruleset 2>/dev/null; iptables-save 2>/dev/null")
        assert "MASQUERADE" not in out and "masquerade" not in out and "snat" not in out.lower()


def test_machine_routes_and_files_unchanged(running, machine_before):
    assert machine_view() == machine_before
