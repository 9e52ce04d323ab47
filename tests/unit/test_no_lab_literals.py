"""No lab address, LAN prefix, domain name or instructor name is written outside the class
files: the code and templates of lab/, services/, scenarios/, evidence/ and bench/ ask the
model (issue 10). Every value of both shipped class files (their default benches) is looked
for as a whole token, comments and docstrings included (a search must find none), and so is
every dotted template of the class files rebuilt as code writes it (f"smtp.tp{m}1.iut")."""

import ipaddress
import re
from pathlib import Path

import pytest

from topologies.classfile import CLASSES, ClassFile
from topologies.model import classroom

REPO = Path(__file__).resolve().parents[2]
SCANNED = ("lab", "services", "scenarios", "evidence", "bench", "checks", "classroom")
CLASS_FILES = (CLASSES / "iut.toml", CLASSES / "campus.toml")

QUAD = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)")
NAME = re.compile(r"(?<![\w.-])[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+(?![\w-]|\.[\w-])")
WORD = re.compile(r"(?<![\w.-])[A-Za-z][A-Za-z0-9_-]*(?![\w-]|\.[\w-])")
HOLE = re.compile(r"\{[^{}]*\}|\$\{?\w+\}?")  # a placeholder: {n}, {m}, {bench}, $n, ${n}


class Literals:
    """What a class file's models make of the lab: addresses, domains, host names, the student."""

    def __init__(self, paths=CLASS_FILES):
        self.addresses, self.domains, self.zones, self.words = set(), set(), set(), set()
        self.templates = []
        for path in paths:
            self._model(classroom(path=path))
            self._templates(ClassFile(path).data)

    def _model(self, model):
        for host in model.hosts:
            for interface in host.interfaces:
                network = ipaddress.ip_interface(interface.address).network
                self.addresses |= {interface.ip, str(network.network_address)}
        for prefix in [lan.prefix for lan in model.lans] + model.lab_networks():
            self.addresses.add(str(ipaddress.ip_network(prefix).network_address))
        for zone in model.zones:
            if "." in zone.name:  # not a top-level label alone ("iut", "lan"): a lab domain
                self.zones.add(zone.name.lower())
            names = [zone.soa.mname, zone.soa.rname] + [
                name for record in zone.records
                for name in (zone.absolute(record.owner), record.target(zone.origin)) if name]
            self.domains |= {n.rstrip(".").lower() for n in names if "." in n.rstrip(".")}
        self.domains.add(model.dns_name.lower())
        self.words |= {name.lower() for name in model.names()}
        self.words.add(model.student.name.lower())

    def _templates(self, value):
        """Each word of the class file with a placeholder and a dot outside it, as a regex."""
        if isinstance(value, dict):
            for item in value.values():
                self._templates(item)
        elif isinstance(value, list):
            for item in value:
                self._templates(item)
        elif isinstance(value, str):
            for word in value.split():
                word = word.rstrip(".")
                literal = HOLE.sub("", word)
                if HOLE.search(word) and "." in literal and len(literal) >= 4:
                    pattern = f"(?:{HOLE.pattern})".join(re.escape(p) for p in HOLE.split(word))
                    self.templates.append(re.compile(rf"(?<![\w-]){pattern}(?![\w-])",
                                                     re.IGNORECASE))

    def found(self, line):
        """The lab literals a line holds."""
        hits = [q for q in QUAD.findall(line) if q in self.addresses]
        for token in (t.lower() for t in NAME.findall(line)):
            if token in self.domains or token in self.zones or any(
                    token.endswith("." + zone) for zone in self.zones):
                hits.append(token)
        hits += [w for w in WORD.findall(line) if w.lower() in self.words]
        hits += [m.group(0) for t in self.templates for m in t.finditer(line)]
        return hits


def scanned_files(root=REPO):
    """Every .py file, every template and every message catalog (.po) under the scanned folders."""
    for top in SCANNED:
        for path in sorted((root / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and (
                    path.suffix in (".py", ".po") or "templates" in path.relative_to(root).parts):
                yield path


def scan(files, literals, root=REPO):
    findings = []
    for path in files:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            hits = literals.found(line)
            if hits:
                findings.append(f"{path.relative_to(root)}:{number}: {', '.join(sorted(set(hits)))}")
    return findings


LITERALS = Literals()


def test_the_literals_are_the_classes_values():
    assert {"10.254.54.1", "10.54.212.0", "192.168.100.250", "172.17.12.0"} <= LITERALS.addresses
    assert {"tp541.iut", "etudiant531.iut", "groupe12.lan", "212.54.10.in-addr.arpa"} <= \
        LITERALS.zones
    assert {"stp.iut", "smtp.tp531.iut", "ns.ecole.lan", "mail.groupe11.lan"} <= LITERALS.domains
    assert {"stp", "prof", "s54", "d53", "ns54", "pc12b", "wifi13", "etudiant", "eleve"} <= LITERALS.words
    assert "iut" not in LITERALS.zones and "lan" not in LITERALS.zones


def test_the_scan_reads_the_code_and_every_template():
    files = [str(p.relative_to(REPO)) for p in scanned_files()]
    assert "services/postfix/templates/etc/postfix/main.cf" in files
    assert "services/named/templates/etc/bind/named.conf.options.primary" in files
    assert {"lab/command/cli.py", "scenarios/mx_delivery.py", "evidence/pictures.py",
            "bench/raw.py"} <= set(files)


def test_the_scan_finds_a_planted_literal_and_nothing_else(tmp_path):
    (tmp_path / "lab").mkdir()
    planted = tmp_path / "lab" / "planted.py"
    planted.write_text("\n".join([
        'relay = "smtp.tp531.iut[10.254.53.1]:25"',        # 1: a domain and an address
        'relay = f"smtp.tp{m}1.iut[10.254.{m}.1]:25"',     # 2: the same, as a template
        'print("puis STP")',                               # 3: the instructor, any case
        'lan = f"172.17.{bench}.0/24"',                    # 4: campus template
        'ratio = 10.0 * 1.2  # 1.2.3.4 and intf.lan',      # 5: numbers, an address of no class
        'CLASS = "topologies/classes/iut.toml"',           # 6: a file name, not a domain
        'zone = model.zone(name).name + ".lan"',           # 7: attributes, a bare TLD
        'line = "received by groupe12.lan."',              # 8: a domain ending a sentence
    ]) + "\n")
    findings = scan([planted], LITERALS, root=tmp_path)
    assert [f.split(":")[1] for f in findings] == ["1", "2", "3", "4", "8"], findings
    assert "10.254.53.1" in findings[0] and "smtp.tp531.iut" in findings[0]


def test_no_lab_literal_is_written_outside_the_class_files():
    findings = scan(scanned_files(), LITERALS)
    assert not findings, ("lab values written out (ask the model instead):\n"
                          + "\n".join(findings))


@pytest.mark.parametrize("path", CLASS_FILES, ids=lambda p: p.name)
def test_each_class_file_gives_templates_to_look_for(path):
    templates = Literals((path,)).templates
    assert len(templates) >= 5
    assert any(t.search('f"{x}"') for t in templates) is False
