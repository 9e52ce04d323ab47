"""`make vm-test`: boot the instructor VM from its own disk, with no network device, run
scenarios inside it, and read the transcript and exit codes back.

    1. a copy-on-write layer over build/vm/classlab.qcow2 (the image stays as built)
    2. a small second disk labelled CLASSLABTEST holding job.sh; GRUB sees the label and
       boots the test entry, whose systemd unit runs job.sh from /opt/classlab as root
    3. qemu runs until the guest powers off (a deadline, then qemu is stopped by its PID)
    4. debugfs reads out/log, out/results and out/rc from the second disk (no mount)

Fails (exit 1) unless every scenario exits 0; exit 2 for bad input (no image, a tool missing).
`--full` runs the whole `make test` inside instead (make vm-test-full).
"""

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import qemu  # noqa: E402
import vmspec  # noqa: E402

REPO = vmspec.REPO
SCENARIOS = ("connectivity", "dns_lookup", "mx_delivery")
SCENARIO_TIMEOUT_S = 900


def job_script(scenarios=SCENARIOS, full=False, steps=None):
    """job.sh: what the VM runs; one `name exit-code seconds` line per step in $OUT/results."""
    lines = ["#!/bin/bash", "# written by tools/vm/vmtest.py; run by classlab-vmtest inside the VM",
             "cd /opt/classlab", "status=0",
             "step() {",
             '    local name=$1; shift',
             '    echo "=== vm-test: $name: $*"',
             '    local began=$(date +%s.%N)',
             f'    timeout {SCENARIO_TIMEOUT_S if not full else 4 * 3600} "$@"',
             '    local rc=$?',
             '    local ended=$(date +%s.%N)',
             '    echo "$name $rc $(awk "BEGIN{printf \\"%.1f\\", $ended - $began}")" >> "$OUT/results"',
             '    echo "=== vm-test: $name: exit code $rc"',
             '    [ "$rc" -eq 0 ] || status=1',
             "}"]
    if steps:
        lines += [f"step {name} {command}" for name, command in steps]
    elif full:
        lines.append("step make-test make test")
    else:
        lines += [f"step {name} /usr/bin/python3 scenarios/{name}.py" for name in scenarios]
    lines.append("exit $status")
    return "\n".join(lines) + "\n"


def parse_results(text):
    """[(name, exit code, seconds)] from out/results."""
    results = []
    for line in text.splitlines():
        name, code, seconds = line.split()
        results.append((name, int(code), float(seconds)))
    return results


def make_test_disk(path, job, files=()):
    with open(path, "wb"):
        pass  # mkfs.ext4 is quiet about a file that exists
    with tempfile.TemporaryDirectory() as content:
        (Path(content) / "job.sh").write_text(job)
        for extra in files:
            shutil.copy(extra, Path(content) / Path(extra).name)
        (Path(content) / "out").mkdir()
        subprocess.run(["mkfs.ext4", "-q", "-F", "-L", vmspec.TEST_LABEL, "-d", content,
                        str(path), "256M"], check=True)


def read_back(disk, name):
    answer = subprocess.run(["debugfs", "-R", f"cat /out/{name}", str(disk)],
                            capture_output=True, text=True)
    return answer.stdout if answer.returncode == 0 else ""


class ConsoleFollower:
    """Prints the serial console's new lines while the VM runs (the progress)."""

    def __init__(self, path, stream=sys.stdout):
        self.path, self.stream, self.offset = path, stream, 0

    def __call__(self):
        if not self.path.exists():
            return
        with open(self.path, "rb") as console:
            console.seek(self.offset)
            chunk = console.read()
        end = chunk.rfind(b"\n") + 1
        if end:
            self.offset += end
            for line in chunk[:end].decode(errors="replace").splitlines():
                self.stream.write("  | " + line.rstrip("\r") + "\n")
            self.stream.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make vm-test", description=__doc__.splitlines()[0])
    parser.add_argument("--image", type=Path, default=REPO / "build" / "vm" / "classlab.qcow2")
    parser.add_argument("--full", action="store_true", help="run the whole `make test` inside")
    parser.add_argument("--deadline", type=float, default=None, help="seconds (default 1800; 10800 with --full)")
    parser.add_argument("--quiet", action="store_true", help="do not echo the VM's console")
    options = parser.parse_args(argv)
    for tool in ("qemu-system-x86_64", "qemu-img", "debugfs", "mkfs.ext4"):
        if shutil.which(tool) is None:
            print(f"make vm-test: {tool} is missing (sudo apt-get install qemu-system-x86 qemu-utils e2fsprogs)",
                  file=sys.stderr)
            return 2
    if not options.image.exists():
        print(f"make vm-test: no image {options.image}; build it first: sudo make vm", file=sys.stderr)
        return 2
    deadline = options.deadline or (10800 if options.full else 1800)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds: qemu is stopped
    outcome = run_test(options.image, options.full, deadline, options.quiet)
    return 0 if outcome["passed"] else 1


def run_test(image, full=False, deadline=1800, quiet=False, scenarios=SCENARIOS):
    work = image.parent / ("test-full" if full else "test-quick")  # runs of both kinds may overlap
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    disk = work / "results.img"
    make_test_disk(disk, job_script(scenarios, full))
    layer = qemu.overlay(image, work / "overlay.qcow2")
    began = time.monotonic()
    with qemu.Machine([layer, disk], work) as machine:
        print(f"[vm-test] booting {image.name} from its own disk, no network device; "
              f"{machine.accel_note}; {machine.cpus} vCPUs, {machine.memory_mib} MiB", flush=True)
        machine.start()
        follow = None if quiet else ConsoleFollower(machine.console)
        try:
            machine.wait(deadline, progress=follow)
        except qemu.QemuFailed as error:
            print(f"[vm-test] {error}; qemu stopped (PID {machine.process.pid})", file=sys.stderr)
        if follow:
            follow()
    total = time.monotonic() - began
    results = parse_results(read_back(disk, "results"))
    log, code, boot = read_back(disk, "log"), read_back(disk, "rc").strip(), read_back(disk, "boot").strip()
    print("[vm-test] transcript read back from the VM (out/log):")
    print(log.rstrip() or "  (empty: the run did not start or wrote nothing)")
    expected = ["make-test"] if full else list(scenarios)
    passed = (code == "0" and [name for name, *_ in results] == expected
              and all(rc == 0 for _, rc, _ in results))
    print("[vm-test] summary:")
    for name, rc, seconds in results:
        print(f"  {'PASS' if rc == 0 else 'FAIL'}  {name:14s} exit code {rc}  {seconds:.1f} s inside the VM")
    for name in expected[len(results):]:
        print(f"  FAIL  {name:14s} did not run")
    print(f"  boot to the test unit: {boot or '?'} s (guest uptime); whole run: {total:.0f} s")
    good = sum(rc == 0 for _, rc, _ in results)
    print(f"[vm-test] {'PASSED' if passed else 'FAILED'}")
    print(f"vm-test: {good} passed, {len(expected) - good} failed")
    return {"passed": passed, "results": results, "boot_s": float(boot) if boot else None,
            "total_s": total, "job_rc": code}


if __name__ == "__main__":
    sys.exit(main())
