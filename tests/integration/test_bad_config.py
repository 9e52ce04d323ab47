"""A configuration that fails its checker stops the lab before any daemon starts, with the
checker's own message, file and line, in one line; nothing is left behind."""

import subprocess

from tests.integration.conftest import PYTHON, REPO, leftovers


def start_lab_with(overrides):
    return subprocess.run([PYTHON, "-m", "lab", "run", "--overrides", str(overrides)], cwd=REPO,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def override(root, host, path, text):
    target = root / host / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def test_a_zone_override_failing_named_checkzone_stops_the_lab(tmp_path):
    override(tmp_path, "s54", "/etc/bind/meszones/db.etudiant541.iut",
             "$TTL 604800\n@ IN SOA s54. root.s54. ( 2 1 1 1 1 )\n@ IN NS s54.\n"
             "smtp IN AA 10.254.54.1\n")
    result = start_lab_with(tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("lab: s54: named config /etc/bind/named.conf failed its check: "
                                     "/etc/bind/meszones/db.etudiant541.iut:4: unknown RR type 'AA'")
    assert "named ready" not in result.stdout
    assert leftovers() == []


def test_an_override_for_an_unknown_host_is_refused_before_anything_starts(tmp_path):
    override(tmp_path, "s99", "/etc/hosts", "127.0.0.1 localhost\n")
    result = start_lab_with(tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"lab: overrides: {tmp_path}/s99 names no host of this class")
    assert result.stdout == ""
    assert leftovers() == []


def test_a_main_cf_failing_postfix_check_stops_the_lab(tmp_path):
    override(tmp_path, "s53", "/etc/postfix/main.cf", "myhostname = s53\nthis line is wrong\n")
    result = start_lab_with(tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("lab: s53: postfix config /etc/postfix/main.cf failed its "
                                    "check: postfix: fatal: /etc/postfix/main.cf, line 2: ")
    assert result.stderr.count("\n") == 1
    assert "ready" not in result.stdout
    assert leftovers() == []
