"""Booting the instructor VM with qemu, and stopping it by its PID whatever happens.

    accelerator()   KVM where a real one is loaded (kvm_intel, kvm_amd), qemu's software
                    emulation (TCG) otherwise, with the reason
    Machine         one qemu process: its disks, no network device, serial console to a file or the terminal, a monitor
                    socket (screendump); a context manager that stops qemu by its PID on
                    leaving, on Ctrl-C and on failure
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

MEMORY_MIB = 3072
CPUS = 2


def accelerator(modules="/proc/modules"):
    """(qemu arguments, a sentence saying which accelerator and why)."""
    loaded = set()
    try:
        loaded = {line.split()[0] for line in Path(modules).read_text().splitlines()}
    except OSError:
        pass
    real_kvm = {"kvm_intel", "kvm_amd"} & loaded
    if real_kvm and os.access("/dev/kvm", os.R_OK | os.W_OK):
        return (["-accel", "kvm", "-cpu", "host"],
                f"KVM ({sorted(real_kvm)[0]} is loaded)")
    why = ("/dev/kvm is absent" if not os.path.exists("/dev/kvm")
           else "/dev/kvm is not a hardware KVM (no kvm_intel or kvm_amd module)")
    return (["-accel", "tcg,thread=multi", "-cpu", "max"],
            f"software emulation (TCG): {why}")


class QemuFailed(Exception):
    pass


class Machine:
    """A VM booted from its own disk (no -kernel): the bootloader inside the image boots it."""

    def __init__(self, disks, workdir, serial="file", display="none",
                 memory_mib=MEMORY_MIB, cpus=CPUS, extra=()):
        self.extra = list(extra)
        self.disks, self.workdir = [Path(d) for d in disks], Path(workdir)
        self.serial_mode, self.display = serial, display
        self.memory_mib, self.cpus = memory_mib, cpus
        self.console = self.workdir / "console.log"
        self.monitor_path = self.workdir / "monitor.sock"
        self.process = None
        self.accel_arguments, self.accel_note = accelerator()

    def command(self):
        qemu = shutil.which("qemu-system-x86_64") or "qemu-system-x86_64"
        arguments = [qemu, "-name", "classlab", *self.accel_arguments,
                     "-smp", str(self.cpus), "-m", str(self.memory_mib),
                     "-no-reboot", "-boot", "c",
                     "-monitor", f"unix:{self.monitor_path},server,nowait"]
        # A lab VM never touches the machine's network: no network device at all.
        arguments += ["-nic", "none"]
        for index, disk in enumerate(self.disks):
            fmt = "qcow2" if disk.suffix == ".qcow2" else "raw"
            arguments += ["-drive", f"file={disk},if=virtio,format={fmt},index={index}"]
        if self.serial_mode == "file":
            arguments += ["-serial", f"file:{self.console}"]
        else:
            arguments += ["-serial", "mon:stdio"]
        arguments += self.extra
        if self.display == "none":
            arguments += ["-display", "none", "-vga", "std"]
        else:
            arguments += ["-display", self.display, "-vga", "std"]
        return arguments

    def start(self, foreground=False):
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.monitor_path.unlink(missing_ok=True)
        self.console.unlink(missing_ok=True)
        stdio = {} if foreground else {"stdin": subprocess.DEVNULL,
                                       "stdout": subprocess.DEVNULL,
                                       "stderr": open(self.workdir / "qemu.err", "w")}
        self.process = subprocess.Popen(self.command(), **stdio)
        self.started = time.monotonic()
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def running(self):
        return self.process is not None and self.process.poll() is None

    def wait(self, deadline_s, what="the VM to power off", progress=None):
        """Wait until qemu exits by itself (the guest powered off), at most deadline_s."""
        end = time.monotonic() + deadline_s
        while self.running():
            if time.monotonic() >= end:
                raise QemuFailed(f"{what} took longer than {deadline_s:.0f} s")
            if progress:
                progress()
            try:
                self.process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        return self.process.returncode

    def wait_console(self, text, deadline_s):
        """Seconds from start until `text` appears on the serial console (polled)."""
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if self.console.exists() and text.encode() in self.console.read_bytes():
                return time.monotonic() - self.started
            if not self.running():
                raise QemuFailed(f"qemu stopped before {text!r} appeared on the console")
            try:
                self.process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
        raise QemuFailed(f"{text!r} did not appear on the console within {deadline_s:.0f} s")

    def monitor(self, command, deadline_s=30):
        """Send one command to qemu's monitor; its answer."""
        end = time.monotonic() + deadline_s
        while not self.monitor_path.exists():
            if time.monotonic() >= end or not self.running():
                raise QemuFailed("qemu's monitor socket did not appear")
            time.sleep(0.1)
        with socket.socket(socket.AF_UNIX) as connection:
            connection.settimeout(deadline_s)
            connection.connect(str(self.monitor_path))
            answer = b""
            connection.sendall(command.encode() + b"\n")
            while not answer.rstrip().endswith(b"(qemu)") or answer.count(b"(qemu)") < 2:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                answer += chunk
            return answer.decode(errors="replace")

    def stop(self, grace_s=10):
        """Stop our qemu by its PID: SIGTERM, then SIGKILL after grace_s. Safe to call twice."""
        if not self.running():
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()


def overlay(base, path):
    """A copy-on-write layer over the image, so a test run leaves the image as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2",
                    "-b", str(Path(base).resolve()), str(path)], check=True)
    return path
