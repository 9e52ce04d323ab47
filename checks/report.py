"""The instructor's view of a class: what `check` found on every bench, as one page.

    write_class_view(result, folder="results") -> (class.html, class.csv, class.json)
                    the page, the gradebook's CSV and result.to_json(), in the ClassResult's
                    language (its `lang`)
    class_page(result) -> str      the page: one row a bench, one column an objective under
                    its stage, a colour and a symbol a state; each cell opens its evidence,
                    hints and lint findings (a <dialog>; without JavaScript, a link to the
                    same block); "Common mistakes" first: each (objective, reason) that
                    FAILs, how many benches and which, the most frequent first; rows grouped
                    by their first FAIL (objective, reason), the largest group first
    class_csv(result) -> str       bench, stage, one column a objective (its state), passed,
                    hints shown
    common_mistakes(result)        [Mistake(objective, reason, benches)], most benches first
    row_groups(result)             [(Mistake or None, [BenchResult])]: the rows' order
    read_result(path)              a ClassResult from a JSON file; BadResult says why not
    serve(folder, port)            results/ over http.server on 127.0.0.1 (port 0: a free one)

    python3 -m checks.report results/class.json       re-renders class.html and class.csv
    python3 -m checks.report --serve [--port N] DIR   serves DIR (make report), prints the
                                                      address of class.html; Ctrl-C stops
Bad input (a missing or unreadable file, no class result, no class.json to serve, a busy
port) is one line on stderr and exit 2. Everything written into the page (the evidence is
shell output) is HTML-escaped.
"""

import argparse
import csv
import functools
import html
import io
import socketserver
import sys
from dataclasses import dataclass
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template

from checks.findings import _
from checks.i18n import language, translator
from checks.results import BLOCKED, FAIL, NOT_YET, PASS, STATES, ClassResult

TEMPLATES = Path(__file__).resolve().parent / "templates"
FILES = ("class.html", "class.csv", "class.json")
HOST = "127.0.0.1"
SYMBOLS = {PASS: "✓", FAIL: "✗", NOT_YET: "·", BLOCKED: "⊘"}
CLASSES = {PASS: "pass", FAIL: "fail", NOT_YET: "notyet", BLOCKED: "blocked"}


def state_names():
    return {PASS: _("PASS"), FAIL: _("FAIL"), NOT_YET: _("NOT YET"), BLOCKED: _("BLOCKED")}


def state_meanings():
    return {PASS: _("the objective holds now"),
            FAIL: _("it does not hold, and it should at this point of the TP"),
            NOT_YET: _("still to do: it comes later in the TP"),
            BLOCKED: _("not checked: an objective it needs fails")}


class BadResult(ValueError):
    pass


@dataclass(frozen=True)
class Mistake:
    objective: object  # Objective
    reason: str
    benches: tuple     # bench numbers, in order


# --- what the page shows, as data ---------------------------------------------------------

def outcome_of(bench, objective_id):
    return next((o for o in bench.outcomes if o.id == objective_id), None)


def common_mistakes(result):
    """Every (objective, reason) FAILing on some bench: most benches first, then the
    objectives' order, then the reason."""
    found = {}
    for bench in result.benches:
        for index, objective in enumerate(result.objectives):
            outcome = outcome_of(bench, objective.id)
            if outcome is not None and outcome.state == FAIL:
                found.setdefault((index, outcome.reason), []).append(bench.bench)
    order = sorted(found, key=lambda key: (-len(found[key]), key[0], key[1]))
    return [Mistake(result.objectives[index], reason, tuple(sorted(found[(index, reason)])))
            for index, reason in order]


def first_failure(result, bench):
    for index, objective in enumerate(result.objectives):
        outcome = outcome_of(bench, objective.id)
        if outcome is not None and outcome.state == FAIL:
            return index, outcome.reason
    return None


