"""The benchmark takes its hosts, addresses and traffic from the class model (no root needed)."""

import pytest

from bench.__main__ import MeasuredClass, table
from bench.probe import dns_queries, mail_path
from bench.raw import RawClass, RawMailPair
from lab.command.options import add_class_options
from lab.command.parsing import OneLineParser
from topologies.classfile import CLASSES
from topologies.model import classroom

IUT = classroom(path=CLASSES / "iut.toml")


@pytest.fixture(params=["iut", "campus"])
def model(request):
    return classroom(path=CLASSES / f"{request.param}.toml")


def test_report_mail_traffic_is_the_report_mail_path():
    sender, receiver, source, to, server = mail_path(IUT)
    assert (sender.name, receiver.name, source, to, server) == (
        "s54", "s53", "root@s54", "etudiant@tp531.iut", "10.254.53.1")


def test_every_dns_query_has_an_answer_in_the_lab(model):
    queries = dns_queries(model)
    assert f"{model.dns_name} A" in queries
    assert f"{model.mail_origin(model.benches[0])} MX" in queries
    for query in queries:
        name, rtype = query.split()
        assert model.lookup(name, rtype), query


def test_the_raw_baseline_runs_the_daemons_of_the_class_at_its_addresses(model):
    raw = {host.name: host for host in RawClass(model).hosts}
    assert set(raw) == {h.name for h in model.hosts if {"named", "postfix"} & set(h.services)}
    for name, host in raw.items():
        spec = model.host(name)
        assert host.interface == spec.interfaces[0].address
        assert (host.named, host.postfix) == ("named" in spec.services, "postfix" in spec.services)
        assert host.networks.split() == model.lab_networks()


def test_the_raw_mail_pair_is_the_bench_server_and_its_neighbours(model):
    bench = model.benches[-1]
    pair = RawMailPair(model, bench)
    assert (pair.sender.name, pair.receiver.name) == (model.server(bench).name,
                                                      model.server(model.neighbour(bench)).name)
    assert pair.receiver.address == model.server(model.neighbour(bench)).ip


def test_a_class_of_one_bench_has_no_mail_pair():
    with pytest.raises(ValueError, match="no neighbour"):
        RawMailPair(classroom((7,), path=CLASSES / "iut.toml"), 7)


def measured(*argv):
    parser = OneLineParser(prog="bench")
    add_class_options(parser)
    return MeasuredClass(parser.parse_args(list(argv)))


def test_every_probe_gets_the_class_and_its_benches():
    campus = measured("--class", str(CLASSES / "campus.toml"))
    assert campus.options == ["--class", str(CLASSES / "campus.toml"), "--benches", "11,12,13"]
    assert campus.scale(30)[-2:] == ["1-30", "--no-part2"]
    assert campus.hosts(30) == 1 + 4 * 30
    iut = measured("--class", str(CLASSES / "iut.toml"), "--benches", "53", "--no-part2")
    assert iut.options[-3:] == ["--benches", "53", "--no-part2"]


def test_the_table_names_the_seed_class_and_counts_hosts():
    run = {"ready": 1.0, "teardown": 0.5, "memory": 1024.0, "hosts": 91}
    results = {"seed_class": {"benches": [53, 54], "lab_ready_s": 2.0, "raw_ready_s": 1.0,
                              "ratio": 2.0},
               "mx_delivery": {"end_to_end_s": 3.0},
               "scaling": {"runs": {30: run}, "seconds_per_bench": 0.4,
                           "first_10_per_bench": 0.4, "last_10_per_bench": 0.4},
               "traffic": {"mail_lab_per_s": 400, "mail_direct_per_s": 500, "mail_ratio": 0.8,
                           "dns_lab": {"qps": 8, "lost": 0}, "dns_loopback": {"qps": 10},
                           "dns_ratio": 0.8},
               "teaching": {"first_stage": "start", "stage_ready_s": 1.8, "reset_server_s": 0.24,
                            "reset_seat_s": 0.05, "reset_to_first_stage_s": 0.25,
                            "reset_to_last_stage_s": 0.55}}
    text = table(results)
    assert "last bench at stage start" in text and "0.24 s" in text
    assert "seed class ready (53-54)" in text and "30 benches (91 hosts)" in text
