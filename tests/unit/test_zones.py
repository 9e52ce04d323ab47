"""The lab's DNS data (topologies/dns.py zones, rendered by services/named) for both class
files: the report's facts for its class, the same shape for the other; every zone passes
the real named-checkzone and every named configuration the real named-checkconf -z."""

import shutil
import subprocess

import pytest

from services import services_for
from services.named import Named, SecondaryNamed
from topologies.classfile import CLASSES
from topologies.model import classroom

IUT = classroom(path=CLASSES / "iut.toml")
CAMPUS = classroom(path=CLASSES / "campus.toml")
MODELS = (IUT, CAMPUS)
NAMED_CONF = ('include "/etc/bind/named.conf.options";\n'
              'include "/etc/bind/named.conf.local";\n'
              'include "/etc/bind/named.conf.default-zones";\n')  # Debian's /etc/bind/named.conf


def model_id(model):
    return model.source.rsplit("/", 1)[-1].removesuffix(".toml")


def records(zone):
    return [" ".join(line.split()) for line in zone.text.splitlines()
            if line.strip() and not line.lstrip().startswith(";")]


def service(model, kind):
    return next(s for s in services_for(model) if type(s) is kind)


def rendered(model, host):
    """Every file named writes on `host` (a primary or a secondary)."""
    named = service(model, Named)
    kind = named if host in named.hosts(model) else service(model, SecondaryNamed)
    return kind.files(model, host)


def named_hosts(model):
    return service(model, Named).hosts(model) + service(model, SecondaryNamed).hosts(model)


# --- the report's class: its transcripts' facts -----------------------------------------------

def test_stp_serves_the_lab_root_iut_and_each_tp_zone():
    assert [z.name for z in IUT.zones_on("stp")] == [".", "iut", "tp531.iut", "tp541.iut"]


def test_iut_zone_has_stp_with_ttl_15_and_delegates_the_benches():
    lines = records(IUT.zone("iut"))
    assert "stp 15 IN A 10.254.0.254" in lines
    assert "tp541 IN NS stp.iut." in lines
    assert "etudiant541 IN NS S54.etudiant541.iut." in lines
    assert "S54.etudiant541 IN A 10.254.54.1" in lines


def test_tp_zone_is_the_report_mail_domain():
    lines = records(IUT.zone("tp541.iut"))
    assert "$TTL 86400" in lines
    assert "@ IN NS stp.iut." in lines
    assert "@ IN MX 0 smtp.tp541.iut." in lines
    assert "s54 IN A 10.254.54.1" in lines and "s54 IN A 10.54.1.1" in lines
    assert "smtp IN A 10.254.54.1" in lines


def test_lab_root_delegates_the_reverse_zones_to_the_benches():
    lines = records(IUT.zone("."))
    assert "iut. IN NS stp.iut." in lines
    assert "212.54.10.in-addr.arpa. IN NS S54.etudiant541.iut." in lines


def test_bench_zones_are_the_report_part_2():
    own = records(IUT.zone("etudiant541.iut"))
    assert "@ IN NS S54.etudiant541.iut." in own
    assert "smtp IN A 10.254.54.1" in own and "@ IN MX 10 smtp.etudiant541.iut." in own
    assert {"S54 IN A 10.254.54.1", "G54 IN A 10.54.1.3", "D54 IN A 10.54.2.2"} <= set(own)
    neighbour = records(IUT.zone("etudiant531.iut", primary="s54"))
    assert "smtp IN A 10.254.53.1" in neighbour
    assert "@ IN MX 10 smtp.etudiant531.iut." in neighbour


def test_server_named_conf_enforces_the_report_acls():
    local = rendered(IUT, IUT.host("s54"))["/etc/bind/named.conf.local"]
    text_212 = local.split('zone "212.54.10.in-addr.arpa"')[1].split("\n};")[0]
    assert "allow-query { 10.54.212.0/24; };" in text_212
    assert "allow-transfer { 10.54.112.1; };" in text_212
    own = local.split('zone "etudiant541.iut"')[1].split("\n};")[0]
    assert "allow-transfer" not in own


def test_server_forwards_only_to_stp_and_stp_answers_like_bind_9_16():
    server = rendered(IUT, IUT.host("s54"))["/etc/bind/named.conf.options"]
    assert "forward only;" in server and "forwarders { 10.254.0.254; };" in server
    stp = rendered(IUT, IUT.host("stp"))["/etc/bind/named.conf.options"]
    assert "minimal-responses no;" in stp and "dnssec-validation no;" in stp


# --- both classes: the same shape, from the model ---------------------------------------------

@pytest.fixture(params=MODELS, ids=model_id)
def model(request):
    return request.param


