"""`handin BENCH`: the student's work on each machine of the bench since its stage, in one
archive (files changed or made, paths deleted, the commands typed with their times), from the
lab's own process and from another terminal (`python3 -m lab handin N`); then the instructor's
replay of it on a fresh class (build_lab(handin=...) and `python3 -m lab run --handin FILE`).
On each class file, the played bench at the first stage; the commands are typed in the hosts'
shells (lab.cmd), as `s54 ...` in the CLI, so they are in the hosts' histories."""

import io
import json
import os
import re
import shutil
import tarfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pexpect
import pytest

from lab.command import teaching
from lab.runtime.handin import read_handin
from tests.helpers import refused_in_one_line
from tests.integration.conftest import (LAB_VARIABLES, PYTHON, REPO, BenchView, another_terminal,
                                        gateway, leftovers)
from tests.integration.stagecheck import (exists, forwarding, has_account, nameservers,
                                          played, postfix_running, quiet, staged_lab)
from topologies.model import classroom

NOTES = "ma configuration du serveur"
# what `useradd -m` writes in /etc besides the home directory (Debian 12's shadow utils)
ACCOUNT_FILES = {f"etc/{name}{suffix}" for name in ("passwd", "group", "shadow", "gshadow",
                                                    "subuid", "subgid") for suffix in ("", "-")}
ACCOUNT_FILES.add("etc/.pwd.lock")
TIME = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)  (.*)    \((/root/\.bash_history)\)")


@dataclass
class Work:
    """What the student typed, the archives the lab wrote, what the hosts showed then."""
    bench: BenchView
    typed: dict
    began: datetime
    ended: datetime
    archive: Path
    said: list
    other_terminal: tuple  # (exit code, stdout, stderr) of `python3 -m lab handin N`
    other_archive: Path = None
    seen: dict = field(default_factory=dict)
    refusals: dict = field(default_factory=dict)  # `python3 -m lab handin WORDS` refused

    def member(self, name, archive=None):
        with tarfile.open(archive or self.archive, "r:gz") as handin:
            return handin.extractfile(name).read()

    def files(self, host, archive=None):
        with tarfile.open(fileobj=io.BytesIO(self.member(f"{host}/files.tar", archive))) as files:
            return {m.name: m for m in files.getmembers()}, {
                m.name: files.extractfile(m).read().decode() for m in files.getmembers() if m.isfile()}


def student_work(bench):
    server, seat = bench.server.name, bench.seat.name
    student = bench.student
    return {
        server: [f"useradd -m {student}",
                 f"echo '{NOTES}' > /home/{student}/notes.txt",
                 f"echo 'root: {student}' >> /etc/aliases",
                 "rm /etc/motd",
                 "cat /etc/aliases",
                 "cd /etc"],
        seat: [f"echo '{gateway(bench.seat)} serveur' >> /etc/hosts",
               f"echo 'nameserver {bench.model.instructor.ip}' > /etc/resolv.conf"],
    }


def keep(path, folder):
    """Move a hand-in out of results/ into the test's own folder."""
    kept = folder / Path(path).name
    shutil.move(str(REPO / path if not Path(path).is_absolute() else path), kept)
    return kept


@pytest.fixture(scope="module")
def work(class_file, tmp_path_factory):
    model = classroom(path=class_file)
    bench = played(model)
    folder = tmp_path_factory.mktemp(f"handin-{class_file.stem}")
    lab = staged_lab(class_file, model.stages[0].name)
    lab.start()
    try:
        # the test's own looks go around the shell (host.run_script): not in the history
        look = lab.host(bench.server.name).run_script
        assert look("test -e /etc/motd && echo yes", "looking") == "yes\n"
        typed = student_work(bench)
        began = datetime.now().replace(microsecond=0)
        for host, commands in typed.items():
            for command in commands:
                lab.cmd(host, command)
        ended = datetime.now()
        seen = {"aliases": look("cat /etc/aliases", "looking"),
                "uid": look(f"id -u {bench.student}", "looking").strip()}
        said = []
        cwd = os.getcwd()
        os.chdir(REPO)  # handin writes under results/, where the user stands
        try:
            archive = keep(teaching.handin(lab, [str(bench.number)], say=said.append), folder)
        finally:
            os.chdir(cwd)
        other = another_terminal(PYTHON, "-m", "lab", "handin", str(bench.number))
        result = Work(bench, typed, began, ended, archive, said, other, seen=seen)
        absent = next(n for n in range(1, 254) if n not in model.benches)
        result.refusals = {words: another_terminal(PYTHON, "-m", "lab", "handin", *words)
                           for words in ((str(absent),), ("abc",), ())}
        result.refusals["absent"] = absent
        named = re.search(r"results/handin-\S+\.tar\.gz", other[1])
        if other[0] == 0 and named:
            (folder / "other").mkdir()
            result.other_archive = keep(named.group(0), folder / "other")
    finally:
        lab.stop()  # the archives outlive the lab: the replay builds another
    return result


