"""Bad stage, bench or hand-in through the real entry points (`python3 -m lab run`, its
environment variables, `make lab`, `make handin`): one line naming the problem, exit 2,
nothing started (the lab lock is held meanwhile, as a running lab holds it: a command that
went on to start a lab would be refused as a second one), nothing left. Names and numbers
from the first class file's model."""

import io
import json
import tarfile
from pathlib import Path

import pytest

from lab.runtime.rundir import RUN_DIR
from tests.integration.conftest import (PYTHON, REPO, another_terminal, class_files, lab_lines,
                                        leftovers)
from tests.integration.stagecheck import played
from topologies.classfile import CLASSES
from topologies.model import classroom

CLASS_FILE = class_files()[0]
MODEL = classroom(path=CLASS_FILE)
BENCH = played(MODEL)
LOW, HIGH = MODEL.spec.bench_range
ABSENT = next(n for n in range(LOW, HIGH + 1) if n not in MODEL.benches)
STAGES = ", ".join(s.name for s in MODEL.stages)
BENCHES = ", ".join(map(str, MODEL.benches))
OTHER = classroom(path=next(p for p in (CLASSES / "iut.toml", CLASSES / "campus.toml")
                            if p.resolve() != CLASS_FILE.resolve()))
OTHER_STAGE = next(s.name for s in OTHER.stages if s.name not in STAGES.split(", "))
CANARY = Path("/srv/classlab-test-canary")  # the machine's, read-only in a host


