"""make classroom under load: 30 benches (PART2=no) x 3 terminals typing at once
(classroom/load.py), the instructor's page reloading meanwhile, with the server's CPU and
memory; afterwards the lab's DNS still answers, asked from a terminal."""

import asyncio

from classroom.launch import start, stop
from classroom.load import measure_load
from tests.integration.conftest import one_class
from tests.integration.test_classroom import Served
from tests.unit.test_classroom_server import type_and_read
from topologies.model import classroom

class_file = one_class()
TERMINALS, ROUNDS = 3, 20  # a bench's terminals, the commands typed in each


def test_thirty_benches_type_at_once(class_file, tmp_path):
    model = classroom(benches="1-30", part2=False, path=class_file)
    process = start(tmp_path, "--class", str(class_file), "--benches", "1-30", "--no-part2")
    try:
        served = Served(model, tmp_path, process)
        for pause in (0.0, 1.0):  # a burst, then a person's pace (a command a second)
            found = measure_load(served.url, served.codes, model, process.pid,
                                 terminals=TERMINALS, rounds=ROUNDS, pause=pause)
            print(f"\nclassroom load, pause {pause}: {found}")
            opened = TERMINALS * len(model.benches)
            assert found["terminals"] == opened and found["lost"] == 0
            assert found["echoes"] == opened * ROUNDS
            assert found["instructor_views"] == found["instructor_views_ok"] > 0
        asyncio.run(dns_answers(served, model))
    finally:
        stop(process, timeout=120)


async def dns_answers(served, model):
    bench = model.benches[0]
    seat, domain = model.seat(bench).name, model.mail_origin(bench)
    client = await served.login(bench)
    try:
        async with served.terminal(client, seat) as ws:
            seen = await type_and_read(ws, f"dig +short SOA {domain} | wc -l | sed s/^/SOA=/",
                                       r"SOA=\d", 20)
            assert "SOA=1" in seen, seen
    finally:
        await client.close()
