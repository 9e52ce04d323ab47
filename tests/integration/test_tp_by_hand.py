"""scenarios/tp_by_hand.py on each class file, as a user runs it: the student's bench starts
at the class's first stage, the report's steps are typed in the hosts' shells, and the lab
ends where the class's last stage starts: the finished TP's own checks, played last on the
same lab, all pass. Titles, claims and stages come from the class model."""

import subprocess

import pytest

from scenarios import (connectivity, dns_lookup, dns_server, local_mail, mailbox_access,
                       mx_delivery, tp_by_hand)
from tests.integration.conftest import PYTHON, REPO, leftovers
from topologies.model import classroom


class Played:
    """One run of the scenario: its exit code, transcript, and the transcript cut
    into the sections it printed (by their titles, known from the class model)."""

    def __init__(self, class_file):
        self.model = classroom(path=class_file)
        self.bench = self.model.benches[-1]
        run = subprocess.run([PYTHON, "scenarios/tp_by_hand.py", "--class", str(class_file)],
                             cwd=REPO, capture_output=True, text=True, timeout=600)
        self.code, self.out, self.err = run.returncode, run.stdout, run.stderr
        self.printed = self._cut(tp_by_hand.sections(self.model, self.bench))

    def _cut(self, sections):
        """{title: [verdict lines]} in the order printed; a title missing is absent."""
        headings = {f"--- {s.title} ---": s.title for s in sections}
        printed, current = {}, None
        for line in self.out.splitlines():
            if line in headings:
                current = headings[line]
                printed[current] = []
            elif current and line.startswith(("PASS  ", "FAIL  ")):
                printed[current].append(line)
        return printed

    def why(self):
        return self.out[-4000:] + self.err[-2000:]


@pytest.fixture(scope="module")
def played(class_file):
    return Played(class_file)


def test_the_scenario_passes_and_leaves_nothing(played):
    assert played.code == 0, played.why()
    assert "FAIL  " not in played.out, played.why()
    total = sum(len(s.steps) for s in tp_by_hand.sections(played.model, played.bench))
    assert f"=== PASS: {total}/{total} steps passed ===" in played.out
    assert leftovers() == []


def test_it_starts_at_the_first_stage(played):
    first = played.model.stages[0].name
    bench_hosts = [h.name for h in played.model.hosts if h.bench == played.bench]
    for name in bench_hosts:
        assert f"{name}: stage {first}\n" in played.out
    assert "reset to stage" not in played.out  # built there, nothing to reset
    assert f"bench {played.bench} at stage {first}" in played.out  # the lab's own line


def test_every_section_is_printed_in_order(played):
    titles = [s.title for s in tp_by_hand.sections(played.model, played.bench)]
    assert list(played.printed) == titles


def test_its_last_checks_are_the_finished_tp_s_and_pass(played):
    final = tp_by_hand.final_checks(played.model, played.bench)
    last = played.model.stages[-1].name
    assert final and all(s.title.startswith(f"{tp_by_hand.FINAL} (stage {last}): ") for s in final)
    assert list(played.printed)[-len(final):] == [s.title for s in final]
    for section in final:
        assert played.printed[section.title] == [f"PASS  {step.claim}" for step in section.steps], \
            section.title


def test_the_final_checks_hold_each_finished_scenario(played):
    """connectivity, dns_lookup, local_mail, mx_delivery, dns_server (and mailbox_access
    where the server runs Dovecot): every one of their steps is among the final checks."""
    model, bench = played.model, played.bench
    scenarios = [connectivity, dns_lookup, local_mail, mx_delivery, dns_server]
    if "dovecot" in model.server(bench).services:
        scenarios.append(mailbox_access)
    final = [(step.host, step.command) for section in tp_by_hand.final_checks(model, bench)
             for step in section.steps]
    for scenario in scenarios:
        for section in scenario.sections(model, bench):
            for step in section.steps:
                assert (step.host, step.command) in final, (scenario.__name__, step.claim)