def tar_bytes(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def handin_file(folder, name, meta=None, files=None, deleted=None, members=None):
    """A hand-in as the lab writes one for the played bench, changed where asked."""
    hosts = [h.name for h in BENCH.hosts]
    base = {"format": "classlab-handin/1", "class_file": str(CLASS_FILE.resolve()),
            "benches": list(MODEL.benches), "part2": MODEL.part2, "bench": BENCH.number,
            "stages": {h: MODEL.stages[0].name for h in hosts}, "made": "2026-11-29T18:00:00",
            "hosts": hosts}
    base.update(meta or {})
    content = {"handin.json": json.dumps(base).encode()}
    for host in base["hosts"]:
        content[f"{host}/files.tar"] = (files or {}).get(host, tar_bytes({}))
        content[f"{host}/deleted.txt"] = (deleted or {}).get(host, b"")
        content[f"{host}/history.txt"] = b""
    content.update(members or {})
    path = folder / f"{name}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, data in content.items():
            if data is None:
                continue
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


SERVER = BENCH.server.name
CASES = [
    # (what, argv after `make` or the interpreter (a callable gets the test's folder), env,
    #  what the one line says)
    ("unknown stage", ["-m", "lab", "run", "--stage", "nope"], {},
     f"lab run: STAGE: unknown stage 'nope' (this class has: {STAGES})"),
    ("another class's stage", ["-m", "lab", "run", "--stage", OTHER_STAGE], {},
     f"unknown stage '{OTHER_STAGE}'"),
    ("STAGE unknown", ["-m", "lab", "run"], {"STAGE": "nope"}, "STAGE: unknown stage 'nope'"),
    ("bench not in the class", ["-m", "lab", "run", "--stage", MODEL.stages[0].name, "--bench",
                                str(ABSENT)], {},
     f"lab run: BENCH: bench '{ABSENT}' is not in the class (benches: {BENCHES}, or all)"),
    ("bench a word", ["-m", "lab", "run", "--bench", "abc"], {}, "BENCH: bench 'abc' is not in the class"),
    ("BENCH not in the class", ["-m", "lab", "run"], {"BENCH": str(ABSENT)},
     f"BENCH: bench '{ABSENT}' is not in the class"),
    ("hand-in missing", ["-m", "lab", "run", "--handin", "/nonexistent"], {},
     "lab run: HANDIN: /nonexistent: no such file"),
    ("HANDIN missing", ["-m", "lab", "run"], {"HANDIN": "/nonexistent.tar.gz"},
     "HANDIN: /nonexistent.tar.gz: no such file"),
    ("hand-in a text file", ["-m", "lab", "run", "--handin", str(REPO / "README.md")], {},
     f"lab run: HANDIN: {REPO / 'README.md'} is not a hand-in archive"),
    ("hand-in a folder", ["-m", "lab", "run", "--handin", str(REPO / "topologies")], {},
     "is not a hand-in archive"),
    ("hand-in a tar without handin.json", ["-m", "lab", "run", "--handin", lambda d: handin_file(
        d, "nojson", members={"handin.json": None})], {}, "is not a hand-in archive"),
    ("hand-in of another format", ["-m", "lab", "run", "--handin", lambda d: handin_file(
        d, "format", meta={"format": "something/2"})], {}, "is not a hand-in archive"),
    ("hand-in missing a host's files", ["-m", "lab", "run", "--handin", lambda d: handin_file(
        d, "nofiles", members={f"{SERVER}/files.tar": None})], {}, "is not a hand-in archive"),
    ("hand-in of a class file not here", ["-m", "lab", "run", "--handin", lambda d: handin_file(
        d, "gone", meta={"class_file": "/nonexistent/school.toml"})], {},
     "was made with /nonexistent/school.toml, which is not here"),
    ("hand-in naming a host the class lacks", ["-m", "lab", "run", "--handin", lambda d: handin_file(
        d, "nohost", meta={"hosts": [SERVER, "nohost99"]})], {},
     "names hosts this class does not have: nohost99"),
    ("hand-in whose files.tar is no tar", ["-m", "lab", "run", "--handin", lambda d: handin_file(
        d, "badtar", files={SERVER: b"not a tar at all" * 64})], {}, "is not a hand-in archive"),
    ("hand-in writing outside a host's own files", ["-m", "lab", "run", "--handin", lambda d: handin_file(
        d, "outside", files={SERVER: tar_bytes({"opt/planted": b"x\n", "etc/motd": b"x\n"})})], {},
     "opt/planted"),
    ("hand-in deleting outside a host's own files", ["-m", "lab", "run", "--handin", lambda d: handin_file(
        d, "delete", deleted={SERVER: f"/etc/motd\n{CANARY}\n".encode()})], {}, str(CANARY)),
    ("hand-in climbing out with ..", ["-m", "lab", "run", "--handin", lambda d: handin_file(
        d, "climb", files={SERVER: tar_bytes({"etc/../opt/planted": b"x\n"})})], {}, "etc/../opt/planted"),
    ("make lab STAGE", ["lab", "STAGE=nope"], {}, "lab run: STAGE: unknown stage 'nope'"),
    ("make lab BENCH", ["lab", "STAGE=" + MODEL.stages[0].name, f"BENCH={ABSENT}"], {},
     f"lab run: BENCH: bench '{ABSENT}' is not in the class"),
    ("make lab HANDIN", ["lab", "HANDIN=/nonexistent"], {}, "lab run: HANDIN: /nonexistent: no such file"),
]


@pytest.mark.parametrize("what, argv, env, named", CASES, ids=[case[0] for case in CASES])
def test_bad_stage_bench_or_handin_is_one_line(tmp_path, lab_lock_held, what, argv, env, named):
    CANARY.write_text("the machine's own\n")
    try:
        argv = [str(a(tmp_path)) if callable(a) else a for a in argv]
        command = (["make", "--no-print-directory", *argv] if argv[0] == "lab"
                   else [PYTHON, *argv])
        code, out, err = another_terminal(*command, env=env)
        lines = lab_lines(err)
        assert code == 2, out + err
        assert len(lines) == 1, err
        assert named in lines[0], lines[0]
        assert lines[0].startswith("lab run: ")
        assert "Traceback" not in err and "already running" not in err
        assert "*** Building" not in out and "mininet>" not in out
        assert CANARY.read_text() == "the machine's own\n"
        assert not Path("/opt/planted").exists()
    finally:
        CANARY.unlink()
    assert [p.name for p in RUN_DIR.iterdir()] == ["lock"]  # the test's own lock, nothing more


def test_nothing_is_left_after_the_bad_input():
    assert leftovers() == []


@pytest.mark.parametrize("argv", [[PYTHON, "-m", "lab", "handin", str(BENCH.number)],
                                  ["make", "--no-print-directory", "handin", f"BENCH={BENCH.number}"]],
                         ids=["python3 -m lab handin", "make handin"])
def test_handin_with_no_lab_running_says_so(argv):
    code, out, err = another_terminal(*argv)
    assert code == 2, out + err
    assert lab_lines(err) == ["lab handin: no lab is running (start one with: sudo make lab)"]
    assert leftovers() == []
