"""Steps of a scenario: a command typed in a host, and what its output must show.

    Step(host, command, check, said)    run in the host's shell, as the Mininet CLI does;
                                        wait=N retries until the check passes (wait_until);
                                        said: the claim, a Text (checks.findings._) or a
                                        plain str shown as it is; .claim is its English
    Section(heading, steps, capture)    a heading of the lab sheet (and what --capture records):
                                        a Text, or a str, the report's own French heading
                                        quoted as it is; .title is its English
    StepResult                          output and problems, each a Text or a str ([]: PASS)
    prompt(host)                        "root@<HOST>:~#", as in the report
    render(text, translate)             a Text (its values may be Texts) in the reader's
                                        language, a str as it is; english(text) in English
    replaced(text, old, new)            the text with old replaced by new in its values

Scenarios print these (the runner renders them, French or English, through the catalogs of
checks/locale); integration tests run the same steps and assert on them.
"""

from dataclasses import dataclass, field

from checks.findings import Text, _
from checks.i18n import translator
from lab.base.errors import NotReadyError
from lab.base.waiting import wait_until


def render(text, translate):
    if not isinstance(text, Text):
        return str(text)
    values = {key: render(value, translate) if isinstance(value, Text) else value
              for key, value in text.values}
    return translate(text.msgid).format(**values)


def english(text):
    return render(text, translator("en"))


def replaced(text, old, new):
    if isinstance(text, Text):
        return Text(text.msgid, tuple((key, replaced(value, old, new))
                                      for key, value in text.values))
    return text.replace(old, new) if isinstance(text, str) else text


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
    said: object
    wait: float = 0.0

    @property
    def claim(self):
        return english(self.said)

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
        except NotReadyError:
            last = attempts[-1]
            return StepResult(self, last.output, last.problems + [
                _("{claim}: not ready after {seconds} s", claim=self.said,
                  seconds=f"{self.wait:g}")])
        return attempts[-1]


@dataclass(frozen=True)
class Section:
    """capture: an evidence.capture.CaptureSpec, recorded when the scenario runs with --capture."""
    heading: object
    steps: tuple
    capture: object = None

    @property
    def title(self):
        return english(self.heading)


def prompt(host):
    return f"root@{host.upper()}:~#"
