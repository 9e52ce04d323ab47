"""The classroom as pure data, built from a class file (topologies/classes/*.toml).

Nothing here imports mininet or needs root: the address plan, the zones and the mail
paths are unit-tested on their own, and the same model feeds the network, the services,
the scenarios and the pictures. Nothing else in the lab writes an address or a domain.

    classroom(benches=None, part2=True, path=None)   -> ClassModel (benches: the class
                       file's default when None; part2=False drops the hosts marked part2)
    ClassSpec(path)    a class file understood; .model(benches, part2) builds a class
    ClassModel         hosts, LANs, zones, mail paths and accounts, and lookups on them
    HostSpec, Interface, Route, Lan, Account   the pieces
    parse_benches(text, bench_range)   "53,54" / "1-30" -> (53, 54) / (1, ..., 30)
    ClassFileError, BenchError         one line naming the file, the key and what is wrong
"""

import ipaddress
import re
from dataclasses import dataclass

from topologies.benches import BenchError, bench_list_text, check_benches, parse_benches  # noqa: F401
from topologies.classfile import DEFAULT_CLASS, ClassFile, ClassFileError  # noqa: F401
from topologies.dns import RecordError, Zone, parse_record, parse_soa
from topologies.placeholders import PlaceholderError, expand, reverse_name
from topologies.stages import check_stage_items, read_stages

HOST_NAME = re.compile(r"[a-z][a-z0-9]{0,9}")  # "<name>-eth<k>" must fit Linux's 15 characters
ACCOUNT = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
DOMAIN = re.compile(r"(?:[A-Za-z0-9_-]+\.)*[A-Za-z0-9_-]+")
BENCH_PLACEHOLDER = re.compile(r"\{(?!\s*instructor\b)[^{}]*\}")  # any but {instructor...}
WRITABLE = ("/etc/", "/var/")  # a host's copy-on-write views: files written anywhere else
                               # would land in the machine's own filesystem


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
    """One emulated machine. key: its key in [bench.hosts] ("s", "g"...), or the role for
    the instructor; services: the daemons its role runs ([services] of the class file)."""
    name: str
    role: str
    bench: int | None
    interfaces: tuple
    routes: tuple = ()
    forwarding: bool = False
    resolver: str = ""
    key: str = ""
    services: tuple = ()

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
class Account:
    name: str
    uid: int
    password: str


def classroom(benches=None, part2=True, path=None):
    return ClassSpec(path).model(benches, part2)


