#!/usr/bin/python3
"""Connectivity: the report's "Test de connectivité, remise directe, puis STP".

From Dn, ping Sn's address 10.n.1.1 (Sn answers itself, nothing is forwarded:
ttl=64), then STP on the backbone (Sn forwards once: ttl=63), then a client of
the neighbour bench (Sn, STP and Sm forward: ttl=61).

    sudo python3 scenarios/connectivity.py [--benches 53,54] [--bench 54]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenarios.checks import ping_replies  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = "Connectivity: direct delivery, then STP, then the neighbour bench"


def sections(model, bench):
    neighbour = model.neighbour(bench)
    seat, server, instructor = model.seat(bench), model.server(bench), model.instructor
    server_address = server.interfaces[1].ip
    far_client = model.bench_host(neighbour, model.client_keys()[0])
    return [
        Section("Test de connectivité, remise directe, puis " + instructor.name.upper(), (
            Step(seat.name, f"ping -c 3 {server_address}", ping_replies(3, ttl=64),
                 f"{seat.name.upper()} reaches {server.name.upper()} itself, nothing forwarded: "
                 "3 replies, ttl=64"),
            Step(seat.name, f"ping -c 3 {instructor.ip}", ping_replies(3, ttl=63),
                 f"{seat.name.upper()} reaches {instructor.name.upper()} through "
                 f"{server.name.upper()}: 3 replies, ttl=63"),
        )),
        Section(f"Across benches: through {server.name.upper()}, {instructor.name.upper()} and "
                f"{model.server(neighbour).name.upper()}", (
            Step(seat.name, f"ping -c 3 {far_client.ip}", ping_replies(3, ttl=61),
                 f"{seat.name.upper()} reaches {far_client.name.upper()} through 3 routers: "
                 "3 replies, ttl=61"),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
