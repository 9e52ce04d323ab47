"""What the instructor VM is made of, as pure functions (no root, no I/O beyond reading files).

    package_list(variant)   the Debian packages: tools/install-deps's list + what a bootable VM needs
    cache_key(...)          names the cached mmdebstrap tarball after everything that goes into it
    grub_cfg(...)           the bootloader's menu (the test mode is chosen by a disk labelled CLASSLABTEST)
    kernel_command_line()   what the kernel is told in normal and in test mode
"""

import hashlib
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INSTALL_DEPS = REPO / "tools" / "install-deps"
SUITE = "bookworm"
# VM_MIRROR=http://my-mirror replaces Debian's own (a school's mirror or apt cache).
REGISTRY = os.environ.get("VM_MIRROR", "http://deb.debian.org").rstrip("/")
MIRRORS = (
    f"deb {REGISTRY}/debian bookworm main",
    f"deb {REGISTRY}/debian bookworm-updates main",
    f"deb {REGISTRY}/debian-security bookworm-security main",
)
TEST_LABEL = "CLASSLABTEST"
ROOT_LABEL = "classlab-root"

# What a bootable machine needs beyond the lab's own packages: a kernel, systemd, a
# network for when the instructor gives it one (ifupdown + DHCP on eth0; ssh and rsync
# for Vagrant), and the README's first commands (make, sudo, nano for the zone files).
BOOTABLE = ("linux-image-amd64 systemd-sysv udev kmod initramfs-tools dbus e2fsprogs "
            "sudo make nano less bash-completion ifupdown isc-dhcp-client "
            "openssh-server rsync ca-certificates").split()
# The demo in front of a class: a light desktop that logs in by itself, xterm, Wireshark.
DESKTOP = ("xserver-xorg-core xserver-xorg-input-libinput xserver-xorg-video-fbdev "
           "xserver-xorg-video-vesa xserver-xorg-video-qxl lightdm lightdm-gtk-greeter openbox "
           "xterm wireshark fonts-dejavu-core x11-xserver-utils x11-utils").split()
VARIANTS = ("base", "desktop")


def lab_packages(install_deps=INSTALL_DEPS):
    """The lab's packages, as tools/install-deps itself lists them (the single list)."""
    listing = subprocess.run(["sh", str(install_deps), "--list"], check=True,
                             capture_output=True, text=True).stdout
    return listing.split()


def package_list(variant="base", install_deps=INSTALL_DEPS):
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}: one of {', '.join(VARIANTS)}")
    extra = BOOTABLE + (DESKTOP if variant == "desktop" else [])
    packages = []
    for package in lab_packages(install_deps) + extra:
        if package not in packages:
            packages.append(package)
    return packages


def cache_key(packages, suite=SUITE, mirrors=MIRRORS, recipe_version=1):
    """The same packages from the same suite and mirrors give the same tarball name."""
    text = "\n".join([f"recipe {recipe_version}", suite, *mirrors, *sorted(set(packages))])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def kernel_command_line(root_uuid, test=False):
    words = [f"root=UUID={root_uuid}", "ro", "net.ifnames=0", "console=tty0",
             "console=ttyS0,115200n8"]
    if test:
        # The login prompt must not take the serial console the test's output goes to.
        words += ["classlab.test", "systemd.mask=serial-getty@ttyS0.service", "quiet"]
    return " ".join(words)


def grub_cfg(root_uuid, variant="base"):
    """Boot /vmlinuz and /initrd.img (Debian's symlinks: a kernel upgrade needs no grub run).

    A disk labelled CLASSLABTEST (make vm-test's) selects the non-interactive test mode."""
    title = "classlab instructor VM" + (" (desktop)" if variant == "desktop" else "")
    normal = kernel_command_line(root_uuid)
    test = kernel_command_line(root_uuid, test=True)
    return f"""\
# classlab: written by tools/vm/build.py
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
search --no-floppy --fs-uuid --set=root {root_uuid}
set default=0
set timeout=2
# (inside `if`, a missing disk is no error on the screen)
if search --no-floppy --label --set=classlab_test {TEST_LABEL}; then
    set default=1
    set timeout=0
fi

menuentry "{title}" {{
    linux /vmlinuz {normal}
    initrd /initrd.img
}}

menuentry "classlab non-interactive test run" {{
    linux /vmlinuz {test}
    initrd /initrd.img
}}
"""
