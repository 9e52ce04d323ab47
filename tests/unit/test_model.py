"""The class model, built from both shipped class files: the report's (iut.toml) and another
school's (campus.toml). Tests of the model are where the class files' values are written out."""

import pytest

from topologies.classfile import CLASSES
from topologies.model import BenchError, bench_list_text, classroom, parse_benches

IUT, CAMPUS = CLASSES / "iut.toml", CLASSES / "campus.toml"


def iut(benches=None, part2=True):
    return classroom(benches, part2, IUT)


def campus(benches=None, part2=True):
    return classroom(benches, part2, CAMPUS)


# --- bench lists ------------------------------------------------------------------------

@pytest.mark.parametrize("text, benches", [
    ("53,54", (53, 54)),
    ("54,53", (53, 54)),
    (" 7 ", (7,)),
    ("1-3", (1, 2, 3)),
    ("1-3,10", (1, 2, 3, 10)),
    ("1-30", tuple(range(1, 31))),
    ("253", (253,)),
])
def test_bench_lists_that_describe_a_class(text, benches):
    assert parse_benches(text) == benches


@pytest.mark.parametrize("text, named", [
    ("0", "bench 0 is out of range"),
    ("254", "bench 254 is out of range"),
    ("300", "bench 300"),
    ("abc", "bench 'abc'"),
    ("53,x", "bench 'x'"),
    ("53,53", "bench 53 appears twice"),
    ("1-5,3", "bench 3 appears twice"),
    ("", "empty bench list"),
    ("  ", "empty bench list"),
    ("5-2", "goes backwards"),
    ("-3", "bench ''"),
    ("53,,54", "bench ''"),
])
def test_bad_bench_lists_are_named_in_one_line(text, named):
    with pytest.raises(BenchError) as error:
        parse_benches(text)
    assert named in str(error.value)
    assert "\n" not in str(error.value)


def test_each_class_file_bounds_its_benches():
    assert campus("1-99").benches[-1] == 99
    with pytest.raises(BenchError, match="bench 100 is out of range 1-99"):
        campus("98-100")
    with pytest.raises(BenchError, match="appears twice"):
        iut((54, 54))
    with pytest.raises(BenchError, match="out of range"):
        iut((0,))


def test_bench_lists_read_back_as_ranges():
    assert bench_list_text((53, 54)) == "53-54"
    assert bench_list_text((53,)) == "53"
    assert bench_list_text(tuple(range(1, 31))) == "1-30"
    assert bench_list_text((1, 2, 3, 7, 9, 10)) == "1-3, 7, 9-10"


# --- the report's class (iut.toml) ------------------------------------------------------------

def test_report_class_defaults_to_benches_53_and_54_and_names_its_source():
    model = iut()
    assert model.benches == (53, 54)
    assert model.source.endswith("topologies/classes/iut.toml")
    assert model.title.startswith("TP réseaux IUT")


def test_report_class_has_stp_and_three_machines_per_bench():
    assert iut(part2=False).names() == ["stp", "s53", "g53", "d53", "s54", "g54", "d54"]


def test_part2_adds_a_secondary_dns_and_a_212_client_per_bench():
    model = iut()
    assert model.names() == ["stp", "s53", "g53", "d53", "ns53", "p53",
                             "s54", "g54", "d54", "ns54", "p54"]
    assert model.host("ns54").interfaces[0].address == "10.54.112.1/24"
    assert model.host("p54").interfaces[0].address == "10.54.212.2/24"
    assert [i.address for i in model.host("s54").interfaces][3:] == ["10.54.112.254/24",
                                                                     "10.54.212.1/24"]
    assert model.host("ns54").routes[0].via == "10.54.112.254"


def test_report_address_plan_of_a_bench():
    model = iut()
    addresses = {h.name: [i.address for i in h.interfaces] for h in model.hosts}
    assert addresses["stp"] == ["10.254.0.254/16"]
    assert addresses["s54"][:3] == ["10.254.54.1/16", "10.54.1.1/24", "10.54.2.1/24"]
    assert addresses["g54"] == ["10.54.1.3/24"]
    assert addresses["d54"] == ["10.54.2.2/24"]
    assert model.address(54, "s") == "10.254.54.1" and model.address(54, "s", on="g") == "10.54.1.1"
    assert model.lan_prefix(54, "p") == "10.54.212.0/24"


