"""Reading dig's output the way a student reads it, and checks on it.

    parse_dig(output)       -> DigAnswer: status, flags, counts, sections as (name, ttl, type, data)
    dig_shows(...)          a check (scenarios/checks.py style): status, flags, records in sections
"""

import re
from dataclasses import dataclass, field

from checks.findings import _

HEADER = re.compile(r"status: (\w+)")
FLAGS = re.compile(r";; flags: ([a-z ]*);")
SECTION = re.compile(r";; (ANSWER|AUTHORITY|ADDITIONAL) SECTION:")


@dataclass
class DigAnswer:
    status: str = None
    flags: set = field(default_factory=set)
    sections: dict = field(default_factory=dict)

    def records(self, section, rdtype=None):
        return [r for r in self.sections.get(section, []) if rdtype in (None, r[2])]


def parse_dig(output):
    answer = DigAnswer()
    status, flags = HEADER.search(output), FLAGS.search(output)
    if status:
        answer.status = status.group(1)
    if flags:
        answer.flags = set(flags.group(1).split())
    section = None
    for line in output.splitlines():
        heading = SECTION.match(line)
        if heading:
            section = heading.group(1)
            answer.sections[section] = []
        elif not line.strip() or line.startswith(";"):
            section = None if not line.strip() else section
        elif section:
            name, ttl, _cls, rdtype, *data = line.split()
            answer.sections[section].append((name, int(ttl), rdtype, " ".join(data)))
    return answer


def dig_shows(status="NOERROR", flags=(), no_flags=(), answer=(), authority=(), additional=()):
    """Records are (name, type, data) or (name, ttl, type, data) tuples that must appear."""
    def check(output):
        seen = parse_dig(output)
        problems = []
        if seen.status != status:
            problems.append(_("expected status {status}, got {got}", status=status,
                              got=str(seen.status)))
        missing = set(flags) - seen.flags
        if missing:
            problems.append(_("expected flags {flags} in '{seen}'", flags=" ".join(sorted(missing)),
                              seen=" ".join(sorted(seen.flags))))
        unwanted = set(no_flags) & seen.flags
        if unwanted:
            problems.append(_("did not expect flag(s) {flags}", flags=" ".join(sorted(unwanted))))
        for section, wanted in (("ANSWER", answer), ("AUTHORITY", authority),
                                ("ADDITIONAL", additional)):
            for record in wanted:
                if not _has_record(seen.records(section), record):
                    problems.append(_("expected {record} in {section}",
                                      record=" ".join(map(str, record)), section=section))
        return problems
    return check


def _has_record(records, wanted):
    for name, ttl, rdtype, data in records:
        candidate = (name, rdtype, data) if len(wanted) == 3 else (name, ttl, rdtype, data)
        if candidate == tuple(wanted):
            return True
    return False
