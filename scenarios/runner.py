"""The command line every scenario shares: build the lab, play the sections, tear down.

    run_scenario(script, title, sections)   parse --benches/--bench/--overrides/--capture/--lang,
                                            check root and mininet, build the lab, print the
                                            transcript and a PASS/FAIL line per step; exit
                                            code 0 only if every step passed
    play(sections, lab, say, translate=...)  run the steps, print them; the results

Titles, claims, problems and the summary line are Texts (checks.findings._), printed in the
reader's language: --lang fr|en, else LANGUAGE, LC_ALL, LC_MESSAGES, LANG (checks.i18n);
the msgids are the English, in the catalogs of checks/locale. The reader's language is not
the machines': the hosts' shells and daemons run in C.UTF-8 whatever the reader's locale
(the checks read the programs' own English messages; a locale this machine lacks would add
perl's warnings to debconf's output).
"""

import os
import sys
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

from checks.findings import _
from checks.i18n import LANGUAGES, LanguageError, language, translator
from lab.base.errors import UsageError
from lab.command.compose import build_lab, enter_runtime, guarded
from lab.command.options import add_class_options, class_from
from lab.command.parsing import OneLineParser
from scenarios.steps import prompt, render, replaced
from topologies.model import ClassFileError
from topologies.stages import StagePlan


def run_scenario(script, title, sections, argv=None, say=print):
    """`sections(model, bench)` gives the scenario's sections for the class and bench played;
    title: a Text (or a str)."""
    name = os.path.relpath(script)
    try:
        args = _parser(name, title).parse_args(argv)
        translate = translator(_language(args.lang))
        model, overrides = class_from(args)
        bench = _bench_played(args, model)
        client = _client_played(args, model, bench)
        plan = _plan(args, model, bench)
    except (ClassFileError, UsageError) as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 2
    enter_runtime(name, script, argv)
    return guarded(name, lambda: _play_all(args, name, title, sections, model, overrides,
                                           bench, client, say, plan, translate))


def _play_all(args, name, title, sections, model, overrides, bench, client, say, plan=None,
              translate=None):
    translate = translate or translator("en")
    recorder = _recorder(args, name, model, say)
    with _machines_locale(), build_lab(model, overrides, say, plan) as lab:
        say(render(_("=== {title} (bench {bench}) ===", title=title, bench=bench), translate))
        results = play(_seated_at(sections(model, bench), model.seat(bench).name, client), lab,
                       say, recorder, translate)
    failed = [r for r in results if not r.passed]
    passed, total = len(results) - len(failed), len(results)
    summary = (_("=== FAIL: {passed}/{total} steps passed ===", passed=passed, total=total)
               if failed else
               _("=== PASS: {passed}/{total} steps passed ===", passed=passed, total=total))
    say(render(summary, translate))
    return 1 if failed else 0


@contextmanager
def _machines_locale():
    """C.UTF-8 for what the lab starts (its hosts inherit this process's environment), the
    reader's locale back afterwards (`python3 -m scenarios all` plays the next one)."""
    saved = {key: value for key, value in os.environ.items()
             if key in ("LANG", "LANGUAGE") or key.startswith("LC_")}
    for key in saved:
        del os.environ[key]
    os.environ["LANG"] = "C.UTF-8"
    try:
        yield
    finally:
        os.environ.pop("LANG", None)
        os.environ.update(saved)


def _language(choice):
    """fr or en: --lang, else the environment's; UsageError (one line) for another choice."""
    try:
        return language(choice)
    except LanguageError:
        raise UsageError(render(_("--lang {lang}: no such language (known: {known})",
                                  lang=choice, known=", ".join(LANGUAGES)),
                                translator(language(None)))) from None


def _parser(name, title):
    parser = OneLineParser(prog=name, description=render(title, translator(language(None))))
    add_class_options(parser)
    parser.add_argument("--bench", type=str, default=None,
                        help="the bench whose student runs the steps (default: the last one)")
    parser.add_argument("--client", default=None,
                        help="the host where the student sits (default: the class file's seat, D<bench> "
                             "in the report's class)")
    parser.add_argument("--stage", default=os.environ.get("STAGE") or None,
                        help="the bench played starts at this stage of the TP (default: "
                             "$STAGE or the last, the TP done)")
    parser.add_argument("--capture", action="store_true",
                        help="record packets (pcap), print Wireshark-style dissections and "
                             "write pictures into --results")
    parser.add_argument("--results", default=None,
                        help="where --capture writes (default: results/<scenario>)")
    parser.add_argument("--lang", default=None,
                        help=f"{' or '.join(LANGUAGES)}: the language of the titles, claims and "
                             "PASS/FAIL lines (default: $LANGUAGE, $LC_ALL, $LC_MESSAGES, $LANG)")
    return parser


def _recorder(args, name, model, say):
    if not args.capture:
        return None
    from scenarios.recording import Recorder
    folder = args.results or Path("results") / Path(name).stem
    recorder = Recorder(folder, model, say)
    recorder.topology()
    return recorder


def _bench_played(args, model):
    if args.bench is None:
        return model.benches[-1]
    if not args.bench.isdigit() or int(args.bench) not in model.benches:
        raise UsageError(f"--bench {args.bench} is not a bench of this class "
                         f"({', '.join(map(str, model.benches))})")
    return int(args.bench)


def _plan(args, model, bench):
    try:
        return StagePlan(model, args.stage, (bench,))
    except KeyError as error:
        raise UsageError(f"--stage: {error.args[0]}") from None


def _client_played(args, model, bench):
    if args.client is None:
        return model.seat(bench).name
    if args.client not in model.names():
        raise UsageError(f"--client {args.client}: no such host in this class "
                         f"({', '.join(model.names())})")
    return args.client


def _seated_at(sections, default, client):
    """The class file's seat plays the steps, unless --client names another
    host: its steps (and captures) move there."""
    if client == default:
        return sections

    def moved(item, **fields):
        return replace(item, **fields) if item.host == default else item
    return [replace(section,
                    steps=tuple(moved(step, host=client, said=replaced(
                        step.said, default.upper(), client.upper())) for step in section.steps),
                    capture=section.capture and moved(
                        section.capture, host=client,
                        interface=section.capture.interface.replace(default, client, 1)))
            for section in sections]


def play(sections, lab, say=print, recorder=None, translate=None):
    translate = translate or translator("en")
    results = []
    for index, section in enumerate(sections, start=1):
        say(f"\n--- {render(section.heading, translate)} ---")
        with recorder.recording(index, section, lab) if recorder else nullcontext():
            results += [_play_step(step, lab, say, translate) for step in section.steps]
    return results


def _play_step(step, lab, say, translate):
    result = step.run(lab)
    say(f"{prompt(step.host)} {step.command}")
    say(result.output.rstrip("\n"))
    say(verdict_line(result, translate))
    return result


def verdict_line(result, translate):
    """PASS  <claim>, or FAIL  <claim>: <problems>, in the reader's language."""
    if result.passed:
        return render(_("PASS  {claim}", claim=result.step.said), translate)
    problems = "; ".join(render(problem, translate) for problem in result.problems)
    return render(_("FAIL  {claim}: {problems}", claim=result.step.said, problems=problems),
                  translate)
