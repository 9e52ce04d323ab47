"""Real BIND in the lab: answers checked with dnspython (flags, sections, TTLs), both parts
of the report, access rules enforced, hand edits honoured, bad zones stop the lab.

Every name, address and TTL expected comes from the class model: the report's class file
gives the report's answers (two A records, the instructor's NS, its glue with TTL 15)."""

import ipaddress

import dns.flags
import dns.rcode
import dns.rdatatype
import dns.reversename
import pytest

from scenarios import dns_lookup, dns_server
from lab.base.waiting import wait_until
from tests.integration.conftest import gateway
from tests.integration.dnsquery import ask, ask_many, transfer


def rrset(message, section, name, rdtype):
    for candidate in getattr(message, section):
        if candidate.name.to_text().lower() == name.lower() and \
                candidate.rdtype == dns.rdatatype.from_text(rdtype):
            return candidate
    raise AssertionError(f"no {name} {rdtype} in {section}: {message}")


def absolute(name):
    return name.rstrip(".") + "."


def served(model, server, name, rdtype):
    """(data, ttl) of name's records as `server`'s named answers them: from the deepest
    zone it is primary for (the report's glue comes from the class-wide zone, TTL 15)."""
    name = absolute(name).lower()
    zones = [z for z in model.zones_on(server) if not z.copy and
             (z.origin == "." or name == z.origin.lower() or name.endswith("." + z.origin.lower()))]
    zone = max(zones, key=lambda z: len(z.origin))
    records = [r for r in zone.records
               if r.rtype == rdtype and zone.absolute(r.owner).lower() == name]
    assert records, f"the class has no {name} {rdtype} on {server}"
    return [r.data for r in records], records[0].ttl or zone.ttl


def own_zone(model, server):
    """The zone a server is primary for that holds its own mail domain (the report's part 2):
    not a copy, with an MX."""
    [zone] = [z for z in model.zones_on(server.name) if not z.copy and z.lookup(z.origin, "MX")]
    return zone


def relative_names(zone):
    origin = zone.origin.lower()
    names = {zone.absolute(r.owner).lower() for r in zone.records} | {origin}
    return {"@" if n == origin else n[:-len(origin) - 1] for n in names}


def test_the_seat_asks_the_class_dns_for_its_server_the_report_answer(lab, played):
    model, instructor = lab.model, lab.model.instructor.name
    name = absolute(f"{played.server.name}.{played.origin}")
    answer = ask(lab, played.seat.name, played.seat.resolver, name)
    assert answer.rcode() == dns.rcode.NOERROR
    assert answer.flags & (dns.flags.QR | dns.flags.AA | dns.flags.RD | dns.flags.RA) == \
        dns.flags.QR | dns.flags.AA | dns.flags.RD | dns.flags.RA
    addresses, ttl = served(model, instructor, name, "A")
    found = rrset(answer, "answer", name, "A")
    assert sorted(r.address for r in found) == sorted(addresses) and found.ttl == ttl
    assert played.server.ip in addresses
    targets, ns_ttl = served(model, instructor, played.origin, "NS")
    ns = rrset(answer, "authority", absolute(played.origin), "NS")
    assert [r.target.to_text() for r in ns] == targets and ns.ttl == ns_ttl
    for target in targets:
        glue_addresses, glue_ttl = served(model, instructor, target, "A")
        glue = rrset(answer, "additional", target, "A")
        assert [r.address for r in glue] == glue_addresses and glue.ttl == glue_ttl
    assert (len(answer.answer), len(answer.authority), len(answer.additional)) == \
        (1, 1, len(targets))


def test_the_server_finds_the_neighbour_mx(lab, played):
    domain = played.neighbour.origin
    answer = ask(lab, played.server.name, played.server.resolver, domain, "MX")
    mx = rrset(answer, "answer", absolute(domain), "MX")
    expected, _ttl = served(lab.model, lab.model.instructor.name, domain, "MX")
    assert [f"{r.preference} {r.exchange.to_text()}" for r in mx] == expected
    assert answer.flags & dns.flags.AA


def test_the_server_answers_its_own_and_the_neighbour_zone_with_authority(lab, played):
    server, seat = played.server, played.seat
    target, address = lab.model.mail_exchanger(own_zone(lab.model, server).name)
    own = ask(lab, seat.name, gateway(seat), target)
    assert [r.address for r in rrset(own, "answer", absolute(target), "A")] == [address]
    assert own.flags & dns.flags.AA and own.flags & dns.flags.RA
    [copy] = [z for z in lab.model.zones_on(server.name) if z.copy]
    [exchanger] = copy.lookup(copy.origin, "MX")
    neighbour_target = exchanger.split()[1]
    neighbour = ask(lab, seat.name, gateway(seat), neighbour_target)
    assert [r.address for r in rrset(neighbour, "answer", neighbour_target, "A")] == \
        copy.lookup(neighbour_target, "A")
    assert neighbour.flags & dns.flags.AA