class ClassSpec:
    """A class file, read and checked: what every bench of any bench list looks like."""

    def __init__(self, path=None):
        self.file = ClassFile(path or DEFAULT_CLASS)
        cls = self.file.table("class")
        self.title = cls.get("title", self.file.name)
        self.bench_range = tuple(cls["bench_range"])
        if not 0 <= self.bench_range[0] <= self.bench_range[1]:
            self.fail("class", "bench_range", f"{list(self.bench_range)} is no range of bench "
                                              "numbers (first <= last, from 0)")
        self.default_benches = self._benches(cls["benches"], "benches")
        self.rule = cls["neighbour"]
        self.services = {role: tuple(names) for role, names in self.file.table("services").items()}
        self.backbone = self._network("backbone", "prefix")
        self.instructor = self.file.table("instructor")
        self.bench = self.file.table("bench")
        self.hosts = self.bench["hosts"]
        self._check_layout()
        self.stages = read_stages(self)

    def parse_benches(self, text):
        return parse_benches(text, self.bench_range)

    def model(self, benches=None, part2=True):
        if benches is None:
            benches = self.default_benches
        elif isinstance(benches, str):
            benches = self.parse_benches(benches)
        else:
            benches = check_benches(benches, self.bench_range)
        return ClassBuilder(self, benches, part2).build()

    def fail(self, table, key, what):
        self.file.fail(table, key, what)

    def _benches(self, text, key):
        try:
            return parse_benches(text, self.bench_range)
        except BenchError as error:
            self.fail("class", key, str(error))

    def _network(self, table, key):
        text = self.file.table(table)[key]
        try:
            return ipaddress.ip_network(text)
        except ValueError:
            self.fail(table, key, f"'{text}' is not a network (e.g. 10.254.0.0/16)")

    def _check_layout(self):
        for key in ("server", "seat"):
            if self.bench[key] not in self.hosts:
                self.fail("bench", key, f"'{self.bench[key]}' is not a host of [bench.hosts] "
                                        f"({', '.join(self.hosts)})")
            if self.hosts[self.bench[key]].get("part2"):
                self.fail("bench", key, f"'{self.bench[key]}' is a part-2 host: PART2=no would "
                                        "leave the bench without it")
        self._check_names()
        self._check_accounts()
        roles = [self.instructor["role"]] + [h["role"] for h in self.hosts.values()]
        for key, host in [("instructor", self.instructor)] + [
                (f"bench.hosts.{k}", h) for k, h in self.hosts.items()]:
            if self.services and host["role"] not in self.services:
                self.fail(key, "role", f"'{host['role']}' is not a role of [services] "
                                       f"({', '.join(self.services)})")
        unused = [role for role in self.services if role not in roles]
        if unused:
            self.fail("services", unused[0], "no host has this role")
        for key, host in self.hosts.items():
            table = f"bench.hosts.{key}"
            if key == self.bench["server"]:
                if "backbone" not in host:
                    self.fail(table, "", "the server needs 'backbone' (its address there)")
            else:
                for needed in ("lan", "address", "gateway"):
                    if needed not in host:
                        self.fail(table, "", f"'{needed}' is missing (a client's LAN, its "
                                             "address, and the server's address there)")
                if "backbone" in host:
                    self.fail(table, "backbone", "only the server ([bench] server) is on the backbone")


    def _check_names(self):
        lan = self.file.table("backbone")["lan"]
        if not HOST_NAME.fullmatch(lan):
            self.fail("backbone", "lan", f"'{lan}' cannot name a switch: lowercase letters and "
                                         "digits, starting with a letter, at most 10")
        if lan == self.instructor["name"]:
            self.fail("instructor", "name", f"'{lan}' is already the backbone's name")
        if self.backbone.version != 4:
            self.fail("backbone", "prefix", f"{self.backbone} is not IPv4: the lab is IPv4 only")

    def _check_accounts(self):
        accounts = self.file.table("accounts")
        for name in [accounts["student"]] + [word for pair in accounts["aliases"] for word in pair]:
            if not ACCOUNT.fullmatch(name):
                self.fail("accounts", "student" if name == accounts["student"] else "aliases",
                          f"'{name}' is not an account name (lowercase letters, digits, _ and -)")
        if not 1000 <= accounts["student_uid"] <= 59999:
            self.fail("accounts", "student_uid", f"{accounts['student_uid']} is not a user's uid "
                                                 "(1000 to 59999, as useradd gives)")
        if re.search(r"[\s'\"\\:]", accounts["student_password"]) or not accounts["student_password"]:
            self.fail("accounts", "student_password", "a password of letters, digits and "
                                                      "punctuation, without spaces, quotes or ':'")


