"""Real BIND in the lab: answers checked with dnspython (flags, sections, TTLs), both parts
of the report, access rules enforced, hand edits honoured, bad zones stop the lab."""

import dns.flags
import dns.rcode
import dns.rdatatype
import pytest

from scenarios import dns_lookup, dns_server
from lab.base.waiting import wait_until
from tests.integration.dnsquery import ask, transfer


def rrset(message, section, name, rdtype):
    for candidate in getattr(message, section):
        if candidate.name.to_text() == name and candidate.rdtype == dns.rdatatype.from_text(rdtype):
            return candidate
    raise AssertionError(f"no {name} {rdtype} in {section}: {message}")


def test_d54_dig_s54_tp541_iut_is_the_report_answer(lab):
    answer = ask(lab, "d54", "10.254.0.254", "s54.tp541.iut")
    assert answer.rcode() == dns.rcode.NOERROR
    assert answer.flags & (dns.flags.QR | dns.flags.AA | dns.flags.RD | dns.flags.RA) == \
        dns.flags.QR | dns.flags.AA | dns.flags.RD | dns.flags.RA
    addresses = rrset(answer, "answer", "s54.tp541.iut.", "A")
    assert sorted(r.address for r in addresses) == ["10.254.54.1", "10.54.1.1"]
    assert addresses.ttl == 86400
    ns = rrset(answer, "authority", "tp541.iut.", "NS")
    assert [r.target.to_text() for r in ns] == ["stp.iut."] and ns.ttl == 86400
    glue = rrset(answer, "additional", "stp.iut.", "A")
    assert [r.address for r in glue] == ["10.254.0.254"] and glue.ttl == 15
    assert (len(answer.answer), len(answer.authority), len(answer.additional)) == (1, 1, 1)


def test_s54_finds_the_neighbour_mx(lab):
    answer = ask(lab, "s54", "10.254.0.254", "tp531.iut", "MX")
    mx = rrset(answer, "answer", "tp531.iut.", "MX")
    assert [(r.preference, r.exchange.to_text()) for r in mx] == [(0, "smtp.tp531.iut.")]
    assert answer.flags & dns.flags.AA


def test_s54_answers_its_own_and_the_neighbour_zone_with_authority(lab):
    own = ask(lab, "d54", "10.54.2.1", "smtp.etudiant541.iut")
    assert [r.address for r in rrset(own, "answer", "smtp.etudiant541.iut.", "A")] == ["10.254.54.1"]
    assert own.flags & dns.flags.AA and own.flags & dns.flags.RA
    neighbour = ask(lab, "d54", "10.54.2.1", "smtp.etudiant531.iut")
    assert [r.address for r in rrset(neighbour, "answer", "smtp.etudiant531.iut.", "A")] == \
        ["10.254.53.1"]
    assert neighbour.flags & dns.flags.AA


def test_secondary_holds_transferred_copies_and_answers_with_authority(lab):
    answer = ask(lab, "d54", "10.54.112.1", "p54.poste54.etudiant.iut", recurse=False)
    assert answer.flags & dns.flags.AA and not answer.flags & dns.flags.RA
    assert [r.address for r in rrset(answer, "answer", "p54.poste54.etudiant.iut.", "A")] == \
        ["10.54.212.2"]
    status = lab.cmd("ns54", "rndc zonestatus 112.54.10.in-addr.arpa")
    assert "type: secondary" in status and "serial: 2" in status


def test_allow_transfer_admits_the_secondary_only(lab):
    status, names = transfer(lab, "ns54", "10.54.112.254", "poste54.etudiant.iut")
    assert status == "NOERROR" and {"p54", "ns54", "d54"} <= set(names)
    assert transfer(lab, "d54", "10.54.2.1", "poste54.etudiant.iut") == ("REFUSED", [])
    assert transfer(lab, "d54", "10.54.2.1", "etudiant541.iut") == ("REFUSED", [])


def test_allow_query_on_the_212_zone(lab):
    allowed = ask(lab, "p54", "10.54.212.1", "2.212.54.10.in-addr.arpa", "PTR")
    assert [r.target.to_text() for r in rrset(allowed, "answer", "2.212.54.10.in-addr.arpa.", "PTR")] \
        == ["p54.poste54.etudiant.iut."]
    refused = ask(lab, "d54", "10.54.2.1", "2.212.54.10.in-addr.arpa", "PTR")
    assert refused.rcode() == dns.rcode.REFUSED and not refused.answer


def test_every_lab_name_resolves_from_every_client(lab):
    for client in ("d54", "g53", "s54", "ns53", "p54"):
        for name, address in (("s53.tp531.iut", "10.254.53.1"), ("smtp.etudiant531.iut", "10.254.53.1"),
                              ("smtp.etudiant541.iut", "10.254.54.1"), ("stp.iut", "10.254.0.254")):
            answer = ask(lab, client, "10.254.0.254", name)
            assert address in [r.address for r in rrset(answer, "answer", name + ".", "A")], client


def test_names_outside_the_lab_end_inside_the_lab(lab):
    answer = ask(lab, "d54", "10.254.0.254", "www.debian.org")
    assert answer.rcode() == dns.rcode.NXDOMAIN
    assert rrset(answer, "authority", ".", "SOA")[0].mname.to_text() == "stp.iut."
    forwarded = ask(lab, "d54", "10.54.2.1", "www.debian.org")
    assert forwarded.rcode() == dns.rcode.NXDOMAIN


def test_a_student_edit_and_rndc_reload_is_served(lab):
    zone = "/etc/bind/meszones/db.etudiant531.iut"
    before = ask(lab, "d53", "10.53.2.1", "www.etudiant531.iut")
    assert before.rcode() == dns.rcode.NXDOMAIN
    lab.cmd("s53", f"sed -i 's/ 2     ; Serial/ 3     ; Serial/' {zone} && "
                   f"echo 'www IN A 10.53.1.3' >> {zone}")
    assert lab.cmd("s53", "rndc reload etudiant531.iut").strip() == "zone reload queued"

    def served():
        answer = ask(lab, "d53", "10.53.2.1", "www.etudiant531.iut")
        return answer.rcode() == dns.rcode.NOERROR and answer
    answer = wait_until(served, "S53 serves the edited zone", timeout=10)
    assert [r.address for r in rrset(answer, "answer", "www.etudiant531.iut.", "A")] == ["10.53.1.3"]
    assert "serial: 3" in lab.cmd("s53", "rndc zonestatus etudiant531.iut")


def test_each_named_has_its_own_rndc_key(lab):
    keys = {name: lab.cmd(name, "cat /etc/bind/rndc.key") for name in ("stp", "s54", "s53")}
    assert len(set(keys.values())) == 3
    assert open("/etc/bind/rndc.key").read() not in keys.values()


@pytest.mark.parametrize("scenario", [dns_lookup, dns_server], ids=["dns_lookup", "dns_server"])
def test_scenario_steps_pass(lab, scenario):
    for section in scenario.sections(lab.model, 54):
        for step in section.steps:
            result = step.run(lab)
            assert result.passed, f"{step.host}$ {step.command}\n{result.output}\n{result.problems}"
