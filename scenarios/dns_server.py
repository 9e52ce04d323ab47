#!/usr/bin/python3
"""DNS, part 2: Sn is the DNS server of its bench (the report's second part).

S{n}'s zones pass named-checkzone; D{n} asks S{n} (10.n.2.1) for smtp.etudiant{n}1.iut and
smtp.etudiant{m}1.iut (authoritative answers, as in the report's captures); the
secondary NS{n} (10.n.112.1) holds copies pulled by AXFR; allow-transfer and
allow-query are enforced: D{n} may neither transfer a zone nor query the 212 zone.

    sudo python3 scenarios/dns_server.py [--benches 53,54] [--bench 54]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence.capture import CaptureSpec  # noqa: E402
from scenarios.checks import all_of, contains, matches  # noqa: E402
from scenarios.dig import dig_shows  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = "DNS, part 2: each bench serves its own zones"


def sections(model, bench):
    n, m = bench, model.neighbour(bench)
    zones = "/etc/bind/meszones"
    server = f"10.{n}.2.1"
    return [
        Section(f"S{n}'s zone files are correct", (
            Step(f"s{n}", f"named-checkzone etudiant{n}1.iut {zones}/db.etudiant{n}1.iut",
                 contains(f"zone etudiant{n}1.iut/IN: loaded serial 2", "OK"),
                 f"etudiant{n}1.iut loads (serial 2)"),
            Step(f"s{n}", f"named-checkzone etudiant{m}1.iut {zones}/db.etudiant{m}1.iut",
                 contains(f"zone etudiant{m}1.iut/IN: loaded serial 2", "OK"),
                 f"the neighbour's etudiant{m}1.iut loads (serial 2)"),
            Step(f"s{n}", "named-checkconf -z /etc/bind/named.conf && echo OK",
                 all_of(contains("OK"), matches(r"zone 212\.\d+\.10\.in-addr\.arpa/IN: loaded")),
                 "named.conf and every zone load"),
        )),
        Section(f"D{n} asks S{n} (the report's captures)", (
            Step(f"d{n}", f"dig @{server} smtp.etudiant{n}1.iut", dig_shows(
                flags=("qr", "aa", "rd", "ra"),
                answer=[(f"smtp.etudiant{n}1.iut.", "A", f"10.254.{n}.1")]),
                f"smtp.etudiant{n}1.iut is 10.254.{n}.1, with authority"),
            Step(f"d{n}", f"dig @{server} smtp.etudiant{m}1.iut", dig_shows(
                flags=("qr", "aa"),
                answer=[(f"smtp.etudiant{m}1.iut.", "A", f"10.254.{m}.1")]),
                f"smtp.etudiant{m}1.iut is 10.254.{m}.1, from S{n}'s copy of the zone"),
            Step(f"d{n}", f"dig @{server} etudiant{n}1.iut MX", dig_shows(
                flags=("aa",), answer=[(f"etudiant{n}1.iut.", "MX", f"10 smtp.etudiant{n}1.iut.")]),
                f"etudiant{n}1.iut MX 10 smtp.etudiant{n}1.iut."),
            Step(f"d{n}", f"dig +short smtp.etudiant{m}1.iut", contains(f"10.254.{m}.1"),
                 f"through STP, the neighbour's name resolves too (STP delegates to S{m})"),
        ), capture=CaptureSpec(f"d{n}", f"d{n}-eth0", "udp port 53",
                               until=("dns.flags.response == 1", 4), show=("dns",))),
        Section(f"The secondary NS{n} (10.{n}.112.1)", (
            Step(f"d{n}", f"dig @10.{n}.112.1 +norec poste{n}.etudiant.iut SOA", dig_shows(
                flags=("qr", "aa"), no_flags=("ra",),
                answer=[(f"poste{n}.etudiant.iut.", "SOA",
                         f"S{n}.etudiant{n}1.iut. root.etudiant{n}1.iut. 2 604800 86400 2419200 604800")]),
                "NS{0} answers for poste{0}.etudiant.iut with authority".format(n), wait=10),
            Step(f"ns{n}", f"dig @10.{n}.112.254 poste{n}.etudiant.iut AXFR",
                 all_of(matches(rf"^p{n}\.poste{n}\.etudiant\.iut\.\s+604800\s+IN\s+A\s+10\.{n}\.212\.2$",
                                f"the record p{n}.poste{n}.etudiant.iut. A 10.{n}.212.2"),
                        matches(r"XFR size: \d+ records", "an XFR size")),
                 f"S{n} lets NS{n} transfer the zone (allow-transfer 10.{n}.112.1)"),
        )),
        Section("Access rules", (
            Step(f"d{n}", f"dig @{server} poste{n}.etudiant.iut AXFR",
                 contains("Transfer failed."), f"S{n} refuses a zone transfer to D{n}"),
            Step(f"p{n}", f"dig @10.{n}.212.1 -x 10.{n}.212.2", dig_shows(
                flags=("aa",), answer=[(f"2.212.{n}.10.in-addr.arpa.", "PTR",
                                        f"p{n}.poste{n}.etudiant.iut.")]),
                f"a client on 10.{n}.212.0/24 may query the 212 reverse zone"),
            Step(f"d{n}", f"dig @{server} -x 10.{n}.212.2", dig_shows(status="REFUSED"),
                 f"D{n} may not (allow-query 10.{n}.212.0/24): REFUSED"),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