def test_the_lab_says_where_the_archive_is(work):
    [line] = work.said
    number = work.bench.number
    assert re.fullmatch(rf"\*\*\* hand-in of bench {number}: results/handin-{number}-\d{{8}}-\d{{6}}"
                        rf"\.tar\.gz  \(replay it: sudo make lab HANDIN=results/\S+\)", line), line


def test_the_archive_holds_exactly_the_changed_files(work):
    bench, student = work.bench, work.bench.student
    server, seat = bench.server.name, bench.seat.name
    skeleton = {f"home/{student}/{name}" for name in os.listdir("/etc/skel")}
    names, _ = work.files(server)
    assert set(names) == ACCOUNT_FILES | skeleton | {
        "etc/aliases", "root/.bash_history", f"home/{student}", f"home/{student}/notes.txt"}
    assert set(work.files(seat)[0]) == {"etc/hosts", "etc/resolv.conf", "root/.bash_history"}
    for host in bench.hosts:
        if host.name not in (server, seat):
            assert work.files(host.name)[0] == {}, host.name


def test_the_files_are_as_the_student_left_them(work):
    bench = work.bench
    names, texts = work.files(bench.server.name)
    assert texts["etc/aliases"] == work.seen["aliases"]
    assert texts["etc/aliases"].endswith(f"root: {bench.student}\n")
    assert texts[f"home/{bench.student}/notes.txt"] == NOTES + "\n"
    assert names[f"home/{bench.student}"].isdir()
    assert str(names[f"home/{bench.student}"].uid) == work.seen["uid"]  # owners kept
    assert f"{bench.student}:x:{work.seen['uid']}:" in texts["etc/passwd"]
    _, seat_texts = work.files(bench.seat.name)
    assert f"{gateway(bench.seat)} serveur\n" in seat_texts["etc/hosts"]
    assert seat_texts["etc/resolv.conf"] == f"nameserver {bench.model.instructor.ip}\n"


def test_deleted_txt_names_the_deleted_path(work):
    for host in work.bench.hosts:
        expected = "/etc/motd\n" if host.name == work.bench.server.name else ""
        assert work.member(f"{host.name}/deleted.txt").decode() == expected, host.name


def test_history_txt_holds_the_commands_in_order_with_their_times(work):
    for host in work.bench.hosts:
        lines = work.member(f"{host.name}/history.txt").decode().splitlines()
        entries = [TIME.fullmatch(line) for line in lines]
        assert all(entries), lines
        assert [e.group(2) for e in entries] == work.typed.get(host.name, []), host.name
        for entry in entries:
            when = datetime.strptime(entry.group(1), "%Y-%m-%d %H:%M:%S")
            assert work.began <= when <= work.ended, (when, work.began, work.ended)


def test_handin_json_names_the_class_the_bench_and_its_stage(work):
    meta = json.loads(work.member("handin.json"))
    model = work.bench.model
    assert meta["format"] == "classlab-handin/1"
    assert Path(meta["class_file"]) == model.spec.file.path.resolve()
    assert meta["bench"] == work.bench.number and meta["benches"] == list(model.benches)
    assert meta["hosts"] == [h.name for h in work.bench.hosts]
    assert meta["stages"] == {h.name: model.stages[0].name for h in work.bench.hosts}


