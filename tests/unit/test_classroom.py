"""The classroom's pure parts: codes and the access sheet, sessions and limits, the fence
between benches, LISTEN, the pages' language, the xterm.js bundle, the bench picture."""

import csv
import io
import os
import stat
import subprocess

import pytest

from checks.i18n import translator
from classroom import access as access_module
from classroom.access import Access, sheet_csv, write_sheet
from classroom.door import DROPPED, fenced_argv, hiding_script
from classroom.fence import Refused, check_bench, check_file, check_host, files_for, owner_of, \
    safe_name
from classroom.listen import bind, parse_listen, url_of
from classroom.pages import login_page, pick_language, student_page
from classroom.sessions import Sessions, Window
from classroom.xterm import NODE_XTERM, bundle
from lab.base.errors import UsageError
from topologies.model import classroom

MODEL = classroom()
LAST, FIRST = MODEL.benches[-1], MODEL.benches[0]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def student(bench=LAST):
    return Sessions(Clock()).open("bench", bench)


def teacher():
    return Sessions(Clock()).open("instructor")


# --- codes ----------------------------------------------------------------------------------

def test_codes_are_unguessable_and_distinct():
    found = Access(MODEL.benches)
    codes = list(found.codes.values()) + [found.instructor]
    assert len(set(codes)) == len(codes)
    assert all(len(code) >= 16 for code in codes)          # 16 bytes: 128 bits, base64url
    assert access_module.CODE_BYTES * 8 >= 64


def test_a_code_says_whose_it_is():
    found = Access(MODEL.benches)
    assert found.who(found.codes[LAST]) == ("bench", LAST)
    assert found.who(f"  {found.codes[FIRST]}\n") == ("bench", FIRST)
    assert found.who(found.instructor) == ("instructor", None)
    for wrong in ("", None, "x", found.codes[LAST][:-1], found.codes[LAST] + "x"):
        assert found.who(wrong) is None


def test_a_rotated_code_replaces_the_old_one():
    found = Access(MODEL.benches)
    old = found.codes[LAST]
    new = found.rotate(LAST)
    assert new != old and found.who(old) is None and found.who(new) == ("bench", LAST)
    with pytest.raises(KeyError):
        found.rotate(999)


def test_the_access_sheet_is_private(tmp_path):
    found = Access(MODEL.benches)
    page, table = write_sheet(found, "http://127.0.0.1:8054/", MODEL, tmp_path, translator("fr"))
    for path in (page, table):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(table.read_text())))
    assert rows[0][0] == "Banc" and rows[1][:2] == ["instructor", found.instructor]
    assert [row[0] for row in rows[2:]] == [str(b) for b in MODEL.benches]
    text = page.read_text()
    assert all(code in text for code in found.codes.values()) and found.instructor in text
    assert MODEL.server(LAST).name.upper() in text
    os.chmod(table, 0o644)  # written again (a rotation): private again
    write_sheet(found, "http://127.0.0.1:8054/", MODEL, tmp_path, translator("en"))
    assert stat.S_IMODE(table.stat().st_mode) == 0o600


def test_the_sheet_escapes_what_it_writes():
    found = Access(MODEL.benches)
    text = sheet_csv(found, "http://127.0.0.1:1/", translator("en"))
    assert text.splitlines()[0] == "Bench,Code,URL"


# --- sessions and limits ---------------------------------------------------------------------

def test_a_session_ends_when_idle_or_old():
    clock = Clock()
    sessions = Sessions(clock, idle=60, lifetime=300)
    one = sessions.open("bench", LAST)
    assert len(one.id) >= 40 and sessions.get(one.id) is one
    clock.now += 59
    assert sessions.get(one.id) is one
    clock.now += 61
    assert sessions.get(one.id) is None
    two = sessions.open("bench", LAST)
    for _minute in range(7):
        clock.now += 50
        sessions.get(two.id)
    assert sessions.get(two.id) is None  # used all along, but older than its lifetime
    assert sessions.get("forged") is None and sessions.get(None) is None


def test_rotation_ends_the_bench_s_sessions_only():
    sessions = Sessions(Clock())
    mine, other, boss = (sessions.open("bench", LAST), sessions.open("bench", FIRST),
                         sessions.open("instructor"))
    assert sessions.end_bench(LAST) == 1
    assert sessions.get(mine.id) is None
    assert sessions.get(other.id) is other and sessions.get(boss.id) is boss


def test_a_window_counts_events_per_key():
    clock = Clock()
    window = Window(3, 60, clock)
    assert [window.allow("a") for _ in range(4)] == [True, True, True, False]
    assert window.allow("b")
    assert window.allow("a", count=False) is False
    clock.now += 60
    assert window.allow("a")


# --- the fence -------------------------------------------------------------------------------

