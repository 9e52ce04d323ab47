"""Dissections in the report's style, from a pcap written with scapy and read by real tshark."""

import shutil

import pytest

from evidence.dissect import count_frames, dissection, fields, flow, ladder_text

pytestmark = pytest.mark.skipif(not shutil.which("tshark"), reason="needs tshark (make deps)")


@pytest.fixture(scope="module")
def dns_pcap(tmp_path_factory):
    scapy = pytest.importorskip("scapy.all")
    query = (scapy.Ether() / scapy.IP(src="10.254.54.1", dst="10.254.0.254")
             / scapy.UDP(sport=44784, dport=53)
             / scapy.DNS(id=0x4945, rd=1, qd=scapy.DNSQR(qname="tp531.iut", qtype="MX")))
    answer = (scapy.Ether() / scapy.IP(src="10.254.0.254", dst="10.254.54.1")
              / scapy.UDP(sport=53, dport=44784)
              / scapy.DNS(id=0x4945, qr=1, aa=1, rd=1, ra=1,
                          qd=scapy.DNSQR(qname="tp531.iut", qtype="MX"),
                          an=scapy.DNSRR(rrname="tp531.iut", type="MX", ttl=86400,
                                         rdata=b"\x00\x00\x04smtp\x05tp531\x03iut\x00"),
                          ns=scapy.DNSRR(rrname="tp531.iut", type="NS", ttl=86400, rdata="stp.iut"),
                          ar=scapy.DNSRR(rrname="stp.iut", type="A", ttl=15, rdata="10.254.0.254")))
    path = tmp_path_factory.mktemp("pcap") / "mx.pcap"
    scapy.wrpcap(str(path), [query, answer])
    return path


def test_dissection_reads_like_the_report(dns_pcap):
    text = dissection(dns_pcap, "dns")
    lines = text.splitlines()
    assert lines[0].startswith("Frame 1: ")
    assert "Internet Protocol Version 4, Src: 10.254.54.1, Dst: 10.254.0.254" in lines
    assert "User Datagram Protocol, Src Port: 44784, Dst Port: 53" in lines
    assert "    Transaction ID: 0x4945" in lines
    assert "    Flags: 0x0100 Standard query" in lines
    assert "    Flags: 0x8580 Standard query response, No error" in lines
    assert "        tp531.iut: type MX, class IN, preference 0, mx smtp.tp531.iut" in lines
    assert "        tp531.iut: type NS, class IN, ns stp.iut" in lines
    assert "        stp.iut: type A, class IN, addr 10.254.0.254" in lines
    assert not [line for line in lines if line.strip().startswith((".... ", "1... ", "0... "))]
    assert not [line for line in lines if line.startswith(" " * 12)]


def test_fields_and_counts(dns_pcap):
    assert count_frames(dns_pcap, "dns.flags.authoritative == 1") == 1
    assert fields(dns_pcap, "dns.flags.response == 1", "dns.count.answers", "dns.mx.mail_exchange") \
        == [("1", "smtp.tp531.iut")]
    assert count_frames(dns_pcap.parent / "missing.pcap", "dns") == 0


def test_flow_and_ladder(dns_pcap):
    rows = flow(dns_pcap, "dns")
    assert [(source, destination) for _, source, destination, _ in rows] == \
        [("10.254.54.1", "10.254.0.254"), ("10.254.0.254", "10.254.54.1")]
    assert [info for *_, info in rows] == ["query MX tp531.iut",
                                           "answer MX 0 smtp.tp531.iut NS stp.iut A 10.254.0.254"]
    text = ladder_text(rows, {"10.254.54.1": "S54", "10.254.0.254": "STP"}).splitlines()
    assert "S54 10.254.54.1 ------> STP 10.254.0.254  query MX tp531.iut" in text[0]
    assert "S54 10.254.54.1 <------ STP 10.254.0.254  answer MX 0 smtp.tp531.iut" in text[1]


def test_bare_tcp_segments_read_as_their_flags():
    from evidence.dissect import _short_info
    assert _short_info("45340 → 25 [SYN, ACK] Seq=0 Ack=1 Win=43440 Len=0") == "[SYN, ACK]"
    assert _short_info("S: 220 s53 ESMTP Postfix (Debian/GNU)") == "S: 220 s53 ESMTP Postfix (Debian/GNU)"