def test_secondary_holds_transferred_copies_and_answers_with_authority(lab, played):
    secondary = played.secondary
    copied = lab.model.zones_copied_by(secondary.name)
    assert copied
    for zone in copied:
        status = lab.cmd(secondary.name, f"rndc zonestatus {zone.name}")
        assert "type: secondary" in status and f"serial: {zone.soa.serial}" in status, zone.name
    names = sorted({zone.absolute(r.owner) for zone in copied if not zone.allow_query
                    for r in zone.records if r.rtype == "A"})
    assert names
    answers = ask_many(lab, played.seat.name, secondary.ip, [(n, "A") for n in names], recurse=False)
    for name, answer in zip(names, answers):
        assert answer.flags & dns.flags.AA and not answer.flags & dns.flags.RA, name
        assert sorted(r.address for r in rrset(answer, "answer", name, "A")) == \
            sorted(lab.model.addresses_of(name)), name


def test_allow_transfer_admits_the_secondary_only(lab, played):
    secondary, seat = played.secondary, played.seat
    copied = lab.model.zones_copied_by(secondary.name)
    for zone in copied:
        status, names = transfer(lab, secondary.name, zone.masters, zone.name)
        assert status == "NOERROR" and {n.lower() for n in names} == relative_names(zone), zone.name
    for zone in copied + [own_zone(lab.model, played.server)]:
        assert transfer(lab, seat.name, gateway(seat), zone.name) == ("REFUSED", []), zone.name


def test_allow_query_admits_the_clients_of_its_network_only(lab, played):
    [zone] = [z for z in lab.model.zones_on(played.server.name) if z.allow_query]
    network = ipaddress.ip_network(zone.allow_query[0])
    [client] = [h for h in played.hosts if ipaddress.ip_address(h.ip) in network]
    reverse = dns.reversename.from_address(client.ip).to_text()
    allowed = ask(lab, client.name, gateway(client), reverse, "PTR")
    assert [r.target.to_text() for r in rrset(allowed, "answer", reverse, "PTR")] == \
        zone.lookup(reverse, "PTR")
    assert ipaddress.ip_address(played.seat.ip) not in network
    refused = ask(lab, played.seat.name, gateway(played.seat), reverse, "PTR")
    assert refused.rcode() == dns.rcode.REFUSED and not refused.answer


def test_every_lab_name_resolves_from_every_host_of_two_benches(lab, played):
    model, neighbour = lab.model, played.neighbour
    names = [f"{neighbour.server.name}.{neighbour.origin}", model.dns_name] + [
        model.mail_exchanger(own_zone(model, bench.server).name)[0] for bench in (played, neighbour)]
    for host in played.hosts + neighbour.hosts:
        answers = ask_many(lab, host.name, host.resolver, [(n, "A") for n in names])
        for name, answer in zip(names, answers):
            assert sorted(r.address for r in rrset(answer, "answer", absolute(name), "A")) == \
                sorted(model.addresses_of(name)), f"{host.name} asks {name}"


def test_names_outside_the_lab_end_inside_the_lab(lab, played):
    seat = played.seat
    answer = ask(lab, seat.name, seat.resolver, "www.debian.org")
    assert answer.rcode() == dns.rcode.NXDOMAIN
    assert rrset(answer, "authority", ".", "SOA")[0].mname.to_text() == lab.model.zone(".").soa.mname
    forwarded = ask(lab, seat.name, gateway(seat), "www.debian.org")
    assert forwarded.rcode() == dns.rcode.NXDOMAIN


def test_a_student_edit_and_rndc_reload_is_served(lab, played):
    bench = played.neighbour
    server, seat, zone = bench.server.name, bench.seat, own_zone(lab.model, bench.server)
    name, serial = f"www.{zone.name}", zone.soa.serial
    address = lab.model.address(bench.number, lab.model.client_keys()[0])
    before = ask(lab, seat.name, gateway(seat), name)
    assert before.rcode() == dns.rcode.NXDOMAIN
    lab.cmd(server, f"sed -i 's/^\\( *\\){serial}\\( *; Serial\\)/\\1{serial + 1}\\2/' {zone.file} && "
                    f"echo 'www IN A {address}' >> {zone.file}")
    assert lab.cmd(server, f"rndc reload {zone.name}").strip() == "zone reload queued"

    def edited():
        answer = ask(lab, seat.name, gateway(seat), name)
        return answer.rcode() == dns.rcode.NOERROR and answer
    answer = wait_until(edited, f"{server.upper()} serves the edited zone", timeout=10)
    assert [r.address for r in rrset(answer, "answer", absolute(name), "A")] == [address]
    assert f"serial: {serial + 1}" in lab.cmd(server, f"rndc zonestatus {zone.name}")


def test_each_named_has_its_own_rndc_key(lab):
    names = [h.name for h in lab.model.hosts_running("named")]
    keys = {name: lab.cmd(name, "cat /etc/bind/rndc.key") for name in names}
    assert len(set(keys.values())) == len(names) > 2
    assert open("/etc/bind/rndc.key").read() not in keys.values()


@pytest.mark.parametrize("scenario", [dns_lookup, dns_server], ids=["dns_lookup", "dns_server"])
def test_scenario_steps_pass(lab, played, scenario):
    for section in scenario.sections(lab.model, played.number):
        for step in section.steps:
            result = step.run(lab)
            assert result.passed, f"{step.host}$ {step.command}\n{result.output}\n{result.problems}"