def test_a_student_reaches_the_hosts_of_their_bench_only():
    mine = [h.name for h in MODEL.hosts if h.bench == LAST]
    other = next(h.name for h in MODEL.hosts if h.bench == FIRST)
    for name in mine:
        assert check_host(MODEL, student(), name) == name
    for name, status in ((other, 403), (MODEL.instructor.name, 403), ("nobody", 404),
                         ("../" + mine[0], 404), ("", 404)):
        with pytest.raises(Refused) as refused:
            check_host(MODEL, student(), name)
        assert refused.value.status == status, name
    assert check_host(MODEL, teacher(), MODEL.instructor.name)
    assert check_host(MODEL, teacher(), other)


def test_benches_and_file_names():
    assert check_bench(MODEL, student(), str(LAST)) == LAST
    for text, status in ((str(FIRST), 403), ("999", 404), ("-1", 404), ("54a", 404), ("", 404)):
        with pytest.raises(Refused) as refused:
            check_bench(MODEL, student(), text)
        assert refused.value.status == status, text
    for bad in ("..", "../x", "a/b", ".hidden", "", "x" * 300, "a\x00b", "..%2f"):
        with pytest.raises(Refused) as refused:
            safe_name(bad)
        assert refused.value.status == 400, bad


def capture(host, stamp="20261130-101010"):
    return f"capture-{host}-{host}-eth0-{stamp}.pcapng"


