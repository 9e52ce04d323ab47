"""The command line every scenario shares: build the lab, play the sections, tear down.

    run_scenario(script, title, sections)   parse --benches/--bench/--overrides/--capture, check root and
                                            mininet, build the lab, print the transcript
                                            and a PASS/FAIL line per step; exit code
                                            0 only if every step passed
    play(sections, lab, say)                 run the steps, print them; the results
"""

import os
import sys
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

from lab.base.errors import UsageError
from lab.command.compose import build_lab, enter_runtime, guarded
from lab.command.options import add_class_options, class_from
from lab.command.parsing import OneLineParser
from scenarios.steps import prompt
from topologies.model import ClassFileError
from topologies.stages import StagePlan


def run_scenario(script, title, sections, argv=None, say=print):
    """`sections(model, bench)` gives the scenario's sections for the class and bench played."""
    name = os.path.relpath(script)
    try:
        args = _parser(name, title).parse_args(argv)
        model, overrides = class_from(args)
        bench = _bench_played(args, model)
        client = _client_played(args, model, bench)
        plan = _plan(args, model, bench)
    except (ClassFileError, UsageError) as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 2
    enter_runtime(name, script, argv)
    return guarded(name, lambda: _play_all(args, name, title, sections, model, overrides,
                                           bench, client, say, plan))


def _play_all(args, name, title, sections, model, overrides, bench, client, say, plan=None):
    recorder = _recorder(args, name, model, say)
    with build_lab(model, overrides, say, plan) as lab:
        say(f"=== {title} (bench {bench}) ===")
        results = play(_seated_at(sections(model, bench), model.seat(bench).name, client), lab,
                       say, recorder)
    failed = [r for r in results if not r.passed]
    verdict = "PASS" if not failed else "FAIL"
    say(f"=== {verdict}: {len(results) - len(failed)}/{len(results)} steps passed ===")
    return 1 if failed else 0


def _parser(name, title):
    parser = OneLineParser(prog=name, description=title)
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
                    steps=tuple(moved(step, host=client, claim=step.claim.replace(
                        default.upper(), client.upper())) for step in section.steps),
                    capture=section.capture and moved(
                        section.capture, host=client,
                        interface=section.capture.interface.replace(default, client, 1)))
            for section in sections]


def play(sections, lab, say=print, recorder=None):
    results = []
    for index, section in enumerate(sections, start=1):
        say(f"\n--- {section.title} ---")
        with recorder.recording(index, section, lab) if recorder else nullcontext():
            results += [_play_step(step, lab, say) for step in section.steps]
    return results


def _play_step(step, lab, say):
    result = step.run(lab)
    say(f"{prompt(step.host)} {step.command}")
    say(result.output.rstrip("\n"))
    say(_verdict_line(result))
    return result


def _verdict_line(result):
    if result.passed:
        return f"PASS  {result.step.claim}"
    return f"FAIL  {result.step.claim}: " + "; ".join(result.problems)
