"""The lab's DNS data, rendered from the class model; each zone passes the real named-checkzone."""

import shutil
import subprocess

import pytest

from services.named import BenchDns, ClassDns, SecondaryDns
from services.zones import bench_zones, class_zones, secondary_zones
from topologies.model import classroom

MODEL = classroom((53, 54))
ALL_ZONES = class_zones(MODEL) + bench_zones(MODEL, 53) + bench_zones(MODEL, 54)


def records(zone):
    return [" ".join(line.split()) for line in zone.text.splitlines()
            if line.strip() and not line.lstrip().startswith(";")]


def zone(name, zones=ALL_ZONES):
    return next(z for z in zones if z.name == name)


def test_stp_serves_the_lab_root_iut_and_each_tp_zone():
    assert [z.name for z in class_zones(MODEL)] == [".", "iut", "tp531.iut", "tp541.iut"]


def test_iut_zone_has_stp_with_ttl_15_and_delegates_the_benches():
    lines = records(zone("iut"))
    assert "stp 15 IN A 10.254.0.254" in lines
    assert "tp541 IN NS stp.iut." in lines
    assert "etudiant541 IN NS S54.etudiant541.iut." in lines
    assert "S54.etudiant541 IN A 10.254.54.1" in lines


def test_tp_zone_is_the_report_mail_domain():
    lines = records(zone("tp541.iut"))
    assert "$TTL 86400" in lines
    assert "@ IN NS stp.iut." in lines
    assert "@ IN MX 0 smtp.tp541.iut." in lines
    assert "s54 IN A 10.254.54.1" in lines and "s54 IN A 10.54.1.1" in lines
    assert "smtp IN A 10.254.54.1" in lines


def test_lab_root_delegates_the_reverse_zones_to_the_benches():
    lines = records(zone("."))
    assert "iut. IN NS stp.iut." in lines
    assert "212.54.10.in-addr.arpa. IN NS S54.etudiant541.iut." in lines


def test_bench_zones_are_the_report_part_2():
    names = [z.name for z in bench_zones(MODEL, 54)]
    assert names == ["poste54.etudiant.iut", "212.54.10.in-addr.arpa", "112.54.10.in-addr.arpa",
                     "etudiant541.iut", "etudiant531.iut"]
    own = records(zone("etudiant541.iut", bench_zones(MODEL, 54)))
    assert "@ IN NS S54.etudiant541.iut." in own
    assert "smtp IN A 10.254.54.1" in own and "@ IN MX 10 smtp.etudiant541.iut." in own
    assert {"S54 IN A 10.254.54.1", "G54 IN A 10.54.1.3", "D54 IN A 10.54.2.2"} <= set(own)
    neighbour = records(zone("etudiant531.iut", bench_zones(MODEL, 54)))
    assert "smtp IN A 10.254.53.1" in neighbour
    assert "@ IN MX 10 smtp.etudiant531.iut." in neighbour


def test_a_class_of_one_bench_has_no_neighbour_zone():
    names = [z.name for z in bench_zones(classroom((7,)), 7)]
    assert names.count("etudiant71.iut") == 1


def test_server_named_conf_enforces_the_report_acls():
    local = BenchDns().files(MODEL, MODEL.host("s54"))["/etc/bind/named.conf.local"]
    stanza_212 = local.split('zone "212.54.10.in-addr.arpa"')[1].split("};\n", 5)
    text_212 = "};\n".join(stanza_212[:5])
    assert "allow-query { 10.54.212.0/24; };" in text_212
    assert "allow-transfer { 10.54.112.1; };" in text_212
    own = local.split('zone "etudiant541.iut"')[1].split("\n};")[0]
    assert "allow-transfer" not in own


def test_server_forwards_only_to_stp_and_stp_answers_like_bind_9_16():
    server = BenchDns().files(MODEL, MODEL.host("s54"))["/etc/bind/named.conf.options"]
    assert "forward only;" in server and "forwarders { 10.254.0.254; };" in server
    stp = ClassDns().files(MODEL, MODEL.host("stp"))["/etc/bind/named.conf.options"]
    assert "minimal-responses no;" in stp and "dnssec-validation no;" in stp


def test_no_resolver_knows_the_internet_root():
    for service, host in ((ClassDns(), "stp"), (BenchDns(), "s54"), (SecondaryDns(), "ns54")):
        files = service.files(MODEL, MODEL.host(host))
        assert "root.hints" not in "".join(files.values())


def test_secondary_pulls_the_three_zones_from_its_server():
    local = SecondaryDns().files(MODEL, MODEL.host("ns54"))["/etc/bind/named.conf.local"]
    for name in secondary_zones(54):
        assert f'zone "{name}"' in local
    assert local.count("masters { 10.54.112.254; };") == 3
    assert local.count("type slave;") == 3


@pytest.mark.skipif(not shutil.which("named-checkzone"), reason="needs bind9-utils (make deps)")
@pytest.mark.parametrize("rendered", ALL_ZONES, ids=lambda z: z.name)
def test_every_zone_passes_named_checkzone(rendered, tmp_path):
    path = tmp_path / "zone"
    path.write_text(rendered.text)
    result = subprocess.run(["named-checkzone", rendered.name, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("OK")
