"""The lab started with the student's bench at a stage (`make lab STAGE=... BENCH=...`): the
bench holds what the class file's [[stage]] tables say that stage and the ones before it do,
and nothing of the stages after; the instructor and the other benches are complete. With
real daemons, on each class file; one lab a stage, its tests grouped on it.

What is expected comes from the class file as written (tests/integration/stagecheck.py),
what is seen from the hosts' shells, as a student would look."""

import os

import pexpect
import pytest

from tests.integration.conftest import LAB_VARIABLES, REPO, class_files, gateway, leftovers
from tests.integration.stagecheck import (DEBIAN_ALIASES, IMAP, SMTP, banner, commands,
                                          configured, done_items, exists, forwarding,
                                          has_account, nameservers, played, postfix_running,
                                          reaches, resolves, running_staged_lab, served_zones,
                                          soa)
from topologies.model import classroom

CLASSES = {path.stem: (path, classroom(path=path)) for path in class_files()}
STAGED = [(name, stage.name) for name, (_, model) in CLASSES.items() for stage in model.stages]


class TestFirstStage:
    """What the students receive: addresses, nothing else."""

    @pytest.fixture(scope="class", params=list(CLASSES), ids=str)
    def first(self, request):
        path, model = CLASSES[request.param]
        with running_staged_lab(path) as lab:
            yield lab, played(model)

    def test_the_server_does_not_route_yet(self, first):
        lab, bench = first
        assert not forwarding(lab, bench.server.name)
        assert not reaches(lab, bench.seat.name, lab.model.instructor.ip)
        # the neighbour's bench is complete: its seat reaches the instructor through its server
        assert reaches(lab, bench.neighbour.seat.name, lab.model.instructor.ip)

    def test_resolv_conf_names_no_server(self, first):
        lab, bench = first
        for host in bench.hosts:
            assert nameservers(lab, host.name) == [], host.name
        assert "no servers could be reached" in lab.cmd(bench.seat.name,
                                                         "dig +time=1 +tries=1 " + lab.model.dns_name)

    def test_postfix_is_installed_not_configured(self, first):
        lab, bench = first
        server = bench.server.name
        status = lab.cmd(server, "postfix status 2>&1; echo rc=$?")
        assert "is running" not in status and "rc=0" not in status, status
        assert not exists(lab, server, "/etc/postfix/main.cf")
        assert exists(lab, server, "/etc/postfix/master.cf")  # the package is there
        assert banner(lab, bench.seat.name, gateway(bench.seat), SMTP) == ""
        # the neighbour's bench is complete: its Postfix answers its seat
        assert banner(lab, bench.neighbour.seat.name, gateway(bench.neighbour.seat),
                      SMTP).startswith("220 ")

    def test_no_student_account_and_debians_aliases(self, first):
        lab, bench = first
        server = bench.server.name
        said = lab.cmd(server, f"id {bench.student}; echo rc=$?")
        assert "no such user" in said and "rc=1" in said
        assert lab.cmd(server, "cat /etc/aliases") == DEBIAN_ALIASES
        assert has_account(lab, bench.neighbour.server.name, bench.student)

    def test_named_runs_debians_configuration(self, first):
        lab, bench = first
        server = bench.server.name
        assert soa(lab, server, "localhost").authoritative
        assert "zone" not in lab.cmd(server, "grep -v '^//' /etc/bind/named.conf.local")
        for zone in served_zones(lab.model, bench.server):
            assert not soa(lab, server, zone).authoritative, zone

    def test_ps_in_the_server_shows_its_own_few_processes(self, first):
        lab, bench = first
        seen = commands(lab, bench.server.name)
        assert sorted(c for _, c in seen) == ["bash", "named", "ps"], seen
        assert (1, "bash") in seen  # its shell is its PID 1
        assert len(commands(lab, lab.model.instructor.name)) == 3  # bash, named, ps: its own too