def row_groups(result):
    """The rows: benches grouped by their first FAIL (objective, reason), the largest group
    first (then the objectives' order); the benches with no FAIL last. Benches by number
    inside a group."""
    groups = {}
    for bench in sorted(result.benches, key=lambda b: b.bench):
        groups.setdefault(first_failure(result, bench), []).append(bench)
    failing = sorted((key for key in groups if key is not None),
                     key=lambda key: (-len(groups[key]), key[0], key[1]))
    rows = [(Mistake(result.objectives[key[0]], key[1], tuple(b.bench for b in groups[key])),
             groups[key]) for key in failing]
    if None in groups:
        rows.append((None, groups[None]))
    return rows


def passed(bench):
    return sum(1 for o in bench.outcomes if o.state == PASS)


def hints_shown(bench):
    return sum(o.hints_shown for o in bench.outcomes)


def stage_spans(result):
    """[(stage, number of objectives)] of consecutive objectives sharing a stage."""
    spans = []
    for objective in result.objectives:
        if spans and spans[-1][0] == objective.stage:
            spans[-1][1] += 1
        else:
            spans.append([objective.stage, 1])
    return [tuple(span) for span in spans]


def when(made, lang):
    """The time the check was made, as the reader writes it (the ISO text if unreadable)."""
    try:
        moment = datetime.fromisoformat(made)
    except (TypeError, ValueError):
        return str(made)
    return moment.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")


# --- the page ------------------------------------------------------------------------------

def esc(value):
    return html.escape(str(value), quote=True)