class ClassBuilder:
    """Builds the ClassModel of one bench list from a ClassSpec, checking every value."""

    def __init__(self, spec, benches, part2):
        self.spec, self.benches, self.part2 = spec, benches, part2
        self.file = spec.file
        self.neighbours = neighbours(spec.rule, benches, spec)
        self.layout = {n: self._bench_layout(n) for n in benches}
        self.instructor = self._instructor_layout()

    def build(self):
        self._check_addresses()
        hosts, lans = [self._instructor_host()], [self._backbone_lan()]
        for n in self.benches:
            bench_hosts, bench_lans = self._bench(n)
            hosts += bench_hosts
            lans += bench_lans
        model = ClassModel(self.spec, self.benches, tuple(hosts), tuple(lans), self.part2,
                           self.neighbours, self.layout, self._zones(hosts))
        self._check_zones(model)
        self._check_mail(model)
        return model

    # --- names and addresses --------------------------------------------------------

    def _bench_layout(self, n):
        """{key: {"name", "address", "lan", "gateway"}} of bench n, every host (part 2 too)."""
        layout = {}
        for key, host in self.spec.hosts.items():
            table = f"bench.hosts.{key}"
            entry = {"name": self._name(table, host["name"], n), "part2": host.get("part2", False)}
            if "backbone" in host:
                entry["address"] = self._address(table, "backbone", host["backbone"], n,
                                                 self.spec.backbone)
            else:
                lan = self._lan(table, host["lan"], n)
                entry["lan"] = lan
                entry["address"] = self._address(table, "address", host["address"], n, lan)
                entry["gateway"] = self._address(table, "gateway", host["gateway"], n, lan)
                if entry["address"] == entry["gateway"]:
                    self.file.fail(table, "gateway", f"{entry['gateway']} (bench {n}) is the "
                                                     "host's own address")
            layout[key] = entry
        return layout

    def _instructor_layout(self):
        name = self._name("instructor", self.spec.instructor["name"], None)
        address = self._address("instructor", "address", self.spec.instructor["address"], None,
                                self.spec.backbone)
        return {"name": name, "address": address}

    def _bench_text(self, table, key, text, n):
        try:
            return expand(text, lambda words, form: _only_n(words, form, n))
        except PlaceholderError as error:
            self.file.fail(table, key, str(error))

    def _name(self, table, text, n):
        name = self._bench_text(table, "name", text, n)
        if not HOST_NAME.fullmatch(name):
            self.file.fail(table, "name", f"'{name}' cannot name a host: lowercase letters and "
                                          "digits, starting with a letter, at most 10")
        return name

    def _lan(self, table, text, n):
        expanded = self._bench_text(table, "lan", text, n)
        try:
            network = ipaddress.ip_network(expanded)
        except ValueError:
            self.file.fail(table, "lan", f"'{expanded}' (bench {n}) is not a network "
                                         "with its prefix, e.g. 10.54.1.0/24")
        if network.version != 4 or network.prefixlen > 30:
            self.file.fail(table, "lan", f"{network} (bench {n}) is not an IPv4 LAN with room "
                                         "for two hosts (the lab is IPv4 only; /30 at most)")
        return network

    def _address(self, table, key, text, n, network):
        expanded = self._bench_text(table, key, text, n)
        try:
            address = ipaddress.ip_address(expanded)
        except ValueError:
            self.file.fail(table, key, f"'{expanded}' is not an IPv4 address")
        where = f" (bench {n})" if n is not None else ""
        if address not in network:
            self.file.fail(table, key, f"{address}{where} is outside its network {network}")
        if address in (network.network_address, network.broadcast_address):
            self.file.fail(table, key, f"{address}{where} is the network's own address or its "
                                       f"broadcast in {network}")
        return str(address)

    def _check_addresses(self):
        """No two hosts share a name or an address, no two LANs overlap."""
        names, addresses = {}, {}
        nets = [(self.spec.backbone, "[backbone] prefix")]
        entries = [("instructor", None, self.instructor)] + [
            (f"bench.hosts.{key}", n, entry) for n in self.benches
            for key, entry in self.layout[n].items()]
        for table, n, entry in entries:
            for seen, value, key in ((names, entry["name"], "name"),
                                     (addresses, entry["address"],
                                      "address" if "lan" in entry or n is None else "backbone")):
                if value in seen:
                    kind = "name" if seen is names else "address"
                    self.file.fail(table, key, f"'{value}'{_bench(n)} is already the {kind} "
                                               f"of {seen[value]}")
                seen[value] = f"[{table}]{_bench(n)}"
            if "lan" in entry:
                nets.append((entry["lan"], f"[{table}] lan{_bench(n)}"))
        nets.sort(key=lambda item: (item[0].network_address, item[0].prefixlen))
        for (low, low_where), (high, high_where) in zip(nets, nets[1:]):
            if high.network_address <= low.broadcast_address:
                table = re.match(r"\[([^\]]+)\]", high_where).group(1)
                self.file.fail(table, "lan" if "lan" in high_where else "prefix",
                               f"{high} ({high_where}) overlaps {low} ({low_where})")

    # --- hosts and LANs ---------------------------------------------------------------

    def _present(self, n):
        return [(k, e) for k, e in self.layout[n].items() if self.part2 or not e["part2"]]

    def _server_key(self):
        return self.spec.bench["server"]

    def _instructor_host(self):
        routes = []
        for n in self.benches:
            via = self.layout[n][self._server_key()]["address"]
            for destination in self._bench_routes(n):
                routes.append(Route(destination, via))
        table = self.spec.instructor
        interface = Interface(f"{self.instructor['name']}-eth0",
                              f"{self.instructor['address']}/{self.spec.backbone.prefixlen}",
                              self.file.table("backbone")["lan"])
        return HostSpec(self.instructor["name"], table["role"], None, (interface,), tuple(routes),
                        table.get("forwarding", False), self._resolver(None), table["role"],
                        self.spec.services.get(table["role"], ()))

    def _bench_routes(self, n):
        templates = self.spec.bench.get("routes")
        if not templates:
            return [str(e["lan"]) for _, e in self._present(n) if "lan" in e]
        routes = []
        for text in templates:
            expanded = self._bench_text("bench", "routes", text, n)
            try:
                routes.append(str(ipaddress.ip_network(expanded)))
            except ValueError:
                self.file.fail("bench", "routes", f"'{expanded}' is not a network")
        return routes

    def _backbone_lan(self):
        members = (self.instructor["name"],) + tuple(
            self.layout[n][self._server_key()]["name"] for n in self.benches)
        return Lan(self.file.table("backbone")["lan"], str(self.spec.backbone), members, True)

    def _bench(self, n):
        server_key = self._server_key()
        server = self.layout[n][server_key]
        backbone = self.file.table("backbone")["lan"]
        interfaces = [Interface(f"{server['name']}-eth0",
                                f"{server['address']}/{self.spec.backbone.prefixlen}", backbone)]
        hosts, lans = [], []
        for key, entry in self._present(n):
            if key == server_key:
                continue
            lan_name = f"lan{n}{key}"
            prefix = entry["lan"].prefixlen
            interfaces.append(Interface(f"{server['name']}-eth{len(interfaces)}",
                                        f"{entry['gateway']}/{prefix}", lan_name))
            hosts.append(self._host(n, key, (Interface(f"{entry['name']}-eth0",
                                                       f"{entry['address']}/{prefix}", lan_name),),
                                    (Route("default", entry["gateway"]),)))
            lans.append(Lan(lan_name, str(entry["lan"]), (server["name"], entry["name"])))
        server_spec = self._host(n, server_key, tuple(interfaces),
                                 (Route("default", self.instructor["address"]),))
        return [server_spec] + hosts, lans

    def _host(self, n, key, interfaces, routes):
        table = self.spec.hosts[key]
        return HostSpec(self.layout[n][key]["name"], table["role"], n, interfaces, routes,
                        table.get("forwarding", False), self._resolver(n), key,
                        self.spec.services.get(table["role"], ()))

    def _resolver(self, n):
        resolver = self.expand("bench", "resolver", self.spec.bench["resolver"], n)
        try:
            ipaddress.IPv4Address(resolver)
        except ValueError:
            self.file.fail("bench", "resolver", f"'{resolver}' is not an IPv4 address "
                                                "(e.g. {instructor})")
        return resolver

    # --- placeholders -----------------------------------------------------------------

    def expand(self, table, key, text, n):
        try:
            return expand(text, lambda words, form: self.resolve(words, form, n))
        except PlaceholderError as error:
            self.file.fail(table, key, f"'{text}': {error}", near=text)

    def resolve(self, words, form, n):
        if form and (words[-1] == "name" or words in (["n"], ["m"])):
            raise PlaceholderError(f"{{{'.'.join(words)}:{form}}}: :{form} goes with an address")
        if words == ["n"] and n is not None:
            return n
        if words == ["m"] and n is not None:
            return self.neighbours[n]
        if words[0] == "neighbour" and n is not None and len(words) > 1:
            return self.resolve(words[1:], form, self.neighbours[n])
        if words[0] == "instructor" and len(words) <= 2:
            if words[1:] == ["name"]:
                return self.instructor["name"]
            if len(words) == 1:
                return _formed(self.instructor["address"], form, self._lan_of)
        if n is not None and words[0] in self.layout[n] and len(words) <= 2:
            return self._host_value(n, words, form)
        known = ", ".join(self.spec.hosts) if n is not None else "instructor"
        raise PlaceholderError(f"{{{'.'.join(words)}}} names no host (known: {known}, "
                               "instructor, n, m, neighbour.KEY)")

    def _host_value(self, n, words, form):
        entry = self.layout[n][words[0]]
        if words[1:] == ["name"]:
            return entry["name"]
        if len(words) == 1:
            return _formed(entry["address"], form, self._lan_of)
        other = self.layout[n].get(words[1])
        if other is None or "lan" not in other:
            raise PlaceholderError(f"{{{'.'.join(words)}}}: '{words[1]}' is no client LAN of "
                                   "the bench")
        if words[0] == words[1]:
            return _formed(entry["address"], form, self._lan_of)
        if words[0] != self._server_key():
            raise PlaceholderError(f"{{{'.'.join(words)}}}: only the server is on {words[1]}'s LAN")
        return _formed(other["gateway"], form, self._lan_of)

    def _lan_of(self, address):
        ip = ipaddress.ip_address(address)
        if ip in self.spec.backbone:
            return str(self.spec.backbone)
        for n in self.benches:
            for entry in self.layout[n].values():
                if "lan" in entry and ip in entry["lan"]:
                    return str(entry["lan"])
        raise PlaceholderError(f"{address} is on no LAN of the class")

    # --- zones --------------------------------------------------------------------------

    def _zones(self, hosts):
        present = {h.name for h in hosts}
        zones = []
        for index, table in enumerate(self.file.zones(), start=1):
            zones += ZoneBuilder(self, f"zone#{index}", table, present).build()
        seen, files = {}, {}
        for zone in zones:
            where = (zone.name.lower(), zone.primary)
            if where in seen:
                self.file.fail(zone_table(zone), "name", f"zone {zone.name} is declared twice "
                                                          f"on {zone.primary}")
            seen[where] = zone
            if not zone.file.startswith(WRITABLE) or "/../" in zone.file or zone.file.endswith("/"):
                self.file.fail(zone_table(zone), "file", f"'{zone.file}' must be a file under "
                                                          "/etc or /var (a host's own copy)")
            if (zone.primary, zone.file) in files:
                self.file.fail(zone_table(zone), "file", f"{zone.file} on {zone.primary} already "
                                                          f"holds zone {files[zone.primary, zone.file]}")
            files[zone.primary, zone.file] = zone.name
        return tuple(zones)

    def _check_zones(self, model):
        """Every NS and MX target has an address in the class's zones."""
        for zone in model.zones:
            for record in zone.records:
                if record.rtype not in ("NS", "MX"):
                    continue
                target = record.target(zone.origin)
                if not model.addresses_of(target):
                    self.file.fail(zone.table, "records",
                                   f"zone {zone.name}: {record.rtype} {target} has no address "
                                   "(no A record in the class's zones)")

    def _check_mail(self, model):
        for key in self.spec.file.table("mail")["trusted"]:
            if key != "backbone" and "lan" not in self.layout[self.benches[0]].get(key, {}):
                self.file.fail("mail", "trusted", f"'{key}' is neither 'backbone' nor a client "
                                                  f"of [bench.hosts] ({', '.join(self.spec.hosts)})")
        for n in self.benches:
            try:
                origin = model.mail_origin(n)
            except PlaceholderError as error:
                self.file.fail("mail", "origin", str(error))
            if origin not in model.mail_domains(n):
                self.file.fail("mail", "origin", f"{origin} (bench {n}) has no MX pointing at "
                                                 f"{model.server(n).name} in the class's zones")


