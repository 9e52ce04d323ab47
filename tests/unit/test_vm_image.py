"""The instructor VM's pure parts: its package list, cache key, bootloader menu, test job."""

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools" / "vm"))

import build  # noqa: E402
import vmspec  # noqa: E402
import vmtest  # noqa: E402


def packages_variable(install_deps):
    return re.search(r'PACKAGES="([^"]*)"', Path(install_deps).read_text()).group(1).split()


def test_install_deps_lists_exactly_its_packages_variable():
    assert vmspec.lab_packages() == packages_variable(vmspec.INSTALL_DEPS)


def test_the_image_holds_every_lab_package_and_a_kernel():
    packages = vmspec.package_list()
    assert set(packages_variable(vmspec.INSTALL_DEPS)) <= set(packages)
    assert {"linux-image-amd64", "systemd-sysv", "sudo", "make"} <= set(packages)
    assert len(packages) == len(set(packages))
    # Wireshark and xterm are the lab's (the CLI's live views); the X server is the desktop's.
    assert "xserver-xorg-core" not in packages
    assert "xserver-xorg-core" in vmspec.package_list("desktop")


def test_the_image_follows_install_deps_when_a_package_is_added(tmp_path):
    copy = tmp_path / "install-deps"
    text = vmspec.INSTALL_DEPS.read_text()
    copy.write_text(text.replace('PACKAGES="', 'PACKAGES="new-package-a new-package-b ', 1))
    packages = vmspec.package_list(install_deps=copy)
    assert {"new-package-a", "new-package-b"} <= set(packages)
    assert vmspec.cache_key(packages) != vmspec.cache_key(vmspec.package_list())


def test_the_cache_key_ignores_order_but_not_the_suite():
    packages = vmspec.package_list()
    assert vmspec.cache_key(packages) == vmspec.cache_key(list(reversed(packages)))
    assert vmspec.cache_key(packages) != vmspec.cache_key(packages, suite="trixie")


def test_the_image_gets_the_same_debconf_answers_as_install_deps():
    assert "postfix postfix/main_mailer_type select No configuration" in build.debconf_selections()


def test_grub_boots_debians_symlinks_and_picks_the_test_entry_by_the_disk_label():
    cfg = vmspec.grub_cfg("1234-uuid")
    assert "search --no-floppy --fs-uuid --set=root 1234-uuid" in cfg
    assert f"if search --no-floppy --label --set=classlab_test {vmspec.TEST_LABEL}; then" in cfg
    assert cfg.count("linux /vmlinuz root=UUID=1234-uuid") == 2
    normal, test = cfg.split("menuentry")[1:]
    assert "classlab.test" not in normal and "classlab.test" in test
    assert "systemd.mask=serial-getty@ttyS0.service" in test


def test_the_test_job_runs_the_three_scenarios_with_the_debian_python():
    job = vmtest.job_script()
    for name in ("connectivity", "dns_lookup", "mx_delivery"):
        assert f"step {name} /usr/bin/python3 scenarios/{name}.py" in job
    assert job.startswith("#!/bin/bash") and job.rstrip().endswith("exit $status")
    assert "step make-test make test" in vmtest.job_script(full=True)


def test_results_read_back_from_the_vm_are_parsed():
    assert vmtest.parse_results("connectivity 0 41.5\nmx_delivery 1 50.0\n") == [
        ("connectivity", 0, 41.5), ("mx_delivery", 1, 50.0)]


def test_the_vm_units_shipped_in_the_image_exist():
    files = REPO / "tools" / "vm" / "files"
    unit = (files / "classlab-vmtest.service").read_text()
    assert "ConditionKernelCommandLine=classlab.test" in unit
    assert "FailureAction=poweroff" in unit
    assert "systemctl poweroff" in (files / "classlab-vmtest").read_text()


def test_the_image_disables_the_daemons_install_deps_disables():
    units = build.disabled_units()
    assert {"named", "postfix"} <= set(units)
    assert re.search(r"for unit in " + " ".join(units) + "; do", vmspec.INSTALL_DEPS.read_text())
