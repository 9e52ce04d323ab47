"""`reboot -f`, `halt -f` typed in a host end that host's PID namespace, not the machine: the
other hosts run on, and the lab still leaves nothing behind."""

import pytest

from tests.integration.conftest import class_files, leftovers


def commands_in(lab, host):
    return lab.cmd(host, "ps -e -o comm=").split()


@pytest.mark.parametrize("command", ["reboot -f", "halt -f"])
def test_a_forced_reboot_ends_that_host_alone(command):
    from lab.command.compose import build_lab
    from topologies.model import classroom
    model = classroom(path=class_files()[0])
    bench = model.benches[-1]
    seat, server = model.seat(bench), model.server(bench)
    with build_lab(model, say=lambda _line: None) as lab:
        said = lab.cmd(seat.name, command)
        assert f"{seat.name} has stopped" in said
        other = model.seat(model.neighbour(bench))
        assert " 0% packet loss" in lab.cmd(other.name, f"ping -c 1 -W 2 {model.instructor.ip}")
        assert "master" in commands_in(lab, server.name)
    assert leftovers() == []