class ZoneBuilder:
    """One [[zone]] table: one zone, or one per bench when its name has {n} or {m}."""

    def __init__(self, builder, table_name, table, present):
        self.b, self.where, self.table, self.present = builder, table_name, table, present

    def build(self):
        name = self.table["name"]
        per_bench = bool(BENCH_PLACEHOLDER.search(name))
        if per_bench:
            if self.table.get("each_bench"):
                self.b.file.fail(self.where, "each_bench", "only a class-wide zone (a name "
                                                           "without {n}) repeats lines per bench")
            return [self._zone(n) for n in self.b.benches
                    if "{m}" not in name or self.b.neighbours[n] != n]
        if self.table["primary"] != "instructor" or self.table.get("secondaries"):
            self.b.file.fail(self.where, "primary", "a zone whose name has no {n} is served "
                                                    "once, by the instructor")
        return [self._zone(None)]

    def _zone(self, n):
        text = lambda key, value: self.b.expand(self.where, key, value, n)  # noqa: E731
        primary_key = self.table["primary"]
        if primary_key == "instructor":
            primary = self.b.instructor["name"]
        elif n is not None and primary_key in self.b.layout[n]:
            primary = self.b.layout[n][primary_key]["name"]
        else:
            self.b.file.fail(self.where, "primary", f"'{primary_key}' is neither 'instructor' "
                                                    f"nor a host of [bench.hosts]")
        records = [self._record(text("records", line), "records", line)
                   for line in self.table["records"]]
        for m in self.b.benches:
            records += [self._record(self.b.expand(self.where, "each_bench", line, m),
                                     "each_bench", line)
                        for line in self.table.get("each_bench", ())]
        secondaries, transfer_to, masters = self._secondaries(n)
        try:
            soa = parse_soa(text("soa", self.table["soa"]))
        except RecordError as error:
            self.b.file.fail(self.where, "soa", str(error))
        zone = Zone(name=text("name", self.table["name"]).rstrip(".") or ".", bench=n,
                    primary=primary, file=text("file", self.table["file"]),
                    ttl=self.table["ttl"], soa=soa, records=tuple(records),
                    comment=text("comment", self.table.get("comment", "")),
                    secondaries=secondaries, transfer_to=transfer_to, masters=masters,
                    allow_query=tuple(text("allow_query", q) for q in self.table.get("allow_query", ())),
                    copy="{m}" in self.table["name"].replace(" ", ""), table=self.where)
        self._check_names(zone)
        return zone

    def _check_names(self, zone):
        """The zone's name is a domain name, and every record's owner lies inside the zone."""
        if zone.name != "." and not DOMAIN.fullmatch(zone.name):
            self.b.file.fail(self.where, "name", f"'{zone.name}' is not a domain name")
        origin = zone.origin.lower()
        for record, line in zip(zone.records, self._lines()):
            owner = zone.absolute(record.owner).lower()
            if origin != "." and owner != origin and not owner.endswith("." + origin):
                self.b.file.fail(self.where, "records", f"zone {zone.name}: the owner {owner} lies "
                                                        f"outside the zone", near=line)

    def _lines(self):
        """The written record lines, in the order of the zone's records."""
        return list(self.table["records"]) + [line for _ in self.b.benches
                                              for line in self.table.get("each_bench", ())]

    def _secondaries(self, n):
        keys = self.table.get("secondaries", [])
        server = self.b.spec.bench["server"]
        names, addresses = [], []
        for key in keys:
            entry = self.b.layout[n].get(key) if n is not None else None
            if entry is None or "lan" not in entry:
                self.b.file.fail(self.where, "secondaries", f"'{key}' is not a client host of "
                                                            "[bench.hosts]")
            if self.table["primary"] != server:
                self.b.file.fail(self.where, "secondaries", "a secondary copies a zone of the "
                                                            "bench's server only")
            if entry["name"] in self.present:
                names.append(entry["name"])
                addresses.append(entry["address"])
        masters = None
        if keys:
            masters = self.b.layout[n][keys[0]]["gateway"]
        return tuple(names), tuple(addresses), masters

    def _record(self, line, key, written):
        try:
            return parse_record(line)
        except RecordError as error:
            self.b.file.fail(self.where, key, str(error), near=written)


