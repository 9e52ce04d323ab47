"""BIND's named in the lab's three DNS roles.

    Named          what every role shares: rndc key of the host's own, checks, start, probe, stop
    ClassDns       on STP: the lab root, iut. and every tp{n}1.iut (part 1 of the report)
    BenchDns       on each Sn: its part-2 zones, forwarding the rest to STP
    SecondaryDns   on each NSn (10.n.112.1): copies of Sn's zones, pulled by AXFR
"""

from services.base import Service, render_template
from services.zones import bench_zones, class_zones, secondary_zones, stanza

DEFAULT_ZONES = """// Debian's default zones, with the lab's root instead of the Internet's
zone "localhost" { type master; file "/etc/bind/db.local"; };
zone "127.in-addr.arpa" { type master; file "/etc/bind/db.127"; };
zone "0.in-addr.arpa" { type master; file "/etc/bind/db.0"; };
zone "255.in-addr.arpa" { type master; file "/etc/bind/db.255"; };
"""
LAB_ROOT_HINTS = """; the lab's root server is STP: recursion never leaves the lab
.           3600000  IN  NS  stp.iut.
stp.iut.    3600000  IN  A   10.254.0.254
"""


class Named(Service):
    """Contract
    packages   bind9, bind9-utils (named-checkconf, rndc), bind9-dnsutils (dig)
    files      /etc/bind/named.conf.options, .local, .default-zones, the role's zone files
    prepare    an rndc key of the host's own; /run/named for the bind user
    checks     named-checkconf -z (every zone loaded, as named will)
    start      named -u bind; it returns once its zones are loaded; PID from its pid file
    ready      an authoritative SOA answer, for every zone the role must serve, on 127.0.0.1
    stop       rndc stop with the host's key (then the recorded PID if still there)
    """
    name = "named"
    packages = ("bind9", "bind9-utils", "bind9-dnsutils")
    ready_timeout = 15.0
    role = None        # the hosts it runs on (HostSpec.role)
    templates = None   # its folder under services/templates

    def hosts(self, model):
        return model.hosts_with_role(self.role)

    def files(self, model, spec):
        files = {"/etc/bind/named.conf.options": self.options(spec),
                 "/etc/bind/named.conf.local": self.local_zones(model, spec),
                 "/etc/bind/named.conf.default-zones": DEFAULT_ZONES + self.root(spec)}
        files.update(self.zone_files(model, spec))
        return files

    def options(self, spec):
        return render_template(f"{self.templates}/etc/bind/named.conf.options", n=spec.bench)

    def root(self, spec):
        """The root zone stanza: STP's own root zone, or hints pointing at STP."""
        return stanza(".", "hint", "/etc/bind/db.root.lab")

    def zone_files(self, model, spec):
        return {"/etc/bind/db.root.lab": LAB_ROOT_HINTS}

    def prepare(self, spec):
        return ("rndc-confgen -a -u bind >/dev/null 2>&1 && "
                "install -d -o bind -g bind /run/named")

    def checks(self, spec):
        return [("/etc/bind/named.conf", "named-checkconf -z /etc/bind/named.conf")]

    def start(self, spec):
        return "named -u bind -n 1 && cat /run/named/named.pid"

    def ready(self, host, spec):
        return all(_answers_soa(host, zone) for zone in self.served(spec))

    def stop(self, spec):
        return "rndc stop"


class ClassDns(Named):
    role, templates = "instructor", "stp"

    def local_zones(self, model, spec):
        return "".join(stanza(z.name, "master", z.path) for z in class_zones(model))

    def root(self, spec):
        return ""

    def zone_files(self, model, spec):
        return {z.path: z.text for z in class_zones(model)}

    def served(self, spec):
        return ["iut"]


class BenchDns(Named):
    role, templates = "server", "server"

    def local_zones(self, model, spec):
        n = spec.bench
        restricted = {f"212.{n}.10.in-addr.arpa": {"allow_query": f"10.{n}.212.0/24"}}
        shared = set(secondary_zones(n))
        return "".join(
            stanza(z.name, "master", z.path, **(
                {"allow_transfer": f"10.{n}.112.1", "also_notify": f"10.{n}.112.1"}
                if z.name in shared else {}), **restricted.get(z.name, {}))
            for z in bench_zones(model, n))

    def zone_files(self, model, spec):
        files = super().zone_files(model, spec)
        files.update({z.path: z.text for z in bench_zones(model, spec.bench)})
        return files

    def served(self, spec):
        return [f"etudiant{spec.bench}1.iut"]


class SecondaryDns(Named):
    role, templates = "secondary", "secondary"
    ready_timeout = 30.0
    needs = (BenchDns,)

    def local_zones(self, model, spec):
        n = spec.bench
        master = f"10.{n}.112.254"
        return "".join(
            stanza(zone, "slave", f"/var/cache/bind/db.{zone}", masters=master,
                   **({"allow_query": f"10.{n}.212.0/24"} if zone.startswith("212.") else {}))
            for zone in secondary_zones(n))

    def ready(self, host, spec):
        """Every zone transferred: an SOA answer, or for the 212 zone (which refuses
        queries from the secondary's own address) its serial in `rndc zonestatus`."""
        zones = secondary_zones(spec.bench)
        restricted = [z for z in zones if z.startswith("212.")]
        return (all(_answers_soa(host, z) for z in zones if z not in restricted)
                and all(_loaded(host, z) for z in restricted))


def _loaded(host, zone):
    out, _ = host.popen(["rndc", "zonestatus", zone]).communicate()
    return b"\nserial: " in b"\n" + out


def _answers_soa(host, zone):
    process = host.popen(["dig", "@127.0.0.1", "+norec", "+time=1", "+tries=1", "SOA", zone])
    out, _ = process.communicate()
    text = out.decode(errors="replace")
    return "status: NOERROR" in text and " aa" in text.split("flags:", 1)[-1].split(";", 1)[0]
