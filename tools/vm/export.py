"""`make vm-export`: the instructor VM in the formats instructors use.

    build/vm/classlab.ova   VirtualBox, VMware: OVF 1.0 descriptor, SHA1 manifest,
                            streamOptimized VMDK on an IDE controller, no network device
    build/vm/classlab.box   Vagrant, libvirt provider: box.img (qcow2), metadata.json, Vagrantfile

The descriptor is checked twice: xmllint (well-formed XML) and COT, the Common OVF Tool
(PyPI's `cot`, installed in build/vm/cot-venv when missing), which reads the package,
checks its manifest, references and hardware; any ERROR it prints fails the export.
Both files are written under a temporary name and renamed when complete.
"""

import argparse
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ovf  # noqa: E402
import vmspec  # noqa: E402

NAME = "classlab"
ANNOTATION = ("Log in as instructor (password: instructor), then: cd /opt/classlab && "
              "sudo make lab. The lab needs no network.")
BOX_VAGRANTFILE = """\
# The classlab instructor VM as a Vagrant box (libvirt). The image has the account
# `instructor` (password `instructor`); Vagrant replaces the password by its own key.
Vagrant.configure("2") do |config|
  config.ssh.username = "instructor"
  config.ssh.password = "instructor"
  config.ssh.insert_key = true
  config.vm.provider :libvirt do |libvirt|
    libvirt.driver = "kvm"
    libvirt.cpus = 2
    libvirt.memory = 3072
    libvirt.disk_bus = "virtio"
  end
end
"""


class ExportFailed(Exception):
    pass


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make vm-export", description=__doc__.splitlines()[0])
    parser.add_argument("--image", type=Path, default=vmspec.REPO / "build" / "vm" / "classlab.qcow2")
    options = parser.parse_args(argv)
    if not options.image.exists():
        print(f"make vm-export: no image {options.image}; build it first: sudo make vm", file=sys.stderr)
        return 2
    out = options.image.parent
    try:
        began = time.monotonic()
        ova = write_ova(options.image, out / f"{NAME}.ova")
        print(f"[vm-export] {ova} ({ova.stat().st_size / 1024 ** 3:.2f} GiB) in "
              f"{time.monotonic() - began:.0f} s", flush=True)
        began = time.monotonic()
        box = write_box(options.image, out / f"{NAME}.box")
        print(f"[vm-export] {box} ({box.stat().st_size / 1024 ** 3:.2f} GiB) in "
              f"{time.monotonic() - began:.0f} s", flush=True)
    except ExportFailed as error:
        print(f"make vm-export: {error}", file=sys.stderr)
        return 1
    return 0


def virtual_size(image):
    info = subprocess.run(["qemu-img", "info", "--output=json", str(image)], check=True,
                          capture_output=True, text=True).stdout
    return json.loads(info)["virtual-size"]


def version():
    answer = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=vmspec.REPO,
                            capture_output=True, text=True)
    return answer.stdout.strip() or "unknown"


def write_ova(image, target):
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".ova-") as work:
        work = Path(work)
        disk_name = f"{NAME}-disk1.vmdk"
        disk = work / disk_name
        print("[vm-export] converting to a streamOptimized VMDK ...", flush=True)
        subprocess.run(["qemu-img", "convert", "-O", "vmdk", "-o",
                        "subformat=streamOptimized,adapter_type=ide", str(image), str(disk)],
                       check=True)
        descriptor = ovf.descriptor(NAME, disk_name, disk.stat().st_size, virtual_size(image),
                                    version=version(), annotation=ANNOTATION)
        (work / f"{NAME}.ovf").write_text(descriptor)
        (work / f"{NAME}.mf").write_text(ovf.manifest({f"{NAME}.ovf": work / f"{NAME}.ovf",
                                                      disk_name: disk}))
        partial = target.with_name(target.name + ".part")
        # The descriptor first, as the OVF specification asks, then the manifest, the disk.
        with tarfile.open(partial, "w", format=tarfile.USTAR_FORMAT) as archive:
            for name in (f"{NAME}.ovf", f"{NAME}.mf", disk_name):
                archive.add(work / name, arcname=name)
        try:
            validate(work / f"{NAME}.ovf", partial)
        except ExportFailed:
            partial.unlink()
            raise
        partial.rename(target)
    return target


def validate(descriptor, package):
    if shutil.which("xmllint"):
        answer = subprocess.run(["xmllint", "--noout", "--nonet", str(descriptor)],
                                capture_output=True, text=True)
        if answer.returncode != 0:
            raise ExportFailed(f"the OVF descriptor is not well-formed XML: {answer.stderr.strip()}")
    cot = cot_command()
    answer = subprocess.run([*cot, "info", str(package)], capture_output=True, text=True)
    problems = [line for line in answer.stderr.splitlines() if "ERROR" in line or "CRITICAL" in line]
    if answer.returncode != 0 or problems:
        raise ExportFailed("COT rejects the OVA: " + (" ".join(problems) or answer.stderr.strip()))
    print("[vm-export] OVF descriptor validated: xmllint (well-formed), COT `cot info` "
          "(manifest, references, hardware: no error)", flush=True)


def cot_command(venv=vmspec.REPO / "build" / "vm" / "cot-venv"):
    """COT, the Common OVF Tool, from PyPI into a private venv (the machine's Python untouched)."""
    cot = venv / "bin" / "cot"
    if not cot.exists():
        print("[vm-export] installing COT (the Common OVF Tool) into build/vm/cot-venv ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        answer = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "cot==2.2.1"],
                                capture_output=True, text=True)
        if answer.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            last = (answer.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise ExportFailed(f"could not install COT from PyPI to validate the OVF: {last}")
    return [str(cot), "--force", "--quiet"]


def write_box(image, target):
    """A Vagrant libvirt box: a tar.gz of box.img, metadata.json, Vagrantfile."""
    partial = target.with_name(target.name + ".part")
    size_gib = -(-virtual_size(image) // 1024 ** 3)
    metadata = json.dumps({"provider": "libvirt", "format": "qcow2", "virtual_size": size_gib})
    with tarfile.open(partial, "w:gz", compresslevel=1) as archive:
        for name, text in (("metadata.json", metadata), ("Vagrantfile", BOX_VAGRANTFILE)):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
            archive.addfile(info, fileobj=io.BytesIO(data))
        archive.add(image, arcname="box.img")
    partial.rename(target)
    return target


if __name__ == "__main__":
    sys.exit(main())
