"""The class model: bench lists and the address plan of DESIGN.md."""

import pytest

from topologies.model import BenchError, bench_list_text, classroom, lab_networks, parse_benches


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


def test_classroom_checks_benches_given_as_numbers():
    with pytest.raises(BenchError, match="appears twice"):
        classroom((54, 54))
    with pytest.raises(BenchError, match="out of range"):
        classroom((0,))


def test_seed_class_has_stp_and_three_machines_per_bench():
    model = classroom((53, 54), part2=False)
    assert model.names() == ["stp", "s53", "g53", "d53", "s54", "g54", "d54"]


def test_part2_adds_a_secondary_dns_and_a_212_client_per_bench():
    model = classroom((53, 54))
    assert model.names() == ["stp", "s53", "g53", "d53", "ns53", "p53",
                             "s54", "g54", "d54", "ns54", "p54"]
    assert model.host("ns54").interfaces[0].address == "10.54.112.1/24"
    assert model.host("p54").interfaces[0].address == "10.54.212.2/24"
    assert [i.address for i in model.host("s54").interfaces][3:] == ["10.54.112.254/24",
                                                                     "10.54.212.1/24"]
    assert model.host("ns54").routes[0].via == "10.54.112.254"


def test_address_plan_of_a_bench():
    model = classroom((53, 54))
    addresses = {h.name: [i.address for i in h.interfaces] for h in model.hosts}
    assert addresses["stp"] == ["10.254.0.254/16"]
    assert addresses["s54"][:3] == ["10.254.54.1/16", "10.54.1.1/24", "10.54.2.1/24"]
    assert addresses["g54"] == ["10.54.1.3/24"]
    assert addresses["d54"] == ["10.54.2.2/24"]


def test_routes_make_every_bench_reach_every_other():
    model = classroom((53, 54))
    routes = {h.name: [(r.destination, r.via) for r in h.routes] for h in model.hosts}
    assert routes["stp"] == [("10.53.0.0/16", "10.254.53.1"), ("10.54.0.0/16", "10.254.54.1")]
    assert routes["s54"] == [("default", "10.254.0.254")]
    assert routes["g54"] == [("default", "10.54.1.1")]
    assert routes["d54"] == [("default", "10.54.2.1")]


def test_only_routers_forward():
    model = classroom((53, 54))
    assert [h.name for h in model.hosts if h.forwarding] == ["stp", "s53", "s54"]


def test_lans_join_the_right_interfaces():
    model = classroom((53, 54))
    lans = {lan.name: lan for lan in model.lans}
    assert lans["bb"].members == ("stp", "s53", "s54") and lans["bb"].bridged
    assert lans["lan54g"].members == ("s54", "g54") and not lans["lan54g"].bridged
    assert model.host("d54").interface_on("lan54d").name == "d54-eth0"
    assert model.host("s54").interface_on("lan54d").name == "s54-eth2"


def test_neighbour_is_the_next_bench_cyclically():
    model = classroom((53, 54, 55))
    assert [model.neighbour(b) for b in model.benches] == [54, 55, 53]


def test_unknown_host_is_named():
    with pytest.raises(KeyError, match="unknown host 'd99'"):
        classroom((53, 54)).host("d99")


def test_lab_networks_cover_backbone_and_benches():
    assert lab_networks(classroom((53, 54))) == ["10.53.0.0/16", "10.54.0.0/16", "10.254.0.0/16"]


def test_bench_lists_read_back_as_ranges():
    assert bench_list_text((53, 54)) == "53-54"
    assert bench_list_text((53,)) == "53"
    assert bench_list_text(tuple(range(1, 31))) == "1-30"
    assert bench_list_text((1, 2, 3, 7, 9, 10)) == "1-3, 7, 9-10"


def test_thirty_benches_make_ninety_one_hosts():
    assert len(classroom(parse_benches("1-30"), part2=False).hosts) == 91


def test_every_host_asks_stp_for_names():
    assert {h.resolver for h in classroom((53, 54)).hosts} == {"10.254.0.254"}
