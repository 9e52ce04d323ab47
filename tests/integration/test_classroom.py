"""make classroom on a real lab: `python3 -m classroom` (the class at stage start, its web
server on 127.0.0.1, a free port), driven as browsers would (aiohttp's websocket client).

A student's terminal is a login shell inside their host (prompt, hostname, ping, nano); from
inside it the server's port and the machine's files are out of reach; reset and hand-in
work on their bench only; the instructor reaches the instructor's host. SIGTERM stops every
terminal's shell by PID (tests/integration/test_classroom_lifecycle.py: stopping, and bad
LISTEN)."""

import asyncio
import html
import os
from pathlib import Path
import re
import shutil

import aiohttp
import pytest

from classroom.launch import read_codes, start, stop, wait_for_url
from tests.integration.conftest import REPO, one_class
from tests.unit.test_classroom_server import type_and_read
from topologies.model import classroom

class_file = one_class()


class Served:
    def __init__(self, model, results, process):
        self.model, self.results, self.process = model, results, process
        self.url, self.port, self.said = wait_for_url(process, results / "server.log")
        self.origin = self.url.rstrip("/")
        self.codes = read_codes(results)

    async def login(self, who):
        client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        async with client.post(self.url + "login", data={"code": self.codes[str(who)]},
                               headers={"Origin": self.origin}, allow_redirects=False) as reply:
            assert reply.status == 303
        return client

    def terminal(self, client, host):
        return client.ws_connect(f"{self.url}terminal/{host}?cols=120&rows=40",
                                 origin=self.origin)

    def log(self):
        return (self.results / "server.log").read_text()


@pytest.fixture(scope="module")
def served(class_file):
    """The server, its results folder where hosts would see it (the machine's /tmp is not
    a host's: under the project's results/, as make classroom has it)."""
    model = classroom(path=class_file)
    results = REPO / "results" / f"classroom-test-{os.getpid()}"
    results.mkdir(parents=True)
    process = start(results, "--class", str(class_file), "--stage", "start")
    try:
        yield Served(model, results, process)
    finally:
        stop(process)
        shutil.rmtree(results, ignore_errors=True)


def run(test):
    return asyncio.run(asyncio.wait_for(test, 120))


def test_the_access_sheet_is_written_private(served):
    for name in ("classroom-access.html", "classroom-access.csv"):
        assert oct((served.results / name).stat().st_mode & 0o777) == "0o600"
    assert set(served.codes) == {"instructor"} | {str(b) for b in served.model.benches}
    assert "Listening on this machine only" in served.said


def test_a_student_s_terminal_is_a_login_shell_inside_their_host(served):
    model = served.model
    bench = model.benches[-1]
    server = model.server(bench)
    instructor = model.instructor.interfaces[0].ip

    async def scenario():
        client = await served.login(bench)
        try:
            async with served.terminal(client, server.name) as ws:
                seen = await type_and_read(ws, 'echo "H=$(hostname)"', rf"H={server.name}\r")
                assert f"root@{server.name.upper()}:~#" in seen and f"H={server.name}\r" in seen
                seen = await type_and_read(ws, f"ping -c 1 {instructor}", r"packet loss", 20)
                assert "1 received" in seen, seen
                seen = await type_and_read(ws, "nano /tmp/classroom-note", r"GNU nano")
                assert "\x1b[?1049h" in seen  # the alternate screen: full-screen
                seen = await type_and_read(ws, "\x18", r"root@")  # Ctrl-X leaves nano
                assert "\x1b[?1049l" in seen
                seen = await type_and_read(ws, "seq 2000 | less", r"\n10\r")  # a pager
                assert "\x1b[?1049h" in seen and "1999" not in seen  # one screen
                seen = await type_and_read(ws, "q", r"root@")
        finally:
            await client.close()
    run(scenario())


def test_the_student_page_says_the_stage_in_the_page_language(served):
    """The header: the class file's `says` of the bench's stage, in the page's language."""
    bench = served.model.benches[-1]
    stage = served.model.stages[0]

    async def scenario():
        client = await served.login(bench)
        try:
            for lang, words in (("en", "stage"), ("fr", "étape")):
                async with client.get(f"{served.url}lang/{lang}", allow_redirects=True):
                    pass
                async with client.get(f"{served.url}bench") as reply:
                    page = await reply.text()
                assert reply.status == 200
                says = html.escape(stage.says_for(bench, lang), quote=True)
                assert f"{words} {stage.name}" in page and says in page, (lang, says)
        finally:
            await client.close()
    run(scenario())


