#!/usr/bin/python3
"""DNS, part 2: each bench's server is the DNS server of its bench (the report's second part).

The server's zone files pass named-checkzone (its own mail domain, its copy of the
neighbour's); the seat asks the server for both domains' mail exchangers (authoritative
answers, as in the report's captures); the secondary holds copies pulled by AXFR;
allow-transfer and allow-query are enforced: the seat may neither transfer a zone nor
query the zone reserved to one network. Every zone, serial, name and address comes from
the class file (for the report's class: the bench's part-2 domain, its secondary, the 212 reverse zone).

    sudo python3 scenarios/dns_server.py [--class FILE] [--benches LIST] [--bench N]
"""

import ipaddress
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.findings import _  # noqa: E402
from evidence.capture import CaptureSpec  # noqa: E402
from scenarios.checks import all_of, contains, matches  # noqa: E402
from scenarios.derive import host_at, own_mail_domain  # noqa: E402
from scenarios.dig import dig_shows  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = _("DNS, part 2: each bench serves its own zones")


class BenchZones:
    """The zones a bench's server serves, and who may ask what, from the class model."""

    def __init__(self, model, bench):
        self.model, self.bench = model, bench
        self.server, self.seat = model.server(bench), model.seat(bench)
        self.address = model.address(bench, self.server.key, on=self.seat.key)
        zones = model.zones_on(self.server.name)
        self.own = model.zone(own_mail_domain(model, bench))
        self.copy = next((z for z in zones if z.copy), None)
        self.copied = next((z for z in zones if z.secondaries), None)
        self.restricted = next((z for z in zones if z.allow_query), None)
        self.allowed = self._allowed_client()

    def _allowed_client(self):
        """A host of the bench on the network the restricted zone answers (the report's 212 client), if present."""
        if self.restricted is None:
            return None
        networks = [ipaddress.ip_network(q) for q in self.restricted.allow_query]
        return next((h for h in self.model.hosts if h.bench == self.bench and h is not self.server
                     and any(ipaddress.ip_address(h.ip) in net for net in networks)), None)

    def exchanger(self, zone):
        """(target, address) of a zone's MX, from that zone's own records (a copy too)."""
        target = zone.lookup(zone.origin, "MX")[0].split()[1]
        return target.rstrip("."), zone.lookup(target, "A")[0]


def sections(model, bench):
    zones = BenchZones(model, bench)
    found = [_zone_files(zones), _seat_asks(zones), _secondary(zones), _access_rules(zones)]
    return [section for section in found if section and section.steps]


def _checkzone(zone, neighbours=False):
    """named-checkzone on the zone's primary: it loads, with its serial."""
    values = {"zone": zone.name, "serial": zone.soa.serial}
    return Step(zone.primary, f"named-checkzone {zone.name} {zone.file}",
                contains(f"zone {zone.name}/IN: loaded serial {zone.soa.serial}", "OK"),
                _("the neighbour's {zone} loads (serial {serial})", **values) if neighbours
                else _("{zone} loads (serial {serial})", **values))


def _zone_files(zones):
    steps = [_checkzone(zones.own)]
    if zones.copy:
        steps.append(_checkzone(zones.copy, neighbours=True))
    loaded = [contains("OK")]
    if zones.restricted:
        loaded.append(matches(rf"zone {re.escape(zones.restricted.name)}/IN: loaded"))
    steps.append(Step(zones.server.name, "named-checkconf -z /etc/bind/named.conf && echo OK",
                      all_of(*loaded), _("named.conf and every zone load")))
    return Section(_("{server}'s zone files are correct", server=zones.server.name.upper()),
                   tuple(steps))


