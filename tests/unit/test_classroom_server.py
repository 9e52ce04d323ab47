"""The classroom's web server in this process (aiohttp on 127.0.0.1, a free port), with a
stand-in for the lab whose "hosts" are bash on a real PTY: logins, pages, terminals, and the
hostile attempts of issue 14, each refused with its status, logged, leaking nothing, the
server still serving the other bench afterwards. The same server on a real lab:
tests/integration/test_classroom.py."""

import asyncio
import json
import logging
import re
import time
from pathlib import Path

import aiohttp
import yarl
from aiohttp import WSMsgType
from aiohttp.test_utils import TestServer

from checks.record import CheckRecord
from checks.results import ClassResult
from classroom.access import Access
from classroom.server import MAX_BODY, MAX_FRAME, Classroom, Limits, make_app
from tests.unit.class_view_fixture import bench_result, objectives_of
from topologies.model import classroom

MODEL = classroom()
LAST, FIRST = MODEL.benches[-1], MODEL.benches[0]
MINE = MODEL.server(LAST).name
THEIRS = MODEL.server(FIRST).name
STAMP = "20261130-101010"


class Clock:
    def __init__(self):
        self.now = 5000.0

    def __call__(self):
        return self.now


class FakeDoor:
    """The lab's door, with bash in place of a host's shell, and check's results made up
    (tests/unit/class_view_fixture.py: `mistakes` says what each bench gets wrong) but its
    record a real one (checks/record.py)."""

    def __init__(self, model, results):
        self.model, self.results = model, Path(results)
        self.resets, self.saved = [], []
        self.mistakes, self.checked = {}, []  # {bench: (objective, reason)}, [(benches, lang)]

    def shell_argv(self, host):
        return ["bash", "--norc", "--noprofile", "-i"], False

    def reset(self, host, lang=None):
        self.resets.append(host)
        return f"{host} is back at stage start"

    def handin(self, bench):
        path = self.results / f"handin-{bench}-{STAMP}.tar.gz"
        path.write_bytes(b"archive")
        return path

    def capture(self, host, seconds):
        path = self.results / f"capture-{host}-{host}-eth0-20261130-111111.pcapng"
        path.write_bytes(b"pcap")
        return path, 3

    def stage_of(self, bench, lang=None):
        return "start", {"fr": "les adresses seulement"}.get(lang, "addresses only")

    def stages(self):
        return {bench: "start" for bench in self.model.benches}

    def save_terminals(self, records):
        self.saved.append(records)

    def check(self, benches, lang):
        self.checked.append((list(benches), lang))
        objectives = objectives_of(lang)
        found = [bench_result(self.model, b, "mail", objectives, lang, self.mistakes.get(b))
                 for b in benches]
        for result in found:
            for outcome in result.outcomes:
                outcome.lint = [{"host": self.model.server(result.bench).name, **finding}
                                for finding in outcome.lint]
        made = f"2026-11-30T10:{len(self.checked):02d}:00+01:00"
        return ClassResult("class", "iut.toml", made, lang, objectives, found, 1.0)

    def record(self):
        return CheckRecord(self.results / "run" / "check.json")

    def objectives(self, lang):
        return objectives_of(lang)


