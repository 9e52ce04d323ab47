"""Evidence from real packets, for each class file: scenarios run with --capture write pcaps
whose frames tshark finds, print Wireshark-style dissections and ladders, and draw pictures
that open. Every name, address and record expected comes from the class model."""

import struct
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest

from evidence.capture import Capture, CaptureSpec
from evidence.dissect import count_frames, fields
from scenarios.derive import first_a_owner, records
from tests.integration.conftest import PYTHON, REPO, BenchView, leftovers
from topologies.model import classroom


class Expected:
    """What the report's captures show, for the class's last bench and its neighbour."""

    def __init__(self, model):
        bench = model.benches[-1]
        self.here, self.there = BenchView(model, bench), BenchView(model, model.neighbour(bench))
        self.seat, self.server = self.here.seat, self.here.server
        self.seat_interface = self.seat.interfaces[0].name
        self.backbone_interface = self.server.interfaces[0].name
        self.resolver = self.seat.resolver
        self.owner = first_a_owner(model.zone(self.here.origin)).rstrip(".")
        self.answer = [data for *_, data in records(model, self.owner, "A")]
        self.authority = records(model, self.here.origin, "NS")
        self.additional = [data for ns in self.authority for *_, data in records(model, ns[3], "A")]
        self.domain = self.there.origin
        self.preference = model.lookup(self.domain, "MX")[0].split()[0]
        self.exchanger, self.exchanger_address = model.mail_exchanger(self.domain)
        self.recipient = f"{model.student.name}@{self.domain}"

    def pcap(self, index, host, interface):
        return f"{index:02d}-{host}-{interface}.pcapng"

    @property
    def smtp_pcap(self):
        return self.pcap(1, self.server.name, self.backbone_interface)


