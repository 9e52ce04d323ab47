"""Dovecot as a plug-in (services/dovecot): found without a list, bound to each class's
servers, its files rendered from the model; with Debian's dovecot installed, doveconf reads
the rendered files over a copy of the machine's /etc/dovecot (nothing of the machine changes)."""

import shutil
import subprocess
from pathlib import Path

import pytest

from services import discover, services_for
from services.dovecot import Dovecot
from topologies.classfile import CLASSES
from topologies.model import classroom

CLASS_FILES = [CLASSES / "iut.toml", CLASSES / "campus.toml"]
DEBIAN_CONFIG = Path("/etc/dovecot")
by_class = pytest.mark.parametrize("class_file", CLASS_FILES, ids=lambda path: path.stem)


def settings(text):
    """The top-level `name = value` lines of a Dovecot config (comments and sections aside)."""
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if " = " in line and not line.endswith("{"):
            name, value = line.split(" = ", 1)
            found[name.strip()] = value.strip()
    return found


def rendered(class_file):
    model = classroom(path=class_file)
    server = model.server(model.benches[-1])
    return server, Dovecot(model).files(model, server)


def test_dovecot_is_found_in_its_folder_and_needs_nothing():
    assert discover()["dovecot"] == [Dovecot]
    assert Dovecot.needs == ()
    assert set(Dovecot.packages) == {"dovecot-imapd", "dovecot-pop3d"}


@by_class
def test_it_runs_on_each_bench_server_of_the_class(class_file):
    model = classroom(path=class_file)
    services = {s.name: s for s in services_for(model)}
    assert "dovecot" in services, f"{class_file.name}: dovecot is not in [services]"
    assert [h.name for h in services["dovecot"].hosts(model)] == [model.server(b).name for b in model.benches]


@by_class
def test_the_rendered_local_conf(class_file):
    server, files = rendered(class_file)
    assert sorted(files) == ["/etc/dovecot/conf.d/10-ssl.conf", "/etc/dovecot/local.conf"]
    local = files["/etc/dovecot/local.conf"]
    assert local.startswith(f"# local.conf of {server.name.upper()},")
    assert settings(local) == {
        "protocols": "imap pop3", "listen": "*", "disable_plaintext_auth": "no",
        "mail_location": "mbox:~/mail:INBOX=/var/mail/%u", "mail_privileged_group": "mail",
        "log_path": "/var/log/dovecot.log", "base_dir": "/run/dovecot/"}


@by_class
def test_tls_is_off_and_no_certificate_is_named(class_file):
    server, files = rendered(class_file)
    ssl = files["/etc/dovecot/conf.d/10-ssl.conf"]
    assert ssl.startswith(f"# 10-ssl.conf of {server.name.upper()}:")
    assert settings(ssl)["ssl"] == "no"
    assert not {"ssl_cert", "ssl_key"} & set(settings(ssl))


def test_start_prints_the_pid_file_under_base_dir_and_stop_uses_it():
    server, files = rendered(CLASS_FILES[0])
    base_dir = settings(files["/etc/dovecot/local.conf"])["base_dir"]
    service = Dovecot()
    start, stop = service.start(server), service.stop(server)
    assert start.startswith("dovecot ") and start.endswith(f"cat {base_dir}master.pid")
    assert f"{base_dir}master.pid" in stop
    assert [command for _, command in service.checks(server)] == ["doveconf -n -x >/dev/null"]


needs_dovecot = pytest.mark.skipif(not (shutil.which("doveconf") and
                                        (DEBIAN_CONFIG / "dovecot.conf").is_file()),
                                   reason="Debian's dovecot is not installed (make deps)")


def doveconf(files, folder):
    """doveconf -n -x on a copy of the machine's /etc/dovecot with the rendered files in it."""
    root = folder / "dovecot"
    shutil.copytree(DEBIAN_CONFIG, root, ignore=shutil.ignore_patterns("private", "local.conf"))
    for path, text in files.items():
        (root / Path(path).relative_to(DEBIAN_CONFIG)).write_text(text)
    return subprocess.run(["doveconf", "-n", "-x", "-c", str(root / "dovecot.conf")],
                          capture_output=True, text=True, timeout=30)


@needs_dovecot
@by_class
def test_doveconf_reads_the_rendered_files_as_dovecot_will(class_file, tmp_path):
    _, files = rendered(class_file)
    result = doveconf(files, tmp_path)
    assert result.returncode == 0, result.stderr
    effective = settings(result.stdout)
    assert (effective["ssl"], effective["disable_plaintext_auth"]) == ("no", "no")
    assert effective["mail_location"] == "mbox:~/mail:INBOX=/var/mail/%u"
    assert "passdb {\n  driver = pam\n}" in result.stdout  # Debian's: the host's own accounts


@needs_dovecot
def test_a_config_error_is_named_with_its_file_and_line(tmp_path):
    _, files = rendered(CLASS_FILES[0])
    local = "/etc/dovecot/local.conf"
    files[local] += "mail_locaton = mbox:~/mail\n"
    result = doveconf(files, tmp_path)
    line = len(files[local].splitlines())
    assert result.returncode != 0
    assert f"local.conf line {line}: Unknown setting: mail_locaton" in result.stderr
