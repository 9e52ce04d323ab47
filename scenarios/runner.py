"""The command line every scenario shares: build the lab, play the sections, tear down.

    run_scenario(script, title, sections)   parse --benches/--bench/--overrides, check root and
                                            mininet, build the lab, print the transcript
                                            and a PASS/FAIL line per step; exit code
                                            0 only if every step passed
    play(sections, lab, say)                 run the steps, print them; the results
"""

import argparse
import os
import sys

from lab.errors import LabError, UsageError
from lab.options import add_class_options, class_from
from lab.preflight import require_lab_runtime
from lab.signals import Stopped, signal_name, stop_on_signals
from scenarios.steps import prompt
from topologies.model import BenchError


def run_scenario(script, title, sections, argv=None, say=print):
    """`sections(model, bench)` gives the scenario's sections for the class and bench played."""
    name = os.path.relpath(script)
    try:
        args = _parser(name, title).parse_args(argv)
        model, overrides = class_from(args)
        bench = _bench_played(args, model)
    except (BenchError, UsageError) as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 2
    require_lab_runtime(name)
    stop_on_signals()
    from lab.network import Lab
    from services import default_services
    try:
        with Lab(model, services=default_services(), say=say, overrides=overrides) as lab:
            say(f"=== {title} (bench {bench}) ===")
            results = play(sections(model, bench), lab, say)
    except LabError as error:
        print(f"{name}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{name}: interrupted; the lab is stopped", file=sys.stderr)
        return 130
    except Stopped as stop:
        print(f"{name}: stopped by {signal_name(stop)}; the lab is stopped", file=sys.stderr)
        return stop.code
    failed = [r for r in results if not r.passed]
    verdict = "PASS" if not failed else "FAIL"
    say(f"=== {verdict}: {len(results) - len(failed)}/{len(results)} steps passed ===")
    return 1 if failed else 0


def _parser(name, title):
    parser = argparse.ArgumentParser(prog=name, description=title)
    add_class_options(parser)
    parser.add_argument("--bench", type=str, default=None,
                        help="the bench whose student runs the steps (default: the last one)")
    return parser


def _bench_played(args, model):
    if args.bench is None:
        return model.benches[-1]
    if not args.bench.isdigit() or int(args.bench) not in model.benches:
        raise UsageError(f"--bench {args.bench} is not a bench of this class "
                         f"({', '.join(map(str, model.benches))})")
    return int(args.bench)


def play(sections, lab, say=print):
    results = []
    for section in sections:
        say(f"\n--- {section.title} ---")
        for step in section.steps:
            result = step.run(lab)
            say(f"{prompt(step.host)} {step.command}")
            say(result.output.rstrip("\n"))
            say(_verdict_line(result))
            results.append(result)
    return results


def _verdict_line(result):
    if result.passed:
        return f"PASS  {result.step.claim}"
    return f"FAIL  {result.step.claim}: " + "; ".join(result.problems)
