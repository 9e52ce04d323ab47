"""`sudo make vm`: build the instructor VM, build/vm/classlab.qcow2, from Debian's registry.

Phases, each printed with its time:
    packages    mmdebstrap: Debian 12 + tools/install-deps's list + a kernel (cached tarball,
                keyed by the package list: a second build skips this phase)
    root        the tarball unpacked into a work directory
    configure   the project from `git ls-files` into /opt/classlab, the `instructor` account,
                the greeting, the bootloader's menu, the test unit; the machine's own
                bind9 and Postfix disabled
    filesystem  an MBR disk; mkfs.ext4 -d writes the root directory into its partition
                (no loop device, no mount)
    bootloader  GRUB's boot.img in the MBR, core.img before the partition
    qcow2       qemu-img convert, then the image is renamed to its final name

Bad input (not root, too little space, registry unreachable, a tool missing) prints one
line naming the cause and exits 2; nothing is ever left under the final name but a
finished image.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vmspec  # noqa: E402

REPO = vmspec.REPO
FILES = Path(__file__).resolve().parent / "files"
GRUB_DIR = Path("/usr/lib/grub/i386-pc")
DISK_BYTES = 8 * 1024 ** 3
PART_START = 2048  # sectors: 1 MiB, room for GRUB's core.img
MIN_FREE_GIB = float(os.environ.get("VM_MIN_FREE_GIB", "12"))
HOST_TOOLS = {"mmdebstrap": "mmdebstrap", "qemu-img": "qemu-utils", "sfdisk": "fdisk",
              "mkfs.ext4": "e2fsprogs", "grub-mkimage": "grub-pc-bin", "debugfs": "e2fsprogs",
              "qemu-system-x86_64": "qemu-system-x86", "xmllint": "libxml2-utils"}
GRUB_MODULES = ("biosdisk part_msdos ext2 search search_fs_uuid search_label normal linux "
                "configfile echo test serial terminal gzio boot").split()
PASSWORD = "instructor"


class BadInput(Exception):
    """A cause the user can fix: printed as one line, exit code 2."""


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make vm", description=__doc__.splitlines()[0])
    parser.add_argument("--variant", default="base", choices=vmspec.VARIANTS)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "vm")
    parser.add_argument("--source", choices=("worktree", "head"), default="worktree",
                        help="the project as in the working tree (default) or as committed (HEAD)")
    options = parser.parse_args(argv)
    try:
        Build(options.variant, options.out, options.source).run()
    except BadInput as error:
        print(f"make vm: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("make vm: interrupted; no image written", file=sys.stderr)
        return 130
    return 0


def image_name(variant):
    return "classlab.qcow2" if variant == "base" else f"classlab-{variant}.qcow2"


class Build:
    def __init__(self, variant, out, source="worktree"):
        self.variant, self.out, self.source = variant, out, source
        self.cache = out / "cache"
        self.work = out / f"work-{variant}"
        self.root = self.work / "root"
        self.final = out / image_name(variant)
        self.root_uuid = str(uuid.uuid4())
        self.packages = vmspec.package_list(variant)
        self.tarball = (self.cache / f"debian-{vmspec.SUITE}-{variant}-"
                                     f"{vmspec.cache_key(self.packages)}.tar")
        self.began = time.monotonic()

    def run(self):
        self.check()
        print(f"[vm] building {self.final.relative_to(REPO) if self.final.is_relative_to(REPO) else self.final}"
              f" ({self.variant}, {len(self.packages)} packages)", flush=True)
        self.phase("packages", self.packages_tarball)
        self.phase("root", self.unpack)
        self.phase("configure", self.configure)
        self.phase("filesystem", self.filesystem)
        self.phase("bootloader", self.bootloader)
        self.phase("qcow2", self.qcow2)
        shutil.rmtree(self.work, ignore_errors=True)
        size = self.final.stat().st_size / 1024 ** 3
        print(f"[vm] done in {time.monotonic() - self.began:.0f} s: {self.final} ({size:.2f} GiB)",
              flush=True)

    def phase(self, name, action):
        began = time.monotonic()
        print(f"[vm] {name} ...", flush=True)
        note = action()
        print(f"[vm] {name} done in {time.monotonic() - began:.1f} s"
              + (f" ({note})" if note else ""), flush=True)

    # -- bad input ------------------------------------------------------------------------

    def check(self):
        if os.geteuid() != 0:
            raise BadInput("must run as root (sudo make vm): the image's files belong to root")
        self.out.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(self.out).free / 1024 ** 3
        if free < MIN_FREE_GIB:
            raise BadInput(f"too little disk space in {self.out}: {free:.1f} GiB free, "
                           f"{MIN_FREE_GIB:.0f} GiB needed")
        if not self.tarball.exists():
            self.check_registry()
        install_host_tools()

    def check_registry(self):
        url = vmspec.MIRRORS[0].split()[1] + f"/dists/{vmspec.SUITE}/Release"
        try:
            with urllib.request.urlopen(url, timeout=20) as answer:
                answer.read(64)
        except OSError as error:
            raise BadInput(f"Debian's registry is unreachable ({url}: {error})") from None

    # -- phases -------------------------------------------------------------------------

    def packages_tarball(self):
        if self.tarball.exists():
            return f"cached {self.tarball.name}"
        self.cache.mkdir(parents=True, exist_ok=True)
        partial = self.tarball.with_suffix(".tar.part")
        partial.unlink(missing_ok=True)  # what an interrupted build left
        selections = debconf_selections()
        command = ["mmdebstrap", "--mode=unshare", "--variant=minbase", "--format=tar",
                   "--include=" + ",".join(self.packages),
                   "--essential-hook=" + f"printf '%s\\n' {shell_words(selections)} "
                                         "| chroot \"$1\" debconf-set-selections",
                   "--customize-hook=chroot \"$1\" apt-get clean",
                   vmspec.SUITE, str(partial), *vmspec.MIRRORS]
        try:
            run(command)
        except subprocess.CalledProcessError:
            partial.unlink(missing_ok=True)
            raise BadInput("mmdebstrap failed (its messages are above); no image written") from None
        partial.rename(self.tarball)
        for stale in self.cache.glob(f"debian-*-{self.variant}-*.tar"):
            if stale != self.tarball:
                stale.unlink()  # an older package list: one tarball a variant is kept
        return f"{self.tarball.stat().st_size / 1024 ** 3:.2f} GiB"

    def unpack(self):
        shutil.rmtree(self.work, ignore_errors=True)
        self.root.mkdir(parents=True)
        run(["tar", "-xpf", str(self.tarball), "-C", str(self.root),
             "--xattrs", "--xattrs-include=*", "--numeric-owner"])

    def configure(self):
        copied = install_project(self.root / "opt" / "classlab", self.source)
        write_system_files(self.root, self.root_uuid, self.variant)
        add_instructor(self.root)
        services = [f"{unit}.service" for unit in disabled_units()
                    if (self.root / "lib/systemd/system" / f"{unit}.service").exists()]
        run(["systemctl", "--root", str(self.root), "disable", "--quiet", *services])
        run(["systemctl", "--root", str(self.root), "enable", "--quiet", "classlab-vmtest.service",
             "classlab-ssh-hostkeys.service"])
        for key in (self.root / "etc/ssh").glob("ssh_host_*"):
            key.unlink()  # every copy of the image makes its own at first boot
        if self.variant == "desktop":
            run(["systemctl", "--root", str(self.root), "enable", "--quiet", "lightdm.service"])
            run(["systemctl", "--root", str(self.root), "set-default", "graphical.target"])
        origin = "git ls-files, working tree" if self.source == "worktree" else "git archive HEAD"
        return f"/opt/classlab: {copied} files from {origin}"

    def filesystem(self):
        """An MBR disk with one partition at 1 MiB, and mkfs.ext4 -d writing the root into
        it at that offset: no loop device, no mount, no copy."""
        raw = self.work / "disk.raw"
        with open(raw, "wb") as disk:
            disk.truncate(DISK_BYTES)
        run(["sfdisk", "--quiet", str(raw)],
            input=f"label: dos\nstart={PART_START}, type=83, bootable\n")
        size = DISK_BYTES - PART_START * 512
        run(["mkfs.ext4", "-q", "-F", "-L", vmspec.ROOT_LABEL, "-U", self.root_uuid,
             "-E", f"offset={PART_START * 512}", "-d", str(self.root), str(raw),
             str(size // 1024) + "k"])
        shutil.rmtree(self.root)
        return f"{used_bytes(raw) / 1024 ** 3:.2f} GiB used"

    def bootloader(self):
        """GRUB for BIOS: boot.img in the MBR (its first 440 bytes: the partition table
        stays), core.img in the gap before the partition, which finds the root by its UUID."""
        raw = self.work / "disk.raw"
        core = self.work / "core.img"
        early = self.work / "early.cfg"
        early.write_text(f"search --no-floppy --fs-uuid --set=root {self.root_uuid}\n"
                         "set prefix=($root)/boot/grub\n")
        run(["grub-mkimage", "-O", "i386-pc", "-o", str(core), "-c", str(early),
             "-p", "/boot/grub", *GRUB_MODULES])
        if core.stat().st_size > (PART_START - 1) * 512:
            raise RuntimeError("GRUB's core.img does not fit before the partition")
        with open(raw, "r+b") as disk:
            disk.write((GRUB_DIR / "boot.img").read_bytes()[:440])
            disk.seek(512)
            disk.write(core.read_bytes())
        return f"core.img {core.stat().st_size // 1024} KiB"

    def qcow2(self):
        partial = self.final.with_name(self.final.name + ".part")
        run(["qemu-img", "convert", "-O", "qcow2", str(self.work / "disk.raw"), str(partial)])
        partial.rename(self.final)
        return f"{self.final.stat().st_size / 1024 ** 3:.2f} GiB"


def install_host_tools():
    """mmdebstrap, qemu-img, GRUB's BIOS images ...: Debian packages, installed when missing."""
    missing = sorted({package for tool, package in HOST_TOOLS.items() if shutil.which(tool) is None}
                     | (set() if (GRUB_DIR / "boot.img").exists() else {"grub-pc-bin"}))
    if not missing:
        return
    print(f"[vm] installing the build's tools: {' '.join(missing)}", flush=True)
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(install, env=environment).returncode != 0:
        if (subprocess.run(["apt-get", "update", "-q"], env=environment).returncode != 0
                or subprocess.run(install, env=environment).returncode != 0):
            raise BadInput(f"could not install {' '.join(missing)} (Debian's registry unreachable?)")


