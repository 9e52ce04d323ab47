"""Containment: while a whole scenario runs, no lab packet shows on the machine's own
interfaces and the machine's routes stay as they were."""

import socket
import subprocess

from evidence.capture import Capture, CaptureSpec
from evidence.dissect import count_frames
from tests.integration.conftest import PYTHON, REPO, leftovers, machine_view
from topologies.model import classroom, lab_networks


CONTROL = ("127.0.0.2", 9)


class Machine:
    """The machine's own namespace, seen through the two calls Capture makes on a host."""
    name = "machine"

    def popen(self, command, **options):
        return subprocess.Popen(command, **options)

    def cmd(self, command):
        return subprocess.run(command, shell=True, capture_output=True, text=True).stdout


def test_a_full_scenario_leaves_nothing_on_the_machine_network(tmp_path):
    before = machine_view()
    networks = lab_networks(classroom((53, 54)))
    lab_ranges = " or ".join(f"net {prefix}" for prefix in networks)
    pcap = tmp_path / "machine.pcapng"
    # the control datagram, sent on loopback at the end, shows that the capture was live
    spec = CaptureSpec("machine", "any", f"({lab_ranges}) or (udp and host {CONTROL[0]})",
                       until=(f"ip.dst == {CONTROL[0]}", 1))
    capture = Capture(Machine(), spec, pcap).start()
    try:
        result = subprocess.run([PYTHON, "scenarios/mx_delivery.py"], cwd=REPO,
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
