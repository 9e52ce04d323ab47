"""A class of five benches of each class file (the first five its bench range allows, part 2
off): every server writes to every other bench, each mail arrives once
(scenarios/class_mail.py's steps; the 30-bench run is in `make bench`'s territory)."""

import pytest

from scenarios import class_mail

BENCHES = 5


@pytest.fixture(scope="module")
def lab(class_file):
    from lab.command.compose import build_lab
    from topologies.model import ClassSpec
    spec = ClassSpec(class_file)
    first = spec.bench_range[0]
    with build_lab(spec.model(tuple(range(first, first + BENCHES)), part2=False),
                   say=lambda _line: None) as running:
        yield running


def test_every_mail_arrives_exactly_once(lab):
    results = [step.run(lab) for section in class_mail.sections(lab.model, lab.model.benches[-1])
               for step in section.steps]
    assert [r.step.claim for r in results if not r.passed] == []
    assert len(results) == 2 * BENCHES