class Page:
    """The words of one language, and the HTML of the pieces of the page."""

    def __init__(self, result):
        self.result = result
        self.lang = result.lang if result.lang in ("en", "fr") else "en"
        self.translate = translator(self.lang)
        self.names = {state: text.render(self.translate) for state, text in state_names().items()}
        firsts, seen = set(), None
        for index, objective in enumerate(result.objectives):
            if objective.stage != seen:
                firsts.add(index)
                seen = objective.stage
        self.stage_starts = firsts

    def say(self, text):
        return esc(text.render(self.translate))

    def objective_label(self, objective):
        return f"{esc(objective.title)} <code>{esc(objective.id)}</code>"

    def reason(self, reason):
        return f"<code>{esc(reason)}</code>" if reason else "—"

    # the cells' details
    def detail_id(self, bench, index):
        return f"d-{int(bench.bench)}-{index}"

    def cell(self, bench, index, objective):
        outcome = outcome_of(bench, objective.id)
        start = " start" if index in self.stage_starts else ""
        if outcome is None:
            return f'<td class="cell none{start}">?</td>'
        state = outcome.state
        tip = f"{self.say(_('Bench'))} {bench.bench} · {objective.id} — {self.names[state]}"
        if state == FAIL and outcome.reason:
            tip += f" ({outcome.reason})"
        if state == BLOCKED and outcome.blocked_by:
            tip += f" ({outcome.blocked_by})"
        target = self.detail_id(bench, index)
        return (f'<td class="cell {CLASSES[state]}{start}"><a href="#{target}" '
                f'data-detail="{target}" title="{esc(tip)}" '
                f'aria-label="{esc(tip)}">{SYMBOLS[state]}</a></td>')

    def badge(self, state):
        return (f'<span class="badge {CLASSES[state]}">{SYMBOLS[state]} '
                f'{esc(self.names[state])}</span>')

    def detail(self, bench, index, objective):
        outcome = outcome_of(bench, objective.id)
        if outcome is None:
            return ""
        yes, no = self.say(_("yes")), self.say(_("no"))
        facts = [(self.say(_("Holds now")), yes if outcome.now else no),
                 (self.say(_("Reached once")), yes if outcome.ever else no)]
        if outcome.reason:
            facts.append((self.say(_("Reason")), self.reason(outcome.reason)))
        if outcome.state == BLOCKED and outcome.blocked_by:
            needed = next((o for o in self.result.objectives if o.id == outcome.blocked_by), None)
            facts.append((self.say(_("Blocked by")), self.objective_label(needed) if needed
                          else f"<code>{esc(outcome.blocked_by)}</code>"))
        parts = [f'<section class="detail" id="{self.detail_id(bench, index)}">',
                 (f'<h3><span class="where">{self.say(_("Bench"))} {esc(bench.bench)} · '
                  f'{esc(objective.stage)}</span> {self.objective_label(objective)}</h3>'),
                 f'<p class="state">{self.badge(outcome.state)}</p>',
                 ('<dl class="facts">' + "".join(f"<dt>{term}</dt><dd>{value}</dd>"
                                                  for term, value in facts) + "</dl>")]
        parts.append(f'<h4>{self.say(_("Evidence"))}</h4>')
        if outcome.evidence:
            for evidence in outcome.evidence:
                parts.append(f'<div class="evidence"><p class="command"><span class="host">'
                             f'{esc(evidence.host)}</span># <code>{esc(evidence.command)}</code>'
                             f'</p><pre>{esc(evidence.output)}</pre></div>')
        else:
            parts.append(f'<p class="empty">{self.say(_("No evidence recorded."))}</p>')
        if outcome.hints:
            parts.append(f'<h4>{self.say(_("Hints"))}</h4><ol class="hints">')
            for step, hint in enumerate(outcome.hints, 1):
                opened = step <= outcome.hints_shown
                mark = self.say(_("opened by the student") if opened else _("not opened"))
                parts.append(f'<li class="{"opened" if opened else "closed"}">{esc(hint)} '
                             f'<span class="seen">{mark}</span></li>')
            parts.append("</ol>")
        if outcome.lint:
            parts.append(f'<h4>{self.say(_("What lint finds in the files"))}</h4><ul class="lint">')
            for finding in outcome.lint:
                where = finding.get("file", "")
                if finding.get("line"):
                    where += f":{finding['line']}"
                parts.append(
                    f'<li><code>{esc(where)}</code> {esc(finding.get("what", ""))}'
                    f'<br>{self.say(_("why: {text}", text=finding.get("why", "")))}'
                    f'<br>{self.say(_("fix: {text}", text=finding.get("fix", "")))}</li>')
            parts.append("</ul>")
        parts.append("</section>")
        return "".join(parts)

    # the sections
    def meta(self):
        result = self.result
        items = [(_("Checked"), esc(when(result.made, self.lang))),
                 (_("Class file"), f"<code>{esc(result.class_file)}</code>"),
                 (_("Benches"), esc(len(result.benches))),
                 (_("Duration"), esc(f"{result.seconds:.1f} s"))]
        return "".join(f"<div><dt>{self.say(term)}</dt><dd>{value}</dd></div>"
                       for term, value in items)

    def legend(self):
        meanings = state_meanings()
        return "".join(f"<li>{self.badge(state)} {self.say(meanings[state])}</li>"
                       for state in STATES)

    def mistakes(self):
        found = common_mistakes(self.result)
        if not found:
            return f'<p class="none">{self.say(_("No bench fails an objective."))}</p>'
        rows = []
        for mistake in found:
            index = self.result.objectives.index(mistake.objective)
            links = ", ".join(self.fail_link(number, index) for number in mistake.benches)
            rows.append(f'<tr><td class="count">{len(mistake.benches)}</td>'
                        f'<td>{self.objective_label(mistake.objective)}</td>'
                        f'<td>{self.reason(mistake.reason)}</td>'
                        f'<td class="which">{links}</td></tr>')
        intro = _("Each objective that fails and why, with its benches, the most frequent "
                  "first. Click a bench to see what was found there.")
        return (f'<p class="intro">{self.say(intro)}</p>'
                f'<table class="mistakes"><thead><tr><th>{self.say(_("Number of benches"))}</th>'
                f'<th>{self.say(_("Objective"))}</th><th>{self.say(_("Reason"))}</th>'
                f'<th>{self.say(_("Benches"))}</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')

    def fail_link(self, number, index):
        bench = next(b for b in self.result.benches if b.bench == number)
        target = self.detail_id(bench, index)
        return f'<a href="#{target}" data-detail="{target}">{esc(number)}</a>'

    def grid(self):
        result = self.result
        width = len(result.objectives) + 4
        groups = "".join(f'<th colspan="{count}" scope="colgroup" class="stage">{esc(stage)}</th>'
                         for stage, count in stage_spans(result))
        fixed = (f'<th rowspan="2" scope="col" class="bench">{self.say(_("Bench"))}</th>'
                 f'<th rowspan="2" scope="col" class="stagecol">{self.say(_("Stage"))}</th>')
        tail = (f'<th rowspan="2" scope="col" class="num">{self.say(_("Passed"))}</th>'
                f'<th rowspan="2" scope="col" class="num">{self.say(_("Hints opened"))}</th>')
        heads = "".join(f'<th scope="col" class="objective{" start" * (i in self.stage_starts)}"'
                        f' title="{esc(o.title)} ({esc(o.id)})"><span>{esc(o.title)}</span></th>'
                        for i, o in enumerate(result.objectives))
        colgroups = ('<colgroup span="2"></colgroup>'
                     + "".join(f'<colgroup span="{count}" class="stage"></colgroup>'
                               for _stage, count in stage_spans(result))
                     + '<colgroup span="2"></colgroup>')
        body = []
        for mistake, benches in row_groups(result):
            if mistake is None:
                label = self.say(_("No failure"))
            else:
                label = (f'{self.say(_("First failure:"))} '
                         f'{self.objective_label(mistake.objective)}'
                         f' — {self.reason(mistake.reason)}')
            body.append(f'<tbody><tr class="group"><th colspan="{width}" scope="rowgroup">'
                        f'{label} <span class="size">{self.say(_("benches:"))} '
                        f'{len(benches)}</span></th></tr>')
            for bench in benches:
                cells = "".join(self.cell(bench, index, objective)
                                for index, objective in enumerate(result.objectives))
                body.append(f'<tr id="bench-{int(bench.bench)}"><th scope="row" class="bench">'
                            f'{esc(bench.bench)}</th><td class="stagecol">{esc(bench.stage)}</td>'
                            f'{cells}<td class="num">{passed(bench)}/{len(result.objectives)}</td>'
                            f'<td class="num">{hints_shown(bench)}</td></tr>')
            body.append("</tbody>")
        return (f'<table class="grid">{colgroups}<thead><tr>{fixed}{groups}{tail}</tr>'
                f'<tr>{heads}</tr></thead>{"".join(body)}</table>')

    def details(self):
        return "".join(self.detail(bench, index, objective)
                       for bench in sorted(self.result.benches, key=lambda b: b.bench)
                       for index, objective in enumerate(self.result.objectives))

    def render(self):
        skeleton = Template((TEMPLATES / "class.html").read_text(encoding="utf-8"))
        return skeleton.substitute(
            lang=esc(self.lang),
            title=esc(self.result.title),
            view=self.say(_("Class view")),
            style=(TEMPLATES / "class.css").read_text(encoding="utf-8"),
            script=(TEMPLATES / "class.js").read_text(encoding="utf-8"),
            meta=self.meta(),
            legend_title=self.say(_("Legend")),
            legend=self.legend(),
            mistakes_title=self.say(_("Common mistakes")),
            mistakes=self.mistakes(),
            grid_title=self.say(_("The benches, grouped by their first failure")),
            grid=self.grid(),
            details_title=self.say(_("What was found on each bench")),
            details=self.details(),
            close=self.say(_("Close")))