def test_report_routes_make_every_bench_reach_every_other():
    model = iut()
    routes = {h.name: [(r.destination, r.via) for r in h.routes] for h in model.hosts}
    assert routes["stp"] == [("10.53.0.0/16", "10.254.53.1"), ("10.54.0.0/16", "10.254.54.1")]
    assert routes["s54"] == [("default", "10.254.0.254")]
    assert routes["g54"] == [("default", "10.54.1.1")]
    assert routes["d54"] == [("default", "10.54.2.1")]


def test_report_roles_keys_and_services():
    model = iut()
    assert [h.name for h in model.hosts if h.forwarding] == ["stp", "s53", "s54"]
    assert model.instructor.name == "stp" and model.instructor.services == ("named",)
    assert model.host("s54").key == "s" and model.host("s54").services[:2] == ("named", "postfix")
    assert [h.name for h in model.hosts_running("postfix")] == ["s53", "s54"]
    assert [h.name for h in model.hosts_with_role("secondary")] == ["ns53", "ns54"]
    assert model.bench_keys() == ["s", "g", "d", "ns", "p"]
    assert model.client_keys() == ["g", "d", "p"]
    assert (model.server(54).name, model.seat(54).name) == ("s54", "d54")
    assert model.bench_host(53, "g").name == model.host_name(53, "g") == "g53"


def test_report_lans_join_the_right_interfaces():
    lans = {lan.name: lan for lan in iut().lans}
    assert lans["bb"].members == ("stp", "s53", "s54") and lans["bb"].bridged
    assert lans["lan54g"].members == ("s54", "g54") and not lans["lan54g"].bridged
    model = iut()
    assert model.host("d54").interface_on("lan54d").name == "d54-eth0"
    assert model.host("s54").interface_on("lan54d").name == "s54-eth2"


def test_report_neighbour_is_the_next_bench_cyclically():
    model = iut((53, 54, 55))
    assert [model.neighbour(b) for b in model.benches] == [54, 55, 53]


def test_report_dns_answers_as_the_report_shows():
    model = iut()
    assert model.dns_name == "stp.iut"
    assert model.lookup("stp.iut", "A") == ["10.254.0.254"]
    assert model.lookup("tp531.iut.", "MX") == ["0 smtp.tp531.iut."]
    assert model.lookup("s54.tp541.iut", "A") == ["10.254.54.1", "10.54.1.1"]
    assert model.lookup("iut", "NS") == ["stp.iut."]
    assert model.addresses_of("smtp.etudiant531.iut") == ["10.254.53.1"]
    assert model.lookup("nowhere.iut", "A") == []


def test_report_zones_who_serves_and_who_copies():
    model = iut()
    assert [z.name for z in model.zones_on("stp")] == [".", "iut", "tp531.iut", "tp541.iut"]
    assert [z.name for z in model.zones_on("s54")] == [
        "poste54.etudiant.iut", "212.54.10.in-addr.arpa", "112.54.10.in-addr.arpa",
        "etudiant541.iut", "etudiant531.iut"]
    assert [z.name for z in model.zones_copied_by("ns54")] == [
        "poste54.etudiant.iut", "212.54.10.in-addr.arpa", "112.54.10.in-addr.arpa"]
    copy = model.zone("etudiant531.iut", primary="s54")
    assert copy.copy and model.zone("etudiant531.iut").primary == "s53"
    assert model.zone("212.54.10.in-addr.arpa").allow_query == ("10.54.212.0/24",)
    assert model.zone("212.54.10.in-addr.arpa").masters == "10.54.112.254"


def test_report_mail_paths():
    model = iut()
    assert model.mail_origin(54) == "tp541.iut"
    assert model.mail_domains(54) == ["tp541.iut", "etudiant541.iut"]
    assert model.mail_exchanger("tp531.iut") == ("smtp.tp531.iut", "10.254.53.1")
    assert model.mail_exchanger("etudiant531.iut") == ("smtp.etudiant531.iut", "10.254.53.1")
    assert model.trusted_networks(54) == ["10.254.0.0/16", "10.54.1.0/24", "10.54.2.0/24"]
    assert (model.student.name, model.student.uid) == ("etudiant", 1001)
    assert model.aliases == (("postmaster", "root"), ("root", "etudiant"))


def test_report_lab_networks_cover_backbone_and_benches():
    assert iut().lab_networks() == ["10.53.0.0/16", "10.54.0.0/16", "10.254.0.0/16"]


def test_thirty_benches_make_ninety_one_hosts():
    assert len(iut("1-30", part2=False).hosts) == 91


def test_every_host_asks_the_instructor_for_names():
    assert {h.resolver for h in iut().hosts} == {"10.254.0.254"}
    assert {h.resolver for h in campus().hosts} == {"192.168.100.250"}