class Room:
    """The server, its codes, and a client a person (their own cookies)."""

    def __init__(self, tmp_path, limits=None):
        self.results = tmp_path
        for host in (MINE, THEIRS):
            (tmp_path / f"capture-{host}-{host}-eth0-{STAMP}.pcapng").write_bytes(b"pcap")
        (tmp_path / f"handin-{FIRST}-{STAMP}.tar.gz").write_bytes(b"theirs")
        self.clock = Clock()
        self.access = Access(MODEL.benches)
        self.room = Classroom(FakeDoor(MODEL, tmp_path), self.access, tmp_path, clock=self.clock,
                              limits=limits)
        self.server = TestServer(make_app(self.room), host="127.0.0.1")
        self.clients = []

    async def __aenter__(self):
        await self.server.start_server()
        self.origin = f"http://127.0.0.1:{self.server.port}"
        return self

    async def __aexit__(self, *_exc):
        for client in self.clients:
            await client.close()
        await self.server.close()
        self.room.close()

    def url(self, path):
        return f"{self.origin}{path}"

    def client(self):
        made = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.clients.append(made)
        return made

    async def login(self, code, client=None):
        client = client or self.client()
        async with client.post(self.url("/login"), data={"code": code},
                               headers={"Origin": self.origin}, allow_redirects=False) as reply:
            return client, reply.status, await reply.text()

    async def post(self, client, path, data, origin=True):
        headers = {"Origin": self.origin} if origin else {}
        async with client.post(self.url(path), json=data, headers=headers) as reply:
            return reply.status, await reply.text()

    async def get(self, client, path):
        async with client.get(self.url(path), allow_redirects=False) as reply:
            return reply.status, await reply.read()

    def secrets(self):
        return list(self.access.codes.values()) + [self.access.instructor, str(self.results)]


def run(test):
    return asyncio.run(asyncio.wait_for(test, 60))


async def type_and_read(ws, command, expect, seconds=10):
    """Type a command in a terminal; the output once `expect` (a regex) shows."""
    await ws.send_bytes(command.encode() + b"\r")
    seen, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = await ws.receive(timeout=deadline - time.monotonic())
        except asyncio.TimeoutError:
            break
        if message.type != WSMsgType.BINARY:
            return seen.decode(errors="replace") + f" [{message.type.name} {message.data}]"
        seen += message.data
        if re.search(expect, seen.decode(errors="replace")):
            return seen.decode(errors="replace")
    return seen.decode(errors="replace")


# --- what works -------------------------------------------------------------------------------

def test_a_student_logs_in_and_types_in_a_terminal(tmp_path, caplog):
    async def scenario():
        async with Room(tmp_path) as room:
            client, status, _page = await room.login(room.access.codes[LAST])
            assert status == 303
            cookie = next(c for c in client.cookie_jar if c.key == "classroom")
            assert cookie["httponly"] and cookie["samesite"] == "Strict"
            status, page = await room.get(client, "/bench")
            assert status == 200 and f'data-host="{MINE}"'.encode() in page
            assert f'data-host="{THEIRS}"'.encode() not in page
            async with client.ws_connect(room.url(f"/terminal/{MINE}?cols=100&rows=30"),
                                         origin=room.origin) as ws:
                assert "42" in await type_and_read(ws, "echo $((40+2))", r"\b42\b")
                assert "30 100" in await type_and_read(ws, "stty size", r"30 100")
                await ws.send_str(json.dumps({"resize": [120, 40]}))
                assert "40 120" in await type_and_read(ws, "stty size", r"40 120")
                assert room.room.door.saved[-1]  # the shell's PID is in the run dir's state
            status, text = await room.post(client, "/api/reset", {"host": MINE})
            assert status == 200 and room.room.door.resets == [MINE]
            status, text = await room.post(client, "/api/handin", {"bench": LAST})
            assert status == 200 and json.loads(text)["name"] == f"handin-{LAST}-{STAMP}.tar.gz"
            status, text = await room.get(client, "/api/state")
            files = json.loads(text)["files"]
            assert [f["name"] for f in files["handins"]] == [f"handin-{LAST}-{STAMP}.tar.gz"]
            assert [f["owner"] for f in files["captures"]] == [MINE]
            status, body = await room.get(
                client, f"/files/capture/{MINE}/capture-{MINE}-{MINE}-eth0-{STAMP}.pcapng")
            assert (status, body) == (200, b"pcap")
            status, body = await room.get(client, f"/picture/{LAST}.svg")
            assert status == 200 and b"<svg" in body
        assert room.room.door.saved[-1] == []  # every terminal closed: no PID left recorded
    run(scenario())


