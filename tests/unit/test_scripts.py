"""Scripts run inside emulated hosts: init_machine.sh and the private views."""

from lab.runtime.machine import private_views_script
from topologies.init_script import render_init_script
from topologies.model import classroom


def test_init_script_of_a_server_sets_addresses_route_and_forwarding():
    script = render_init_script(classroom((53, 54)).host("s54"))
    lines = script.splitlines()
    assert lines[0] == "#!/bin/sh"
    assert "ip addr replace 10.254.54.1/16 dev s54-eth0" in lines
    assert "ip addr replace 10.54.1.1/24 dev s54-eth1" in lines
    assert "ip addr replace 10.54.2.1/24 dev s54-eth2" in lines
    assert "ip route replace default via 10.254.0.254" in lines
    assert any(line.startswith("echo 1 > /proc/sys/net/ipv4/ip_forward") for line in lines)


def test_init_script_of_a_client_does_not_forward():
    script = render_init_script(classroom((53, 54)).host("d54"))
    assert "ip route replace default via 10.54.2.1" in script
    assert "echo 0 > /proc/sys/net/ipv4/ip_forward" in script
    assert 'echo "nameserver 10.254.0.254" > /etc/resolv.conf' in script


def test_init_script_of_stp_routes_each_bench_through_its_server():
    script = render_init_script(classroom((53, 54)).host("stp"))
    assert "ip route replace 10.53.0.0/16 via 10.254.53.1" in script
    assert "ip route replace 10.54.0.0/16 via 10.254.54.1" in script


def test_private_views_overlay_etc_and_var_and_hide_the_rest():
    script = private_views_script("s54", "/run/classlab/hosts/s54")
    assert ("mount -t overlay overlay -o lowerdir=/etc,upperdir=/run/classlab/hosts/s54/etc/upper,"
            "workdir=/run/classlab/hosts/s54/etc/work /etc") in script
    assert "lowerdir=/var,upperdir=/run/classlab/hosts/s54/var/upper" in script
    for private in ("/run", "/tmp", "/root", "/home"):
        assert f"tmpfs {private}\n" in script
    assert "hostname s54\n" in script
    assert script.index("/etc\n") < script.index("echo s54 > /etc/hostname")