def zone_table(zone):
    return zone.table


class ClassModel:
    """The whole class: benches, hosts, LANs, zones; and what each bench should look like."""

    def __init__(self, spec, benches, hosts, lans, part2, neighbours, layout, zones):
        self.spec, self.benches, self.hosts, self.lans = spec, benches, hosts, lans
        self.part2, self._neighbours, self._layout, self.zones = part2, neighbours, layout, zones
        self._by_name = {h.name: h for h in hosts}
        self._index, self._mail = None, None
        self.source = spec.file.name
        self.title = spec.title
        self.stages = spec.stages

    # hosts
    def host(self, name):
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"unknown host '{name}' (this class has: {', '.join(self.names())})") from None

    def names(self):
        return [h.name for h in self.hosts]

    def hosts_with_role(self, role):
        return [h for h in self.hosts if h.role == role]

    def hosts_running(self, service):
        return [h for h in self.hosts if service in h.services]

    @property
    def instructor(self):
        return self.hosts[0]

    def bench_host(self, bench, key):
        """Host KEY of a bench ("s", "g"...): KeyError when it is not in this class (part 2 off)."""
        return self.host(self._layout[bench][key]["name"])

    def host_name(self, bench, key):
        return self._layout[bench][key]["name"]

    def bench_keys(self):
        return list(self.spec.hosts)

    def client_keys(self):
        """The keys of the bench's plain clients (hosts whose role runs no service), in order."""
        server = self.spec.bench["server"]
        return [k for k, h in self.spec.hosts.items()
                if k != server and not self.spec.services.get(h["role"])]

    def server(self, bench):
        return self.bench_host(bench, self.spec.bench["server"])

    def seat(self, bench):
        return self.bench_host(bench, self.spec.bench["seat"])

    def address(self, bench, key, on=None):
        """Host KEY's address (on=LAN KEY: the server's address on that client's LAN)."""
        if on is None or on == key:
            return self._layout[bench][key]["address"]
        return self._layout[bench][on]["gateway"]

    def lan_prefix(self, bench, key):
        return str(self._layout[bench][key]["lan"])

    def neighbour(self, bench):
        return self._neighbours[bench]

    # DNS
    def zones_on(self, host_name):
        return [z for z in self.zones if z.primary == host_name]

    def zones_copied_by(self, host_name):
        return [z for z in self.zones if host_name in z.secondaries]

    def zone(self, name, primary=None):
        wanted = name.lower().rstrip(".") or "."
        for zone in self.zones:
            if zone.name.lower() == wanted and primary in (None, zone.primary):
                if primary is not None or not zone.copy:
                    return zone
        raise KeyError(f"no zone {name} in this class")

    def lookup(self, name, rtype):
        """The data of `name`'s `rtype` records, as the lab's DNS answers it (copies aside)."""
        if self._index is None:
            self._index = _index(self.zones)
        return list(self._index.get((name.lower().rstrip(".") + ".", rtype), ()))

    def addresses_of(self, name):
        return self.lookup(name, "A")

    @property
    def dns_name(self):
        return self.spec.instructor["dns_name"]

    # mail
    def mail_origin(self, bench):
        return expand(self.spec.file.table("mail")["origin"],
                      lambda words, form: _only_n(words, form, bench))

    def mail_exchanger(self, domain):
        """(target, address) of a domain's best MX, e.g. ("smtp.tp531.iut", "10.254.53.1")."""
        exchangers = sorted((int(d.split()[0]), d.split()[1]) for d in self.lookup(domain, "MX"))
        if not exchangers:
            return None
        target = exchangers[0][1].rstrip(".")
        addresses = self.addresses_of(target)
        return target, (addresses[0] if addresses else None)

    def mail_domains(self, bench):
        """The domains whose MX points at the bench's server: its origin first (mydestination)."""
        if self._mail is None:
            self._mail = {}
            for zone in self.zones:
                exchanger = None if zone.copy else self.mail_exchanger(zone.name)
                if exchanger and exchanger[1]:
                    self._mail.setdefault(exchanger[1], []).append(zone.name)
        domains = []
        for interface in self.server(bench).interfaces:
            domains += [d for d in self._mail.get(interface.ip, ()) if d not in domains]
        origin = self.mail_origin(bench)
        return sorted(domains, key=lambda d: d != origin)

    def trusted_networks(self, bench):
        keys = self.spec.file.table("mail")["trusted"]
        return [str(self.spec.backbone) if key == "backbone" else self.lan_prefix(bench, key)
                for key in keys]

    @property
    def student(self):
        accounts = self.spec.file.table("accounts")
        return Account(accounts["student"], accounts["student_uid"], accounts["student_password"])

    @property
    def aliases(self):
        return tuple(tuple(pair) for pair in self.spec.file.table("accounts")["aliases"])

    def lab_networks(self):
        """Every prefix the lab uses, merged: what must never appear outside its namespaces."""
        prefixes = {lan.prefix for lan in self.lans} | {
            r.destination for r in self.instructor.routes}
        return [str(n) for n in ipaddress.collapse_addresses(
            ipaddress.ip_network(p) for p in prefixes)]

    def check_services(self, known):
        """Every service named in [services] and in the stages is one of `known` (the
        plug-ins found), and runs where a stage says it is configured."""
        for role, names in self.spec.services.items():
            for name in names:
                if name not in known:
                    self.spec.fail("services", role, f"unknown service '{name}' "
                                                     f"(services/ has: {', '.join(sorted(known))})")
        check_stage_items(self, known)