def test_the_student_page_says_the_stage_in_the_page_language(tmp_path):
    async def scenario():
        async with Room(tmp_path) as room:
            client, _status, _page = await room.login(room.access.codes[LAST])
            status, page = await room.get(client, "/bench")
            assert status == 200 and "stage start: addresses only" in page.decode()
            client.cookie_jar.update_cookies({"lang": "fr"}, yarl.URL(room.origin))
            status, page = await room.get(client, "/bench")
            assert status == 200 and "étape start : les adresses seulement" in page.decode()
    run(scenario())


def test_the_instructor_reaches_every_bench_and_rotates_codes(tmp_path):
    async def scenario():
        async with Room(tmp_path) as room:
            boss, status, _ = await room.login(room.access.instructor)
            assert status == 303
            status, page = await room.get(boss, "/instructor")
            assert status == 200 and f'data-host="{MODEL.instructor.name}"'.encode() in page
            for host in (MODEL.instructor.name, THEIRS):
                async with boss.ws_connect(room.url(f"/terminal/{host}"), origin=room.origin) as ws:
                    assert "ok7" in await type_and_read(ws, "echo ok$((3+4))", "ok7")
            status, _ = await room.get(boss, "/instructor/class-view")
            assert status == 200
            status, text = await room.get(boss, "/api/state")
            assert json.loads(text)["stages"][str(LAST)] == "start"
    run(scenario())


def objective_of(panel, objective):
    return next(o for o in panel["objectives"] if o["id"] == objective)


def test_the_check_panel_opens_hints_one_step_at_a_time_and_shows_lint(tmp_path):
    async def scenario():
        async with Room(tmp_path) as room:
            door = room.room.door
            door.mistakes[LAST] = ("mail.aliases", "aliases-typo")
            client, _status, _ = await room.login(room.access.codes[LAST])
            status, text = await room.get(client, "/api/state")
            assert json.loads(text)["check"] is None  # no check yet
            status, text = await room.post(client, "/api/check", {"bench": FIRST})
            assert status == 200 and door.checked == [([LAST], "en")]  # their bench only
            panel = json.loads(text)["check"]
            assert panel["summary"].startswith(f"Bench {LAST}, stage mail:")
            failing = objective_of(panel, "mail.aliases")
            assert failing["state"] == "FAIL" and failing["hints"] == []
            assert failing["steps"] == 3 and failing["evidence"][0]["command"].startswith("grep")
            assert objective_of(panel, "routing.addresses")["evidence"] == []  # a PASS: quiet
            lint = {part["host"]: part for part in panel["lint"]}
            assert list(lint) == [h.name for h in MODEL.hosts if h.bench == LAST]
            finding, = lint[MINE]["findings"]
            assert finding["where"] == "/etc/aliases:3" and finding["objective"] == "mail.aliases"
            assert "postamster" in finding["what"] and finding["why"] and finding["fix"]
            seat = MODEL.seat(LAST).name
            assert lint[seat]["findings"] == []
            assert lint[seat]["nothing"] == f"{seat.upper()}: nothing to point out"
            for step in (1, 2, 3, 3):  # one step a click, never beyond the last
                status, text = await room.post(client, "/api/hint", {"objective": "mail.aliases"})
                opened = objective_of(json.loads(text)["check"], "mail.aliases")
                assert status == 200 and len(opened["hints"]) == step
                assert door.record().bench(LAST)[1] == {"mail.aliases": step}
            assert opened["hints"][2].startswith("What is wrong: line 3 reads postamster")
            status, _ = await room.post(client, "/api/hint", {"objective": "routing.addresses"})
            assert status == 404  # it PASSes: nothing to open
            boss, _status, _ = await room.login(room.access.instructor)
            status, page = await room.get(boss, "/instructor/class-view")
            assert status == 200 and page.count(b"opened by the student") == 3
            assert f'id="bench-{LAST}"'.encode() in page and b"aliases-typo" in page
    run(scenario())