class TestEachStage:
    """Stage by stage, in order: what the stage and those before it do holds on the played
    bench; what a later stage does is not there yet."""

    @pytest.fixture(scope="class", params=STAGED, ids=lambda case: "-".join(case))
    def staged(self, request):
        name, stage = request.param
        path, model = CLASSES[name]
        with running_staged_lab(path, stage) as lab:
            yield lab, played(model), stage

    def test_forwarding_as_the_stage_says(self, staged):
        lab, bench, stage = staged
        done = "forwarding" in done_items(lab.model, stage)
        for host in [h for h in bench.hosts if h.forwarding]:
            assert forwarding(lab, host.name) == done, (host.name, stage)
        assert reaches(lab, bench.seat.name, lab.model.instructor.ip) == done

    def test_resolver_as_the_stage_says(self, staged):
        lab, bench, stage = staged
        items = done_items(lab.model, stage)
        for host in [h for h in bench.hosts if h.resolver]:
            assert nameservers(lab, host.name) == ([host.resolver] if "resolver" in items else [])
        seat_resolves = "resolver" in items and "forwarding" in items
        expected = lab.model.addresses_of(lab.model.dns_name) if seat_resolves else []
        assert resolves(lab, bench.seat.name, lab.model.dns_name) == expected

    def test_postfix_as_the_stage_says(self, staged):
        lab, bench, stage = staged
        for host in [h for h in bench.hosts if "postfix" in h.services]:
            done = configured(lab.model, stage, host, "postfix")
            assert postfix_running(lab, host.name) == done, (host.name, stage)
            assert exists(lab, host.name, "/etc/postfix/main.cf") == done
            assert has_account(lab, host.name, bench.student) == done
            aliases = lab.cmd(host.name, "cat /etc/aliases")
            assert aliases == DEBIAN_ALIASES or done
            assert all(f"{name}: {target}" in aliases for name, target in lab.model.aliases) == done
        said = banner(lab, bench.seat.name, gateway(bench.seat), SMTP)
        assert said.startswith("220 ") == configured(lab.model, stage, bench.server, "postfix"), said

    def test_dovecot_as_the_stage_says(self, staged):
        lab, bench, stage = staged
        if "dovecot" not in bench.server.services:
            pytest.skip("this class runs no Dovecot")
        said = banner(lab, bench.seat.name, gateway(bench.seat), IMAP)
        assert said.startswith("* OK") == configured(lab.model, stage, bench.server, "dovecot"), said

    def test_named_as_the_stage_says(self, staged):
        lab, bench, stage = staged
        for host in [h for h in bench.hosts if "named" in h.services]:
            done = configured(lab.model, stage, host, "named")
            zones = served_zones(lab.model, host)
            assert zones, host.name
            for zone in zones:
                answer = soa(lab, host.name, zone)
                assert answer.authoritative == done, (host.name, zone, stage, answer)
            if not done:  # Debian's own configuration: its zone localhost
                assert soa(lab, host.name, "localhost").authoritative

    def test_the_instructor_and_the_neighbour_are_complete(self, staged):
        lab, bench, _stage = staged
        neighbour = bench.neighbour
        assert postfix_running(lab, neighbour.server.name)
        assert reaches(lab, neighbour.seat.name, lab.model.instructor.ip)
        for zone in served_zones(lab.model, neighbour.server)[:1]:
            assert soa(lab, neighbour.server.name, zone).authoritative


class TestEveryBench:
    """BENCH=all: every bench of the class at the stage; the instructor alone complete."""

    @pytest.fixture(scope="class", params=list(CLASSES), ids=str)
    def everyone(self, request):
        path, model = CLASSES[request.param]
        with running_staged_lab(path, benches=tuple(model.benches)) as lab:
            yield lab

    def test_every_bench_is_at_the_first_stage(self, everyone):
        lab = everyone
        for number in lab.model.benches:
            server, seat = lab.model.server(number), lab.model.seat(number)
            assert not forwarding(lab, server.name), server.name
            assert not reaches(lab, seat.name, lab.model.instructor.ip, attempts=1), seat.name
            assert nameservers(lab, seat.name) == []
            assert not postfix_running(lab, server.name)
            assert not has_account(lab, server.name, lab.model.student.name)
        instructor = lab.model.instructor
        assert soa(lab, instructor.name, served_zones(lab.model, instructor)[0]).authoritative


def test_make_lab_stage_and_bench_start_that_bench_there():
    """`make lab STAGE=... BENCH=...` (the class's first bench, not the default last one),
    driven as a user drives it: the banner says where each bench stands, the hosts agree."""
    path, model = next(iter(CLASSES.values()))
    first, last = model.benches[0], model.benches[-1]
    stage = model.stages[0].name
    env = {k: v for k, v in os.environ.items() if k not in LAB_VARIABLES}
    child = pexpect.spawn("make", ["--no-print-directory", "lab", f"CLASS={path}",
                                   f"STAGE={stage}", f"BENCH={first}"],
                          cwd=str(REPO), env=env, encoding="utf-8", timeout=300,
                          dimensions=(50, 200))
    try:
        child.expect("mininet> ")
        assert f"bench {first} at stage {stage}, the others {model.stages[-1].name}" in child.before
        said = {}
        for number in (first, last):
            child.sendline(f"{model.server(number).name} cat /proc/sys/net/ipv4/ip_forward")
            child.expect("mininet> ")
            said[number] = child.before.split()[-1]
        assert said == {first: "0", last: "1"}
        child.sendline("exit")
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert leftovers() == []
