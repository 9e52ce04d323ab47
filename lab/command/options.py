"""Command-line options every entry point shares: which class, which overrides.

    add_class_options(parser)   --class (default $CLASS or the report's class file),
                                --benches (default $BENCHES or the class file's),
                                --no-part2, --overrides (default $OVERRIDES)
    class_from(args)            (ClassModel, overrides); ClassFileError or UsageError name bad input
    add_stage_options(parser)   --stage (default $STAGE: the class's last stage), --bench
                                (default $BENCH: the class's last bench; all: every bench)
    plan_from(args, model)      the StagePlan they ask for; UsageError names a bad one
"""

import os

from lab.base.errors import UsageError
from lab.runtime.overrides import read_overrides
from topologies.model import ClassSpec
from topologies.stages import StagePlan, parse_bench_choice


def add_class_options(parser):
    parser.add_argument("--class", dest="class_file", default=os.environ.get("CLASS") or None,
                        help="the class file (default: $CLASS or topologies/classes/iut.toml, "
                             "the report's class)")
    parser.add_argument("--benches", default=os.environ.get("BENCHES") or None,
                        help="the class: bench numbers, e.g. 53,54 or 1-30 "
                             "(default: $BENCHES or the class file's)")
    parser.add_argument("--no-part2", action="store_true",
                        help="without the hosts the class file marks part2 (the report's NSn, Pn)")
    parser.add_argument("--overrides", default=os.environ.get("OVERRIDES") or None,
                        help="a folder of files replacing what the lab writes: "
                             "DIR/<host>/<path inside the host> (default: $OVERRIDES)")


def class_from(args):
    spec = ClassSpec(args.class_file)
    model = spec.model(args.benches, part2=not args.no_part2)
    return model, read_overrides(args.overrides, model)


def add_stage_options(parser):
    parser.add_argument("--stage", default=os.environ.get("STAGE") or None,
                        help="start the student's bench at this stage of the TP (default: "
                             "$STAGE or the class file's last stage, the TP done)")
    parser.add_argument("--bench", default=os.environ.get("BENCH") or None,
                        help="the student's bench, at --stage (default: $BENCH or the class's "
                             "last bench; all: every bench)")


def plan_from(args, model):
    try:
        benches = parse_bench_choice(args.bench, model)
        return StagePlan(model, args.stage, benches)
    except KeyError as error:
        what = "BENCH" if args.bench and "bench" in str(error.args[0]) else "STAGE"
        raise UsageError(f"{what}: {error.args[0]}") from None