def run(command, **options):
    subprocess.run(command, check=True, text=True, **options)


def shell_words(lines):
    return " ".join("'" + line.replace("'", "'\\''") + "'" for line in lines)


def debconf_selections(install_deps=vmspec.INSTALL_DEPS):
    """The answers tools/install-deps preseeds (its SEL here-document), the same in the VM."""
    text = Path(install_deps).read_text()
    found = re.search(r"<<'SEL'\n(.*?)\nSEL\n", text, re.S)
    return found.group(1).splitlines() if found else []


def disabled_units(install_deps=vmspec.INSTALL_DEPS):
    """The machine's own daemons tools/install-deps leaves disabled (`for unit in ...`):
    the lab runs its own inside its hosts. The image leaves them disabled too."""
    found = re.search(r"for unit in ([\w@. -]+); do", Path(install_deps).read_text())
    return found.group(1).split() if found else ["named", "postfix"]


def used_bytes(path):
    return os.stat(path).st_blocks * 512


def install_project(target, source="worktree"):
    """The project's files into /opt/classlab, owned by root.

    worktree: `git ls-files`, the tracked files as they are in the working tree, plus the
    new ones not yet committed that git does not ignore (in a clean checkout, exactly the
    tracked files). head: the last commit, `git archive HEAD`."""
    if source == "head":
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=REPO,
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target), "--no-same-owner"], input=archive,
                       check=True)
        copied = sum(1 for path in target.rglob("*") if not path.is_dir())
        for path in [target, *target.rglob("*")]:
            os.chown(path, 0, 0, follow_symlinks=False)
        return copied
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=REPO, check=True,
                             capture_output=True).stdout.decode().split("\0")
    copied = 0
    for name in filter(None, listing):
        source = REPO / name
        if not source.is_file():
            continue  # deleted in the working tree
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination, follow_symlinks=False)
        os.chown(destination, 0, 0, follow_symlinks=False)
        copied += 1
    for directory in [target, *target.rglob("*")]:
        if directory.is_dir():
            os.chown(directory, 0, 0)
            directory.chmod(0o755)
    return copied


