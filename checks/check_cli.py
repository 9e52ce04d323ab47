"""The words of `check` and `lint`, in the lab's CLI and from another terminal
(`python3 -m lab check|lint`, `make check`): parsing, what they print, what they write.

    check [BENCH|HOST|all] [--json] [--lang fr|en] [--hint ID]
        BENCH or HOST: that bench (default: the bench at a stage, else the class's last);
        all: every bench in parallel, and the class view under results/ (class.json, and
        class.html and class.csv through checks/report.py). --json prints the ClassResult;
        --hint ID shows the next hint step of one objective, and records it.
    lint HOST [--lang fr|en]    lint's findings on HOST's files, read inside the live host

    check_command(lab, words, say=print, results="results") -> exit code: 0 when nothing
        FAILs or is BLOCKED, 1 otherwise
    lint_command(lab, words, say=print) -> exit code: 0 without findings, 1 with
    Bad input (an unknown bench, host or objective, --lang xx, a host whose files cannot be
    read) raises CheckError (a UsageError): one line, exit 2, nothing recorded.
"""

import argparse
from pathlib import Path

from checks.check import CheckError, check_class, record_of
from checks.context import BenchContext
from checks.findings import _
from checks.i18n import LANGUAGES, LanguageError, language, translator
from checks.inside import Unreadable
from checks.lint_live import lint_live
from checks.objectives import objectives
from checks.render import bench_text, hint_text, lint_text
from checks.results import BLOCKED, FAIL, PASS
from lab.base.errors import UsageError

ALL = "all"


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise CheckError(message)


def check_parser():
    parser = Parser(prog="check", add_help=False)
    parser.add_argument("target", nargs="?")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--lang")
    parser.add_argument("--hint")
    return parser


def lint_parser():
    parser = Parser(prog="lint", add_help=False)
    parser.add_argument("host", nargs="?")
    parser.add_argument("--lang")
    return parser


def chosen_language(choice):
    try:
        return language(choice)
    except LanguageError:
        raise CheckError(_("--lang {lang}: no such language (known: {known})", lang=choice,
                           known=", ".join(LANGUAGES)).render(translator(language(None)))
                         ) from None


def benches_of(lab, target, translate):
    """The benches a target names: a bench, a host's bench, all; default: the bench at a
    stage, else the class's last."""
    model = lab.model
    if target is None:
        plan = lab.plan
        return [plan.benches[-1] if plan.benches else model.benches[-1]]
    if target == ALL:
        return list(model.benches)
    if target.isdigit():
        if int(target) in model.benches:
            return [int(target)]
        raise CheckError(_("no bench {bench} in this class (benches: {known})",
                                       bench=target, known=", ".join(map(str, model.benches))
                                       ).render(translate))
    if target in model.names():
        bench = model.host(target).bench
        if bench is None:
            raise CheckError(_("{host} belongs to no bench: name a bench or one "
                                           "of its machines", host=target).render(translate))
        return [bench]
    raise CheckError(_("no bench or host {name} in this class (benches: {known}; "
                                   "or a host, or all)", name=target,
                                   known=", ".join(map(str, model.benches))).render(translate))


def check_command(lab, words, say=print, results="results"):
    args = check_parser().parse_args(words)
    lang = chosen_language(args.lang)
    translate = translator(lang)
    benches = benches_of(lab, args.target, translate)
    defs = objectives(lab.model)
    if args.hint is not None:
        if len(benches) != 1:
            raise CheckError(_("--hint needs one bench or host").render(translate))
        if args.hint not in [d.id for d in defs]:
            raise CheckError(_("no objective {id} (objectives: {known})",
                                           id=args.hint, known=", ".join(d.id for d in defs)
                                           ).render(translate))
    record = record_of(lab)
    single_text = len(benches) == 1 and not args.json and args.hint is None
    result = check_class(lab, benches, lang, record, shown=single_text)
    host = lab.model.server(benches[0]).name
    if args.hint is not None:
        bench = result.benches[0]
        outcome = bench.outcome(args.hint)
        if outcome.state != PASS:
            outcome.hints_shown = record.next_hint(benches[0], args.hint)
        say(hint_text(bench, result.objectives, args.hint, translate, host))
    elif args.json:
        say(result.to_json())
    else:
        say("\n\n".join(bench_text(b, result.objectives, translate,
                                   lab.model.server(b.bench).name) for b in result.benches))
    if args.target == ALL:
        for path in write_class(result, results):
            if not args.json:
                say(_("wrote {path}", path=path).render(translate))
    failing = any(o.state in (FAIL, BLOCKED) for b in result.benches for o in b.outcomes)
    return 1 if failing else 0


def write_class(result, folder):
    """results/class.json, and the class view when checks/report.py can write it."""
    try:
        from checks.report import write_class_view
    except ImportError:
        path = Path(folder) / "class.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.to_json())
        return [path]
    return list(write_class_view(result, folder))


def lint_command(lab, words, say=print):
    args = lint_parser().parse_args(words)
    lang = chosen_language(args.lang)
    translate = translator(lang)
    model = lab.model
    if args.host is None:
        raise CheckError(_("name a host: lint HOST (hosts: {hosts})",
                                      hosts=", ".join(model.names())).render(translate))
    if args.host not in model.names():
        raise CheckError(_("no host {host} in this class (hosts: {hosts})",
                                      host=args.host, hosts=", ".join(model.names())
                                      ).render(translate))
    ctx = BenchContext(lab, model.host(args.host).bench)
    try:
        findings = lint_live(ctx, args.host, lang)
    except Unreadable as error:
        raise CheckError(str(error.strerror or error)) from None
    except UsageError as error:
        raise CheckError(str(error)) from None
    finally:
        ctx.close()
    say(lint_text(args.host, findings, translate))
    return 1 if findings else 0

