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
from topologies.model import STP_ADDRESS  # noqa: E402

TITLE = "Connectivity: direct delivery, then STP, then the neighbour bench"


def sections(model, bench):
    neighbour = model.neighbour(bench)
    client, server = model.host(f"d{bench}"), model.host(f"s{bench}")
    server_address = server.interfaces[1].ip
    far_client = model.host(f"g{neighbour}").ip
    return [
        Section("Test de connectivité, remise directe, puis STP", (
            Step(client.name, f"ping -c 3 {server_address}", ping_replies(3, ttl=64),
                 f"D{bench} reaches S{bench} itself, nothing forwarded: 3 replies, ttl=64"),
            Step(client.name, f"ping -c 3 {STP_ADDRESS}", ping_replies(3, ttl=63),
                 f"D{bench} reaches STP through S{bench}: 3 replies, ttl=63"),
        )),
        Section("Across benches: through S{0}, STP and S{1}".format(bench, neighbour), (
            Step(client.name, f"ping -c 3 {far_client}", ping_replies(3, ttl=61),
                 f"D{bench} reaches G{neighbour} through 3 routers: 3 replies, ttl=61"),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
