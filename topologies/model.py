"""The classroom as pure data: benches, hosts, interfaces, routes.

Nothing here imports mininet or needs root, so the address plan is unit-tested
on its own and the same model feeds the network, the services and the pictures.

    parse_benches(text)  "53,54" / "1-30" -> (53, 54) / (1, ..., 30), or BenchError
    classroom(benches)   -> ClassModel (STP + one Sn, Gn, Dn per bench, and the
                            report's part-2 extras NSn and Pn unless part2=False)
    ClassModel           hosts, lans, lookups by name
    HostSpec, Interface, Route, Lan   the pieces

Address plan for bench n (see topologies/classroom.py for the picture):

    backbone 10.254.0.0/16    STP 10.254.0.254       Sn 10.254.n.1
    LAN Sn/Gn 10.n.1.0/24     Sn 10.n.1.1            Gn 10.n.1.3
    LAN Sn/Dn 10.n.2.0/24     Sn 10.n.2.1            Dn 10.n.2.2
    part 2 (DNS): LAN Sn/NSn 10.n.112.0/24: Sn 10.n.112.254, NSn 10.n.112.1 (secondary DNS)
                  LAN Sn/Pn 10.n.212.0/24:  Sn 10.n.212.1,   Pn 10.n.212.2 (a "poste" client)
    STP routes 10.n.0.0/16 via 10.254.n.1; Sn's default route is STP;
    Gn and Dn route through Sn. Every host's resolver is STP (the report's resolv.conf).
"""

from dataclasses import dataclass
import ipaddress

DEFAULT_BENCHES = (53, 54)
FIRST_BENCH, LAST_BENCH = 1, 253
BACKBONE = "10.254.0.0/16"
STP_ADDRESS = "10.254.0.254"


class BenchError(ValueError):
    """A bench list that cannot describe a class (the message names the bad value)."""


@dataclass(frozen=True)
class Interface:
    """One interface of a host: its Mininet name, its address with prefix, its LAN."""
    name: str
    address: str
    lan: str

    @property
    def ip(self):
        return self.address.split("/")[0]


@dataclass(frozen=True)
class Route:
    """A static route: destination prefix (or 'default') through a gateway."""
    destination: str
    via: str


@dataclass(frozen=True)
class HostSpec:
    """One emulated machine: name, role, bench, interfaces, routes, forwarding."""
    name: str
    role: str
    bench: int | None
    interfaces: tuple
    routes: tuple = ()
    forwarding: bool = False
    resolver: str = STP_ADDRESS

    @property
    def ip(self):
        """The address students know the host by (its first interface)."""
        return self.interfaces[0].ip

    def interface_on(self, lan):
        return next(i for i in self.interfaces if i.lan == lan)


@dataclass(frozen=True)
class Lan:
    """A broadcast domain: the backbone bridge, or a point-to-point bench LAN."""
    name: str
    prefix: str
    members: tuple
    bridged: bool = False


@dataclass(frozen=True)
class ClassModel:
    """The whole class: the benches, every host and every LAN."""
    benches: tuple
    hosts: tuple
    lans: tuple
    part2: bool = True

    def host(self, name):
        for spec in self.hosts:
            if spec.name == name:
                return spec
        known = ", ".join(h.name for h in self.hosts)
        raise KeyError(f"unknown host '{name}' (this class has: {known})")

    def names(self):
        return [h.name for h in self.hosts]

    def hosts_with_role(self, role):
        return [h for h in self.hosts if h.role == role]

    def neighbour(self, bench):
        """The bench a bench exchanges mail with: the next one, cyclically."""
        index = self.benches.index(bench)
        return self.benches[(index + 1) % len(self.benches)]


def parse_benches(text):
    """'53,54' or '1-30' or '1-3,7' -> sorted tuple of bench numbers; BenchError names the bad part."""
    if text is None or not str(text).strip():
        raise BenchError("empty bench list: give bench numbers like 53,54 or 1-30")
    benches = []
    for part in str(text).split(","):
        benches.extend(_parse_bench_part(part.strip(), text))
    return check_benches(benches, f"'{text}'")


