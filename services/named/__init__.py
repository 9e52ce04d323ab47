"""BIND's named, on every host whose role runs "named" in the class file.

What a host serves comes from the class's zones (topologies/dns.py): the zones it is
primary for, and the zones it copies as a secondary.

    Named            a host with zones of its own (the instructor, each bench's server):
                     the lab's root zone itself, or hints pointing at the instructor;
                     the instructor answers recursively for the lab, a server forwards
                     what it does not serve to the instructor, and only to it
    SecondaryNamed   a host that only copies zones (each bench's secondary), pulled by AXFR
                     from the primary once that one answers
    InstalledNamed   named as a fresh Debian runs it, before the student's zones: Debian's
                     own configuration
    stanza(zone, kind, file, **options)   a zone { } block of named.conf.local
"""

from services.base import Service
from services.probes import soa_answer, zone_loaded

DEFAULT_ZONES = """// Debian's default zones, with the lab's root instead of the Internet's
zone "localhost" { type master; file "/etc/bind/db.local"; };
zone "127.in-addr.arpa" { type master; file "/etc/bind/db.127"; };
zone "0.in-addr.arpa" { type master; file "/etc/bind/db.0"; };
zone "255.in-addr.arpa" { type master; file "/etc/bind/db.255"; };
"""
HINTS = "/etc/bind/db.root.lab"


class Named(Service):
    """Contract
    packages   bind9, bind9-utils (named-checkconf, rndc), bind9-dnsutils (dig)
    files      /etc/bind/named.conf.options, .local, .default-zones, the host's zone files
    prepare    an rndc key of the host's own
    checks     named-checkconf -z (every zone loaded, as named will)
    start      /run/named for the bind user, then named -u bind; it returns once its
               zones are loaded; PID from its pid file
    ready      an authoritative SOA answer on 127.0.0.1 for one zone it serves
    stop       rndc stop with the host's key (then the recorded PID if still there)
    """
    name = "named"
    packages = ("bind9", "bind9-utils", "bind9-dnsutils")
    ready_timeout = 15.0

    def hosts(self, model):
        return [h for h in model.hosts_running(self.name) if model.zones_on(h.name)]

    def check(self, model):
        """Every zone's primary and secondaries are hosts of the class that run named."""
        for zone in model.zones:
            for host, key in [(zone.primary, "primary")] + [(h, "secondaries") for h in zone.secondaries]:
                if self.name not in model.host(host).services:
                    model.spec.fail(zone.table, key, f"{host} serves zone {zone.name} but its role "
                                                     f"'{model.host(host).role}' runs no {self.name} "
                                                     "([services])")

    def files(self, model, spec):
        zones = model.zones_on(spec.name)
        serves_root = any(z.name == "." for z in zones)
        files = {"/etc/bind/named.conf.options": self.options(model, spec, serves_root),
                 "/etc/bind/named.conf.local": self.local(model, spec),
                 "/etc/bind/named.conf.default-zones":
                     DEFAULT_ZONES + ("" if serves_root else stanza(".", "hint", HINTS))}
        if not serves_root:
            files[HINTS] = root_hints(model)
        files.update({z.file: z.text for z in zones})
        return files

    def options(self, model, spec, serves_root):
        kind = "root" if serves_root else "primary"
        return self.template(f"etc/bind/named.conf.options.{kind}", **names(model, spec),
                             forwarder=model.instructor.ip)

    def local(self, model, spec):
        blocks = []
        for zone in model.zones_on(spec.name):
            options = {}
            if zone.transfer_to:
                options = {"allow_transfer": "; ".join(zone.transfer_to),
                           "also_notify": "; ".join(zone.transfer_to)}
            if zone.allow_query:
                options["allow_query"] = "; ".join(zone.allow_query)
            blocks.append(stanza(zone.name, "master", zone.file, **options))
        return "".join(blocks)

    def prepare(self, spec):
        return "rndc-confgen -a -u bind >/dev/null 2>&1"

    def checks(self, spec):
        return [("/etc/bind/named.conf", "named-checkconf -z /etc/bind/named.conf")]

    def start(self, spec):
        # /run/named: the host's /run is its own, and empty after a reset (Debian's init
        # script makes it the same way)
        return "install -d -o bind -g bind /run/named && named -u bind -n 1 && cat /run/named/named.pid"

    def ready(self, host, spec):
        zones = [z for z in self.model.zones_on(spec.name) if not z.allow_query]
        return soa_answer(host, zones[0].name) if zones else zone_loaded(
            host, self.model.zones_on(spec.name)[0].name)

    def stop(self, spec):
        return "rndc stop"

    def installed(self):
        return InstalledNamed(self.model)


class InstalledNamed(Named):
    """Contract (what differs from Named's)
    files      none: Debian's /etc/bind, as the package installs it
    ready      its own zone "localhost" answers (Debian's default zones)
    """
    needs = ()

    def files(self, model, spec):
        return {}

    def ready(self, host, spec):
        return soa_answer(host, "localhost")

    def installed(self):
        return None


class SecondaryNamed(Named):
    """A secondary: its zones' primaries must answer before it asks them for a copy."""
    ready_timeout = 30.0
    needs = (Named,)

    def hosts(self, model):
        return [h for h in model.hosts_running(self.name)
                if not model.zones_on(h.name) and model.zones_copied_by(h.name)]

    def options(self, model, spec, serves_root):
        zones = model.zones_copied_by(spec.name)
        primary = model.host(zones[0].primary)
        return self.template("etc/bind/named.conf.options.secondary", **names(model, spec),
                             bench=spec.bench, address=spec.ip,
                             PRIMARY=primary.name.upper(), transfers=max(2, len(zones)))

    def local(self, model, spec):
        return "".join(
            stanza(z.name, "slave", f"/var/cache/bind/db.{z.name}", masters=z.masters,
                   **({"allow_query": "; ".join(z.allow_query)} if z.allow_query else {}))
            for z in model.zones_copied_by(spec.name))

    def ready(self, host, spec):
        """Every zone transferred: an SOA answer, or for a zone that refuses queries from the
        secondary's own address, its serial in `rndc zonestatus`."""
        zones = self.model.zones_copied_by(spec.name)
        return all(zone_loaded(host, z.name) if z.allow_query else soa_answer(host, z.name)
                   for z in zones)


SERVICES = [Named, SecondaryNamed]


def names(model, spec):
    return {"HOST": spec.name.upper(), "INSTRUCTOR": model.instructor.name.upper(),
            "lab_networks": " ".join(f"{p};" for p in model.lab_networks())}


def root_hints(model):
    return (f"; the lab's root server is {model.instructor.name.upper()}: recursion never leaves the lab\n"
            f".{' ' * 11}3600000  IN  NS  {model.dns_name}.\n"
            f"{model.dns_name}.    3600000  IN  A   {model.instructor.ip}\n")


def stanza(zone, kind, file, **options):
    """A zone { } block; options are named.conf statements, e.g. allow_query=zone.allow_query[0]"""
    lines = [f'zone "{zone}" {{', f"    type {kind};", f'    file "{file}";']
    for option, value in options.items():
        lines.append(f"    {option.replace('_', '-')} {{ {value}; }};")
    lines.append("};")
    return "\n".join(lines) + "\n"
