"""What each service says it needs is what tools/install-deps installs."""

import re
from pathlib import Path

from services import default_services

INSTALL_DEPS = Path(__file__).resolve().parents[2] / "tools" / "install-deps"


def installed_packages():
    listing = re.search(r'PACKAGES="([^"]*)"', INSTALL_DEPS.read_text()).group(1)
    return set(listing.split())


def test_every_service_package_is_installed_by_install_deps():
    needed = {package for service in default_services() for package in service.packages}
    assert needed and needed <= installed_packages(), needed - installed_packages()


def test_the_tools_the_lab_drives_are_installed_too():
    assert {"mininet", "bridge-utils", "tshark", "graphviz", "python3-matplotlib", "swaks",
            "dnsperf", "python3-dnspython", "python3-pexpect"} <= installed_packages()
