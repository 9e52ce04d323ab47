"""lint's words in French and English (gettext), and its command line.

Every message the code of checks/ (and of classroom/, and the scenarios' PASS/FAIL lines of
scenarios/) passes to _() is in both catalogs (translated, with the same {values}), and no
catalog holds a message the code no longer uses; the .po files pass
msgfmt --check, and the in-memory compilation gives what msgfmt gives. The command line
prints one block a finding, exits 1 with findings, 0 without, 2 on bad input (one line)."""

import gettext
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checks.catalog import NotLiteral, problems, used_msgids
from checks.findings import _
from checks.i18n import (
    LANGUAGES,
    LanguageError,
    language,
    mo_bytes,
    po_path,
    read_po,
    translator,
)
from checks.lint_cli import main
from tests.helpers import refused_in_one_line
from tests.unit.lint_report import ALIASES, HISTORY, MAIN_CF_PART1, line_of
from tests.unit.test_lint import CAMPUS, IUT, host_files

REPO = Path(__file__).resolve().parents[2]


# --- the catalogs -------------------------------------------------------------------------

def test_the_code_uses_messages_and_reads_them_all():
    used = used_msgids()
    assert len(used) > 50
    assert "the alias {key} looks like a misspelling of {name}" in used


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_in_each_catalog_and_nothing_else(lang):
    assert problems(lang) == []


def test_a_message_missing_from_a_catalog_is_reported():
    used = {**used_msgids(), "a message nobody translated": ["planted.py:1"]}
    assert problems("fr", used) == ["fr: missing (planted.py:1): a message nobody translated"]


def test_the_scenarios_pass_fail_lines_are_in_the_catalogs_too():
    """scenarios/ speaks through the same catalogs: its messages are among those used, and
    one missing from a catalog is reported like any other."""
    scenarios = used_msgids(REPO / "scenarios")
    assert {"PASS  {claim}", "FAIL  {claim}: {problems}",
            "=== PASS: {passed}/{total} steps passed ==="} <= set(scenarios)
    assert set(scenarios) <= set(used_msgids())
    planted = {**used_msgids(), "{seat} reaches nobody": ["connectivity.py:1"]}
    for lang in LANGUAGES:
        assert problems(lang, planted) == [f"{lang}: missing (connectivity.py:1): "
                                           "{seat} reaches nobody"]


def test_a_message_that_is_no_plain_string_cannot_be_extracted(tmp_path):
    (tmp_path / "planted.py").write_text("from checks.findings import _\nx = _(message)\n")
    with pytest.raises(NotLiteral, match="planted.py:2"):
        used_msgids(tmp_path)


def test_french_is_french():
    french = translator("fr")
    assert [m for m in used_msgids() if french(m) == m] == []
    assert french("why: {text}") == "pourquoi : {text}"


# the values of the scenarios' messages (scenarios/*.py: titles, claims, problems)
SCENARIO_VALUES = {
    "addresses": "a", "alias": "a", "bench": 54, "chains": "c", "claim": "c", "client": "c",
    "count": 2, "file": "f", "final": "f", "flags": "f", "folders": "f", "got": "g",
    "hop": "h", "instructor": "i", "label": "l", "line": "l", "loss": 0, "mailname": "m",
    "neighbour": "n", "networks": "n", "output": "o", "passed": 1, "port": 25, "primary": "p",
    "problems": "p", "program": "p", "protocol": "p", "received": 3, "recipient": "r",
    "record": "r", "resolver": "r", "says": "s", "seat": "s", "seconds": 4, "section": "s",
    "seen": "s", "sent": 3, "server": "s", "stage": "s", "status": "s", "subject": "s",
    "summary": "s", "title": "t", "total": 2, "ttl": 64, "ttls": "t", "uid": 1001, "user": "u",
    "value": "v", "what": "w", "zones": "z"}


def test_every_message_renders_in_both_languages():
    values = {"key": "k", "name": "n", "first": 1, "database": "d", "source": "s", "item": "i",
              "domain": "d", "exchanger": "e", "network": "n", "near": "n", "zone": "z",
              "path": "p", "detail": "d", "owner": "o", "rtype": "MX", "target": "t",
              "written": "w", "origin": "o", "address": "a", "folder": "f", "leaf": "l",
              "text": "t", "lang": "l", "known": "k", "dir": "d", "files": "f", "host": "h",
              "hosts": "h", "reason": "r", "serial": 2,
              # check's (checks/check.py, probes_*.py, render.py, check_cli.py)
              "where": "w", "id": "i", "bench": 54, "user": "u", "alias": "a", "expected": "e",
              "code": "c", "found": "f", "server": "s", "flags": "f", "secondary": "s",
              "copy": 1, "client": "c", "recipient": "r", "seconds": 4, "relay": "r",
              "sender": "s", "value": "v", "interface": "i", "destination": "d",
              "gateway": "g", "stage": "s", "summary": "s", "step": 1, "steps": 3}
    values = {**SCENARIO_VALUES, **values}
    for lang in LANGUAGES:
        for msgid in used_msgids():
            assert translator(lang)(msgid).format(**values)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) is not installed")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_msgfmt_checks_each_catalog_and_compiles_what_python_compiles(lang, tmp_path):
    mo = tmp_path / "classlab.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po_path(lang))], check=True,
                   capture_output=True, timeout=60)
    ours = mo_bytes(read_po(po_path(lang).read_text(encoding="utf-8")))
    with mo.open("rb") as handle:
        theirs = gettext.GNUTranslations(handle)
    assert gettext.GNUTranslations(io.BytesIO(ours))._catalog == theirs._catalog


