#!/usr/bin/python3
"""DNS, part 1: STP is the class's DNS server (the report's "DNS & Wireshark").

Dn asks STP (its resolv.conf) for s{n}.tp{n}1.iut: an authoritative answer with two
A records, STP's NS in AUTHORITY and stp.iut's address (TTL 15) in ADDITIONAL.
Sn finds the neighbour's mail exchanger: tp{m}1.iut MX 0 smtp.tp{m}1.iut.

    sudo python3 scenarios/dns_lookup.py [--benches 53,54] [--bench 54]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence.capture import CaptureSpec  # noqa: E402
from scenarios.checks import contains  # noqa: E402
from scenarios.dig import dig_shows  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = "DNS, part 1: STP answers for the class"


def sections(model, bench):
    n, m = bench, model.neighbour(bench)
    return [
        Section("DNS & Wireshark: D{0} asks STP".format(n), (
            Step(f"d{n}", "cat /etc/resolv.conf", contains("nameserver 10.254.0.254"),
                 f"D{n} uses STP as its DNS server"),
            Step(f"d{n}", f"dig s{n}.tp{n}1.iut", dig_shows(
                flags=("qr", "aa", "rd", "ra"),
                answer=[(f"s{n}.tp{n}1.iut.", 86400, "A", f"10.254.{n}.1"),
                        (f"s{n}.tp{n}1.iut.", 86400, "A", f"10.{n}.1.1")],
                authority=[(f"tp{n}1.iut.", 86400, "NS", "stp.iut.")],
                additional=[("stp.iut.", 15, "A", "10.254.0.254")]),
                f"STP answers with authority (aa): 2 addresses, NS stp.iut., stp.iut. TTL 15"),
        ), capture=CaptureSpec(f"d{n}", f"d{n}-eth0", "udp port 53",
                               until=("dns.flags.response == 1", 1), show=("dns",))),
        Section(f"Mail vers l'extérieur: S{n} looks up the neighbour's MX", (
            Step(f"s{n}", f"dig tp{m}1.iut MX", dig_shows(
                flags=("qr", "aa"),
                answer=[(f"tp{m}1.iut.", "MX", f"0 smtp.tp{m}1.iut.")],
                authority=[(f"tp{m}1.iut.", "NS", "stp.iut.")]),
                f"tp{m}1.iut MX 0 smtp.tp{m}1.iut."),
            Step(f"s{n}", f"dig +short smtp.tp{m}1.iut", contains(f"10.254.{m}.1"),
                 f"smtp.tp{m}1.iut is S{m} on the backbone"),
        ), capture=CaptureSpec(f"s{n}", f"s{n}-eth0", "udp port 53",
                               until=("dns.flags.response == 1", 2), show=("dns",))),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