# --- another school's class (campus.toml) -------------------------------------------------------

def test_campus_class_has_a_router_three_workstations_and_part2_per_bench():
    model = campus()
    assert model.benches == (11, 12, 13)
    assert model.names()[:7] == ["prof", "r11", "pc11a", "pc11b", "pc11c", "dns11", "wifi11"]
    assert campus(part2=False).names()[:5] == ["prof", "r11", "pc11a", "pc11b", "pc11c"]
    assert len(campus("1-30", part2=False).hosts) == 1 + 4 * 30


def test_campus_address_plan_and_routes():
    model = campus()
    assert model.instructor.interfaces[0].address == "192.168.100.250/24"
    assert [i.address for i in model.host("r12").interfaces] == [
        "192.168.100.12/24", "172.16.12.1/24", "172.17.12.1/24", "172.18.12.1/24",
        "172.19.12.1/24", "172.20.12.1/24"]
    assert model.host("pc12b").interfaces[0].address == "172.17.12.10/24"
    assert model.host("pc12b").routes[0].via == "172.17.12.1"
    # no [bench] routes: the instructor routes each LAN of a bench through its router
    assert ("172.20.12.0/24", "192.168.100.12") in [(r.destination, r.via)
                                                   for r in model.instructor.routes]
    assert campus(part2=False).instructor.routes[2].destination == "172.18.11.0/24"
    assert len(campus(part2=False).instructor.routes) == 3 * 3


def test_campus_roles_seat_and_clients():
    model = campus()
    assert (model.server(12).name, model.seat(12).name) == ("r12", "pc12b")
    assert model.client_keys() == ["a", "b", "c", "wifi"]
    assert [h.name for h in model.hosts_running("named")] == ["prof", "r11", "dns11", "r12",
                                                              "dns12", "r13", "dns13"]


def test_campus_neighbour_is_the_previous_bench():
    model = campus()
    assert [model.neighbour(b) for b in model.benches] == [13, 11, 12]


def test_campus_mail_paths():
    model = campus()
    assert model.mail_origin(13) == "groupe13.lan"
    assert model.mail_domains(13) == ["groupe13.lan", "site13.lan"]
    assert model.mail_exchanger("groupe12.lan") == ("mail.groupe12.lan", "192.168.100.12")
    assert model.mail_exchanger("site12.lan") == ("mx.site12.lan", "192.168.100.12")
    assert model.trusted_networks(13) == ["192.168.100.0/24", "172.16.13.0/24",
                                          "172.17.13.0/24", "172.18.13.0/24"]
    assert model.student.name == "eleve" and ("abuse", "root") in model.aliases


def test_campus_zones():
    model = campus()
    assert model.dns_name == "ns.ecole.lan"
    assert model.lookup("ns.ecole.lan", "A") == ["192.168.100.250"]
    assert [z.name for z in model.zones_copied_by("dns12")] == [
        "postes12.lan", "12.20.172.in-addr.arpa", "12.19.172.in-addr.arpa"]
    assert model.zone("12.20.172.in-addr.arpa").allow_query == ("172.20.12.0/24",)
    assert model.zone("site11.lan", primary="r12").copy


# --- both classes -----------------------------------------------------------------------------

@pytest.fixture(params=[IUT, CAMPUS], ids=lambda path: path.stem)
def model(request):
    return classroom(path=request.param)


def test_unknown_host_is_named(model):
    with pytest.raises(KeyError, match="unknown host 'x999'"):
        model.host("x999")


def test_no_two_hosts_share_a_name_or_an_address(model):
    addresses = [i.ip for h in model.hosts for i in h.interfaces]
    assert len(set(model.names())) == len(model.names())
    assert len(set(addresses)) == len(addresses)


def test_each_server_links_its_bench_to_the_backbone(model):
    backbone = model.lans[0]
    assert backbone.bridged and backbone.members[0] == model.instructor.name
    assert list(backbone.members[1:]) == [model.server(b).name for b in model.benches]
    for bench in model.benches:
        server = model.server(bench)
        assert server.interfaces[0].lan == backbone.name
        assert server.routes[0].via == model.instructor.ip


def test_every_mail_origin_is_a_domain_its_server_receives(model):
    for bench in model.benches:
        _target, address = model.mail_exchanger(model.mail_origin(bench))
        assert address in [i.ip for i in model.server(bench).interfaces]


def test_a_class_of_one_bench_has_no_neighbour_copy(model):
    alone = classroom((7,), path=model.spec.file.path)
    assert alone.neighbour(7) == 7
    assert not [z for z in alone.zones if z.copy]