def test_the_language_follows_the_environment_unless_chosen():
    assert language(None, {"LANG": "fr_FR.UTF-8"}) == "fr"
    assert language(None, {"LANG": "en_GB.UTF-8"}) == "en"
    assert language(None, {"LANG": "C"}) == "en"
    assert language(None, {"LANG": "de_DE.UTF-8"}) == "en"
    assert language(None, {"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}) == "fr"
    assert language(None, {"LC_ALL": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}) == "en"
    assert language(None, {}) == "en"
    assert language("fr", {"LANG": "en_US.UTF-8"}) == "fr"
    with pytest.raises(LanguageError):
        language("xx")


def test_a_text_is_translated_then_filled_in():
    text = _("{host}: nothing to point out", host="h")
    assert text.render(translator("fr")) == "h : rien à signaler"
    assert text.render(translator("en")) == "h: nothing to point out"


# --- python3 -m checks.lint --class FILE HOST DIR ----------------------------------------

def write_host(root, files):
    for path, text in files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_report_s_files_give_one_block_a_finding(tmp_path, capsys):
    root = write_host(tmp_path, {"/etc/aliases": ALIASES, "/etc/postfix/main.cf": MAIN_CF_PART1,
                                 "/root/.bash_history": HISTORY})
    code, out, err = run(capsys, "--lang", "en", "s54", str(root))
    assert code == 1 and err == ""
    blocks = out.strip().split("\n\n")
    assert blocks[0].splitlines()[0] == ("/etc/aliases:3: the alias postamster looks like a "
                                         "misspelling of postmaster")
    assert [b.splitlines()[1][:7] for b in blocks] == ["  why: "] * len(blocks)
    assert [b.splitlines()[2][:7] for b in blocks] == ["  fix: "] * len(blocks)
    assert f"/root/.bash_history:{line_of(HISTORY, 'ip_forward')}: " in out
    assert f"/etc/postfix/main.cf:{line_of(MAIN_CF_PART1, 'mydestination =')}: " in out


def test_in_french_from_lang(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    root = write_host(tmp_path, {"/etc/aliases": ALIASES})
    code, out, _err = run(capsys, "s54", str(root))
    assert code == 1
    assert out.splitlines()[1].startswith("  pourquoi : ")
    assert out.splitlines()[2].startswith("  que faire : ")


@pytest.mark.parametrize("model", (IUT, CAMPUS), ids=("iut", "campus"))
def test_the_lab_s_own_server_is_clean(model, tmp_path, capsys):
    server = model.server(model.benches[-1]).name
    root = write_host(tmp_path, host_files(model, server))
    (root / "etc" / "aliases.db").write_text("")  # newaliases ran after the last edit
    code, out, err = run(capsys, "--class", model.source, "--lang", "en", server, str(root))
    assert (code, out, err) == (0, f"{server}: nothing to point out\n", "")


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    root = write_host(tmp_path / "host", {"/etc/aliases": ALIASES})
    (tmp_path / "empty").mkdir()
    for argv, says in [(["--lang", "xx", "s54", str(root)], "--lang xx"),
                       (["--lang", "en", "nobody", str(root)], "no host nobody"),
                       (["--lang", "en", "s54", str(tmp_path / "none")], "is not a folder"),
                       (["--lang", "en", "s54", str(tmp_path / "empty")], "holds none"),
                       (["--class", str(tmp_path / "none.toml"), "s54", str(root)], "none.toml"),
                       (["s54"], "see --help")]:
        refused_in_one_line(*run(capsys, *argv), starts="lint: ", says=says)


def test_python_m_checks_lint(tmp_path):
    root = write_host(tmp_path, {"/etc/aliases": ALIASES})
    done = subprocess.run([sys.executable, "-m", "checks.lint", "--lang", "en", "s54", str(root)],
                          check=False, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("/etc/aliases:3: ")
