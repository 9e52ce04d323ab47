"""Command-line options every entry point shares: which class, which overrides.

    add_class_options(parser)   --benches (default $BENCHES or 53,54), --no-part2,
                                --overrides (default $OVERRIDES)
    class_from(args)            (ClassModel, overrides); BenchError or UsageError name bad input
"""

import os

from lab.runtime.overrides import read_overrides
from topologies.model import classroom, parse_benches


def add_class_options(parser):
    parser.add_argument("--benches", default=os.environ.get("BENCHES") or "53,54",
                        help="the class: bench numbers, e.g. 53,54 or 1-30 "
                             "(default: $BENCHES or 53,54)")
    parser.add_argument("--no-part2", action="store_true",
                        help="without the report's part-2 extras (NSn, Pn): 3 hosts a bench")
    parser.add_argument("--overrides", default=os.environ.get("OVERRIDES") or None,
                        help="a folder of files replacing what the lab writes: "
                             "DIR/<host>/<path inside the host> (default: $OVERRIDES)")


def class_from(args):
    model = classroom(parse_benches(args.benches), part2=not args.no_part2)
    return model, read_overrides(args.overrides, model)
