"""What `check` found, for the classroom's check panel and the instructor's class view.

    The engine is checks/check.py (issue 12): run_check(door, benches, lang) calls its
    check_class(lab, benches, lang, record=record_of(lab)). Without it (an older tree) the
    panel says check is not there, and both pages show the last results/class.json that
    `sudo make check BENCH=all` wrote, if any.

    engine_module()           checks.check if it offers check_class, else None
    check_engine()            its check_class, or None
    run_check(door, benches, lang)  a ClassResult for those benches (the engine's), or None
    merged(stored, checked, benches)  class.json with each bench's last check here
    note_hint(door, bench, objective)   one more hint step in the engine's record
    stored_result(folder)     the ClassResult of folder/class.json, or None
    Hints                     the hints each bench has opened, one step at a time:
        .shown(bench, objective) / .reveal(bench, objective, available) -> how many now
        .applied(result)      a copy of a ClassResult whose hints_shown are the students'
    bench_panel(result, bench, hints, translate)   what the student's panel shows: each
                              objective, its state, and only the hints already opened
"""

import copy
import importlib
from pathlib import Path

from checks.findings import _
from checks.report import read_result, state_names

ENGINE_MODULE = "checks.check"


def engine_module():
    """checks.check, once it offers check_class(lab, benches, lang, record=...); else None."""
    try:
        module = importlib.import_module(ENGINE_MODULE)
    except ImportError:
        return None
    return module if callable(getattr(module, "check_class", None)) else None


def check_engine():
    module = engine_module()
    return None if module is None else module.check_class


def _record(module, door):
    lab = getattr(door, "lab", None)
    finder = getattr(module, "record_of", None)
    return finder(lab) if lab is not None and callable(finder) else None


def run_check(door, benches, lang):
    """The engine's ClassResult for these benches (it remembers, in the lab's run dir, what
    each reached and which hints were opened), or None without an engine."""
    module = engine_module()
    if module is None:
        return None
    return module.check_class(door.lab, list(benches), lang, record=_record(module, door))


def merged(stored, checked, benches):
    """One ClassResult: the last check run here (its objectives, its time), each bench as
    its own last check found it, else as the stored one (class.json) has it; None if there
    is neither. checked: {bench: ClassResult}, the most recent last."""
    results = [r for r in [stored, *checked.values()] if r is not None]
    if not results:
        return None
    found = {b.bench: b for r in results for b in r.benches}  # later results win
    base = copy.copy(list(checked.values())[-1] if checked else stored)
    base.benches = [found[n] for n in benches if n in found]
    return base


def note_hint(door, bench, objective):
    """Tell the engine's record that one more hint step was opened (the class view shows it)."""
    module = engine_module()
    record = _record(module, door) if module is not None else None
    if record is not None and callable(getattr(record, "next_hint", None)):
        record.next_hint(bench, objective)


def stored_result(folder):
    path = Path(folder) / "class.json"
    if not path.is_file():
        return None
    try:
        return read_result(path)
    except (OSError, ValueError):
        return None


class Hints:
    def __init__(self):
        self._shown = {}

    def shown(self, bench, objective):
        return self._shown.get((bench, objective), 0)

    def reveal(self, bench, objective, available, shown=0):
        count = min(max(self.shown(bench, objective), shown) + 1, available)
        self._shown[(bench, objective)] = count
        return count

    def applied(self, result):
        result = copy.deepcopy(result)
        for bench in result.benches:
            for outcome in bench.outcomes:
                outcome.hints_shown = max(outcome.hints_shown,
                                          self.shown(bench.bench, outcome.id))
        return result


def bench_panel(result, bench, hints, translate):
    """JSON-ready: [{id, title, state, label, evidence, hints (opened), more}] for one bench."""
    if result is None:
        return None
    found = next((b for b in result.benches if b.bench == bench), None)
    if found is None:
        return None
    names = {state: text.render(translate) for state, text in state_names().items()}
    titles = {o.id: o.title for o in result.objectives}
    rows = []
    for outcome in found.outcomes:
        opened = max(hints.shown(bench, outcome.id), outcome.hints_shown)
        rows.append({"id": outcome.id, "title": titles.get(outcome.id, outcome.id),
                     "state": outcome.state, "label": names.get(outcome.state, outcome.state),
                     "evidence": [{"host": e.host, "command": e.command, "output": e.output}
                                  for e in outcome.evidence[:3]],
                     "hints": outcome.hints[:opened], "more": len(outcome.hints) > opened,
                     "lint": [f.get("what", "") for f in outcome.lint]})
    return {"made": result.made, "stage": found.stage, "objectives": rows,
            "note": _("The last check of your bench").render(translate)}
