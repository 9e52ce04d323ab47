"""Evidence from real packets: scenarios run with --capture write pcaps whose frames tshark
finds, print Wireshark-style dissections and ladders, and draw pictures that open."""

import struct
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest

from evidence.capture import Capture, CaptureSpec
from evidence.dissect import count_frames, fields
from tests.integration.conftest import PYTHON, REPO, leftovers


def run_with_capture(scenario, results):
    result = subprocess.run([PYTHON, f"scenarios/{scenario}.py", "--capture", "--results",
                             str(results)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert leftovers() == []
    return result.stdout


def svg_texts(path):
    root = ElementTree.parse(path).getroot()
    return " ".join(t.strip() for element in root.iter() for t in element.itertext() if t.strip())


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def mx_run(tmp_path_factory):
    results = tmp_path_factory.mktemp("mx")
    return results, run_with_capture("mx_delivery", results)


@pytest.fixture(scope="module")
def dns_run(tmp_path_factory):
    results = tmp_path_factory.mktemp("dns")
    return results, run_with_capture("dns_lookup", results)


def test_the_report_dig_answer_is_in_the_pcap(dns_run):
    results, _ = dns_run
    pcap = results / "01-d54-d54-eth0.pcapng"
    answers = fields(pcap, "dns.flags.response == 1", "dns.flags.authoritative",
                     "dns.count.answers", "dns.count.auth_rr", "dns.a")
    assert answers == [("1", "2", "1", "10.54.1.1,10.254.54.1,10.254.0.254")] or \
        answers == [("1", "2", "1", "10.254.54.1,10.54.1.1,10.254.0.254")]
    assert count_frames(pcap, "not dns") == 0


def test_the_mx_answer_is_in_the_pcap(dns_run):
    results, _ = dns_run
    pcap = results / "02-s54-s54-eth0.pcapng"
    assert ("smtp.tp531.iut",) in fields(pcap, "dns.flags.response == 1 && dns.qry.type == 15",
                                         "dns.mx.mail_exchange")


def test_dissection_printed_like_the_report(dns_run):
    _, output = dns_run
    assert "on interface d54-eth0, id 0" in output
    assert "Internet Protocol Version 4, Src: 10.54.2.2, Dst: 10.254.0.254" in output
    assert "    Flags: 0x8580 Standard query response, No error" in output
    assert "        s54.tp541.iut: type A, class IN, addr 10.254.54.1" in output
    assert "        tp531.iut: type MX, class IN, preference 0, mx smtp.tp531.iut" in output
    assert "    [Response In: 2]" in output


def test_the_smtp_session_is_in_the_pcap(mx_run):
    results, _ = mx_run
    pcap = results / "01-s54-s54-eth0.pcapng"
    commands = {c for row in fields(pcap, "smtp.req", "smtp.req.command") for c in row[0].split(",")}
    assert {"EHLO", "MAIL", "RCPT", "DATA"} <= commands
    # Postfix pipelines QUIT after the message's final dot: tshark shows that segment as IMF
    assert count_frames(pcap, 'imf && tcp.payload contains "\r\n.\r\nQUIT\r\n"') == 1
    codes = {c for row in fields(pcap, "smtp.response", "smtp.response.code") for c in row[0].split(",")}
    assert {"220", "250", "354", "221"} <= codes
    assert count_frames(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == 25") == 1
    assert count_frames(pcap, "tcp.flags.fin == 1") == 2
    assert count_frames(pcap, 'smtp.rsp.parameter contains "2.0.0 Ok: queued as"') == 1
    assert ("smtp.tp531.iut",) in fields(pcap, "dns.flags.response == 1 && dns.qry.type == 15",
                                         "dns.mx.mail_exchange")


def test_the_ladder_is_printed(mx_run):
    _, output = mx_run
    for step in ("[SYN]", "[SYN, ACK]", "S: 220 s53 ESMTP Postfix (Debian/GNU)", "C: EHLO s54",
                 "C: MAIL FROM:<root@s54>", "RCPT TO:<etudiant@tp531.iut>",
                 "S: 250 2.0.0 Ok: queued as", "| C: QUIT", "221 2.0.0 Bye", "[FIN, ACK]"):
        assert step in output, step
    assert "S54 10.254.54.1 ------> S53 10.254.53.1" in output


def test_every_written_path_is_printed_and_exists(mx_run):
    results, output = mx_run
    written = [line.split("*** wrote ", 1)[1] for line in output.splitlines()
               if line.startswith("*** wrote ")]
    assert {p.rsplit("/", 1)[1] for p in written} >= {"topology.svg", "topology.png",
                                                       "01-s54-s54-eth0.pcapng",
                                                       "01-s54-s54-eth0-smtp.png"}
    assert all((REPO / p).exists() or (results / p.rsplit("/", 1)[1]).exists() for p in written)


def test_pictures_open_and_carry_their_labels(mx_run):
    results, _ = mx_run
    topology = svg_texts(results / "topology.svg")
    for label in ("STP", "S54", "D53", "10.254.0.0/16", "10.54.2.2/24", "bench 53"):
        assert label in topology, label
    ladder = svg_texts(results / "01-s54-s54-eth0-smtp.svg")
    for label in ("S54 10.254.54.1", "S53 10.254.53.1", "C: EHLO s54", "[SYN]"):
        assert label in ladder, label
    assert "answer MX 0 smtp.tp531.iut" in svg_texts(results / "01-s54-s54-eth0-dns.svg")
    for png in ("topology.png", "01-s54-s54-eth0-smtp.png", "01-s54-s54-eth0-dns.png"):
        width, height = png_size(results / png)
        assert width > 300 and height > 200, png


def test_hosts_send_no_ipv6_chatter(lab, tmp_path):
    spec = CaptureSpec("d54", "d54-eth0", "", until=("dns.flags.response == 1", 1))
    capture = Capture(lab.host("d54"), spec, tmp_path / "all.pcapng").start()
    lab.cmd("d54", "dig +short s54.tp541.iut")
    capture.stop()
    pcap = tmp_path / "all.pcapng"
    assert count_frames(pcap, "dns") == 2
    assert count_frames(pcap, "ipv6 or icmpv6") == 0
    assert count_frames(pcap, "not (dns or arp)") == 0
