"""check: the running lab against the class model, objective by objective (issue 12).

    check_bench(lab, bench, lang=None, record=None, shown=False, workers=None) -> BenchResult
        lab: the running Lab (the CLI's) or an AttachedLab (another terminal). Every probe
        whose prerequisites hold runs at once (workers: how many at a time; 1 runs them one
        after another); lint reads every host of the bench. record: a CheckRecord (the
        objectives reached once, the hints shown), updated; shown: the student reads this
        result (each FAIL's first hint counts as shown)
    check_class(lab, benches, lang=None, record=None) -> ClassResult: a thread a bench, the
        hosts' agents shared
    objective_defs(model)     the ObjectiveDefs, in the report's order
    record_of(lab)            the CheckRecord in the lab's run dir (check.json)
    measure_check(lab, benches=None, repeat=3) -> {"bench": s, "bench_sequential": s,
        "class": s, "benches": n}: medians of one bench (the last), the same probes one
        after another, and the whole class in parallel (for `make bench`)
    CheckError     bad input or a host that cannot be read: one line, exit 2

Probes never change the student's configuration; their mails are removed once seen
(checks/agent.py), and a mail still queued when a probe gives up is deleted. Each host's
probes run through one agent process there, ended with the check.
"""

import statistics
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import datetime

from checks import probes_dns, probes_mail, probes_net
from checks.context import Agents, BenchContext
from checks.findings import _
from checks.i18n import language, translator
from checks.inside import Unreadable
from checks.lint_live import as_dict, home_of, lint_live
from checks.objectives import LINT, as_objective, due, objectives, stage_of
from checks.record import FILE, CheckRecord
from checks.results import BLOCKED, FAIL, PASS, BenchResult, ClassResult, Evidence, Outcome
from checks.states import Verdict, decide, gates
from lab.base.errors import UsageError

PROBES = {"routing.addresses": probes_net.addresses, "routing.forwarding": probes_net.forwarding,
          "dns.resolver": probes_dns.resolver, "dns.answers": probes_dns.answers,
          "mail.postfix": probes_mail.postfix, "mail.account": probes_mail.account,
          "mail.aliases": probes_mail.aliases, "mail.label": probes_mail.label,
          "mail.local": probes_mail.local, "mail.neighbour": probes_mail.neighbour,
          "mail.bounce": probes_mail.bounce, "mail.relay": probes_mail.relay,
          "dns.zones": probes_dns.zones, "dns.secondary": probes_dns.secondary,
          "dns.access": probes_dns.access}


class CheckError(UsageError):
    """One line for the user, exit 2: bad input, or a host whose files cannot be read."""


def objective_defs(model):
    return objectives(model)


def record_of(lab):
    return CheckRecord(lab.rundir.path / FILE)


# --- probing ---------------------------------------------------------------------------------

class Probing:
    """One bench's probes, each started once the objectives it needs hold."""

    def __init__(self, ctx, defs, lang, workers=None):
        self.ctx, self.defs, self.lang = ctx, defs, lang
        self.workers = workers or len(defs)
        self.findings = {}  # objective id -> [lint finding dicts]
        self.failure = None

    def read_first(self):
        """Every bench host's files, read before any probe: a host that stopped or a file
        that cannot be read is bad input, found before anything is sent."""
        hosts = self.ctx.roles.hosts
        with ThreadPoolExecutor(len(hosts)) as pool:
            for future in [pool.submit(lambda h: self.ctx.reader(h.name).check_readable(), h)
                           for h in hosts]:
                try:
                    future.result()
                except Unreadable as error:
                    raise CheckError(str(error.strerror or error)) from None
                except UsageError as error:
                    raise CheckError(str(error)) from None

    def run(self):
        self.read_first()
        needed = gates(self.defs)
        verdicts, pending, running = {}, list(self.defs), {}
        with ThreadPoolExecutor(self.workers) as pool:
            while pending or running:
                for defn in list(pending):
                    if not all(g in verdicts for g in needed[defn.id]):
                        continue
                    pending.remove(defn)
                    if all(verdicts[g] is not None and verdicts[g].holds
                           for g in needed[defn.id]):
                        running[pool.submit(self.probe, defn)] = defn
                    else:
                        verdicts[defn.id] = None
                if not running:
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    verdicts[running.pop(future).id] = future.result()
        if self.failure is not None:
            raise self.failure
        return verdicts

    def probe(self, defn):
        began = time.monotonic()
        verdict = self._probe(defn)
        verdict.seconds = round(time.monotonic() - began, 3)
        return verdict

    def _probe(self, defn):
        try:
            if defn.id == LINT:
                return self.lint()
            return PROBES[defn.id](self.ctx)
        except Unreadable as error:
            self.failure = CheckError(str(error.strerror or error))
            return Verdict(False)
        except UsageError as error:  # a host that stopped (reboot, halt)
            self.failure = CheckError(str(error))
            return Verdict(False)
        except Exception as error:  # a probe's own failure is its verdict, never a crash
            where = traceback.extract_tb(error.__traceback__)[-1]
            text = f"{type(error).__name__}: {error} ({where.name}:{where.lineno})"
            return Verdict(False, [Evidence("", "check", text)], "probe-error",
                           _("the check itself failed here: {text}", text=text))

    def lint(self):
        ids = {d.id for d in self.defs}
        hosts = self.ctx.roles.hosts
        with ThreadPoolExecutor(len(hosts)) as pool:
            found = list(pool.map(lambda h: lint_live(self.ctx, h.name, self.lang), hosts))
        for host, findings in zip(hosts, found):
            for finding in findings:
                home = home_of(finding.code, ids)
                self.findings.setdefault(home, []).append(as_dict(host.name, finding))
        own = self.findings.get(LINT, [])
        if own:
            first = own[0]
            return Verdict(False, [], "lint", _("{where}: {text}", where=_where(first),
                                                 text=first["what"]))
        return Verdict(True)


