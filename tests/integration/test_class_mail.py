"""A class of five benches: every server writes to every other bench, each mail arrives once
(scenarios/class_mail.py's steps; the 30-bench run is in `make bench`'s territory)."""

import pytest

from scenarios import class_mail


@pytest.fixture(scope="module")
def lab():
    from lab.runtime.network import Lab
    from services import default_services
    from topologies.model import classroom
    with Lab(classroom((1, 2, 3, 4, 5), part2=False), services=default_services(),
             say=lambda _line: None) as running:
        yield running


def test_every_mail_arrives_exactly_once(lab):
    results = [step.run(lab) for section in class_mail.sections(lab.model, 5)
               for step in section.steps]
    assert [r.step.claim for r in results if not r.passed] == []
    assert len(results) == 10