def test_handin_from_another_terminal(work):
    code, out, err = work.other_terminal
    assert code == 0 and err == "", (out, err)
    [line] = out.splitlines()
    assert line.startswith(f"*** hand-in of bench {work.bench.number}: results/handin-")
    assert work.other_archive is not None and work.other_archive.is_file()
    mine, theirs = read_handin(work.archive), read_handin(work.other_archive)
    assert list(theirs.hosts) == list(mine.hosts)
    for host in mine.hosts:
        assert set(work.files(host, work.other_archive)[0]) == set(work.files(host)[0])
        assert theirs.hosts[host][1] == mine.hosts[host][1]


def test_a_bad_bench_is_one_line_while_the_lab_runs(work):
    benches = ", ".join(map(str, work.bench.model.benches))
    absent = work.refusals["absent"]
    for words, line in (((str(absent),), f"lab handin: handin: bench {absent} is not in the class "
                                         f"({benches})"),
                        (("abc",), "lab handin: handin: usage: handin BENCH   e.g. handin "
                                   f"{work.bench.model.benches[-1]}"),
                        ((), "lab handin: handin: usage: handin BENCH")):
        refused_in_one_line(*work.refusals[words], starts=line)
    assert not list((REPO / "results").glob(f"handin-{absent}-*"))


class TestReplay:
    """The instructor's replay: the same class, the bench at its stage, the student's files."""

    @pytest.fixture(scope="class")
    def replayed(self, work):
        from lab.command.compose import build_lab
        handin = read_handin(work.archive)
        model = handin.model()
        lab = build_lab(model, plan=handin.plan(model), handin=handin, say=quiet)
        lab.start()
        try:
            yield lab, work
        finally:
            lab.stop()

    def test_the_students_files_are_in_the_hosts(self, replayed):
        lab, work = replayed
        bench = work.bench
        server, seat = bench.server.name, bench.seat.name
        assert lab.cmd(server, f"cat /home/{bench.student}/notes.txt") == NOTES + "\n"
        assert lab.cmd(server, "cat /etc/aliases") == work.seen["aliases"]
        assert not exists(lab, server, "/etc/motd")
        assert lab.cmd(server, f"id -u {bench.student}").strip() == work.seen["uid"]
        assert lab.cmd(server, f"stat -c %u /home/{bench.student}").strip() == work.seen["uid"]
        assert f"{gateway(bench.seat)} serveur" in lab.cmd(seat, "cat /etc/hosts")
        assert nameservers(lab, seat) == [bench.model.instructor.ip]

    def test_the_bench_is_at_its_stage(self, replayed):
        lab, work = replayed
        server = work.bench.server
        assert lab.plan.stage_of(server).name == lab.model.stages[0].name
        assert not forwarding(lab, server.name) and not postfix_running(lab, server.name)
        assert postfix_running(lab, work.bench.neighbour.server.name)

    def test_the_replayed_work_is_the_students_layer(self, replayed):
        lab, work = replayed
        bench = work.bench
        lab.reset(bench.server.name)
        assert not exists(lab, bench.server.name, f"/home/{bench.student}/notes.txt")
        assert not has_account(lab, bench.server.name, bench.student)
        assert exists(lab, bench.server.name, "/etc/motd")


def test_make_lab_handin_replays_it_in_the_cli(work):
    bench = work.bench
    env = {k: v for k, v in os.environ.items() if k not in LAB_VARIABLES}
    child = pexpect.spawn(PYTHON, ["-m", "lab", "run", "--handin", str(work.archive)],
                          cwd=str(REPO), env=env, encoding="utf-8", timeout=120,
                          dimensions=(50, 200))
    try:
        child.expect("mininet> ")
        banner = child.before
        assert f"hand-in {work.archive} replayed on" in banner
        assert f"bench {bench.number} at stage {bench.model.stages[0].name}" in banner
        child.sendline(f"{bench.server.name} cat /home/{bench.student}/notes.txt")
        child.expect("mininet> ")
        assert NOTES in child.before
        child.sendline(f"{bench.seat.name} cat /etc/hosts")
        child.expect("mininet> ")
        assert f"{gateway(bench.seat)} serveur" in child.before
        child.sendline("exit")
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert leftovers() == []
