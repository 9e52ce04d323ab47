"""Scripts run inside emulated hosts: init_machine.sh (from the model of either class file)
and the private views."""

import pytest

from lab.runtime.machine import private_views_script
from topologies.classfile import CLASSES
from topologies.init_script import render_init_script
from topologies.model import classroom

IUT = classroom(path=CLASSES / "iut.toml")


@pytest.fixture(params=["iut", "campus"])
def model(request):
    return classroom(path=CLASSES / f"{request.param}.toml")


def test_init_script_of_the_report_server_sets_addresses_route_and_forwarding():
    lines = render_init_script(IUT.host("s54")).splitlines()
    assert lines[0] == "#!/bin/sh"
    assert "ip addr replace 10.254.54.1/16 dev s54-eth0" in lines
    assert "ip addr replace 10.54.1.1/24 dev s54-eth1" in lines
    assert "ip addr replace 10.54.2.1/24 dev s54-eth2" in lines
    assert "ip route replace default via 10.254.0.254" in lines
    assert any(line.startswith("echo 1 > /proc/sys/net/ipv4/ip_forward") for line in lines)


def test_init_script_of_the_report_client_does_not_forward():
    script = render_init_script(IUT.host("d54"))
    assert "ip route replace default via 10.54.2.1" in script
    assert "echo 0 > /proc/sys/net/ipv4/ip_forward" in script
    assert 'echo "nameserver 10.254.0.254" > /etc/resolv.conf' in script


def test_init_script_of_stp_routes_each_bench_through_its_server():
    script = render_init_script(IUT.host("stp"))
    assert "ip route replace 10.53.0.0/16 via 10.254.53.1" in script
    assert "ip route replace 10.54.0.0/16 via 10.254.54.1" in script


def test_every_host_script_sets_what_the_model_says(model):
    for spec in model.hosts:
        lines = render_init_script(spec).splitlines()
        for interface in spec.interfaces:
            assert f"ip addr replace {interface.address} dev {interface.name}" in lines
        for route in spec.routes:
            assert f"ip route replace {route.destination} via {route.via}" in lines
        assert f"echo {int(spec.forwarding)} > /proc/sys/net/ipv4/ip_forward" in "\n".join(lines)
        assert lines[-1] == f'echo "nameserver {model.instructor.ip}" > /etc/resolv.conf'


def test_the_instructor_routes_every_client_lan_of_the_other_class():
    campus = classroom(path=CLASSES / "campus.toml")
    script = render_init_script(campus.instructor)
    for bench in campus.benches:
        for key in campus.client_keys():
            assert (f"ip route replace {campus.lan_prefix(bench, key)} "
                    f"via {campus.server(bench).ip}") in script


def test_private_views_overlay_etc_var_root_home_and_hide_the_rest(model):
    name = model.server(model.benches[-1]).name
    host_dir = f"/run/classlab/hosts/{name}"
    script = private_views_script(name, host_dir)
    assert (f"mount -t overlay overlay -o lowerdir=/etc,upperdir={host_dir}/stage/etc,"
            f"workdir={host_dir}/stage-work/etc /etc") in script
    assert f"lowerdir=/var,upperdir={host_dir}/stage/var" in script
    for private in ("/root", "/home"):  # the machine's own are never seen
        assert f"lowerdir={host_dir}/empty,upperdir={host_dir}/stage{private}," in script
    for private in ("/run", "/tmp"):
        assert f"tmpfs {private}\n" in script
    assert f"hostname {name}\n" in script
    assert script.index("/etc\n") < script.index(f"echo {name} > /etc/hostname")
