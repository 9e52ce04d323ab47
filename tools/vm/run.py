"""`make vm-run`: boot the instructor VM in this terminal (serial console) or in a window.

    make vm-run                    serial console here (Ctrl-A X quits qemu), no network device
    make vm-run WINDOW=yes         a window too (needs a display)
    make vm-run SNAPSHOT=yes       changes are thrown away when qemu stops

Says which accelerator it uses (KVM where a real one is loaded, software emulation otherwise).
qemu is stopped by its PID when this command ends, also on Ctrl-C.
"""

import argparse
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import qemu  # noqa: E402
import vmspec  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make vm-run", description=__doc__.splitlines()[0])
    parser.add_argument("--image", type=Path, default=vmspec.REPO / "build" / "vm" / "classlab.qcow2")
    parser.add_argument("--window", action="store_true")
    parser.add_argument("--snapshot", action="store_true")
    options = parser.parse_args(argv)
    if not options.image.exists():
        print(f"make vm-run: no image {options.image}; build it first: sudo make vm", file=sys.stderr)
        return 2
    if options.window and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print("make vm-run: WINDOW=yes needs a display (DISPLAY is not set)", file=sys.stderr)
        return 2
    work = options.image.parent / "run"
    disk = options.image
    work.mkdir(parents=True, exist_ok=True)
    if options.snapshot:
        disk = qemu.overlay(options.image, work / "snapshot.qcow2")
    # no network device: a lab VM never reaches the machine's network (add one in your own
    # hypervisor if you want apt inside)
    machine = qemu.Machine([disk], work, serial="stdio",
                           display="gtk" if options.window else "none")
    print(f"[vm-run] {disk.name}: {machine.accel_note}; {machine.cpus} vCPUs, "
          f"{machine.memory_mib} MiB; no network device; Ctrl-A X quits", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with machine:
        machine.start(foreground=True)
        try:
            machine.process.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
