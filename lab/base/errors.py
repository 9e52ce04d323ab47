"""Typed errors of the lab. Each one's str() is the single line a user reads.

    LabError           anything that stops a lab (exit 1)
    UsageError         bad input from the user: bench list, scenario, option (exit 2)
    HostCommandError   a command run inside an emulated host failed
    ConfigCheckError   a service's config failed its checker (named-checkconf, postfix check)
    NotReadyError      something was not ready before its deadline
"""

import re


class LabError(Exception):
    exit_code = 1


class UsageError(LabError):
    exit_code = 2


class HostCommandError(LabError):
    def __init__(self, host, what, output):
        detail = _first_line(output) or "no output"
        super().__init__(f"{host}: {what} failed: {detail}")
        self.host, self.what, self.output = host, what, output


class ConfigCheckError(LabError):
    exit_code = 2

    def __init__(self, host, service, path, output):
        detail = _telling_line(output) or "the checker printed nothing"
        super().__init__(f"{host}: {service} config {path} failed its check: {detail}")
        self.host, self.service, self.path, self.output = host, service, path, output


class NotReadyError(LabError):
    pass


FILE_AND_LINE = re.compile(r"(\S+:\d+: |, line \d+: )")


def _telling_line(text):
    """The checker's line naming a file and line, else one saying what failed, else the first."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for wanted in (FILE_AND_LINE.search, re.compile(r"error|fatal|failed", re.I).search):
        for line in lines:
            if wanted(line):
                return line
    return lines[0] if lines else ""


def _first_line(text):
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""
