"""check in the classroom: the engine (checks/check.py) run from the pages, each bench's last
result kept, the student's panel (stepped hints, lint) and the instructor's class view.

    Checks(door)            door.check(benches, lang) -> ClassResult (checks.check.check_class
                            on the running lab, with its record); door.record() -> that
                            CheckRecord (checks/record.py: what each bench reached, the hint
                            steps it opened, in the lab's run dir); door.objectives(lang) ->
                            the class's [Objective], titles in that language
      .run(benches, lang)   check those benches (blocking): each bench in its students'
                            language (the last one their page asked in), else `lang`; one
                            check of a bench at a time; each result becomes the bench's last
      .heard(bench, lang)   the language the bench's students read their page in
      .open_hint(bench, objective) -> the step shown now, recorded; None when that objective
                            has no hint to open in the bench's last check
      .panel(bench, lang)   what the student's page shows (JSON-ready), or None before the
                            bench's first check
      .class_result(lang)   a ClassResult in that language: every checked bench as its last
                            check found it (hints and evidence in the language it ran in),
                            hint steps as the record has them; None before any check
      .version              grows with every check and every hint opened: the instructor's
                            page reloads the class view when it changes
"""

import contextlib
import copy
import threading
from dataclasses import dataclass

from checks.findings import _
from checks.i18n import translator
from checks.record import STEPS
from checks.render import heading, state_names
from checks.results import FAIL, PASS, ClassResult


@dataclass
class Last:
    """A bench's last check: its BenchResult, and the run it came from."""
    result: object      # BenchResult
    lang: str
    made: str
    objectives: list    # [Objective] of that run, in its language
    seconds: float


class Checks:

    def __init__(self, door):
        self.door, self.model = door, door.model
        self.version = 0
        self._last = {}        # bench -> Last
        self._languages = {}   # bench -> its students' language
        self._guard = threading.Lock()
        self._benches = {bench: threading.Lock() for bench in self.model.benches}

    def heard(self, bench, lang):
        self._languages[bench] = lang

    # -- running the engine
    def run(self, benches, lang):
        groups = {}
        for bench in benches:
            groups.setdefault(self._languages.get(bench, lang), []).append(bench)
        with contextlib.ExitStack() as held:
            for bench in sorted(benches):  # always in one order: no deadlock
                held.enter_context(self._benches[bench])
            for spoken, group in groups.items():
                self._keep(self.door.check(group, spoken))

    def _keep(self, result):
        with self._guard:
            for bench in result.benches:
                self._last[bench.bench] = Last(bench, result.lang, result.made,
                                               result.objectives, result.seconds)
            self.version += 1

    def open_hint(self, bench, objective):
        last = self._last.get(bench)
        outcome = _outcome(last.result, objective) if last else None
        if outcome is None or outcome.state == PASS or not outcome.hints:
            return None
        record = self.door.record()
        available = min(len(outcome.hints), STEPS)
        shown = _opened(outcome, record.bench(bench)[1], available)
        step = record.next_hint(bench, objective) if shown < available else shown
        with self._guard:
            self.version += 1
        return min(step, available)

    # -- what the pages show
    def panel(self, bench, lang):
        last = self._last.get(bench)
        if last is None:
            return None
        translate = translator(lang)
        names = {state: text.render(translate) for state, text in state_names().items()}
        titles = {o.id: o.title for o in last.objectives}
        recorded = self.door.record().bench(bench)[1]
        rows, lint = [], {}
        for outcome in last.result.outcomes:
            available = min(len(outcome.hints), STEPS)
            opened = _opened(outcome, recorded, available)
            rows.append({"id": outcome.id, "title": titles.get(outcome.id, outcome.id),
                         "state": outcome.state, "label": names.get(outcome.state, outcome.state),
                         "evidence": [{"host": e.host, "command": e.command, "output": e.output}
                                      for e in outcome.evidence[:3]]
                         if outcome.state == FAIL else [],
                         "hints": outcome.hints[:opened], "steps": available})
            for finding in outcome.lint:
                lint.setdefault(finding.get("host", ""), []).append(_finding(finding, outcome.id))
        hosts = [h.name for h in self.model.hosts if h.bench == bench]
        return {"made": last.made, "lang": last.lang,
                "summary": heading(last.result, translate),
                "objectives": rows,
                "lint": [{"host": host, "findings": lint.get(host, []),
                          "nothing": _("{host}: nothing to point out",
                                       host=host.upper()).render(translate)}
                         for host in hosts]}

    def class_result(self, lang):
        with self._guard:
            lasts = dict(self._last)
        if not lasts:
            return None
        newest = max(lasts.values(), key=lambda last: last.made)
        record = self.door.record()
        benches = []
        for bench in (b for b in self.model.benches if b in lasts):
            found = copy.deepcopy(lasts[bench].result)
            recorded = record.bench(bench)[1]
            for outcome in found.outcomes:  # an objective fixed since keeps its count
                outcome.hints_shown = max(outcome.hints_shown, recorded.get(outcome.id, 0))
            benches.append(found)
        return ClassResult(self.model.title, str(self.model.source), newest.made, lang,
                           self.door.objectives(lang), benches, newest.seconds)


def _outcome(result, objective):
    return next((o for o in result.outcomes if o.id == objective), None)


def _opened(outcome, recorded, available):
    """The hint steps a bench opened on this objective: the record's (CLI and pages alike),
    never more than there are (none under a PASS)."""
    return min(max(outcome.hints_shown, recorded.get(outcome.id, 0)), available)


def _finding(finding, objective):
    where = finding.get("file", "")
    if finding.get("line"):
        where += f":{finding['line']}"
    return {"where": where, "what": finding.get("what", ""), "why": finding.get("why", ""),
            "fix": finding.get("fix", ""), "code": finding.get("code", ""),
            "objective": objective}