def class_page(result):
    return Page(result).render()


# --- the gradebook ------------------------------------------------------------------------

def class_csv(result):
    translate = translator(result.lang if result.lang in ("en", "fr") else "en")
    names = {state: text.render(translate) for state, text in state_names().items()}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Bench").render(translate), _("Stage").render(translate)]
                    + [o.id for o in result.objectives]
                    + [_("Passed").render(translate), _("Hints opened").render(translate)])
    for bench in sorted(result.benches, key=lambda b: b.bench):
        states = []
        for objective in result.objectives:
            outcome = outcome_of(bench, objective.id)
            states.append("" if outcome is None else names[outcome.state])
        writer.writerow([bench.bench, bench.stage, *states, passed(bench), hints_shown(bench)])
    return out.getvalue()


# --- files --------------------------------------------------------------------------------

def check_result(result):
    """A ClassResult the page can show: known states, benches that are numbers."""
    if not isinstance(result.objectives, list) or not isinstance(result.benches, list):
        raise BadResult("objectives and benches are lists")
    for bench in result.benches:
        if not isinstance(bench.bench, int):
            raise BadResult(f"bench {bench.bench!r} is not a number")
        for outcome in bench.outcomes:
            if outcome.state not in STATES:
                raise BadResult(f"bench {bench.bench}: unknown state {outcome.state!r}")
    return result


