"""The lab's DNS data, rendered from the class model (pure text, testable without root).

    Zone                        a zone's name, where its file lands, its text
    class_zones(model)          STP's: the lab root ".", "iut." and each tp{n}1.iut
    bench_zones(model, n)       Sn's: etudiant{n}1.iut, the neighbour's etudiant{m}1.iut,
                                poste{n}.etudiant.iut, 112.n.10 and 212.n.10 in-addr.arpa
    secondary_zones(model, n)   the names NSn pulls from Sn by AXFR
    stanza(zone, kind, ...)     a zone { } block of named.conf.local

STP serves a root zone of its own, so every recursive lookup stays inside the lab:
names outside .iut and the lab's reverse zones get NXDOMAIN from STP.
"""

from dataclasses import dataclass

from services.base import render_template
from topologies.model import STP_ADDRESS

SOA_TIMERS = "3600 600 86400 300"


@dataclass(frozen=True)
class Zone:
    name: str
    path: str
    text: str


def class_zones(model):
    zones = [Zone(".", "/etc/bind/db.root", _root_zone(model)),
             Zone("iut", "/etc/bind/db.iut", _iut_zone(model))]
    for n in model.benches:
        zones.append(Zone(f"tp{n}1.iut", f"/etc/bind/db.tp{n}1.iut",
                          render_template("stp/etc/bind/db.tp.iut", n=n)))
    return zones


def _root_zone(model):
    lines = ["; the lab's root zone: the lab has no Internet, STP is its root",
             "$TTL 86400",
             f"@ IN SOA stp.iut. root.stp.iut. ( 1 {SOA_TIMERS} )",
             "@ IN NS stp.iut.",
             "iut. IN NS stp.iut.",
             f"stp.iut. IN A {STP_ADDRESS}"]
    for n in model.benches:
        for lan in (112, 212):
            lines.append(f"{lan}.{n}.10.in-addr.arpa. IN NS S{n}.etudiant{n}1.iut.")
    return "\n".join(lines) + "\n"


def _iut_zone(model):
    lines = ["; zone iut.: the class (lab report, part 1), served by STP",
             "$TTL 86400",
             f"@ IN SOA stp.iut. root.stp.iut. ( 1 {SOA_TIMERS} )",
             "@ IN NS stp.iut.",
             f"stp 15 IN A {STP_ADDRESS}"]
    for n in model.benches:
        lines.append(f"tp{n}1 IN NS stp.iut.")
    lines.append("; part 2: each bench serves its own domain")
    for n in model.benches:
        lines += [f"etudiant{n}1 IN NS S{n}.etudiant{n}1.iut.",
                  f"S{n}.etudiant{n}1 IN A 10.254.{n}.1",
                  f"poste{n}.etudiant IN NS S{n}.etudiant{n}1.iut."]
    return "\n".join(lines) + "\n"


def bench_zones(model, n):
    folder = "/etc/bind/meszones"
    m = model.neighbour(n)
    zones = [Zone(f"poste{n}.etudiant.iut", f"{folder}/db.poste{n}.etudiant.iut",
                  render_template("server/etc/bind/meszones/db.poste.etudiant.iut", n=n)),
             _reverse_zone(n, 212, server_octet=1, host_octet=2, host=f"p{n}"),
             _reverse_zone(n, 112, server_octet=254, host_octet=1, host=f"ns{n}"),
             Zone(f"etudiant{n}1.iut", f"{folder}/db.etudiant{n}1.iut",
                  render_template("server/etc/bind/meszones/db.etudiant.iut", n=n))]
    if m != n:
        zones.append(Zone(f"etudiant{m}1.iut", f"{folder}/db.etudiant{m}1.iut",
                          render_template("server/etc/bind/meszones/db.neighbour.iut", n=n, m=m)))
    return zones


def _reverse_zone(n, lan, server_octet, host_octet, host):
    text = render_template("server/etc/bind/meszones/db.reverse", n=n, lan=lan,
                           server_octet=server_octet, host_octet=host_octet, host=host)
    return Zone(f"{lan}.{n}.10.in-addr.arpa", f"/etc/bind/meszones/db.{lan}.{n}.10", text)


def secondary_zones(n):
    """The zones Sn lets NSn transfer (the report's allow-transfer { 10.n.112.1; })."""
    return [f"poste{n}.etudiant.iut", f"212.{n}.10.in-addr.arpa", f"112.{n}.10.in-addr.arpa"]


def stanza(zone, kind, file, **options):
    """A zone { } block; options are named.conf statements, e.g. allow_query="10.54.212.0/24"."""
    lines = [f'zone "{zone}" {{', f"    type {kind};", f'    file "{file}";']
    for option, value in options.items():
        lines.append(f"    {option.replace('_', '-')} {{ {value}; }};")
    lines.append("};")
    return "\n".join(lines) + "\n"
