"""The benchmark takes its hosts, addresses and traffic from the class model (no root needed)."""

import pytest

from bench.__main__ import STEPS, MeasuredClass, main, merged, steps_from
from bench.probe import dns_queries, mail_path
from bench.raw import RawClass, RawMailPair
from bench.table import table
from lab.base.errors import UsageError
from lab.command.options import add_class_options
from lab.command.parsing import OneLineParser
from tests.helpers import refused_in_one_line
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
    assert campus.scale(30, part2=True)[-2:] == ["--benches", "1-30"]
    assert campus.model_of(30, part2=True).part2 and not campus.model_of(30).part2
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


CHECK = {"seed": {"bench": 0.71, "bench_sequential": 1.02, "class": 0.9, "benches": 2,
                  "bench_checked": 54, "hosts": 11, "objectives": 15, "passed": 15},
         "class": {"bench": 0.8, "bench_sequential": 1.3, "class": 17.4, "benches": 30,
                   "bench_checked": 30, "hosts": 151, "objectives": 15, "passed": 15}}
LOAD = {"benches": list(range(1, 31)), "server_exit": 143,
        "runs": [{"pause": 0.0, "terminals": 90, "echoes": 1800, "lost": 0, "p50_ms": 41.2,
                  "p99_ms": 180.6, "max_ms": 250.0, "cpu_percent": 97.3, "rss_mib": 88.4},
                 {"pause": 1.0, "terminals": 90, "echoes": 1800, "lost": 0, "p50_ms": 9.6,
                  "p99_ms": 31.0, "max_ms": 40.0, "cpu_percent": 21.0, "rss_mib": 90.2}]}


def test_check_rows_put_one_bench_next_to_its_probes_one_after_another():
    lines = table({"check": CHECK}).splitlines()
    assert len(lines) == 2
    one, whole = lines
    assert "check one bench (54) / same probes one after another" in one
    assert "0.71 s" in one and "one after another 1.02 s" in one and "x1.44" in one
    assert one.rstrip().endswith("< 3 s")
    assert "check 30 benches in parallel (151 hosts)" in whole and "17.4 s" in whole
    assert whole.rstrip().endswith("< 20 s")


def test_classroom_rows_give_p50_p99_cpu_and_memory_for_a_burst_and_a_person_s_pace():
    burst, pace = table({"classroom": LOAD}).splitlines()
    assert "90 terminals, burst: echo p50 / p99" in burst and "a command every ~1 s: echo" in pace
    assert "41 ms" in burst and "p99 181 ms, CPU 97 %" in burst and "RSS 88 MiB" in burst
    assert "9.6 ms" in pace and "p99 31 ms, CPU 21 %" in pace and "RSS 90 MiB" in pace
    assert "p99 < 100 ms; 1800 echoes, lost 0" in burst


def test_a_run_of_some_steps_tabulates_those_alone():
    text = table({"machine": {}, "class": "x", "check": CHECK, "classroom": LOAD})
    assert "check one bench" in text and "classroom, 90 terminals" in text
    assert "seed class" not in text and "DNS" not in text


@pytest.mark.parametrize("only, steps", [
    (None, list(STEPS)),
    ("check,classroom", ["check", "classroom"]),
    ("classroom, check", ["check", "classroom"]),  # the run's order, spaces ignored
    ("teaching,teaching", ["teaching"]),
])
def test_only_picks_steps_in_the_run_s_order(only, steps):
    assert steps_from(only) == steps


@pytest.mark.parametrize("only, says", [("check,clasroom", "no step clasroom"),
                                        (",", "names no step"), ("", "names no step")])
def test_a_bad_only_names_the_steps(only, says):
    with pytest.raises(UsageError, match=says) as found:
        steps_from(only)
    assert "check,classroom" in str(found.value) and "\n" not in str(found.value)


def test_a_bad_only_is_one_line_and_exit_2_before_anything_starts(capsys):
    refused_in_one_line(main(["--only", "speed"]), *capsys.readouterr(),
                        starts="bench: --only 'speed'")


def test_a_run_of_some_steps_keeps_the_others_of_the_same_class_and_machine():
    previous = {"machine": {"cpu": "A"}, "class": "iut.toml", "scaling": 1, "check": 1,
                "load_average": {"scaling": 0.5, "check": 0.4}}
    fresh = {"machine": {"cpu": "A"}, "class": "iut.toml", "check": 2,
             "load_average": {"check": 9.9}}
    assert merged(previous, fresh) == {**previous, "check": 2,
                                       "load_average": {"scaling": 0.5, "check": 9.9}}
    assert merged({**previous, "class": "campus.toml"}, fresh) == fresh
    assert merged({**previous, "machine": {"cpu": "B"}}, fresh) == fresh
    assert merged({}, fresh) == fresh
