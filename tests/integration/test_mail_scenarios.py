"""The mail scenarios' steps, played in order in one lab of each class file, as
`python scenarios/...` plays them (the class's last bench, writing to its neighbour)."""

import pytest

from scenarios import bounce, deferred_queue, local_mail, mx_delivery


@pytest.mark.parametrize("scenario", [local_mail, mx_delivery, bounce, deferred_queue],
                         ids=["local_mail", "mx_delivery", "bounce", "deferred_queue"])
def test_scenario_steps_pass(lab, played, scenario):
    for section in scenario.sections(lab.model, played.number):
        for step in section.steps:
            result = step.run(lab)
            assert result.passed, f"{step.host}$ {step.command}\n{result.output}\n{result.problems}"
