"""The lab's command line: `python3 -m lab run|clean` (what `make lab` and `make clean` call).

    run      build the class (--benches or $BENCHES; --overrides or $OVERRIDES), start
             its services, open the Mininet CLI; `exit` stops everything, leaves nothing
    clean    remove whatever a crashed or killed lab left; safe to run twice
    picture  draw the class (results/topology.svg and .png); needs neither root nor a lab
    shell H  a login shell inside host H of the running lab, from another terminal
             (for nano, mail, less...: what the Mininet CLI cannot drive)
"""

import sys

from lab.base.errors import UsageError
from lab.command.compose import build_lab, enter_runtime, guarded
from lab.command.options import add_class_options, class_from
from lab.command.parsing import OneLineParser
from lab.command.preflight import require_lab_runtime
from topologies.model import ClassFileError


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    prog = f"lab {args.command}"
    if args.command == "shell":
        require_lab_runtime(prog, needs_mininet=False)
        return _shell(args.host)
    if args.command == "clean":
        enter_runtime(prog, needs_mininet=False)
        return guarded(prog, _clean)
    try:
        model, overrides = class_from(args)
    except (ClassFileError, UsageError) as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
    if args.command == "picture":
        return _picture(model)
    enter_runtime(prog)
    return guarded(prog, lambda: _run(model, overrides))


def _parser():
    parser = OneLineParser(prog="python3 -m lab", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("run", "clean", "picture", "shell"))
    parser.add_argument("host", nargs="?", help="for shell: the host, as the CLI names it")
    add_class_options(parser)
    return parser


def _clean():
    from bench.raw import remove_leftovers
    from lab.runtime import cleanup
    from lab.runtime.rundir import RunDir
    done = cleanup.clean(RunDir())
    for line in remove_leftovers():
        print(f"clean: {line}")
        done.append(line)
    if not done:
        print("clean: nothing left by a lab")
    return 0


def _shell(host):
    """Join the host's namespaces (network, mounts, hostname) and start bash there."""
    import os
    from lab.base.processes import NSENTER, ProcessRecord, is_running
    from lab.runtime.rundir import RunDir
    shells = {entry["host"]: ProcessRecord(**entry)
              for entry in RunDir().read_state().get("shells", [])}
    record = shells.get(host)
    if record is None or not is_running(record):
        known = ", ".join(sorted(shells)) or "none: no lab is running (sudo make lab)"
        print(f"lab: shell: no running host '{host}' (hosts: {known})", file=sys.stderr)
        return 2
    prompt = f"root@{host.upper()}:\\w# "
    os.execvp("nsenter", NSENTER + ["-t", str(record.pid), "--wd=/root", "--",
                          "env", f"PS1={prompt}", "HOME=/root", "bash", "--norc", "-i"])


def _picture(model):
    from evidence.pictures import render_topology
    for path in render_topology(model, "results"):
        print(f"*** wrote {path}")
    return 0


def _run(model, overrides):
    from lab.command.lab_cli import LabCLI
    with build_lab(model, overrides) as lab:
        bench = model.benches[-1]
        seat, server = model.seat(bench), model.server(bench)
        print(f"*** The class is ready. Try: {seat.name} ping -c 3 {server.interfaces[1].ip}"
              "   (type 'help', 'exit' to stop)")
        LabCLI(lab)
    return 0