def test_files_belong_to_a_host_or_a_bench(tmp_path):
    mine = MODEL.server(LAST).name
    theirs = MODEL.server(FIRST).name
    for name in (capture(mine), capture(theirs), f"handin-{LAST}-20261130-101010.tar.gz",
                 f"handin-{FIRST}-20261130-101010.tar.gz", "class.json", "notes.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path / capture(mine, "20261130-111111")).symlink_to("/etc/passwd")
    assert owner_of(MODEL, capture(mine)) == ("capture", mine)
    assert owner_of(MODEL, "class.json") is None
    found = files_for(MODEL, student(), tmp_path)
    assert [f["name"] for f in found["captures"]] == [capture(mine)]   # not the link
    assert [f["name"] for f in found["handins"]] == [f"handin-{LAST}-20261130-101010.tar.gz"]
    everything = files_for(MODEL, teacher(), tmp_path)
    assert len(everything["captures"]) == 2 and len(everything["handins"]) == 2
    assert check_file(MODEL, student(), tmp_path, "capture", mine, capture(mine)).is_file()
    for kind, owner, name, status in (
            ("capture", theirs, capture(theirs), 403),
            ("capture", mine, capture(theirs), 404),
            ("capture", mine, capture(mine, "20261130-111111"), 404),
            ("capture", mine, "../../etc/passwd", 400),
            ("handin", str(FIRST), f"handin-{FIRST}-20261130-101010.tar.gz", 403),
            ("handin", str(LAST), f"handin-{FIRST}-20261130-101010.tar.gz", 404),
            ("handin", str(LAST), "class.json", 404)):
        with pytest.raises(Refused) as refused:
            check_file(MODEL, student(), tmp_path, kind, owner, name)
        assert refused.value.status == status, (kind, owner, name)


# --- LISTEN ----------------------------------------------------------------------------------

def test_listen_is_parsed():
    assert parse_listen(None) == ("127.0.0.1", 8054)
    assert parse_listen("0.0.0.0:8054") == ("0.0.0.0", 8054)
    assert parse_listen("[::1]:9000") == ("::1", 9000)
    for bad in ("8054", "localhost:8054", "127.0.0.1:x", "127.0.0.1:70000", ":80"):
        with pytest.raises(UsageError):
            parse_listen(bad)


def test_a_busy_port_or_a_missing_address_is_one_line():
    taken = bind("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        assert url_of(taken) == f"http://127.0.0.1:{port}/"
        with pytest.raises(UsageError, match="already in use"):
            bind("127.0.0.1", port)
    finally:
        taken.close()
    with pytest.raises(UsageError, match="has no address 192.0.2.7"):
        bind("192.0.2.7", 0)  # TEST-NET-1: never this machine's


# --- pages -----------------------------------------------------------------------------------

def test_the_language_follows_the_browser_unless_chosen():
    assert pick_language(None, "fr-FR,fr;q=0.9,en;q=0.8") == "fr"
    assert pick_language(None, "en-GB,en;q=0.9,fr;q=0.8") == "en"
    assert pick_language(None, "de-DE,fr;q=0.5") == "fr"
    assert pick_language(None, "de-DE") == "en"
    assert pick_language(None, None) == "en"
    assert pick_language("fr", "en-US") == "fr"
    assert pick_language("xx", "fr") == "fr"


def test_pages_escape_and_translate():
    text = login_page("fr", None)
    assert "Votre code" in text and 'lang="fr"' in text
    page = student_page("en", MODEL, LAST, "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert all(f'data-host="{h.name}"' in page for h in MODEL.hosts if h.bench == LAST)
    assert not any(f'data-host="{h.name}"' in page for h in MODEL.hosts if h.bench != LAST)


# --- the terminal's shell, xterm.js, the picture ------------------------------------------------

def test_the_web_shell_goes_without_the_capabilities_that_leave_the_host():
    argv = ["nsenter", "-n", "-t", "7", "--", "env", "-i", "bash"]
    fenced = fenced_argv(argv)
    assert fenced[:5] == argv[:5] and fenced[5] == "setpriv" and fenced[-3:] == argv[-3:]
    assert "-sys_admin" in fenced[7] and "sys_admin" in DROPPED
    script = hiding_script("/srv/my results")
    assert "'/srv/my results'" in script and "/dev/vd*" in script


@pytest.mark.skipif(not NODE_XTERM.is_dir(), reason="node-xterm is not installed (make deps)")
def test_xterm_is_bundled_from_debian_s_package(tmp_path):
    script = bundle()
    assert "window.Terminal" in script and '"public/Terminal"' in script
    assert ".test" not in script.split("var sources", 1)[1][:2000]
    node = "/usr/bin/node"
    if os.path.exists(node):
        (tmp_path / "b.js").write_text(script)
        done = subprocess.run([node, "-e", "global.window={}; global.navigator={userAgent:'x', platform:'Linux'};"
                               "global.document={}; require(process.argv[1]);"
                               "console.log(typeof window.Terminal.applyAddon,"
                               " typeof window.xtermFit.fit)", str(tmp_path / "b.js")],
                              capture_output=True, text=True, timeout=60)
        assert done.stdout.split() == ["function", "function"], done.stderr


def test_the_bench_picture_shows_that_bench_alone():
    from classroom.picture import bench_dot
    text = bench_dot(MODEL, LAST)
    assert f'"{MODEL.server(LAST).name}"' in text and f'"{MODEL.instructor.name}"' in text
    assert f'"{MODEL.server(FIRST).name}"' not in text


def test_install_deps_installs_what_the_classroom_needs():
    from tests.unit.test_packages import installed_packages
    assert {"python3-aiohttp", "node-xterm", "libjs-xterm", "graphviz"} <= installed_packages()


def test_a_bench_is_checked_once_at_a_time():
    """Two checks of one bench (a student's, the instructor's of every bench) never run at
    once: their probes would meet in the bench's hosts. The second waits for the first."""
    import threading
    from classroom.checking import Checks
    from lab.base.waiting import wait_until
    from tests.unit.test_classroom_server import FakeDoor

    class SlowDoor(FakeDoor):
        def __init__(self):
            super().__init__(MODEL, "/nonexistent")
            self.inside, self.go = [], threading.Event()

        def check(self, benches, lang):
            self.inside.append(list(benches))
            self.go.wait(20)
            return super().check(benches, lang)

    class Watched:
        """The bench's lock, saying when someone waits for it."""
        def __init__(self):
            self.lock, self.tries = threading.Lock(), 0

        def __enter__(self):
            self.tries += 1
            self.lock.acquire()

        def __exit__(self, *_exc):
            self.lock.release()
    door = SlowDoor()
    checks = Checks(door)
    checks._benches[LAST] = watched = Watched()
    checks.heard(LAST, "fr")
    student = threading.Thread(target=checks.run, args=([LAST], "en"))
    student.start()
    wait_until(lambda: door.inside, "the student's check runs")
    everyone = threading.Thread(target=checks.run, args=(list(MODEL.benches), "en"))
    everyone.start()
    wait_until(lambda: watched.tries == 2, "the instructor's check waits for the bench")
    assert door.inside == [[LAST]]  # nothing else started, not even the other bench
    door.go.set()
    for thread in (student, everyone):
        thread.join(20)
    assert sorted(door.checked, key=str) == sorted(
        [([LAST], "fr"), ([LAST], "fr"), ([FIRST], "en")], key=str)
    assert checks.version == 3


def test_the_sheet_gives_students_the_machine_s_address_when_listening_everywhere():
    from classroom.listen import machine_addresses, public_url

    class Bound:
        def __init__(self, address):
            self.address = address

        def getsockname(self):
            return (self.address, 8054)
    listing = ("2: eth0    inet 192.0.2.10/24 brd 192.0.2.255 scope global eth0\\n"
               "3: eth1    inet 198.51.100.7/24 scope global eth1\\n")
    assert machine_addresses(listing) == ["192.0.2.10", "198.51.100.7"]
    assert public_url(Bound("0.0.0.0"), ["192.0.2.10"]) == "http://192.0.2.10:8054/"
    assert public_url(Bound("0.0.0.0"), []) == "http://127.0.0.1:8054/"
    assert public_url(Bound("127.0.0.1"), ["192.0.2.10"]) == "http://127.0.0.1:8054/"
