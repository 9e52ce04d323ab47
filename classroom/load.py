"""The classroom under load: every bench's students typing at once.

    measure_load(url, codes, model, server_pid, terminals=3, rounds=20, pause=0.0)
        For each bench: log in with its code, open `terminals` terminals (its first hosts),
        and in each, `rounds` times (after one unmeasured first command): type
        `echo $((K+1))` and wait for K+1 in the output (a number the typed line does not hold),
        then, with a pause, wait about that long (0.5 to 1.5 times it: a person's pace; 0: a
        burst, every terminal typing again as soon as it has its answer). All terminals type at
        once, once every one is open (the server opens a shell while the others wait: the
        class arriving is "open_s", not the latency of open terminals), while the
        instructor's page reloads the class view and the state every second. Returns
        {"terminals", "echoes", "lost", "p50_ms", "p99_ms", "max_ms", "cpu_percent"
         (the server process while they type: 100 = one core), "rss_mib" (its resident
         memory at the end), "seconds" (typing), "open_s" (from the first login to every
         terminal open), "instructor_views", "instructor_views_ok"}. Traffic: 127.0.0.1
        and the lab's own namespaces only.
"""

import asyncio
import os
import random
import statistics
import time

import aiohttp

ECHO_TIMEOUT = 10.0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _typist(ws, number, rounds, latencies, lost, pause=0.0):
    for round_ in range(-1, rounds):  # round -1: the shell's first command, not measured
        if pause and round_ >= 0:
            await asyncio.sleep(pause * (0.5 + random.random()))  # a person's pace
        value = 100000 + number * 1000 + round_ + 1
        began = time.monotonic()
        await ws.send_bytes(f"echo $(({value}+1))\r".encode())
        seen, wanted = "", str(value + 1)
        try:
            while wanted not in seen:
                message = await ws.receive(timeout=ECHO_TIMEOUT)
                if message.type != aiohttp.WSMsgType.BINARY:
                    raise ConnectionError(message.type.name)
                seen = (seen + message.data.decode(errors="replace"))[-4096:]
        except (asyncio.TimeoutError, ConnectionError):
            lost.append(number)
            return
        if round_ >= 0:
            latencies.append(time.monotonic() - began)


class Gate:
    """Opens once every bench has arrived (its terminals open, or given up)."""

    def __init__(self, count):
        self.left, self.open = count, asyncio.Event()

    def arrive(self):
        self.left -= 1
        if self.left <= 0:
            self.open.set()


async def _bench(url, origin, code, hosts, rounds, latencies, lost, first, pause, gate):
    client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    arrived = False
    try:
        async with client.post(url + "login", data={"code": code}, headers={"Origin": origin},
                               allow_redirects=False) as reply:
            if reply.status != 303:
                lost.extend([first] * len(hosts))
                return
        sockets = [await client.ws_connect(f"{url}terminal/{host}", origin=origin)
                   for host in hosts]
        for ws in sockets:  # the prompt first: a shell that is ready
            await ws.receive(timeout=ECHO_TIMEOUT)
        gate.arrive()
        arrived = True
        await gate.open.wait()
        await asyncio.gather(*(_typist(ws, first + index, rounds, latencies, lost, pause)
                               for index, ws in enumerate(sockets)))
        for ws in sockets:
            await ws.close()
    finally:
        if not arrived:
            gate.arrive()
        await client.close()


async def _watch(url, origin, code, done, views):
    """The instructor's page meanwhile: the class view and the state, once a second."""
    client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        async with client.post(url + "login", data={"code": code}, headers={"Origin": origin},
                               allow_redirects=False):
            pass
        while not done.is_set():
            for path in ("instructor/class-view", "api/state"):
                async with client.get(url + path) as reply:
                    await reply.read()
                    views.append(reply.status)
            try:
                await asyncio.wait_for(done.wait(), 1.0)
            except asyncio.TimeoutError:
                pass
    finally:
        await client.close()


async def _measure(url, codes, model, server_pid, terminals, rounds, pause=0.0):
    origin = url.rstrip("/")
    latencies, lost, views = [], [], []
    gate, arriving = Gate(len(model.benches)), time.monotonic()
    jobs = []
    for index, bench in enumerate(model.benches):
        hosts = [h.name for h in model.hosts if h.bench == bench][:terminals]
        jobs.append(_bench(url, origin, codes[str(bench)], hosts, rounds, latencies, lost,
                           index * terminals, pause, gate))
    done = asyncio.Event()
    watcher = asyncio.create_task(_watch(url, origin, codes["instructor"], done, views))
    typing = asyncio.gather(*jobs)
    await asyncio.wait([typing, asyncio.ensure_future(gate.open.wait())],
                       return_when=asyncio.FIRST_COMPLETED)
    began, cpu = time.monotonic(), cpu_seconds(server_pid)
    try:
        await typing
    finally:
        done.set()
        await watcher
    seconds = time.monotonic() - began
    cpu = cpu_seconds(server_pid) - cpu
    ordered = sorted(latencies) or [float("nan")]
    return {"terminals": terminals * len(model.benches), "echoes": len(latencies),
            "lost": len(lost),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1),
            "cpu_percent": round(100 * cpu / seconds, 1), "rss_mib": round(rss_mib(server_pid), 1),
            "seconds": round(seconds, 1), "open_s": round(began - arriving, 1),
            "instructor_views": len(views),
            "instructor_views_ok": views.count(200)}


def measure_load(url, codes, model, server_pid, terminals=3, rounds=20, pause=0.0):
    return asyncio.run(_measure(url, codes, model, server_pid, terminals, rounds, pause))
