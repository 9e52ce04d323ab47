"""Pictures: the topology's DOT text and drawing, and the packet ladders (SVG + PNG)."""

import shutil
import struct
import xml.etree.ElementTree as ElementTree

import pytest

from evidence.pictures import (Exchange, PictureError, render_dot, render_ladder,
                               render_topology, shorten, topology_dot)
from topologies.classfile import CLASSES
from topologies.model import classroom

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CLASS_FILES = [CLASSES / "iut.toml", CLASSES / "campus.toml"]
REPORT = classroom()  # the report's class: one bench writes to its neighbour's server
HERE = REPORT.server(REPORT.benches[-1])
THERE = REPORT.server(REPORT.neighbour(REPORT.benches[-1]))
CLIENT, SERVER = f"{HERE.name.upper()} {HERE.ip}", f"{THERE.name.upper()} {THERE.ip}"
RECIPIENT = f"{REPORT.student.name}@{REPORT.mail_origin(REPORT.neighbour(REPORT.benches[-1]))}"
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
    lines = ["[SYN]", "[SYN, ACK]", "[ACK]", f"S: 220 {THERE.name} ESMTP Postfix",
             f"C: EHLO {HERE.name}", f"S: 250-{THERE.name}", f"C: MAIL FROM:<root@{HERE.name}>",
             "S: 250 2.1.0 Ok", f"C: RCPT TO:<{RECIPIENT}>", "S: 250 2.1.5 Ok", "C: DATA",
             "S: 354 End data with <CR><LF>.<CR><LF>", f"from: root@{HERE.name}, subject: Test",
             "S: 250 2.0.0 Ok: queued as 8A1B2C3D4E", "C: QUIT", "S: 221 2.0.0 Bye"]
    return [Exchange(0.000123 * i, *((CLIENT, SERVER) if i % 2 == 0 else (SERVER, CLIENT)),
                     lines[i % len(lines)]) for i in range(count)]


@pytest.mark.parametrize("class_file", CLASS_FILES, ids=lambda path: path.stem)
def test_dot_names_every_host_address_and_lan(class_file):
    model = classroom(path=class_file)
    text = topology_dot(model)
    for host in model.hosts:
        assert host.name.upper() in text
        for interface in host.interfaces:
            assert interface.address in text
    for lan in model.lans:
        assert (f"backbone {lan.prefix}" if lan.bridged else f'label="{lan.prefix}"') in text
    for bench in model.benches:
        assert f'label="bench {bench}"' in text


@pytest.mark.parametrize("class_file", CLASS_FILES, ids=lambda path: path.stem)
def test_dot_styles_hosts_by_their_place_in_the_class(class_file):
    """The instructor, each server, hosts running daemons and plain clients, whatever the
    class file calls their roles."""
    model = classroom(path=class_file)
    lines = topology_dot(model).splitlines()

    def style(host):
        return next(line for line in lines if line.strip().startswith(f'"{host.name}" ['))
    bench = model.benches[-1]
    secondary = next(h for h in model.hosts if h.bench == bench and h.services
                     and h.name != model.server(bench).name)
    client = model.seat(bench)
    assert "penwidth=2" in style(model.instructor)
    assert "#a9c8ea" in style(model.server(bench))
    assert "dashed" in style(secondary) and "dashed" not in style(client)


def test_shorten_keeps_one_line_of_at_most_the_limit():
    assert shorten("C: EHLO client") == "C: EHLO client"
    assert shorten("250-server\r\n250-PIPELINING") == "250-server 250-PIPELINING"
    long = shorten("Standard query response 0x3f1c A host.example.org A 192.0.2.1 A 198.51.100.1")
    assert len(long) <= 60 and long.endswith("…") and long.startswith("Standard query response")


@needs_dot
@pytest.mark.parametrize("class_file", CLASS_FILES, ids=lambda path: path.stem)
def test_topology_renders_svg_and_png(class_file, tmp_path):
    model = classroom(path=class_file)
    svg, png = render_topology(model, tmp_path)
    assert (svg.name, png.name) == ("topology.svg", "topology.png")
    texts = " ".join(svg_texts(svg))
    bench = model.benches[-1]
    wanted = [h.name.upper() for h in model.hosts] + [f"bench {bench}"] + [
        model.lan_prefix(bench, key) for key in model.client_keys()]
    assert [label for label in wanted if label not in texts] == []
    width, height = png_size(png)
    assert 600 < width < 4000 and 200 < height < 2000


@needs_dot
@pytest.mark.parametrize("class_file", CLASS_FILES, ids=lambda path: path.stem)
def test_topology_of_five_benches_renders(class_file, tmp_path):
    first = classroom(path=class_file).spec.bench_range[0]
    model = classroom(tuple(range(first, first + 5)), path=class_file)
    svg, png = render_topology(model, tmp_path, stem="five")
    assert model.server(model.benches[-1]).name.upper() in " ".join(svg_texts(svg))
    assert min(png_size(png)) > 300


@needs_dot
def test_dot_failure_names_the_command(tmp_path):
    with pytest.raises(PictureError, match=r"^dot -Tsvg .* failed \(exit \d+\): .*syntax"):
        render_dot("graph broken {", tmp_path, "broken")


def test_ladder_renders_labels_and_times(tmp_path):
    pytest.importorskip("matplotlib")
    svg, png = render_ladder(smtp_exchanges(16), [CLIENT, SERVER], "SMTP", tmp_path, "smtp")
    texts = svg_texts(svg)
    for wanted in (CLIENT, SERVER, f"C: MAIL FROM:<root@{HERE.name}>",
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
    stranger = f"{REPORT.instructor.name.upper()} {REPORT.instructor.ip}"
    exchange = Exchange(0.0, CLIENT, stranger, "query")
    with pytest.raises(PictureError, match=f"actor '{stranger}' is not among"):
        render_ladder([exchange], [CLIENT, SERVER], "DNS", tmp_path, "dns")
