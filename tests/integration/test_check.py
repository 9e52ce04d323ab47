"""check on a real lab at the last stage, for each class file: every objective PASSes; the
probes leave no trace in the student's layer nor in the mailboxes; lint reads the live
host's shell history; the same from another terminal (`python3 -m lab check|lint`), with
bad input as one line and exit 2. The report's mistakes, each caught and fixed:
tests/integration/test_check_truth.py. The first stage:
tests/integration/test_check_first_stage.py."""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from checks.check import check_bench, check_class
from checks.check_cli import check_command
from checks.objectives import objectives
from checks.results import PASS, ClassResult
from lab.runtime.handin import RUNTIME
from lab.base.waiting import wait_until
from tests.helpers import refused_in_one_line
from tests.integration.conftest import PYTHON, REPO

# what daemons write by themselves while they run (logs, queues, caches): not the student's
DAEMONS = ("var/log/", "var/spool/postfix/", "var/lib/postfix/", "var/cache/bind/",
           "var/lib/dovecot/") + RUNTIME


def states(result):
    return {o.id: o.state for o in result.outcomes}


def check(lab, lang="en", **options):
    return check_bench(lab, lab.model.benches[-1], lang, **options)


def student_layer(lab, host):
    """Every file of the host's student layer, with its size and date; the daemons' own files
    aside. Folders are not compared: overlayfs copies a folder up to the student's layer as
    soon as a file is made in it (a probe mail delivered, then removed), content unchanged."""
    top = Path(lab.rundir.hosts_dir) / host / "student"
    found = subprocess.run(["find", str(top), "-mindepth", "1", "-printf", r"%y %P %s %T@\n"],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    kept = []
    for line in found:
        kind, path, size, when = line.split(" ")
        if (path + "/").startswith(DAEMONS) or kind == "d":
            continue
        kept.append(line)
    return sorted(kept)


def mailboxes(lab, host):
    """/var/mail as the host sees it: its date, each file's name, size, dates and content's
    digest (read through popen: nothing typed in the host's shell, whose history is the
    student's; the folder's access date changes with any `ls`)."""
    script = ("cd /var/mail && stat -c '%n %Y' . && for f in *; do [ -e \"$f\" ] && "
              "stat -c '%n %s %Y %X' \"$f\" && sha1sum \"$f\"; done; true")
    out, _err = lab.host(host).popen(["sh", "-c", script], stdin=subprocess.DEVNULL).communicate()
    return out.decode()


# --- the TP done -----------------------------------------------------------------------------

def test_the_tp_done_passes_every_objective_in_both_languages(lab):
    english = check(lab)
    assert {o.id: (o.state, o.reason) for o in english.outcomes if o.state != PASS} == {}
    assert all(o.now and o.ever and not o.lint for o in english.outcomes)
    assert english.stage == lab.model.stages[-1].name
    french = check(lab, "fr")
    assert states(french) == states(english)


def test_every_bench_of_the_class_passes_checked_in_parallel(lab):
    result = check_class(lab, list(lab.model.benches), "en")
    assert [b.bench for b in result.benches] == list(lab.model.benches)
    for bench in result.benches:
        assert {o.state for o in bench.outcomes} == {PASS}, (bench.bench, [
            (o.id, o.reason) for o in bench.outcomes if o.state != PASS])
    assert ClassResult.from_json(result.to_json()) == result


def test_probes_leave_no_trace(lab, played):
    watched = [h.name for h in played.hosts] + [played.neighbour.server.name]
    # a mail already waits in the student's mailbox: the probes' come and go around it
    lab.cmd(played.server.name, f'echo Bonjour | mail -s "avant check" {played.student}')
    mailbox = f"/var/mail/{played.student}"
    wait_until(lambda: "avant check" in lab.cmd(played.server.name, f"cat {mailbox}"),
               "the mail in the student's mailbox", 10)
    layers = {h: student_layer(lab, h) for h in watched}
    boxes = {h: mailboxes(lab, h) for h in (played.server.name, played.neighbour.server.name)}
    result = check(lab)
    assert {o.state for o in result.outcomes} == {PASS}
    after = {h: student_layer(lab, h) for h in watched}
    assert after == layers, {h: (sorted(set(layers[h]) - set(after[h])),
                                 sorted(set(after[h]) - set(layers[h])))
                             for h in watched if after[h] != layers[h]}
    assert {h: mailboxes(lab, h) for h in boxes} == boxes
    assert "classlab" not in lab.cmd(played.server.name, "mailq")


# --- lint on the live host ---------------------------------------------------------------

def test_lint_of_a_live_host_reads_the_history(lab, played):
    server = played.server.name
    lab.cmd(server, "echo 1 > /proc/sys/net/ip/ip_forward")  # the report's wrong path
    said = []
    code = check_command(lab, ["--lang", "fr"], say=said.append)
    assert code == 0
    assert "/proc/sys/net/ip/ip_forward" in said[0] and "lint : " in said[0]
    from checks.check_cli import lint_command
    lines = []
    assert lint_command(lab, [server, "--lang", "en"], say=lines.append) == 1
    assert "/root/.bash_history:" in lines[0] and "no such kernel setting" in lines[0]


# --- from another terminal ------------------------------------------------------------------

def another_terminal(*argv, cwd=REPO):
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LANGUAGE", "LC_ALL")}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run([PYTHON, "-m", "lab", *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=env, stdin=subprocess.DEVNULL)
    return done.returncode, done.stdout, done.stderr


def test_from_another_terminal_json_text_and_the_class_view(lab, tmp_path):
    bench = lab.model.benches[-1]
    code, out, err = another_terminal("check", "--json", str(bench))
    assert code == 0, err
    result = ClassResult.from_json(out)
    assert [o.id for o in result.objectives] == [d.id for d in objectives(lab.model)]
    assert {o.state for o in result.benches[0].outcomes} == {PASS}
    code, out, err = another_terminal("check", "all", "--lang", "fr", cwd=tmp_path)
    assert code == 0, out + err
    assert out.startswith(f"Banc {lab.model.benches[0]}, étape ")
    written = json.loads((tmp_path / "results" / "class.json").read_text())
    assert [b["bench"] for b in written["benches"]] == list(lab.model.benches)
    code, out, err = another_terminal("lint", lab.model.seat(bench).name)
    assert (code, err) == (0, "") and out.strip().endswith("nothing to point out")


@pytest.mark.parametrize("words, says", [
    (["check", "999"], "no bench 999"), (["check", "nobody"], "no bench or host nobody"),
    (["check", "--lang", "xx"], "--lang xx"), (["lint", "nobody"], "no host nobody"),
    (["check", "--hint", "nothing"], "no objective nothing")])
def test_bad_input_is_one_line_and_exit_2(lab, words, says):
    refused_in_one_line(*another_terminal(*words), starts=f"lab {words[0]}: ", says=says)


def test_a_host_that_cannot_be_read_is_one_line(lab, played):
    seat = played.seat.name
    lab.cmd(seat, "mv /etc/sysctl.conf /etc/sysctl.conf.kept && mkfifo /etc/sysctl.conf")
    try:
        code, out, err = another_terminal("check", seat)
    finally:
        lab.cmd(seat, "rm /etc/sysctl.conf && mv /etc/sysctl.conf.kept /etc/sysctl.conf")
    assert (code, out) == (2, "")
    assert re.fullmatch(rf"lab check: {seat}:/etc/sysctl.conf: not a regular file\n", err), err