def _index(zones):
    """{(absolute name, type): [data]} over the zones the lab's DNS answers from."""
    index = {}
    for zone in zones:
        if zone.copy:
            continue
        index.setdefault((zone.origin.lower(), "SOA"), []).append(zone.soa.data())
        for record in zone.records:
            found = index.setdefault((zone.absolute(record.owner).lower(), record.rtype), [])
            if record.data not in found:
                found.append(record.data)
    return index


def neighbours(rule, benches, spec):
    """{bench: the bench it writes to}, by the class's rule."""
    count = len(benches)
    if rule == "next":
        return {b: benches[(i + 1) % count] for i, b in enumerate(benches)}
    if rule == "previous":
        return {b: benches[(i - 1) % count] for i, b in enumerate(benches)}
    if rule == "pairs":
        if count % 2 and count > 1:
            spec.fail("class", "neighbour", f"'pairs' needs an even number of benches, "
                                            f"not {count} ({bench_list_text(benches)})")
        pairs = {}
        for i in range(0, count - 1, 2):
            pairs[benches[i]], pairs[benches[i + 1]] = benches[i + 1], benches[i]
        return pairs or {benches[0]: benches[0]}
    if isinstance(rule, int):
        if rule not in benches:
            spec.fail("class", "neighbour", f"{rule} names no bench of the class "
                                            f"({bench_list_text(benches)})")
        after = {b: benches[(i + 1) % count] for i, b in enumerate(benches)}
        return {b: (rule if b != rule else after[b]) for b in benches}
    spec.fail("class", "neighbour", f"'{rule}' is no rule: next, previous, pairs or a bench number")


def _only_n(words, form, n):
    if words == ["n"] and form is None and n is not None:
        return n
    raise PlaceholderError(f"{{{'.'.join(words)}}}: only {{n}} (the bench) may appear here")


def _formed(address, form, lan_of):
    if form == "ptr":
        return reverse_name(address)
    if form == "net":
        return lan_of(address)
    return address


def _bench(n):
    return f" (bench {n})" if n is not None else ""
