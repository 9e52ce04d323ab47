"""Pictures: the topology's DOT text and drawing, and the packet ladders (SVG + PNG)."""

import shutil
import struct
import xml.etree.ElementTree as ElementTree

import pytest

from evidence.pictures import (Exchange, PictureError, render_dot, render_ladder,
                               render_topology, shorten, topology_dot)
from topologies.model import classroom

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CLIENT, SERVER = "S54 10.254.54.1", "S53 10.254.53.1"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is missing")


def png_size(path):
    """(width, height) from the IHDR chunk, right after the signature."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_texts(path):
    """Every string of the SVG's <text> and <title> elements (tspans included)."""
    root = ElementTree.parse(path).getroot()
    return [text for element in root.iter() if element.tag.split("}")[-1] in ("text", "title")
            for text in element.itertext() if text.strip()]


def smtp_exchanges(count):
    lines = ["[SYN]", "[SYN, ACK]", "[ACK]", "S: 220 s53 ESMTP Postfix", "C: EHLO s54",
             "S: 250-s53", "C: MAIL FROM:<root@s54>", "S: 250 2.1.0 Ok",
             "C: RCPT TO:<etudiant@tp531.iut>", "S: 250 2.1.5 Ok", "C: DATA",
             "S: 354 End data with <CR><LF>.<CR><LF>", "from: root@s54, subject: Test",
             "S: 250 2.0.0 Ok: queued as 8A1B2C3D4E", "C: QUIT", "S: 221 2.0.0 Bye"]
    return [Exchange(0.000123 * i, *((CLIENT, SERVER) if i % 2 == 0 else (SERVER, CLIENT)),
                     lines[i % len(lines)]) for i in range(count)]


def test_dot_names_every_host_and_address():
    model = classroom((53, 54))
    text = topology_dot(model)
    for host in model.hosts:
        assert host.name.upper() in text
        for interface in host.interfaces:
            assert interface.address in text
    assert "backbone 10.254.0.0/16" in text and "10.54.1.0/24" in text
    assert 'label="bench 53"' in text and 'label="bench 54"' in text


def test_shorten_keeps_one_line_of_at_most_the_limit():
    assert shorten("C: EHLO s54") == "C: EHLO s54"
    assert shorten("250-s53\r\n250-PIPELINING") == "250-s53 250-PIPELINING"
    long = shorten("Standard query response 0x3f1c A s54.tp541.iut A 10.254.54.1 A 10.54.1.1")
    assert len(long) <= 60 and long.endswith("…") and long.startswith("Standard query response")


@needs_dot
def test_topology_renders_svg_and_png(tmp_path):
    svg, png = render_topology(classroom((53, 54)), tmp_path)
    assert (svg.name, png.name) == ("topology.svg", "topology.png")
    texts = " ".join(svg_texts(svg))
    for name in ("STP", "S53", "G54", "D54", "NS54", "P54", "10.54.1.0/24", "bench 54"):
        assert name in texts
    width, height = png_size(png)
    assert 600 < width < 3000 and 200 < height < 2000


@needs_dot
def test_topology_of_five_benches_renders(tmp_path):
    svg, png = render_topology(classroom((51, 52, 53, 54, 55)), tmp_path, stem="five")
    assert "S55" in " ".join(svg_texts(svg))
    assert min(png_size(png)) > 300


@needs_dot
def test_dot_failure_names_the_command(tmp_path):
    with pytest.raises(PictureError, match=r"^dot -Tsvg .* failed \(exit \d+\): .*syntax"):
        render_dot("graph broken {", tmp_path, "broken")


def test_ladder_renders_labels_and_times(tmp_path):
    pytest.importorskip("matplotlib")
    svg, png = render_ladder(smtp_exchanges(16), [CLIENT, SERVER], "SMTP", tmp_path, "smtp")
    texts = svg_texts(svg)
    for wanted in (CLIENT, SERVER, "C: MAIL FROM:<root@s54>",
                   "S: 250 2.0.0 Ok: queued as 8A1B2C3D4E", "0.000123 s"):
        assert wanted in texts
    width, height = png_size(png)
    assert 500 < width < 2000 and 500 < height < 3000


def test_ladder_grows_with_its_exchanges(tmp_path):
    pytest.importorskip("matplotlib")
    _, short = render_ladder(smtp_exchanges(5), [CLIENT, SERVER], "5", tmp_path, "five")
    _, tall = render_ladder(smtp_exchanges(40), [CLIENT, SERVER], "40", tmp_path, "forty")
    assert png_size(tall)[1] > png_size(short)[1] + 35 * 30  # a row is more than 30 pixels


def test_ladder_shortens_long_labels(tmp_path):
    pytest.importorskip("matplotlib")
    exchange = Exchange(0.0, CLIENT, SERVER, "C: " + "x" * 200)
    svg, _ = render_ladder([exchange], [CLIENT, SERVER], "long", tmp_path, "long")
    label = next(text for text in svg_texts(svg) if text.startswith("C: x"))
    assert len(label) <= 60 and label.endswith("…")


def test_ladder_with_an_unknown_actor_names_it(tmp_path):
    exchange = Exchange(0.0, CLIENT, "STP 10.254.0.254", "query")
    with pytest.raises(PictureError, match="actor 'STP 10.254.0.254' is not among"):
        render_ladder([exchange], [CLIENT, SERVER], "DNS", tmp_path, "dns")
