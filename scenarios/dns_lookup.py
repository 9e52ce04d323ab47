#!/usr/bin/python3
"""DNS, part 1: the instructor's server is the class's DNS server (the report's "DNS & Wireshark").

The seat asks its resolver (the instructor, from resolv.conf) for the first host of the
bench's mail domain: an authoritative answer with that host's A records, the domain's NS
in AUTHORITY and the NS's address (with its own TTL) in ADDITIONAL; the bench's server
finds the neighbour's mail exchanger. Every name, address and TTL comes from the class's
zones (for the report's class: 2 A records, the instructor's NS, its address with TTL 15).

    sudo python3 scenarios/dns_lookup.py [--class FILE] [--benches LIST] [--bench N]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.findings import _  # noqa: E402
from evidence.capture import CaptureSpec  # noqa: E402
from scenarios.checks import contains  # noqa: E402
from scenarios.derive import (answered_with_authority, first_a_owner, host_at,  # noqa: E402
                              on_backbone, records)
from scenarios.dig import dig_shows  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = _("DNS, part 1: the instructor's server answers for the class")


def sections(model, bench):
    return [_seat_asks(model, bench), _server_finds_mx(model, bench)]


def _seat_asks(model, bench):
    seat = model.seat(bench)
    resolver = host_at(model, seat.resolver)
    zone = model.zone(model.mail_origin(bench))
    owner = first_a_owner(zone)
    answer = records(model, owner, "A")
    authority = records(model, zone.origin, "NS")
    additional = [r for ns in authority for r in records(model, ns[3], "A")]
    summary = ", ".join(f"NS {ns[3]}" for ns in authority) + ", " + ", ".join(
        f"{name} TTL {ttl}" for name, ttl, _, _ in additional)
    aa = ("aa",) if answered_with_authority(model, seat, zone) else ()
    SEAT, RESOLVER = seat.name.upper(), resolver.name.upper()
    answers = (_("{resolver} answers with authority (aa): {count} addresses, {summary}",
                 resolver=RESOLVER, count=len(answer), summary=summary) if aa else
               _("{resolver} answers: {count} addresses, {summary}", resolver=RESOLVER,
                 count=len(answer), summary=summary))
    return Section(_("DNS & Wireshark: {seat} asks {resolver}", seat=SEAT, resolver=RESOLVER), (
        Step(seat.name, "cat /etc/resolv.conf", contains(f"nameserver {seat.resolver}"),
             _("{seat} uses {resolver} as its DNS server", seat=SEAT, resolver=RESOLVER)),
        Step(seat.name, f"dig {owner.rstrip('.')}", dig_shows(
            flags=("qr",) + aa + ("rd", "ra"), answer=answer, authority=authority,
            additional=additional), answers),
    ), capture=CaptureSpec(seat.name, seat.interfaces[0].name, "udp port 53",
                           until=("dns.flags.response == 1", 1), show=("dns",)))


def _server_finds_mx(model, bench):
    server, neighbour = model.server(bench), model.neighbour(bench)
    domain = model.mail_origin(neighbour)
    zone = model.zone(domain)
    mx = records(model, domain, "MX")
    target, address = model.mail_exchanger(domain)
    aa = ("aa",) if answered_with_authority(model, server, zone) else ()
    host = host_at(model, address).name.upper()
    return Section(_("Mail vers l'extérieur: {server} looks up the neighbour's MX",
                     server=server.name.upper()), (
        Step(server.name, f"dig {domain} MX", dig_shows(
            flags=("qr",) + aa,
            answer=[(name, rtype, data) for name, _, rtype, data in mx],
            authority=[(name, rtype, data) for name, _, rtype, data in records(model, zone.origin, "NS")]),
            f"{domain} " + ", ".join(f"MX {data}" for *_, data in mx)),
        Step(server.name, f"dig +short {target}", contains(address),
             _("{target} is {host} on the backbone", target=target, host=host)
             if on_backbone(model, address) else _("{target} is {host}", target=target, host=host)),
    ), capture=CaptureSpec(server.name, server.interfaces[0].name, "udp port 53",
                           until=("dns.flags.response == 1", 2), show=("dns",)))


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
