"""check's text, as the student reads it in a terminal, in French or English.

    bench_text(result, objectives, translate, host)   one bench: a heading, then one line an
        objective (STATE  id  title); under a FAIL its evidence (the command, its output cut
        and indented) and the hints shown so far (at least the first), the command that
        shows the next one; under any objective, what lint finds in its files
    hint_text(result, objectives, objective_id, translate, host)   one objective's line and
        every hint step shown so far
    lint_text(host, findings, translate)              lint's findings on one host
    state_label(outcome, translate)                  "PASS", "ÉCHEC", ...
"""

from checks.findings import _
from checks.results import BLOCKED, FAIL, NOT_YET, PASS

INDENT = "    "


def state_names():
    return {PASS: _("PASS"), FAIL: _("FAIL"), NOT_YET: _("NOT YET"), BLOCKED: _("BLOCKED")}


def state_label(outcome, translate):
    return state_names()[outcome.state].render(translate)


def _width(result, translate):
    return max(len(t.render(translate)) for t in state_names().values()) + 2


def heading(result, translate):
    counts = {state: sum(o.state == state for o in result.outcomes)
              for state in (PASS, FAIL, NOT_YET, BLOCKED)}
    names = {state: text.render(translate) for state, text in state_names().items()}
    summary = ", ".join(f"{counts[s]} {names[s]}" for s in (PASS, FAIL, NOT_YET, BLOCKED)
                        if counts[s])
    return _("Bench {bench}, stage {stage}: {summary} ({seconds} s)", bench=result.bench,
             stage=result.stage, summary=summary,
             seconds=f"{result.seconds:.1f}").render(translate)


def objective_line(outcome, objective, translate, width):
    line = f"{state_label(outcome, translate):<{width}}{outcome.id:<20}{objective.title}"
    if outcome.state == BLOCKED and outcome.blocked_by:
        line += "  " + _("(blocked by {id})", id=outcome.blocked_by).render(translate)
    return line


def evidence_lines(outcome):
    lines = []
    for evidence in outcome.evidence:
        prompt = f"{evidence.host}# " if evidence.host else ""
        lines.append(f"{INDENT}{prompt}{evidence.command}")
        lines += [f"{INDENT}  {line}" for line in evidence.output.splitlines()]
    return lines


def hint_lines(outcome, translate, host, steps):
    lines = []
    count = len(outcome.hints)
    for step in range(1, min(steps, count) + 1):
        lines.append(INDENT + _("hint {step}/{steps}: {text}", step=step, steps=count,
                                text=outcome.hints[step - 1]).render(translate))
    if steps < count:
        lines.append(INDENT + _("next hint: check {host} --hint {id}", host=host,
                                id=outcome.id).render(translate))
    return lines


def lint_lines(outcome, translate):
    return [INDENT + _("lint: {where}: {text}", where=_where(f), text=f["what"]).render(translate)
            for f in outcome.lint]


def _where(finding):
    line = f":{finding['line']}" if finding.get("line") else ""
    return f"{finding['host']}:{finding['file']}{line}"


def bench_text(result, objectives, translate, host):
    width = _width(result, translate)
    titles = {o.id: o for o in objectives}
    lines = [heading(result, translate)]
    for outcome in result.outcomes:
        lines.append(objective_line(outcome, titles[outcome.id], translate, width))
        if outcome.state == FAIL:
            lines += evidence_lines(outcome)
            lines += hint_lines(outcome, translate, host, max(1, outcome.hints_shown))
        elif outcome.hints_shown and outcome.state != PASS:
            lines += hint_lines(outcome, translate, host, outcome.hints_shown)
        lines += lint_lines(outcome, translate)
    return "\n".join(lines)


def hint_text(result, objectives, objective_id, translate, host):
    width = _width(result, translate)
    outcome = result.outcome(objective_id)
    objective = next(o for o in objectives if o.id == objective_id)
    lines = [objective_line(outcome, objective, translate, width)]
    if outcome.state == PASS:
        lines.append(INDENT + _("It holds now: no hint needed.").render(translate))
        return "\n".join(lines)
    if outcome.state == FAIL:
        lines += evidence_lines(outcome)
    return "\n".join(lines + hint_lines(outcome, translate, host, outcome.hints_shown))


def lint_text(host, findings, translate):
    if not findings:
        return _("{host}: nothing to point out", host=host).render(translate)
    blocks = []
    for finding in findings:
        blocks.append("\n".join([
            f"{host}:{finding.where}: {finding.what}",
            "  " + _("why: {text}", text=finding.why).render(translate),
            "  " + _("fix: {text}", text=finding.fix).render(translate)]))
    return "\n\n".join(blocks)