def _where(finding):
    line = f":{finding['line']}" if finding.get("line") else ""
    return f"{finding['host']}:{finding['file']}{line}"


# --- one bench -------------------------------------------------------------------------------

def check_bench(lab, bench, lang=None, record=None, shown=False, workers=None, agents=None):
    began = time.monotonic()
    lang = language(lang)
    translate = translator(lang)
    ctx = BenchContext(lab, bench, agents, record)
    model, plan = ctx.model, ctx.plan
    defs = objectives(model)
    probing = Probing(ctx, defs, lang, workers)
    try:
        verdicts = probing.run()
    finally:
        ctx.close()
    reached, hints = record.bench(bench) if record else (set(), {})
    states = decide(defs, verdicts, {d.id: due(d, model, plan, bench) for d in defs}, reached,
                    {d.id: -1 if d.last else stage_of(model, d).index for d in defs})
    if record:
        passed = [i for i, (state, _b) in states.items() if state == PASS]
        failed = {i: 1 for i, (state, _b) in states.items() if state == FAIL} if shown else {}
        reached, hints = record.update(bench, passed, failed)
    outcomes = [_outcome(d, verdicts.get(d.id), states[d.id], d.id in reached,
                         hints.get(d.id, 0), probing.findings.get(d.id, []), translate)
                for d in defs]
    stage = plan.stage_of(ctx.roles.server).name
    return BenchResult(bench, stage, outcomes, round(time.monotonic() - began, 3))


def _outcome(defn, verdict, decided, reached, shown, lint, translate):
    state, blocked_by = decided
    now = verdict is not None and verdict.holds
    probed = verdict is not None and state != BLOCKED
    hints = []
    if state != PASS:
        hints = [step.render(translate) for step in defn.hints]
        if probed and verdict.detail is not None:
            hints.append(verdict.detail.render(translate))
        elif state == BLOCKED:
            hints.append(_("First {id}: this objective needs it, and it does not hold.",
                           id=blocked_by).render(translate))
        else:
            hints.append(_("First {id}, still to do: this objective comes after it.",
                           id=blocked_by or "-").render(translate))
    return Outcome(defn.id, state, now=now, ever=reached or now,
                   evidence=list(verdict.evidence) if probed else [],
                   hints=hints, hints_shown=shown, reason=verdict.reason if probed and not now
                   else "", blocked_by=blocked_by if state == BLOCKED else "", lint=list(lint),
                   seconds=verdict.seconds if probed else 0.0)


# --- a class ---------------------------------------------------------------------------------

def check_class(lab, benches, lang=None, record=None, shown=False, workers=None):
    began = time.monotonic()
    lang = language(lang)
    translate = translator(lang)
    model = lab.model
    results, errors = {}, []
    agents = Agents(lab)

    def one(bench):
        try:
            results[bench] = check_bench(lab, bench, lang, record, shown, workers, agents)
        except CheckError as error:
            errors.append(error)
    threads = [threading.Thread(target=one, args=(b,), name=f"check-{b}") for b in benches]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        agents.close()
    if errors:
        raise errors[0]
    return ClassResult(model.title, str(model.source), datetime.now().astimezone().isoformat(
        timespec="seconds"), lang, [as_objective(model, d, translate) for d in objectives(model)],
        [results[b] for b in benches], round(time.monotonic() - began, 3))


def measure_check(lab, benches=None, repeat=3, lang="en"):
    """Seconds (medians of `repeat`): the last bench, its probes one after another, and
    `benches` (default: the whole class) checked in parallel. Nothing is recorded."""
    benches = list(benches or lab.model.benches)
    last = lab.model.benches[-1]

    def timed(action):
        began = time.monotonic()
        action()
        return time.monotonic() - began
    one = [timed(lambda: check_bench(lab, last, lang)) for _ in range(repeat)]
    sequential = [timed(lambda: check_bench(lab, last, lang, workers=1)) for _ in range(repeat)]
    whole = [timed(lambda: check_class(lab, benches, lang)) for _ in range(repeat)]
    return {"bench": statistics.median(one), "bench_sequential": statistics.median(sequential),
            "class": statistics.median(whole), "benches": len(benches)}

