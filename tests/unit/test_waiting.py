"""wait_until: returns the probe's answer, or names what was awaited at the deadline."""

import pytest

from lab.base.errors import NotReadyError
from lab.base.waiting import wait_until


def test_returns_the_first_truthy_answer():
    answers = iter([None, "", "ready"])
    assert wait_until(lambda: next(answers), "the probe", timeout=5) == "ready"


def test_deadline_names_what_was_awaited():
    with pytest.raises(NotReadyError, match="named on stp: not ready after 0.05 s"):
        wait_until(lambda: False, "named on stp", timeout=0.05)


def test_listed_exceptions_count_as_not_yet():
    attempts = []

    def probe():
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionRefusedError
        return True
    assert wait_until(probe, "smtp banner", timeout=5, retry_on=(OSError,))
    assert len(attempts) == 3


def test_other_exceptions_go_up():
    with pytest.raises(ZeroDivisionError):
        wait_until(lambda: 1 / 0, "the probe", timeout=1)
