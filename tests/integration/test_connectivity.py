"""The report's connectivity transcripts, in a real lab: ttl=64, then 63, then across benches."""

import re

from scenarios import connectivity


def test_every_connectivity_step_passes(lab):
    for section in connectivity.sections(lab.model, 54):
        for step in section.steps:
            result = step.run(lab)
            assert result.passed, f"{step.host}$ {step.command}\n{result.output}\n{result.problems}"


def test_report_transcript_d54_to_s54_then_stp(lab):
    direct = lab.cmd("d54", "ping -c 3 10.54.1.1")
    assert re.findall(r"ttl=(\d+)", direct) == ["64", "64", "64"]
    assert "3 packets transmitted, 3 received, 0% packet loss" in direct
    through_s54 = lab.cmd("d54", "ping -c 3 10.254.0.254")
    assert re.findall(r"ttl=(\d+)", through_s54) == ["63", "63", "63"]


def test_servers_forward_and_clients_do_not(lab):
    for name, expected in (("s54", "1"), ("stp", "1"), ("d54", "0"), ("g53", "0")):
        assert lab.cmd(name, "cat /proc/sys/net/ipv4/ip_forward").strip() == expected, name


def test_init_machine_script_is_there_for_students(lab):
    script = lab.cmd("s54", "cat /root/init_machine.sh")
    assert "ip addr replace 10.54.2.1/24 dev s54-eth2" in script
    assert "echo 1 > /proc/sys/net/ipv4/ip_forward" in script


def test_routes_of_stp_go_through_each_server(lab):
    routes = lab.cmd("stp", "ip -4 route")
    assert "10.53.0.0/16 via 10.254.53.1" in routes
    assert "10.54.0.0/16 via 10.254.54.1" in routes


def test_every_host_reaches_every_other(lab):
    for source in lab.model.hosts:
        for target in lab.model.hosts:
            if source is not target:
                output = lab.cmd(source.name, f"ping -c 1 -W 2 {target.ip}")
                assert " 0% packet loss" in output, f"{source.name} -> {target.name}\n{output}"


