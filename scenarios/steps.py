"""Steps of a scenario: a command typed in a host, and what its output must show.

    Step(host, command, check, claim)   run in the host's shell, as the Mininet CLI does;
                                        wait=N retries until the check passes (wait_until)
    Section(title, steps, capture)      a heading of the lab sheet (and what --capture records)
    StepResult                          output and problems ([] means PASS)
    prompt(host)                        "root@<HOST>:~#", as in the report

Scenarios print these; integration tests run the same steps and assert on them.
"""

from dataclasses import dataclass, field

from lab.base.errors import NotReadyError
from lab.base.waiting import wait_until


@dataclass(frozen=True)
class StepResult:
    step: "Step"
    output: str
    problems: list = field(default_factory=list)

    @property
    def passed(self):
        return not self.problems


@dataclass(frozen=True)
class Step:
    host: str
    command: str
    check: object
    claim: str
    wait: float = 0.0

    def run(self, lab):
        if not self.wait:
            output = lab.cmd(self.host, self.command)
            return StepResult(self, output, self.check(output))
        attempts = []

        def passes():
            output = lab.cmd(self.host, self.command)
            attempts.append(StepResult(self, output, self.check(output)))
            return attempts[-1].passed
        try:
            wait_until(passes, self.claim, self.wait)
        except NotReadyError as error:
            last = attempts[-1]
            return StepResult(self, last.output, last.problems + [str(error)])
        return attempts[-1]


@dataclass(frozen=True)
class Section:
    """capture: an evidence.capture.CaptureSpec, recorded when the scenario runs with --capture."""
    title: str
    steps: tuple
    capture: object = None


def prompt(host):
    return f"root@{host.upper()}:~#"