def test_the_class_view_follows_the_students_checks_each_in_its_language(tmp_path):
    async def scenario():
        async with Room(tmp_path) as room:
            door = room.room.door
            boss, _status, _ = await room.login(room.access.instructor)
            status, page = await room.get(boss, "/instructor/class-view")
            assert status == 200 and b"No check yet" in page
            status, text = await room.get(boss, "/api/state")
            before = json.loads(text)["version"]
            student, _status, _ = await room.login(room.access.codes[LAST])
            student.cookie_jar.update_cookies({"lang": "fr"}, yarl.URL(room.origin))
            door.mistakes[LAST] = ("routing.forwarding", "forwarding-off")
            status, text = await room.post(student, "/api/check", {})
            panel = json.loads(text)["check"]
            failing = objective_of(panel, "routing.forwarding")
            assert failing["label"] == "ÉCHEC" and panel["lang"] == "fr"
            status, text = await room.post(student, "/api/hint",
                                           {"objective": "routing.forwarding"})
            assert objective_of(json.loads(text)["check"], "routing.forwarding")["hints"][0] \
                .startswith("Où regarder")
            status, text = await room.get(boss, "/api/state")
            assert json.loads(text)["version"] > before  # the instructor's page reloads the view
            status, page = await room.get(boss, "/instructor/class-view")
            assert b"forwarding-off" in page and page.count(b"opened by the student") == 1
            status, text = await room.post(boss, "/api/check", {"bench": "all"})
            assert status == 200
            # each bench in its students' language: bench LAST's page is in French
            assert sorted(door.checked[-2:], key=str) == sorted(
                [([LAST], "fr"), ([b for b in MODEL.benches if b != LAST], "en")], key=str)
            status, page = await room.get(boss, "/instructor/class-view")
            assert b"Common mistakes" in page and page.count(b"opened by the student") == 1
            assert {f"bench-{b}".encode() for b in MODEL.benches} <= set(
                re.findall(rb'id="(bench-\d+)"', page))
            written = (tmp_path / "class.json").read_text()  # as make check BENCH=all writes
            assert json.loads(written)["benches"][-1]["bench"] == LAST
            assert (tmp_path / "class.html").is_file() and (tmp_path / "class.csv").is_file()
            door.mistakes.pop(LAST)  # the student repairs: their next check, the row changes
            await room.post(student, "/api/check", {})
            status, page = await room.get(boss, "/instructor/class-view")
            assert b"forwarding-off" not in page
            assert page.count(b"opened by the student") == 0  # a PASS keeps its count only
    run(scenario())


# --- hostile attempts --------------------------------------------------------------------------

def refused(caplog, status):
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"refused {status}")]


