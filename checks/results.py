"""What `check` finds, as data: the contract between the checker (checks/check.py), its
readers (the CLI's text, `--json`, the class view results/class.html and .csv) and the
tests. Every text here is already in the reader's language.

    PASS, FAIL, NOT_YET, BLOCKED    an objective's state on a bench:
        PASS     it holds now
        FAIL     it does not hold, and it should: its stage is the bench's, or before it,
                 or the student has reached an objective after it
        NOT_YET  it does not hold and belongs to what the student has still to do
        BLOCKED  a prerequisite does not hold (`blocked_by` names it): not probed
    Evidence    host, command run, output (cut to what matters)
    Outcome     one objective on one bench: id, state, now (holds now), ever (held once in
                this lab's life), evidence, hints (steps: where to look, which file, what is
                wrong), hints_shown (how many the student opened), reason (a stable code of
                WHY it fails, e.g. "forwarding-off": benches with the same reason are
                grouped in the class view), blocked_by, lint (lint findings, as dicts),
                seconds (how long its probe took; optional, 0 when not probed)
    Objective   id (stable: "routing.forwarding"), title, stage (the class's stage where
                the report does it), requires (ids)
    BenchResult bench, stage (where the bench started), outcomes, seconds
    ClassResult class title and file, made (ISO time), lang, objectives, benches, seconds
    ClassResult.to_json() / ClassResult.from_json(text)
"""

import json
from dataclasses import asdict, dataclass, field

PASS, FAIL, NOT_YET, BLOCKED = "PASS", "FAIL", "NOT YET", "BLOCKED"
STATES = (PASS, FAIL, NOT_YET, BLOCKED)


@dataclass
class Evidence:
    host: str
    command: str
    output: str


@dataclass
class Objective:
    id: str
    title: str
    stage: str
    requires: tuple = ()


@dataclass
class Outcome:
    id: str
    state: str
    now: bool = False
    ever: bool = False
    evidence: list = field(default_factory=list)  # [Evidence]
    hints: list = field(default_factory=list)     # [str], in steps
    hints_shown: int = 0
    reason: str = ""
    blocked_by: str = ""
    lint: list = field(default_factory=list)      # [dict]: lint Findings
    seconds: float = 0.0                          # how long its probe took (0: not probed)


@dataclass
class BenchResult:
    bench: int
    stage: str
    outcomes: list = field(default_factory=list)  # [Outcome], in the objectives' order
    seconds: float = 0.0

    def outcome(self, objective_id):
        return next(o for o in self.outcomes if o.id == objective_id)


@dataclass
class ClassResult:
    title: str
    class_file: str
    made: str
    lang: str
    objectives: list = field(default_factory=list)  # [Objective], in the report's order
    benches: list = field(default_factory=list)      # [BenchResult]
    seconds: float = 0.0

    def to_json(self):
        return json.dumps(asdict(self), indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        objectives = [Objective(**{**o, "requires": tuple(o["requires"])})
                      for o in data.pop("objectives")]
        benches = [BenchResult(**{**b, "outcomes": [
            Outcome(**{**o, "evidence": [Evidence(**e) for e in o["evidence"]]})
            for o in b["outcomes"]]}) for b in data.pop("benches")]
        return cls(**data, objectives=objectives, benches=benches)