def test_each_bench_server_serves_its_zones_and_its_neighbours_copy(model):
    for bench in model.benches:
        server = model.server(bench).name
        zones = model.zones_on(server)
        assert model.mail_domains(bench)[-1] in [z.name for z in zones]
        copies = [z for z in zones if z.copy]
        assert len(copies) == 1
        neighbour_zone = model.zone(copies[0].name)
        assert neighbour_zone.bench == model.neighbour(bench) and not neighbour_zone.copy


def test_a_class_of_one_bench_has_no_neighbour_zone(model):
    bench = model.benches[0]
    alone = classroom((bench,), path=model.spec.file.path)
    names = [z.name for z in alone.zones_on(alone.server(bench).name)]
    assert len(names) == len(set(names))


def test_no_resolver_knows_the_internet_root(model):
    for host in named_hosts(model):
        files = rendered(model, host)
        assert "root.hints" not in "".join(files.values()), host.name
        assert "db.root" in files["/etc/bind/named.conf.default-zones"] + \
            files["/etc/bind/named.conf.local"], host.name


def test_only_the_instructor_serves_the_root(model):
    hints = model.host(model.server(model.benches[0]).name)
    assert f"{model.dns_name}. 3600000 IN A {model.instructor.ip}" in [
        " ".join(line.split()) for line in rendered(model, hints)["/etc/bind/db.root.lab"].splitlines()]
    assert "/etc/bind/db.root.lab" not in rendered(model, model.instructor)


def test_every_lab_network_may_recurse_and_nothing_else(model):
    options = rendered(model, model.instructor)["/etc/bind/named.conf.options"]
    acl = options.split("acl lab {")[1].split("};")[0].split(";")
    assert [a.strip() for a in acl if a.strip()] == model.lab_networks() + ["localhost"]


def test_a_zone_with_allow_query_keeps_it_on_its_secondary(model):
    zone = next(z for z in model.zones if z.allow_query)
    secondary = model.host(zone.secondaries[0])
    local = rendered(model, secondary)["/etc/bind/named.conf.local"]
    stanza = local.split(f'zone "{zone.name}"')[1].split("\n};")[0]
    assert f"allow-query {{ {zone.allow_query[0]}; }};" in stanza
    assert f"masters {{ {zone.masters}; }};" in stanza


def test_secondary_pulls_every_zone_it_copies_from_its_server(model):
    bench = model.benches[-1]
    secondary = next(h for h in service(model, SecondaryNamed).hosts(model) if h.bench == bench)
    copied = model.zones_copied_by(secondary.name)
    local = rendered(model, secondary)["/etc/bind/named.conf.local"]
    assert copied and all(f'zone "{z.name}"' in local for z in copied)
    gateway = model.server(bench).interface_on(secondary.interfaces[0].lan).ip
    assert local.count(f"masters {{ {gateway}; }};") == len(copied)
    assert local.count("type slave;") == len(copied)


# --- the real checkers ----------------------------------------------------------------------

ALL_ZONES = [(m, z) for m in MODELS for z in m.zones]


@pytest.mark.skipif(not shutil.which("named-checkzone"), reason="needs bind9-utils (make deps)")
@pytest.mark.parametrize("model, zone", ALL_ZONES,
                         ids=[f"{model_id(m)}:{z.name}@{z.primary}" for m, z in ALL_ZONES])
def test_every_zone_passes_named_checkzone(model, zone, tmp_path):
    path = tmp_path / "zone"
    path.write_text(zone.text)
    result = subprocess.run(["named-checkzone", zone.name, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("OK")


NAMED_HOSTS = [(m, h) for m in MODELS for h in named_hosts(m)]


@pytest.mark.skipif(not shutil.which("named-checkconf"), reason="needs bind9-utils (make deps)")
@pytest.mark.parametrize("model, host", NAMED_HOSTS,
                         ids=[f"{model_id(m)}:{h.name}" for m, h in NAMED_HOSTS])
def test_every_named_configuration_passes_named_checkconf(model, host, tmp_path):
    """The host's files under tmp_path (paths in them moved there too), Debian's named.conf
    including them, then named-checkconf -z: the configuration parses and every zone loads."""
    files = {"/etc/bind/named.conf": NAMED_CONF, **rendered(model, host)}
    for path, text in files.items():
        for other in files:
            text = text.replace(f'"{other}"', f'"{tmp_path}{other}"')
        target = tmp_path / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    result = subprocess.run(["named-checkconf", "-z", str(tmp_path / "etc/bind/named.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for zone in model.zones_on(host.name):
        assert f"zone {zone.name}/IN: loaded serial {zone.soa.serial}" in result.stdout
