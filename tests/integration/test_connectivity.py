"""The report's connectivity transcripts, in a real lab of each class file: ttl=64, then 63,
then across benches; every name and address from the class model."""

import re

from scenarios import connectivity
from tests.integration.conftest import gateway
from topologies.init_script import SCRIPT_PATH


def test_every_connectivity_step_passes(lab, played):
    for section in connectivity.sections(lab.model, played.number):
        for step in section.steps:
            result = step.run(lab)
            assert result.passed, f"{step.host}$ {step.command}\n{result.output}\n{result.problems}"


def test_report_transcript_seat_to_server_then_instructor(lab, played):
    model = lab.model
    server_address = model.address(played.number, played.server.key, on=model.client_keys()[0])
    direct = lab.cmd(played.seat.name, f"ping -c 3 {server_address}")
    assert re.findall(r"ttl=(\d+)", direct) == ["64", "64", "64"]
    assert "3 packets transmitted, 3 received, 0% packet loss" in direct
    through_server = lab.cmd(played.seat.name, f"ping -c 3 {model.instructor.ip}")
    assert re.findall(r"ttl=(\d+)", through_server) == ["63", "63", "63"]


def test_servers_forward_and_clients_do_not(lab, played):
    hosts = [lab.model.instructor, played.server, played.seat,
             lab.model.bench_host(played.neighbour.number, lab.model.client_keys()[0])]
    for host in hosts:
        expected = "1" if host.forwarding else "0"
        assert lab.cmd(host.name, "cat /proc/sys/net/ipv4/ip_forward").strip() == expected, host.name
    assert [h.forwarding for h in hosts] == [True, True, False, False]


def test_init_machine_script_is_there_for_students(lab, played):
    script = lab.cmd(played.server.name, f"cat {SCRIPT_PATH}")
    seat_lan = next(i for i in played.server.interfaces if i.ip == gateway(played.seat))
    assert f"ip addr replace {seat_lan.address} dev {seat_lan.name}" in script
    assert "echo 1 > /proc/sys/net/ipv4/ip_forward" in script


def test_routes_of_the_instructor_go_through_each_server(lab):
    routes = lab.cmd(lab.model.instructor.name, "ip -4 route")
    for bench in lab.model.benches:
        server = lab.model.server(bench).ip
        lans = [r.destination for r in lab.model.instructor.routes if r.via == server]
        assert lans, f"no route through {server} in the model"
        for lan in lans:
            assert f"{lan} via {server}" in routes, f"{lan} via {server}\n{routes}"


def test_every_host_reaches_every_other(lab):
    for source in lab.model.hosts:
        for target in lab.model.hosts:
            if source is not target:
                output = lab.cmd(source.name, f"ping -c 1 -W 2 {target.ip}")
                assert " 0% packet loss" in output, f"{source.name} -> {target.name}\n{output}"
