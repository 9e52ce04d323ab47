"""Containment: while a whole scenario runs, no lab packet shows on the machine's own
interfaces and the machine's routes stay as they were. On each class file: their address
plans differ, and so does the capture filter (every network of the class's model)."""

import socket
import subprocess

import pytest

from evidence.capture import Capture, CaptureSpec
from evidence.dissect import count_frames
from tests.integration.conftest import PYTHON, REPO, class_files, leftovers, machine_view
from topologies.model import classroom


CONTROL = ("127.0.0.2", 9)


class Machine:
    """The machine's own namespace, seen through the calls Capture makes on a host."""
    name = "machine"

    def popen(self, command, **options):
        return subprocess.Popen(command, **options)

    def program_pid(self, process):
        return process.pid

    def cmd(self, command):
        return subprocess.run(command, shell=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("path", class_files(), ids=lambda path: path.stem)
def test_a_full_scenario_leaves_nothing_on_the_machine_network(tmp_path, path):
    before = machine_view()
    networks = classroom(path=path).lab_networks()
    lab_ranges = " or ".join(f"net {prefix}" for prefix in networks)
    pcap = tmp_path / "machine.pcapng"
    # the control datagram, sent on loopback at the end, shows that the capture was live
    spec = CaptureSpec("machine", "any", f"({lab_ranges}) or (udp and host {CONTROL[0]})",
                       until=(f"ip.dst == {CONTROL[0]}", 1))
    capture = Capture(Machine(), spec, pcap).start()
    try:
        result = subprocess.run([PYTHON, "scenarios/mx_delivery.py", "--class", str(path)], cwd=REPO,
                                capture_output=True, text=True, timeout=300)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as control:
            control.sendto(b"end of the scenario", CONTROL)
    finally:
        capture.stop()
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert count_frames(pcap, f"ip.dst == {CONTROL[0]}") == 1
    lab_frames = " or ".join(f"ip.addr == {prefix}" for prefix in networks)
    assert count_frames(pcap, lab_frames) == 0
    assert machine_view() == before
    assert leftovers() == []
