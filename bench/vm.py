"""The instructor VM's numbers: image size, build time, boot to login, mx_delivery inside.

    sudo /usr/bin/python3 bench/vm.py            a build (the cached package tarball reused),
                                                 then two boots of the built image
    sudo /usr/bin/python3 bench/vm.py --cold     first removes the cached tarball: a first build

Every boot has no network device and runs on a copy-on-write layer (the image is not
changed); qemu is stopped by its PID when a boot ends or fails. Prints a table and writes
results/vm-bench.json.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools" / "vm"))

import qemu  # noqa: E402
import vmtest  # noqa: E402

PYTHON = "/usr/bin/python3"
VM_DIR = REPO / "build" / "vm"
IMAGE = VM_DIR / "classlab.qcow2"


def build(cold):
    if cold:
        shutil.rmtree(VM_DIR / "cache", ignore_errors=True)
    began = time.monotonic()
    answer = subprocess.run([PYTHON, str(REPO / "tools" / "vm" / "build.py")], cwd=REPO,
                            capture_output=True, text=True)
    if answer.returncode != 0:
        raise SystemExit(f"bench/vm.py: the build failed: {answer.stderr.strip()[-500:]}")
    phases = {name: float(seconds) for name, seconds in
              re.findall(r"^\[vm\] (\w+) done in ([\d.]+) s", answer.stdout, re.M)}
    return {"build_s": time.monotonic() - began, "cold": cold, "phases_s": phases}


def sizes():
    info = json.loads(subprocess.run(["qemu-img", "info", "--output=json", str(IMAGE)],
                                     check=True, capture_output=True, text=True).stdout)
    return {"qcow2_bytes": IMAGE.stat().st_size, "virtual_bytes": info["virtual-size"]}


def boot_to_login(deadline_s=300):
    work = VM_DIR / "bench"
    shutil.rmtree(work, ignore_errors=True)
    layer = qemu.overlay(IMAGE, work / "overlay.qcow2")
    with qemu.Machine([layer], work) as machine:
        machine.start()
        seconds = machine.wait_console("classlab login:", deadline_s)
        return {"boot_to_login_s": seconds, "accelerator": machine.accel_note}


def mx_delivery_inside():
    outcome = vmtest.run_test(IMAGE, scenarios=("mx_delivery",), quiet=True, deadline=1200)
    if not outcome["passed"]:
        raise SystemExit("bench/vm.py: mx_delivery failed inside the VM (see above)")
    (_, _, seconds), = outcome["results"]
    return {"mx_delivery_inside_s": seconds, "boot_to_test_unit_s": outcome["boot_s"],
            "mx_delivery_run_total_s": outcome["total_s"]}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/vm.py", description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="remove the package cache first")
    parser.add_argument("--no-build", action="store_true", help="measure the image already built")
    options = parser.parse_args(argv)
    numbers = {}
    if not options.no_build:
        numbers.update(build(options.cold))
    numbers.update(sizes())
    numbers.update(boot_to_login())
    numbers.update(mx_delivery_inside())
    (REPO / "results").mkdir(exist_ok=True)
    (REPO / "results" / "vm-bench.json").write_text(json.dumps(numbers, indent=2) + "\n")
    print_table(numbers)
    return 0


def print_table(numbers):
    rows = []
    if "build_s" in numbers:
        kind = "first build (no cache)" if numbers["cold"] else "build, package tarball cached"
        phases = ", ".join(f"{name} {seconds:.0f}" for name, seconds in numbers["phases_s"].items())
        rows.append((f"sudo make vm: {kind}", f"{numbers['build_s']:.0f} s ({phases})"))
    rows += [
        ("build/vm/classlab.qcow2", f"{numbers['qcow2_bytes'] / 1024 ** 3:.2f} GiB "
                                    f"(disk {numbers['virtual_bytes'] / 1024 ** 3:.0f} GiB)"),
        ("boot to the login prompt (serial console)", f"{numbers['boot_to_login_s']:.1f} s"),
        ("mx_delivery.py inside the VM", f"{numbers['mx_delivery_inside_s']:.1f} s"),
        ("make vm-test-like run of mx_delivery alone (boot, run, power off)",
         f"{numbers['mx_delivery_run_total_s']:.0f} s"),
        ("accelerator", numbers["accelerator"]),
    ]
    width = max(len(what) for what, _ in rows)
    for what, value in rows:
        print(f"{what:<{width}}  {value}")


if __name__ == "__main__":
    sys.exit(main())
