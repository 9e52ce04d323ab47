"""Stages (topologies/stages.py): what each host of a class holds at each stage of the TP,
in both class files, and the scripts that follow from it."""

import pytest

from lab.runtime.machine import reset_script, seal_script
from topologies.classfile import CLASSES
from topologies.init_script import NO_RESOLVER, render_init_script, render_network_reset
from topologies.model import classroom
from topologies.stages import StagePlan, parse_bench_choice

IUT = classroom(path=CLASSES / "iut.toml")
CAMPUS = classroom(path=CLASSES / "campus.toml")


def hosts_of(model, bench):
    return [h for h in model.hosts if h.bench == bench]


def test_the_report_class_has_the_report_sections_in_order():
    assert [s.name for s in IUT.stages] == ["start", "routing", "dns", "mail", "dns-server", "done"]


def test_at_start_the_student_bench_has_addresses_only():
    plan = StagePlan(IUT, "start")
    server = IUT.server(IUT.benches[-1])
    assert not plan.forwarding(server)
    assert plan.resolver(IUT.seat(IUT.benches[-1])) == ""
    for service in server.services:
        assert not plan.configured(server, service), service


def test_each_stage_holds_everything_before_it():
    server = IUT.server(IUT.benches[-1])
    secondary = IUT.bench_host(IUT.benches[-1], "ns")
    seen = []
    for stage in IUT.stages:
        plan = StagePlan(IUT, stage.name)
        now = (plan.forwarding(server), bool(plan.resolver(server)),
               plan.configured(server, "postfix"), plan.configured(server, "named"),
               plan.configured(secondary, "named"))
        assert all(now[i] for i, done in enumerate(seen[-1] if seen else ()) if done), stage
        seen.append(now)
    assert seen[0] == (False, False, False, False, False)
    assert seen[-1] == (True, True, True, True, True)
    assert seen[3] == (True, True, True, False, False)  # mail: Postfix, not yet the zones


def test_the_other_benches_and_the_instructor_are_done():
    plan = StagePlan(IUT, "start")
    for spec in [IUT.instructor] + hosts_of(IUT, IUT.benches[0]):
        assert plan.stage_of(spec).name == "done"
        assert all(plan.configured(spec, s) for s in spec.services)


def test_bench_all_puts_every_bench_at_the_stage():
    plan = StagePlan(CAMPUS, "depart", parse_bench_choice("all", CAMPUS))
    assert {plan.stage_of(h).name for h in CAMPUS.hosts if h.bench} == {"depart"}
    assert plan.stage_of(CAMPUS.instructor).name == CAMPUS.stages[-1].name


def test_campus_defines_its_own_stages_and_one_stage_configures_both_dns_servers():
    assert [s.name for s in CAMPUS.stages] == ["depart", "routeur", "courrier", "fini"]
    plan = StagePlan(CAMPUS, "courrier")
    bench = CAMPUS.benches[-1]
    assert plan.configured(CAMPUS.server(bench), "postfix")
    assert not plan.configured(CAMPUS.server(bench), "named")
    assert not plan.configured(CAMPUS.bench_host(bench, "dns"), "named")


@pytest.mark.parametrize("text, error", [
    ("99", "bench '99' is not in the class (benches: 53, 54, or all)"),
    ("five", "bench 'five' is not in the class"),
])
def test_a_bench_not_in_the_class_is_named(text, error):
    with pytest.raises(KeyError) as raised:
        parse_bench_choice(text, IUT)
    assert error in raised.value.args[0]


def test_an_unknown_stage_lists_the_class_stages():
    with pytest.raises(KeyError) as raised:
        StagePlan(IUT, "routage")
    assert raised.value.args[0] == ("unknown stage 'routage' (this class has: start, routing, "
                                    "dns, mail, dns-server, done)")


def test_a_host_moved_by_reset_has_its_own_stage_and_the_plan_survives_the_run_dir():
    plan = StagePlan(IUT, "start").moved_to("s54", "mail")
    again = StagePlan.from_state(IUT, plan.to_state())
    assert again.stage_of(IUT.host("s54")).name == "mail"
    assert again.stage_of(IUT.host("d54")).name == "start"


def test_init_script_at_start_routes_nothing_and_names_no_server():
    server = IUT.server(IUT.benches[-1])
    plan = StagePlan(IUT, "start")
    script = render_init_script(server, plan.forwarding(server), plan.resolver(server))
    assert "echo 0 > /proc/sys/net/ipv4/ip_forward" in script
    assert f'echo "{NO_RESOLVER}" > /etc/resolv.conf' in script
    assert "nameserver" not in script


def test_network_reset_flushes_then_sets_the_addresses_again():
    server = IUT.server(IUT.benches[-1])
    script = render_network_reset(server, True)
    for intf in server.interfaces:
        assert script.index(f"ip -4 addr flush dev {intf.name}") < script.index(
            f"ip addr replace {intf.address} dev {intf.name}")
    assert "echo 1 > /proc/sys/net/ipv4/ip_forward" in script
    assert "resolv.conf" not in script  # a file: the stage's layer holds it


def test_seal_puts_the_student_layer_over_the_stage_layer():
    script = seal_script("/run/classlab/hosts/s54")
    assert ("lowerdir=/run/classlab/hosts/s54/stage/etc:/etc,"
            "upperdir=/run/classlab/hosts/s54/student/etc") in script
    assert "lowerdir=/run/classlab/hosts/s54/stage/root:/run/classlab/hosts/s54/empty" in script
    assert script.rstrip().endswith("kill -USR1 1")


def test_reset_keeps_the_stage_layer_unless_it_rebuilds_it():
    same, rebuilt = reset_script("/H"), reset_script("/H", rebuild=True)
    assert "rm -rf student student-work\n" in same.replace(" && cd /", "\n")
    assert "rm -rf student student-work stage stage-work" in rebuilt
    assert "upperdir=/H/student/etc" in same and "upperdir=/H/stage/etc" in rebuilt


def test_a_rebuilt_stage_layer_gets_the_host_identity_back():
    rebuilt = reset_script("/H", rebuild=True, name="host7")
    assert "echo host7 > /etc/hostname" in rebuilt
    assert "127.0.1.1\\thost7" in rebuilt and "> /usr/sbin/policy-rc.d" in rebuilt
    assert rebuilt.index("upperdir=/H/stage/etc") < rebuilt.index("echo host7 > /etc/hostname")