def _seat_asks(zones):
    seat, address, server = zones.seat.name, zones.address, zones.server.name.upper()
    target, target_address = zones.exchanger(zones.own)
    mx = zones.own.lookup(zones.own.origin, "MX")[0]
    steps = [Step(seat, f"dig @{address} {target}", dig_shows(
        flags=("qr", "aa", "rd", "ra"), answer=[(f"{target}.", "A", target_address)]),
        _("{name} is {address}, with authority", name=target, address=target_address))]
    if zones.copy:
        far, far_address = zones.exchanger(zones.copy)
        steps.append(Step(seat, f"dig @{address} {far}", dig_shows(
            flags=("qr", "aa"), answer=[(f"{far}.", "A", far_address)]),
            _("{name} is {address}, from {server}'s copy of the zone", name=far,
              address=far_address, server=server)))
    steps.append(Step(seat, f"dig @{address} {zones.own.name} MX", dig_shows(
        flags=("aa",), answer=[(zones.own.origin, "MX", mx)]), f"{zones.own.name} MX {mx}"))
    if zones.copy:
        resolver = host_at(zones.model, zones.seat.resolver).name.upper()
        primary = zones.model.zone(zones.copy.name).primary.upper()
        steps.append(Step(seat, f"dig +short {far}", contains(far_address),
                          _("through {resolver}, the neighbour's name resolves too "
                            "({resolver} delegates to {primary})", resolver=resolver,
                            primary=primary)))
    return Section(_("{seat} asks {server} (the report's captures)", seat=seat.upper(),
                     server=server), tuple(steps),
                   capture=CaptureSpec(seat, zones.seat.interfaces[0].name, "udp port 53",
                                       until=("dns.flags.response == 1", len(steps)),
                                       show=("dns",)))


def _secondary(zones):
    zone = zones.copied
    if zone is None:
        return None
    secondary = zones.model.host(zone.secondaries[0])
    name, server = secondary.name.upper(), zones.server.name.upper()
    record = [r for r in zone.records if r.rtype == "A"][-1]
    ttl = zone.ttl if record.ttl is None else record.ttl
    line = f"{zone.absolute(record.owner)} {ttl} IN A {record.data}"
    return Section(_("The secondary {name} ({address})", name=name, address=secondary.ip), (
        Step(zones.seat.name, f"dig @{secondary.ip} +norec {zone.name} SOA", dig_shows(
            flags=("qr", "aa"), no_flags=("ra",), answer=[(zone.origin, "SOA", zone.soa.data())]),
             _("{name} answers for {zone} with authority", name=name, zone=zone.name), wait=10),
        Step(secondary.name, f"dig @{zone.masters} {zone.name} AXFR",
             all_of(matches(r"^" + r"\s+".join(map(re.escape, line.split())) + "$",
                            _("the record {record}", record=line)),
                    matches(r"XFR size: \d+ records", _("an XFR size"))),
             _("{server} lets {name} transfer the zone (allow-transfer {addresses})",
               server=server, name=name, addresses=", ".join(zone.transfer_to))),
    ))


def _access_rules(zones):
    seat, server = zones.seat.name, zones.server.name.upper()
    steps = []
    if zones.copied:
        steps.append(Step(seat, f"dig @{zones.address} {zones.copied.name} AXFR",
                          contains("Transfer failed."),
                          _("{server} refuses a zone transfer to {seat}", server=server,
                            seat=seat.upper())))
    client, zone = zones.allowed, zones.restricted
    if client is not None:
        reverse = ipaddress.ip_address(client.ip).reverse_pointer + "."
        networks = ", ".join(zone.allow_query)
        asked = zones.model.address(zones.bench, zones.server.key, on=client.key)
        steps += [
            Step(client.name, f"dig @{asked} -x {client.ip}", dig_shows(
                flags=("aa",), answer=[(reverse, "PTR", zone.lookup(reverse, "PTR")[0])]),
                _("a client on {networks} may query the reverse zone {zone}", networks=networks,
                  zone=zone.name)),
            Step(seat, f"dig @{zones.address} -x {client.ip}", dig_shows(status="REFUSED"),
                 _("{seat} may not (allow-query {networks}): REFUSED", seat=seat.upper(),
                   networks=networks)),
        ]
    return Section(_("Access rules"), tuple(steps))


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
