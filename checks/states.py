"""From what the probes saw to each objective's state (pure: no lab, no root).

    Verdict(holds, evidence, reason, detail)   what one probe saw: holds now or not, the
                     Evidence, a stable reason code for what is wrong ("forwarding-off"),
                     and detail: step 3 of the hints, what exactly is wrong (a Text)
    gates(defs)      {id: the objectives that must hold before its probe runs}: its
                     prerequisites, through those marked speculative (probed side by side)
    decide(defs, verdicts, due, reached, stages) -> {id: (state, which)}
        verdicts {id: Verdict, or None when the probe did not run}; due {id: its stage is
        the bench's or before}; reached: ids held once in this lab's life; stages {id:
        the index of its stage}. In order:
          a prerequisite FAIL or BLOCKED   -> BLOCKED (which: the one that FAILs)
          a prerequisite NOT YET           -> NOT YET (which: that prerequisite)
          holds                            -> PASS
          due, or an objective of a later stage was reached once -> FAIL
          else                             -> NOT YET
"""

from dataclasses import dataclass, field

from checks.results import BLOCKED, FAIL, NOT_YET, PASS


@dataclass
class Verdict:
    holds: bool
    evidence: list = field(default_factory=list)
    reason: str = ""
    detail: object = None  # a findings.Text: step 3 of the hints
    seconds: float = 0.0   # how long the probe took


def gates(defs):
    by_id = {d.id: d for d in defs}
    found = {}
    for d in defs:
        wanted = []
        for required in d.requires:
            if required not in by_id:
                continue
            wanted += found[required] if by_id[required].speculative else [required]
        found[d.id] = tuple(dict.fromkeys(wanted))
    return found


def decide(defs, verdicts, due, reached, stages):
    states = {}
    ids = [d.id for d in defs]
    for index, d in enumerate(defs):
        verdict = verdicts.get(d.id)
        holds = verdict is not None and verdict.holds
        required = [r for r in d.requires if r in states]
        blocker = next((r for r in required if states[r][0] in (FAIL, BLOCKED)), None)
        waiting = next((r for r in required if states[r][0] == NOT_YET), None)
        if blocker:
            states[d.id] = (BLOCKED, states[blocker][1] if states[blocker][0] == BLOCKED
                            else blocker)
        elif waiting:
            states[d.id] = (NOT_YET, waiting)
        elif holds:
            states[d.id] = (PASS, "")
        elif verdict is None:  # not probed, with every prerequisite passing: cannot be
            states[d.id] = (BLOCKED, required[0] if required else "")
        else:
            later = any((other in reached or _holds(verdicts, other))
                        and stages[other] > stages[d.id] for other in ids[index + 1:])
            states[d.id] = (FAIL if due[d.id] or later else NOT_YET, "")
    return states


def _holds(verdicts, objective_id):
    verdict = verdicts.get(objective_id)
    return verdict is not None and verdict.holds