def run_with_capture(scenario, results, class_file):
    result = subprocess.run([PYTHON, f"scenarios/{scenario}.py", "--class", str(class_file),
                             "--capture", "--results", str(results)],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
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
def expected(class_file):
    return Expected(classroom(path=class_file))


@pytest.fixture(scope="module")
def mx_run(class_file, tmp_path_factory):
    results = tmp_path_factory.mktemp("mx")
    return results, run_with_capture("mx_delivery", results, class_file)


@pytest.fixture(scope="module")
def dns_run(class_file, tmp_path_factory):
    results = tmp_path_factory.mktemp("dns")
    return results, run_with_capture("dns_lookup", results, class_file)


def test_the_report_dig_answer_is_in_the_pcap(dns_run, expected):
    results, _ = dns_run
    pcap = results / expected.pcap(1, expected.seat.name, expected.seat_interface)
    answers = fields(pcap, "dns.flags.response == 1", "dns.flags.authoritative",
                     "dns.count.answers", "dns.count.auth_rr", "dns.a")
    assert [row[:3] for row in answers] == [("1", str(len(expected.answer)),
                                             str(len(expected.authority)))]
    assert sorted(answers[0][3].split(",")) == sorted(expected.answer + expected.additional)
    assert count_frames(pcap, "not dns") == 0


def test_the_mx_answer_is_in_the_pcap(dns_run, expected):
    results, _ = dns_run
    pcap = results / expected.pcap(2, expected.server.name, expected.backbone_interface)
    assert (expected.exchanger,) in fields(pcap, "dns.flags.response == 1 && dns.qry.type == 15",
                                           "dns.mx.mail_exchange")


def test_dissection_printed_like_the_report(dns_run, expected):
    _, output = dns_run
    assert f"on interface {expected.seat_interface}, id 0" in output
    assert f"Internet Protocol Version 4, Src: {expected.seat.ip}, Dst: {expected.resolver}" in output
    assert "    Flags: 0x8580 Standard query response, No error" in output
    for address in expected.answer:
        assert f"        {expected.owner}: type A, class IN, addr {address}" in output
    assert (f"        {expected.domain}: type MX, class IN, preference {expected.preference}, "
            f"mx {expected.exchanger}") in output
    assert "    [Response In: 2]" in output


def test_the_smtp_session_is_in_the_pcap(mx_run, expected):
    results, _ = mx_run
    pcap = results / expected.smtp_pcap
    commands = {c for row in fields(pcap, "smtp.req", "smtp.req.command") for c in row[0].split(",")}
    assert {"EHLO", "MAIL", "RCPT", "DATA"} <= commands
    # Postfix pipelines QUIT after the message's final dot: tshark shows that segment as IMF
    assert count_frames(pcap, 'imf && tcp.payload contains "\r\n.\r\nQUIT\r\n"') == 1
    codes = {c for row in fields(pcap, "smtp.response", "smtp.response.code") for c in row[0].split(",")}
    assert {"220", "250", "354", "221"} <= codes
    assert count_frames(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == 25") == 1
    assert count_frames(pcap, "tcp.flags.fin == 1") == 2
    assert count_frames(pcap, 'smtp.rsp.parameter contains "2.0.0 Ok: queued as"') == 1
    assert (expected.exchanger,) in fields(pcap, "dns.flags.response == 1 && dns.qry.type == 15",
                                           "dns.mx.mail_exchange")


def test_the_ladder_is_printed(mx_run, expected):
    _, output = mx_run
    here, there = expected.server.name, expected.there.server.name
    for step in ("[SYN]", "[SYN, ACK]", f"S: 220 {there} ESMTP Postfix (Debian/GNU)",
                 f"C: EHLO {here}", f"C: MAIL FROM:<root@{here}>", f"RCPT TO:<{expected.recipient}>",
                 "S: 250 2.0.0 Ok: queued as", "| C: QUIT", "221 2.0.0 Bye", "[FIN, ACK]"):
        assert step in output, step
    assert (f"{here.upper()} {expected.server.ip} ------> "
            f"{there.upper()} {expected.exchanger_address}") in output


def test_every_written_path_is_printed_and_exists(mx_run, expected):
    results, output = mx_run
    written = [line.split("*** wrote ", 1)[1] for line in output.splitlines()
               if line.startswith("*** wrote ")]
    smtp = expected.smtp_pcap
    assert {p.rsplit("/", 1)[1] for p in written} >= {"topology.svg", "topology.png", smtp,
                                                       smtp.replace(".pcapng", "-smtp.png")}
    assert all((REPO / p).exists() or (results / p.rsplit("/", 1)[1]).exists() for p in written)


def test_pictures_open_and_carry_their_labels(mx_run, expected):
    results, _ = mx_run
    model = expected.here.model
    stem = expected.smtp_pcap.replace(".pcapng", "")
    topology = svg_texts(results / "topology.svg")
    far_seat = expected.there.seat
    backbone = next(lan.prefix for lan in model.lans if lan.bridged)
    for label in (model.instructor.name.upper(), expected.server.name.upper(),
                  far_seat.name.upper(), backbone, expected.seat.interfaces[0].address,
                  f"bench {expected.there.number}"):
        assert label in topology, label
    ladder = svg_texts(results / f"{stem}-smtp.svg")
    for label in (f"{expected.server.name.upper()} {expected.server.ip}",
                  f"{expected.there.server.name.upper()} {expected.exchanger_address}",
                  f"C: EHLO {expected.server.name}", "[SYN]"):
        assert label in ladder, label
    assert f"answer MX {expected.preference} {expected.exchanger}" in svg_texts(results / f"{stem}-dns.svg")
    for png in ("topology.png", f"{stem}-smtp.png", f"{stem}-dns.png"):
        width, height = png_size(results / png)
        assert width > 300 and height > 200, png


def test_hosts_send_no_ipv6_chatter(lab, expected, tmp_path):
    """Last in this module: the lab fixture starts only once the scenario runs above are done."""
    seat = expected.seat.name
    spec = CaptureSpec(seat, expected.seat_interface, "", until=("dns.flags.response == 1", 1))
    capture = Capture(lab.host(seat), spec, tmp_path / "all.pcapng").start()
    lab.cmd(seat, f"dig +short {expected.owner}")
    capture.stop()
    pcap = tmp_path / "all.pcapng"
    assert count_frames(pcap, "dns") == 2
    assert count_frames(pcap, "ipv6 or icmpv6") == 0
    assert count_frames(pcap, "not (dns or arp)") == 0