def read_result(path):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OSError(getattr(error, "strerror", None) or str(error)) from error
    try:
        return check_result(ClassResult.from_json(text))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise BadResult(str(error) or type(error).__name__) from error


def write_pages(result, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    page, table = folder / FILES[0], folder / FILES[1]
    page.write_text(class_page(result), encoding="utf-8")
    table.write_text(class_csv(result), encoding="utf-8", newline="")
    return page, table


def write_class_view(result, folder="results"):
    """results/class.html, class.csv and class.json (result.to_json()): their paths."""
    check_result(result)
    page, table = write_pages(result, folder)
    data = Path(folder) / FILES[2]
    data.write_text(result.to_json() + "\n", encoding="utf-8")
    return page, table, data


# --- serving ------------------------------------------------------------------------------

class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the terminal stays quiet
        pass


class LocalServer(ThreadingHTTPServer):
    def server_bind(self):  # no reverse lookup of 127.0.0.1 (HTTPServer's getfqdn)
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def open_server(folder, port=0):
    """A server of `folder` bound to 127.0.0.1:port (0: a free port); OSError if busy."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    return LocalServer((HOST, port), handler)


def page_url(server):
    return f"http://{HOST}:{server.server_address[1]}/{FILES[0]}"


# --- command line -------------------------------------------------------------------------

class Stop(Exception):
    """One line for stderr, exit 2."""


def fail(translate, text):
    raise Stop(text.render(translate))


def rendered(path, translate):
    try:
        result = read_result(path)
    except BadResult as error:
        fail(translate, _("{path} is not a class result: {reason}", path=path, reason=error))
    except OSError as error:
        fail(translate, _("cannot read {path}: {reason}", path=path, reason=error))
    return write_pages(result, Path(path).parent)


def serve(folder, port, translate, say=print):
    folder = Path(folder)
    data, page = folder / FILES[2], folder / FILES[0]
    if not data.is_file():
        fail(translate, _("no {path}: run sudo make check BENCH=all first", path=data))
    if not page.is_file() or page.stat().st_mtime < data.stat().st_mtime:
        rendered(data, translate)
    try:
        server = open_server(folder, port)
    except OSError as error:
        fail(translate, _("cannot serve on {address}: {reason}", address=f"{HOST}:{port}",
                          reason=error.strerror or error))
    with server:
        say(_("the class view: {address} (Ctrl-C stops)",
              address=page_url(server)).render(translate))
        sys.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise Stop(f"{message} (see --help)")


def port_number(text):
    port = int(text)
    if not 0 <= port <= 65535:
        raise ValueError(text)
    return port


def main(argv=None):
    parser = Parser(prog="python3 -m checks.report",
                    description="the instructor's view of a class")
    parser.add_argument("path", nargs="?", default=None,
                        help="a class.json to render again; with --serve, the folder to serve "
                             "(default results)")
    parser.add_argument("--serve", action="store_true",
                        help="serve the folder on 127.0.0.1 and print the page's address")
    parser.add_argument("--port", default="0", help="with --serve: the port (0: a free one)")
    translate = translator(language(None))
    try:
        args = parser.parse_args(argv)
        if args.serve:
            try:
                port = port_number(args.port)
            except ValueError:
                fail(translate, _("cannot serve on {address}: {reason}",
                                  address=f"{HOST}:{args.port}", reason="port 0-65535"))
            return serve(args.path or "results", port, translate)
        if args.path is None:
            fail(translate, _("a class.json to render, or --serve (see --help)"))
        for path in rendered(args.path, translate):
            print(path)
        return 0
    except Stop as stop:
        line = " ".join(str(stop).split())
        print(line if line.startswith("report: ") else f"report: {line}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
