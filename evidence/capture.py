"""Packet captures inside the lab: dumpcap (Wireshark's capture engine) in a host's
namespace, the pcapng file on the machine.

    CaptureSpec(host, interface, bpf, until, show)   what a scenario section records:
                 `until` is (tshark display filter, count): the capture stops once that
                 many matching frames are in the file (e.g. both FINs of an SMTP session);
                 `show` lists what the runner presents from it: "dns" (dissections),
                 "smtp" (the ladder)
    Capture(host_node, spec, path)   .start() returns once dumpcap is capturing;
                                     .stop() once `until` is met, then dumpcap exits

Nothing is sent: dumpcap only listens, on an interface inside the lab.
"""

import fcntl
import os
import subprocess
from dataclasses import dataclass

from evidence.dissect import count_frames
from lab.base.errors import LabError
from lab.base.processes import record_process, stop_process
from lab.base.waiting import wait_until


@dataclass(frozen=True)
class CaptureSpec:
    host: str
    interface: str
    bpf: str
    until: tuple = ("frame", 1)
    show: tuple = ("dns",)

    def file_name(self, index):
        return f"{index:02d}-{self.host}-{self.interface}.pcapng"


class Capture:

    def __init__(self, node, spec, path):
        self.node, self.spec, self.path = node, spec, path
        self.process = None
        self._errors = b""

    def start(self):
        self._index = self._interface_index()
        self._output = open(self.path, "wb")
        command = ["dumpcap", "-q", "-i", self.spec.interface, "-f", self.spec.bpf, "-w", "-"]
        self.process = self.node.popen(command, stdout=self._output, stderr=subprocess.PIPE,
                                       stdin=subprocess.DEVNULL)
        fcntl.fcntl(self.process.stderr, fcntl.F_SETFL, os.O_NONBLOCK)
        try:
            self.pid = self.node.program_pid(self.process)  # dumpcap itself (nsenter's child)
        except ProcessLookupError:
            self.pid = None  # it ended at once: _listening reports dumpcap's own message
        wait_until(self._listening, f"dumpcap on {self.spec.host}:{self.spec.interface}", 10)
        return self

    def _listening(self):
        """True once dumpcap's packet socket is bound to the interface and running
        (/proc/PID/net/packet): its "Capturing on" line comes a little too early."""
        self._errors += self.process.stderr.read() or b""
        if self.process.poll() is not None:
            raise LabError(f"{self.spec.host}: dumpcap on {self.spec.interface} failed: "
                           f"{self._errors.decode(errors='replace').strip()}")
        return bool(self._running_sockets() & self._own_sockets())

    def _interface_index(self):
        """The kernel's index of the interface; 0 for "any" (every interface of the namespace)."""
        if self.spec.interface == "any":
            return "0"
        return self.node.cmd(f"ip -o link show {self.spec.interface}").split(":")[0]

    def _own_sockets(self):
        sockets = set()
        for fd in os.listdir(f"/proc/{self.pid}/fd"):
            try:
                target = os.readlink(f"/proc/{self.pid}/fd/{fd}")
            except FileNotFoundError:  # closed meanwhile
                continue
            if target.startswith("socket:["):
                sockets.add(target[8:-1])
        return sockets

    def _running_sockets(self):
        """Inodes of packet sockets bound to the interface and running, in dumpcap's netns."""
        with open(f"/proc/{self.pid}/net/packet") as table:
            rows = [line.split() for line in table.read().splitlines()[1:]]
        return {row[8] for row in rows if row[4] == self._index and row[5] == "1"}

    def stop(self, timeout=15):
        display_filter, wanted = self.spec.until
        try:
            wait_until(lambda: count_frames(self.path, display_filter) >= wanted,
                       f"{wanted} frame(s) '{display_filter}' in {self.path}", timeout)
        finally:
            stop_process(record_process(self.spec.host, "dumpcap", self.pid))
            self.process.wait()
            self._output.close()
