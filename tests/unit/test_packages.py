"""What each service says it needs is what tools/install-deps installs (its --list)."""

import subprocess
from pathlib import Path

from services import all_services

INSTALL_DEPS = Path(__file__).resolve().parents[2] / "tools" / "install-deps"


def installed_packages():
    listing = subprocess.run(["sh", str(INSTALL_DEPS), "--list"], capture_output=True,
                             text=True, check=True, timeout=30).stdout
    return set(listing.split())


def test_install_deps_lists_one_package_a_line():
    lines = subprocess.run(["sh", str(INSTALL_DEPS), "--list"], capture_output=True, text=True,
                           check=True, timeout=30).stdout.splitlines()
    assert lines and all(line and " " not in line for line in lines)
    assert len(lines) == len(set(lines))


def test_every_service_found_declares_its_packages():
    services = all_services()
    assert {"named", "postfix"} <= {s.name for s in services}
    assert all(s.packages for s in services), [s.name for s in services if not s.packages]


def test_every_service_package_is_installed_by_install_deps():
    needed = {package for service in all_services() for package in service.packages}
    assert needed and needed <= installed_packages(), needed - installed_packages()


def test_the_tools_the_lab_drives_are_installed_too():
    assert {"mininet", "bridge-utils", "tshark", "graphviz", "python3-matplotlib", "swaks",
            "dnsperf", "python3-dnspython", "python3-pexpect"} <= installed_packages()