def test_from_inside_a_host_the_server_and_the_machine_are_out_of_reach(served):
    server = served.model.server(served.model.benches[-1]).name
    probe = Path("/") / f"classroom-escape-probe-{os.getpid()}"  # the machine's own, read-only
    # in hosts wherever the checkout lies (one under /root sits in the host's own /root)
    steps = [
        (f"timeout 3 bash -c 'echo > /dev/tcp/127.0.0.1/{served.port}' 2>/dev/null "
         "&& echo RE''ACHED || echo UNRE''ACHED", "UNREACHED"),
        (f"ls -A {served.results} | wc -l; echo LIS''TED", r"\b0\s+LISTED"),
        (f"cat {served.results}/classroom-access.csv 2>&1 | head -c 200", r"No such file"),
        (f"touch {probe} 2>&1 | tail -1", r"Read-only file system"),
        ("mount -o remount,bind,rw /usr/share 2>&1 | head -1", r"permission denied|must be superuser"),
        ("umount /proc 2>&1 | tail -1", r"must be superuser|not permitted|denied"),
        ("umount /run 2>&1 | tail -1", r"must be superuser|not permitted|denied"),
        ("head -c 4096 /dev/vda 2>/dev/null | wc -c; echo DI''SK", r"\b0\s+DISK"),
        ("cat /run/classlab/state.json 2>&1 | head -c 80", r"No such file"),
    ]

    async def scenario():
        client = await served.login(served.model.benches[-1])
        try:
            async with served.terminal(client, server) as ws:
                await type_and_read(ws, "", r"root@")
                for command, expected in steps:
                    seen = await type_and_read(ws, command, expected, 15)
                    assert re.search(expected, seen), (command, seen)
                    assert "\nREACHED" not in seen
        finally:
            await client.close()
    run(scenario())
    assert not probe.exists()
    assert served.process.poll() is None


def test_the_fence_holds_on_the_real_lab(served):
    model = served.model
    mine, theirs = model.benches[-1], model.benches[0]

    async def scenario():
        student = await served.login(mine)
        try:
            for host, status in ((model.server(theirs).name, 403), (model.instructor.name, 403)):
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    async with served.terminal(student, host):
                        pass
                assert refused.value.status == status
            async with student.post(served.url + "api/handin", json={"bench": theirs},
                                    headers={"Origin": served.origin}) as reply:
                assert reply.status == 403
            async with student.post(served.url + "api/handin", json={"bench": mine},
                                    headers={"Origin": served.origin}) as reply:
                assert reply.status == 200
                name = (await reply.json())["name"]
            async with student.get(f"{served.url}files/handin/{mine}/{name}") as reply:
                assert reply.status == 200 and (await reply.read())[:2] == b"\x1f\x8b"
            other = await served.login(theirs)
            async with other.get(f"{served.url}files/handin/{mine}/{name}") as reply:
                assert reply.status == 403
            await other.close()
        finally:
            await student.close()
    run(scenario())
    assert "refused 403" in served.log()


def test_reset_ends_the_host_s_terminal_and_puts_it_back(served):
    server = served.model.server(served.model.benches[-1]).name

    async def scenario():
        client = await served.login(served.model.benches[-1])
        try:
            async with served.terminal(client, server) as ws:
                await type_and_read(ws, "touch /etc/classroom-mark && echo MAR''KED", "MARKED\r")
                async with client.post(served.url + "api/reset", json={"host": server},
                                       headers={"Origin": served.origin}) as reply:
                    assert reply.status == 200
                    assert "back at stage" in (await reply.json())["said"]
                message = await ws.receive(timeout=20)
                while message.type == aiohttp.WSMsgType.BINARY:
                    message = await ws.receive(timeout=20)
                assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            async with served.terminal(client, server) as ws:
                seen = await type_and_read(ws, "ls /etc/classroom-mark 2>&1; echo DO''NE", r"DONE\r")
                assert "No such file" in seen
        finally:
            await client.close()
    run(scenario())


def test_the_instructor_reaches_the_instructor_s_host(served):
    name = served.model.instructor.name

    async def scenario():
        client = await served.login("instructor")
        try:
            async with served.terminal(client, name) as ws:
                seen = await type_and_read(ws, 'echo "H=$(hostname)"', rf"H={name}\r")
                assert f"root@{name.upper()}:~#" in seen and f"H={name}\r" in seen
        finally:
            await client.close()
    run(scenario())


def test_a_student_captures_on_their_host_and_downloads_it(served):
    model = served.model
    bench = model.benches[-1]
    server = model.server(bench).name

    async def scenario():
        client = await served.login(bench)
        try:
            async with client.post(served.url + "api/capture", json={"host": server, "seconds": 2},
                                   headers={"Origin": served.origin}) as reply:
                assert reply.status == 200, await reply.text()
                name = (await reply.json())["name"]
            assert name.startswith(f"capture-{server}-")
            async with client.get(f"{served.url}files/capture/{server}/{name}") as reply:
                assert reply.status == 200
                assert (await reply.read())[:4] == b"\x0a\x0d\x0d\x0a"  # a pcapng file
            other = await served.login(model.benches[0])
            async with other.get(f"{served.url}files/capture/{server}/{name}") as reply:
                assert reply.status == 403
            await other.close()
        finally:
            await client.close()
    run(scenario())