def write_system_files(root, root_uuid, variant):
    write(root / "etc/hostname", "classlab\n")
    write(root / "etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\tclasslab\n")
    write(root / "etc/fstab", f"UUID={root_uuid}\t/\text4\terrors=remount-ro\t0\t1\n")
    write(root / "etc/network/interfaces.d/eth0",
          "# The instructor's network, if the VM has one (the lab itself never uses it).\n"
          "allow-hotplug eth0\niface eth0 inet dhcp\n")
    write(root / "etc/motd", (FILES / "motd").read_text())
    issue = root / "etc/issue"
    write(issue, issue.read_text() + (FILES / "issue").read_text())
    write(root / "boot/grub/grub.cfg", vmspec.grub_cfg(root_uuid, variant))
    modules = root / "boot/grub/i386-pc"
    modules.mkdir(parents=True, exist_ok=True)
    for module in GRUB_DIR.glob("*.mod"):
        shutil.copy2(module, modules / module.name)
    for name in ("normal.mod", "command.lst", "fs.lst", "moddep.lst", "terminal.lst"):
        if (GRUB_DIR / name).exists():
            shutil.copy2(GRUB_DIR / name, modules / name)
    for unit in ("classlab-vmtest.service", "classlab-ssh-hostkeys.service"):
        write(root / "etc/systemd/system" / unit, (FILES / unit).read_text())
    script = root / "usr/local/sbin/classlab-vmtest"
    write(script, (FILES / "classlab-vmtest").read_text())
    script.chmod(0o755)
    if variant == "desktop":
        write(root / "etc/lightdm/lightdm.conf.d/50-classlab.conf",
              (FILES / "lightdm-autologin.conf").read_text())
        sudoers = root / "etc/sudoers.d/classlab-display"
        write(sudoers, (FILES / "sudoers-display").read_text())
        sudoers.chmod(0o440)


def add_instructor(root):
    run(["useradd", "--root", str(root), "--create-home", "--shell", "/bin/bash",
         "--comment", "Instructor", "--groups", "sudo", "instructor"])
    run(["chpasswd", "--root", str(root)], input=f"instructor:{PASSWORD}\n")
    profile = root / "home/instructor/.profile"
    write(profile, profile.read_text() + "\ncd /opt/classlab 2>/dev/null || true\n")
    autostart = root / "home/instructor/.config/openbox/autostart"
    write(autostart, (FILES / "openbox-autostart").read_text())
    owner = (root / "home/instructor").stat()
    for path in (autostart, autostart.parent, autostart.parent.parent):
        os.chown(path, owner.st_uid, owner.st_gid)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        path.unlink()
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
