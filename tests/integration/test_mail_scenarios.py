"""The mail scenarios' steps, played in order in one lab, as `python scenarios/...` plays them."""

import pytest

from scenarios import bounce, deferred_queue, local_mail, mx_delivery


@pytest.mark.parametrize("scenario", [local_mail, mx_delivery, bounce, deferred_queue],
                         ids=["local_mail", "mx_delivery", "bounce", "deferred_queue"])
def test_scenario_steps_pass(lab, scenario):
    for section in scenario.sections(lab.model, 54):
        for step in section.steps:
            result = step.run(lab)
            assert result.passed, f"{step.host}$ {step.command}\n{result.output}\n{result.problems}"
