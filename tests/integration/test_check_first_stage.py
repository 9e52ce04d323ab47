"""check at the first stage of each class file: what the students receive gives NOT YET, not
FAIL, and nothing crashes; an objective skipped while a later one is reached FAILs; hints come
one step at a time and are recorded in the run dir, which the lab removes; with no lab
running, check says so in one line."""

import os
import subprocess
from pathlib import Path

import pytest

from checks.check import check_bench, record_of
from checks.check_cli import check_command
from checks.objectives import objectives, stage_of
from checks.results import BLOCKED, FAIL, NOT_YET, PASS
from tests.integration.conftest import PYTHON, REPO, BenchView
from tests.integration.stagecheck import running_staged_lab



def states(result):
    return {o.id: o.state for o in result.outcomes}


def check(lab, lang="en", **options):
    return check_bench(lab, lab.model.benches[-1], lang, **options)


class TestFirstStage:

    @pytest.fixture(scope="class")
    def first(self, class_file):
        with running_staged_lab(class_file) as lab:
            yield lab
        assert not (Path(lab.rundir.path) / "check.json").exists()

    def test_what_the_students_receive_is_not_yet_not_fail(self, first):
        result = check(first)
        found = states(result)
        assert result.stage == first.model.stages[0].name
        assert found["routing.addresses"] == PASS and found["lint"] == PASS
        assert set(found.values()) <= {PASS, NOT_YET}, found
        assert not [o.id for o in result.outcomes if o.reason == "probe-error"]
        assert found["routing.forwarding"] == NOT_YET
        assert result.outcome("routing.forwarding").reason == "forwarding-off"

    def test_an_objective_skipped_for_a_later_one_fails(self, first):
        """The resolver done first: forwarding, of an earlier stage, FAILs (when the class
        puts it at an earlier stage)."""
        bench = BenchView(first.model, first.model.benches[-1])
        for host in [h for h in bench.hosts if h.resolver]:
            first.cmd(host.name, f"echo 'nameserver {host.resolver}' > /etc/resolv.conf")
        result = check(first, record=record_of(first))
        assert states(result)["dns.resolver"] == PASS
        assert result.outcome("dns.resolver").ever
        stage = {d.id: stage_of(first.model, d).index for d in objectives(first.model)}
        if stage["dns.resolver"] > stage["routing.forwarding"]:  # the report's class
            assert states(result)["routing.forwarding"] == FAIL  # a later one was reached
            assert result.outcome("dns.answers").state == BLOCKED
        else:  # both at one stage (campus's routeur): still to do
            assert states(result)["routing.forwarding"] == NOT_YET
        first.cmd(bench.server.name, "echo 1 > /proc/sys/net/ipv4/ip_forward")
        assert states(check(first))["routing.forwarding"] == PASS

    def test_hints_come_one_step_at_a_time_and_are_recorded(self, first):
        bench = BenchView(first.model, first.model.benches[-1])
        said = []
        check_command(first, [bench.server.name, "--hint", "mail.account"], say=said.append)
        check_command(first, [bench.server.name, "--hint", "mail.account"], say=said.append)
        assert "hint 1/3" in said[0] and "hint 2/3" in said[1] and "hint 2/3" not in said[0]
        reached, hints = record_of(first).bench(bench.number)
        assert hints["mail.account"] == 2 and "routing.addresses" in reached


def test_check_with_no_lab_running_says_so():
    if Path("/run/classlab/state.json").exists():
        pytest.skip("a lab runs")
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LANGUAGE", "LC_ALL")}
    done = subprocess.run([PYTHON, "-m", "lab", "check"], cwd=REPO, capture_output=True,
                          text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    code, out, err = done.returncode, done.stdout, done.stderr
    assert (code, out) == (2, "")
    assert err == "lab check: no lab is running (start one with: sudo make lab)\n"