def test_twenty_hostile_attempts_are_refused_logged_and_leak_nothing(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="classroom")

    async def scenario():
        async with Room(tmp_path, Limits(guesses_per_address=5, terminals_per_student=3,
                                         openings_per_minute=100)) as room:
            student, _s, _p = await room.login(room.access.codes[LAST])
            other, _s, _p = await room.login(room.access.codes[FIRST])
            outcomes = []

            async def http(name, status, method, path, client=None, **options):
                client = client or student
                url = yarl.URL(room.url(path), encoded=True)  # sent as written: %2e stays
                async with client.request(method, url, allow_redirects=False,
                                          **options) as reply:
                    body = await reply.text()
                outcomes.append((name, status, reply.status, body))

            async def ws(name, status, path, client=None, origin="default", **options):
                client = client or student
                origin = room.origin if origin == "default" else origin
                headers = {"Origin": origin} if origin else {}
                try:
                    async with client.ws_connect(room.url(path), headers=headers, **options):
                        got, body = 101, ""
                except aiohttp.WSServerHandshakeError as error:
                    got, body = error.status, error.message
                outcomes.append((name, status, got, body))

            post = {"headers": {"Origin": room.origin}}
            capture = f"capture-{THEIRS}-{THEIRS}-eth0-{STAMP}.pcapng"
            # another bench's host, the instructor's, one that does not exist
            await ws("terminal of another bench's host", 403, f"/terminal/{THEIRS}")
            await ws("terminal of the instructor's host", 403, f"/terminal/{MODEL.instructor.name}")
            await ws("terminal of no host", 404, "/terminal/nosuchhost")
            await http("capture of another bench's host", 403, "GET",
                       f"/files/capture/{THEIRS}/{capture}")
            await http("their capture under my host", 404, "GET",
                       f"/files/capture/{MINE}/{capture}")
            await http("another bench's hand-in", 403, "GET",
                       f"/files/handin/{FIRST}/handin-{FIRST}-{STAMP}.tar.gz")
            await http("another bench's picture", 403, "GET", f"/picture/{FIRST}.svg")
            # path traversal
            await http("traversal, encoded", 400, "GET", f"/files/capture/{MINE}/..%2e%2fclass.json")
            await http("traversal, dotted name", 400, "GET", f"/files/capture/{MINE}/%2e%2e")
            await http("traversal, hidden file", 400, "GET", f"/files/handin/{LAST}/.classroom")
            await http("traversal in the host", 404, "GET", f"/files/capture/..%2f{MINE}/x.pcapng")
            await http("a file kind that does not exist", 404, "GET", f"/files/etc/{LAST}/passwd")
            # cookies
            forged = room.client()
            forged.cookie_jar.update_cookies({"classroom": "A" * 43})
            await http("forged cookie, API", 401, "GET", "/api/state", forged)
            await ws("forged cookie, terminal", 401, f"/terminal/{MINE}", forged)
            late, _s, _p = await room.login(room.access.codes[LAST])
            room.clock.now += 9 * 3600  # past the idle limit
            await http("expired cookie", 401, "GET", "/api/state", late)
            student, _s, _p = await room.login(room.access.codes[LAST])  # a fresh one
            other, _s, _p = await room.login(room.access.codes[FIRST])
            # a code replayed after rotation, and the old session
            boss, _s, _p = await room.login(room.access.instructor)
            old_code = room.access.codes[LAST]
            await http("rotation", 200, "POST", "/api/rotate", boss, json={"bench": LAST}, **post)
            replay, status, body = await room.login(old_code)
            outcomes.append(("code replayed after rotation", 401, status, body))
            await http("session of a rotated code", 401, "GET", "/api/state", student)
            student, _s, _p = await room.login(room.access.codes[LAST])
            # another origin
            await ws("cross-origin websocket", 403, f"/terminal/{MINE}",
                     origin="http://evil.example")
            await ws("websocket without Origin", 403, f"/terminal/{MINE}", origin=None)
            await http("cross-origin reset", 403, "POST", "/api/reset", json={"host": MINE},
                       headers={"Origin": "http://evil.example"})
            # the instructor's tools, other benches' tools
            await http("student rotates a code", 403, "POST", "/api/rotate",
                       json={"bench": FIRST}, **post)
            await http("student opens the instructor page", 403, "GET", "/instructor")
            await http("student opens the class view", 403, "GET", "/instructor/class-view")
            await http("reset of another bench's host", 403, "POST", "/api/reset",
                       json={"host": THEIRS}, **post)
            await http("hand-in of another bench", 403, "POST", "/api/handin",
                       json={"bench": FIRST}, **post)
            await http("bad JSON", 400, "POST", "/api/reset", data=b"{not json",
                       headers={"Origin": room.origin, "Content-Type": "application/json"})
            await http("hint of no objective", 404, "POST", "/api/hint",
                       json={"objective": "../../x"}, **post)
            # sizes
            await http("oversized body", 413, "POST", "/api/reset",
                       data=b"x" * (MAX_BODY + 1),
                       headers={"Origin": room.origin, "Content-Type": "application/json"})
            async with student.ws_connect(room.url(f"/terminal/{MINE}"), origin=room.origin) as w:
                await w.send_bytes(b"x" * (MAX_FRAME + 1))
                message = await w.receive(timeout=10)
                while message.type == WSMsgType.BINARY:
                    message = await w.receive(timeout=10)
                outcomes.append(("oversized frame", 1009, w.close_code, ""))
            async with student.ws_connect(room.url(f"/terminal/{MINE}"), origin=room.origin) as w:
                await w.send_str("not a resize")
                message = await w.receive(timeout=10)
                while message.type == WSMsgType.BINARY:
                    message = await w.receive(timeout=10)
                outcomes.append(("a control message that is no resize", 1003, w.close_code, ""))
            # a flood of terminal openings: three open, the fourth refused
            held = [await student.ws_connect(room.url(f"/terminal/{MINE}"), origin=room.origin)
                    for _ in range(3)]
            await ws("a fourth terminal at once", 429, f"/terminal/{MINE}")
            for w in held:
                await w.close()
            # guessing codes: the replayed code above was the first wrong one from this address
            guesser = room.client()
            for number in range(4):
                _c, status, body = await room.login(f"guess-{number}", guesser)
                outcomes.append((f"wrong code {number + 1}", 401, status, body))
            _c, status, body = await room.login(room.access.codes[LAST], guesser)
            outcomes.append(("a right code after too many wrong ones", 429, status, body))

            # every attempt refused with its status, leaking nothing
            wrong = [(name, want, got) for name, want, got, _b in outcomes if want != got]
            assert not wrong, wrong
            hostile = [o for o in outcomes if o[1] != 200]
            assert len(hostile) >= 20
            for name, _want, _got, body in hostile:
                assert not any(secret in body for secret in room.secrets()), name
                assert "Traceback" not in body, name
            for status in (400, 401, 403, 404, 413, 429):
                assert refused(caplog, status), status
            assert any("frame" in line for line in refused(caplog, 413))
            assert "a wrong code" in " ".join(refused(caplog, 401))
            # and the other bench is still served
            status, _t = await room.get(other, "/api/state")
            assert status == 200
            async with other.ws_connect(room.url(f"/terminal/{THEIRS}"), origin=room.origin) as w:
                assert "ok9" in await type_and_read(w, "echo ok$((4+5))", "ok9")
    run(scenario())


