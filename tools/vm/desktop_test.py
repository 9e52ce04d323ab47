"""`make vm-test VARIANT=desktop`: boot the desktop image, no network device, and take
screenshots through qemu's monitor (`screendump`) when the VM asks for them.

The VM runs files/desktop_job.py from the test disk; it writes `SHOT name` on its second
serial port (a unix socket here), this side answers `OK` once build/vm/desktop/NAME.png is
written. Screenshots: `desktop` (logged in, the instructor's terminal), `wireshark`
(Wireshark capturing in S54 while D54 runs `dig s54.tp541.iut`). Look at them.
"""

import shutil
import signal
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import qemu  # noqa: E402
import vmtest  # noqa: E402
import vmspec  # noqa: E402

JOB = Path(__file__).resolve().parent / "files" / "desktop_job.py"


def main(deadline_s=2400):
    image = vmspec.REPO / "build" / "vm" / "classlab-desktop.qcow2"
    if not image.exists():
        print(f"make vm-test: no image {image}; build it: sudo make vm VARIANT=desktop", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = image.parent / "desktop"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    disk = work / "results.img"
    job = vmtest.job_script(steps=[("desktop", '/usr/bin/python3 "$(dirname "$0")/desktop_job.py"')])
    vmtest.make_test_disk(disk, job, files=[JOB])
    layer = qemu.overlay(image, work / "overlay.qcow2")
    channel = work / "shots.sock"
    extra = ["-chardev", f"socket,id=shots,path={channel},server=on,wait=off",
             "-device", "isa-serial,chardev=shots"]
    began = time.monotonic()
    shots = []
    with qemu.Machine([layer, disk], work, extra=extra) as machine:
        print(f"[vm-test desktop] booting {image.name}, no network device; {machine.accel_note}", flush=True)
        machine.start()
        follow = vmtest.ConsoleFollower(machine.console)
        connection = connect(channel, machine)
        buffer, end = b"", time.monotonic() + deadline_s
        while machine.running() and time.monotonic() < end:
            follow()
            try:
                chunk = connection.recv(256)
            except socket.timeout:
                continue
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                words = line.decode(errors="replace").split()
                if len(words) == 2 and words[0] == "SHOT":
                    png = work / f"{words[1]}.png"
                    machine.monitor(f"screendump {png} -f png")
                    shots.append(png)
                    print(f"[vm-test desktop] screenshot {png}", flush=True)
                    connection.sendall(b"OK\n")
        if machine.running():
            machine.wait(max(1, end - time.monotonic()), progress=follow)
        follow()
    results = vmtest.parse_results(vmtest.read_back(disk, "results"))
    passed = results == [(name, 0, seconds) for name, _, seconds in results] and len(results) == 1
    print(f"[vm-test desktop] {'PASSED' if passed else 'FAILED'} in {time.monotonic() - began:.0f} s; "
          f"screenshots: {', '.join(str(p) for p in shots) or 'none'}")
    return 0 if passed else 1


def connect(path, machine, deadline_s=30):
    end = time.monotonic() + deadline_s
    while True:
        try:
            connection = socket.socket(socket.AF_UNIX)
            connection.connect(str(path))
            connection.settimeout(1)
            return connection
        except OSError:
            connection.close()
            if time.monotonic() >= end or not machine.running():
                raise qemu.QemuFailed("qemu's screenshot channel did not open")
            time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main())