def check_benches(benches, source="the bench list"):
    """Sorted tuple of valid, distinct bench numbers, or BenchError naming the bad one."""
    benches = list(benches)
    if not benches:
        raise BenchError("empty bench list: a class needs at least one bench (e.g. 53,54)")
    for bench in benches:
        if isinstance(bench, bool) or not isinstance(bench, int):
            raise BenchError(f"bench '{bench}' in {source} is not a number (use e.g. 53,54 or 1-30)")
        _check_range(bench)
    duplicates = sorted({b for b in benches if benches.count(b) > 1})
    if duplicates:
        raise BenchError(f"bench {duplicates[0]} appears twice in {source}")
    return tuple(sorted(benches))


def _parse_bench_part(part, text):
    if "-" in part:
        low, _, high = part.partition("-")
        first, last = _parse_bench_number(low, text), _parse_bench_number(high, text)
        if first > last:
            raise BenchError(f"bench range '{part}' in '{text}' goes backwards")
        return list(range(first, last + 1))
    return [_parse_bench_number(part, text)]


def _parse_bench_number(word, text):
    word = word.strip()
    if not word.isdigit():
        raise BenchError(f"bench '{word}' in '{text}' is not a number (use e.g. 53,54 or 1-30)")
    return _check_range(int(word))


def _check_range(number):
    if not FIRST_BENCH <= number <= LAST_BENCH:
        raise BenchError(f"bench {number} is out of range {FIRST_BENCH}-{LAST_BENCH} "
                         f"(10.254.{number}.1 would not be a bench address)")
    return number


def classroom(benches=DEFAULT_BENCHES, part2=True):
    """Build the class model: STP on the backbone and, per bench, Sn, Gn and Dn
    (plus NSn and Pn, the secondary DNS and the 212 client of the report's part 2)."""
    benches = check_benches(benches)
    hosts, lans = [_stp(benches)], []
    for n in benches:
        bench_hosts, bench_lans = _bench(n, part2)
        hosts.extend(bench_hosts)
        lans.extend(bench_lans)
    backbone_members = ("stp",) + tuple(f"s{n}" for n in benches)
    lans.insert(0, Lan("bb", BACKBONE, backbone_members, bridged=True))
    return ClassModel(benches, tuple(hosts), tuple(lans), part2)


def _stp(benches):
    routes = tuple(Route(f"10.{n}.0.0/16", f"10.254.{n}.1") for n in benches)
    return HostSpec("stp", "instructor", None,
                    (Interface("stp-eth0", f"{STP_ADDRESS}/16", "bb"),),
                    routes, forwarding=True)


def _bench(n, part2):
    server = f"s{n}"
    leaves = [(f"g{n}", "client", f"10.{n}.1", 1, 3),
              (f"d{n}", "client", f"10.{n}.2", 1, 2)]
    if part2:
        leaves += [(f"ns{n}", "secondary", f"10.{n}.112", 254, 1),
                   (f"p{n}", "client", f"10.{n}.212", 1, 2)]
    server_interfaces = [Interface(f"{server}-eth0", f"10.254.{n}.1/16", "bb")]
    hosts, lans = [], []
    for port, (name, role, net, server_octet, leaf_octet) in enumerate(leaves, start=1):
        lan = f"lan{n}{name[0]}"
        server_interfaces.append(Interface(f"{server}-eth{port}", f"{net}.{server_octet}/24", lan))
        interface = Interface(f"{name}-eth0", f"{net}.{leaf_octet}/24", lan)
        route = Route("default", f"{net}.{server_octet}")
        hosts.append(HostSpec(name, role, n, (interface,), (route,)))
        lans.append(Lan(lan, f"{net}.0/24", (server, name)))
    sn = HostSpec(server, "server", n, tuple(server_interfaces),
                  (Route("default", STP_ADDRESS),), forwarding=True)
    return [sn] + hosts, lans


def bench_list_text(benches):
    """(1, 2, 3, 7) -> "1-3, 7": how a bench list reads back."""
    parts, start = [], None
    for index, bench in enumerate(benches):
        if start is None:
            start = bench
        if index + 1 == len(benches) or benches[index + 1] != bench + 1:
            parts.append(str(start) if start == bench else f"{start}-{bench}")
            start = None
    return ", ".join(parts)


def lab_networks(model):
    """Every prefix the lab uses: what must never appear outside its namespaces."""
    prefixes = {BACKBONE} | {f"10.{n}.0.0/16" for n in model.benches}
    return sorted(prefixes, key=lambda p: ipaddress.ip_network(p))
