#!/usr/bin/python3
"""Connectivity: the report's "Test de connectivité, remise directe, puis <instructor>".

From the seat (where the class file seats the student), ping the server's address on the first
client's LAN (the server answers itself, nothing is forwarded: ttl=64), then the
instructor on the backbone (the server forwards once: ttl=63), then the first client of
the neighbour bench (the server, the instructor and the neighbour's server forward: ttl=61).

    sudo python3 scenarios/connectivity.py [--class FILE] [--benches LIST] [--bench N]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.findings import _  # noqa: E402
from scenarios.checks import ping_replies  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = _("Connectivity: direct delivery, then the instructor, then the neighbour bench")


def sections(model, bench):
    neighbour = model.neighbour(bench)
    seat, server, instructor = model.seat(bench), model.server(bench), model.instructor
    first_client = model.client_keys()[0]
    server_address = model.address(bench, server.key, on=first_client)
    far_client = model.bench_host(neighbour, first_client)
    SEAT, SERVER, INSTRUCTOR = seat.name.upper(), server.name.upper(), instructor.name.upper()
    return [
        # the report's own heading, quoted as it is in either language
        Section("Test de connectivité, remise directe, puis " + INSTRUCTOR, (
            Step(seat.name, f"ping -c 3 {server_address}", ping_replies(3, ttl=64),
                 _("{seat} reaches {server} itself, nothing forwarded: 3 replies, ttl=64",
                   seat=SEAT, server=SERVER)),
            Step(seat.name, f"ping -c 3 {instructor.ip}", ping_replies(3, ttl=63),
                 _("{seat} reaches {instructor} through {server}: 3 replies, ttl=63",
                   seat=SEAT, instructor=INSTRUCTOR, server=SERVER)),
        )),
        Section(_("Across benches: through {server}, {instructor} and {neighbour}",
                  server=SERVER, instructor=INSTRUCTOR,
                  neighbour=model.server(neighbour).name.upper()), (
            Step(seat.name, f"ping -c 3 {far_client.ip}", ping_replies(3, ttl=61),
                 _("{seat} reaches {client} through 3 routers: 3 replies, ttl=61",
                   seat=SEAT, client=far_client.name.upper())),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