def test_a_flood_of_openings_is_limited_in_time(tmp_path):
    async def scenario():
        async with Room(tmp_path, Limits(openings_per_minute=4)) as room:
            student, _s, _p = await room.login(room.access.codes[LAST])
            statuses = []
            for _ in range(6):
                try:
                    async with student.ws_connect(room.url(f"/terminal/{MINE}"),
                                                  origin=room.origin):
                        statuses.append(101)
                except aiohttp.WSServerHandshakeError as error:
                    statuses.append(error.status)
            assert statuses == [101] * 4 + [429] * 2
            room.clock.now += 61
            async with student.ws_connect(room.url(f"/terminal/{MINE}"), origin=room.origin):
                pass
    run(scenario())


def test_a_student_captures_on_their_own_hosts(tmp_path):
    async def scenario():
        async with Room(tmp_path) as room:
            student, _s, _p = await room.login(room.access.codes[LAST])
            status, text = await room.post(student, "/api/capture", {"host": MINE, "seconds": 2})
            assert status == 200 and json.loads(text)["frames"] == 3
            status, text = await room.get(student, "/api/state")
            assert f"capture-{MINE}-{MINE}-eth0-20261130-111111.pcapng" in text.decode()
            for data, want in (({"host": THEIRS, "seconds": 2}, 403),
                               ({"host": MINE, "seconds": 0}, 400),
                               ({"host": MINE, "seconds": 61}, 400),
                               ({"host": MINE, "seconds": "5; rm -rf /"}, 400)):
                status, text = await room.post(student, "/api/capture", data)
                assert status == want, (data, status)
            session = next(iter(room.room.sessions._sessions.values()))
            room.room.captures.add(session.id)  # one running already
            status, _t = await room.post(student, "/api/capture", {"host": MINE, "seconds": 2})
            assert status == 429
    run(scenario())
