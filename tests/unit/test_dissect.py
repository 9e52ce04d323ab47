"""Dissections in the report's style, from a pcap written with scapy and read by real tshark.

The pcap is the report's MX lookup (the bench's server asks the instructor for the
neighbour's mail exchanger), built from each class file's model."""

import shutil

import pytest

from evidence.dissect import count_frames, dissection, fields, flow, ladder_text
from scenarios.derive import records
from topologies.classfile import CLASSES
from topologies.model import classroom

pytestmark = pytest.mark.skipif(not shutil.which("tshark"), reason="needs tshark (make deps)")
CLASS_FILES = [CLASSES / "iut.toml", CLASSES / "campus.toml"]


class Lookup:
    """The MX lookup of the class's last bench, as its zones say it must be answered."""

    def __init__(self, model):
        bench = model.benches[-1]
        self.server, self.instructor = model.server(bench), model.instructor
        self.domain = model.mail_origin(model.neighbour(bench))
        _, self.mx_ttl, _, mx = records(model, self.domain, "MX")[0]
        self.preference, self.exchanger = int(mx.split()[0]), mx.split()[1].rstrip(".")
        _, self.ns_ttl, _, ns = records(model, self.domain, "NS")[0]
        self.ns = ns.rstrip(".")
        _, self.glue_ttl, _, self.glue = records(model, ns, "A")[0]


def wire_name(name):
    return b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0"


@pytest.fixture(scope="module", params=CLASS_FILES, ids=lambda path: path.stem)
def lookup(request):
    return Lookup(classroom(path=request.param))


@pytest.fixture(scope="module")
def dns_pcap(lookup, tmp_path_factory):
    scapy = pytest.importorskip("scapy.all")
    asker, server = lookup.server.ip, lookup.instructor.ip
    question = scapy.DNSQR(qname=lookup.domain, qtype="MX")
    query = (scapy.Ether() / scapy.IP(src=asker, dst=server) / scapy.UDP(sport=44784, dport=53)
             / scapy.DNS(id=0x4945, rd=1, qd=question))
    mx = lookup.preference.to_bytes(2, "big") + wire_name(lookup.exchanger)
    answer = (scapy.Ether() / scapy.IP(src=server, dst=asker) / scapy.UDP(sport=53, dport=44784)
              / scapy.DNS(id=0x4945, qr=1, aa=1, rd=1, ra=1, qd=question,
                          an=scapy.DNSRR(rrname=lookup.domain, type="MX", ttl=lookup.mx_ttl, rdata=mx),
                          ns=scapy.DNSRR(rrname=lookup.domain, type="NS", ttl=lookup.ns_ttl,
                                         rdata=lookup.ns),
                          ar=scapy.DNSRR(rrname=lookup.ns, type="A", ttl=lookup.glue_ttl,
                                         rdata=lookup.glue)))
    path = tmp_path_factory.mktemp("pcap") / "mx.pcap"
    scapy.wrpcap(str(path), [query, answer])
    return path


def test_dissection_reads_like_the_report(lookup, dns_pcap):
    text = dissection(dns_pcap, "dns")
    lines = text.splitlines()
    assert lines[0].startswith("Frame 1: ")
    assert f"Internet Protocol Version 4, Src: {lookup.server.ip}, Dst: {lookup.instructor.ip}" in lines
    assert "User Datagram Protocol, Src Port: 44784, Dst Port: 53" in lines
    assert "    Transaction ID: 0x4945" in lines
    assert "    Flags: 0x0100 Standard query" in lines
    assert "    Flags: 0x8580 Standard query response, No error" in lines
    assert (f"        {lookup.domain}: type MX, class IN, preference {lookup.preference}, "
            f"mx {lookup.exchanger}") in lines
    assert f"        {lookup.domain}: type NS, class IN, ns {lookup.ns}" in lines
    assert f"        {lookup.ns}: type A, class IN, addr {lookup.glue}" in lines
    assert not [line for line in lines if line.strip().startswith((".... ", "1... ", "0... "))]
    assert not [line for line in lines if line.startswith(" " * 12)]


def test_fields_and_counts(lookup, dns_pcap):
    assert count_frames(dns_pcap, "dns.flags.authoritative == 1") == 1
    assert fields(dns_pcap, "dns.flags.response == 1", "dns.count.answers", "dns.mx.mail_exchange") \
        == [("1", lookup.exchanger)]
    assert count_frames(dns_pcap.parent / "missing.pcap", "dns") == 0


def test_flow_and_ladder(lookup, dns_pcap):
    asker, server = lookup.server.ip, lookup.instructor.ip
    rows = flow(dns_pcap, "dns")
    assert [(source, destination) for _, source, destination, _ in rows] == \
        [(asker, server), (server, asker)]
    answer = f"answer MX {lookup.preference} {lookup.exchanger} NS {lookup.ns} A {lookup.glue}"
    assert [info for *_, info in rows] == [f"query MX {lookup.domain}", answer]
    here, there = lookup.server.name.upper(), lookup.instructor.name.upper()
    text = ladder_text(rows, {asker: here, server: there}).splitlines()
    assert f"{here} {asker} ------> {there} {server}  query MX {lookup.domain}" in text[0]
    assert f"{here} {asker} <------ {there} {server}  {answer}" in text[1]


def test_bare_tcp_segments_read_as_their_flags():
    from evidence.dissect import _short_info
    assert _short_info("45340 → 25 [SYN, ACK] Seq=0 Ack=1 Win=43440 Len=0") == "[SYN, ACK]"
    banner = "S: 220 server ESMTP Postfix (Debian/GNU)"
    assert _short_info(banner) == banner
