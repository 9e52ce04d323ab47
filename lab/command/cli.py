"""The lab's command line: `python3 -m lab run|clean` (what `make lab` and `make clean` call).

    run      build the class (--benches or $BENCHES; --overrides or $OVERRIDES), start
             its services, open the Mininet CLI; `exit` stops everything, leaves nothing
    clean    remove whatever a crashed or killed lab left; safe to run twice
    picture  draw the class (results/topology.svg and .png); needs neither root nor a lab
    shell H  a login shell inside host H of the running lab, from another terminal
             (for nano, mail, less...: what the Mininet CLI cannot drive)
    reset H [STAGE]   host H of the running lab back to its stage (or STAGE)
    handin N          bench N's work since its stage: an archive under results/
    check [N|H|all]   the bench against the TP's objectives (--json, --lang, --hint ID;
                      all: every bench, and the class view under results/)
    lint H            host H's files reread: file:line, what, why, what to do
run takes --stage and --bench (the student's bench at a stage of the TP) or --handin
(a student's archive, replayed on their bench at its stage).
"""

import os
import sys

from lab.base.errors import UsageError
from lab.command.compose import build_lab, enter_runtime, guarded
from lab.command.options import add_class_options, add_stage_options, class_from, plan_from
from lab.command.parsing import OneLineParser
from lab.command.preflight import require_lab_runtime
from topologies.model import ClassFileError


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in ("check", "lint"):
        return _checking(argv[0], argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    prog = f"lab {args.command}"
    if args.command == "shell":
        require_lab_runtime(prog, needs_mininet=False)
        return _shell(args.host)
    if args.command == "clean":
        enter_runtime(prog, needs_mininet=False)
        return guarded(prog, _clean)
    if args.command in ("reset", "handin"):
        enter_runtime(prog, needs_mininet=False)
        return guarded(prog, lambda: _teaching(args.command, [w for w in (args.host, args.extra) if w]))
    try:
        model, overrides = class_from(args)
        handin = None
        if args.handin:
            from lab.runtime.handin import read_handin
            handin = read_handin(args.handin)
            model = handin.model()
        plan = handin.plan(model) if handin else plan_from(args, model)
    except (ClassFileError, UsageError) as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
    if args.command == "picture":
        return _picture(model)
    enter_runtime(prog)
    return guarded(prog, lambda: _run(model, overrides, plan, handin))


def _parser():
    parser = OneLineParser(prog="python3 -m lab", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("run", "clean", "picture", "shell", "reset", "handin"))
    parser.add_argument("host", nargs="?", help="for shell and reset: the host, as the CLI "
                                                "names it; for handin: the bench")
    parser.add_argument("extra", nargs="?", help="for reset: the stage (default: the host's)")
    add_class_options(parser)
    add_stage_options(parser)
    parser.add_argument("--handin", default=os.environ.get("HANDIN") or None,
                        help="replay a student's hand-in archive (default: $HANDIN)")
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
    from lab.base.processes import ProcessRecord, is_running
    from lab.runtime.rundir import RunDir
    shells = {entry["host"]: ProcessRecord(**entry)
              for entry in RunDir().read_state().get("shells", [])}
    record = shells.get(host)
    if record is None or not is_running(record):
        known = ", ".join(sorted(shells)) or "none: no lab is running (sudo make lab)"
        print(f"lab: shell: no running host '{host}' (hosts: {known})", file=sys.stderr)
        return 2
    from lab.command.lab_cli import shell_argv
    argv = shell_argv(host, record.pid)
    os.execvp(argv[0], argv)


def _picture(model):
    from evidence.pictures import render_topology
    for path in render_topology(model, "results"):
        print(f"*** wrote {path}")
    return 0


def _teaching(command, words):
    from lab.command import teaching
    from lab.runtime.attach import AttachedLab
    from lab.runtime.rundir import RunDir
    from services import services_for
    getattr(teaching, command)(AttachedLab(RunDir(), services_for), words)
    return 0


def _checking(command, words):
    """check [BENCH|HOST|all] [--json] [--lang fr|en] [--hint ID], lint HOST [--lang fr|en],
    on the running lab (checks/check_cli.py); bad input is one line, exit 2."""
    from checks import check_cli
    try:
        parsed = (check_cli.check_parser() if command == "check"
                  else check_cli.lint_parser()).parse_args(words)
        check_cli.chosen_language(parsed.lang)
    except UsageError as error:
        print(f"lab {command}: {error}", file=sys.stderr)
        return 2
    enter_runtime(f"lab {command}", needs_mininet=False)

    def act():
        from lab.runtime.attach import AttachedLab
        from lab.runtime.rundir import RunDir
        from services import services_for
        lab = AttachedLab(RunDir(), services_for, say=lambda _line: None)
        run = check_cli.check_command if command == "check" else check_cli.lint_command
        return run(lab, words)
    return guarded(f"lab {command}", act)


def _stage_banner(plan):
    """What the student's bench holds and what they can do, in the environment's language."""
    from checks.findings import _
    from checks.i18n import language, translator
    lang = language()
    said = plan.stage.says_for(plan.benches[0] if len(plan.benches) == 1 else None, lang)
    return _("Bench {bench}, stage {stage}: {text}. Your work: check tells what is right "
             "and why not, reset HOST puts a host back, handin BENCH hands it in.",
             bench=", ".join(str(b) for b in plan.benches), stage=plan.stage.name,
             text=said).render(translator(lang))


def _run(model, overrides, plan=None, handin=None):
    from lab.command.lab_cli import LabCLI
    with build_lab(model, overrides, plan=plan, handin=handin) as lab:
        bench = model.benches[-1]
        seat, server = model.seat(bench), model.server(bench)
        print(f"*** The class is ready ({lab.plan.summary()}). Try: {seat.name} ping -c 3 "
              f"{server.interfaces[1].ip}   (type 'help', 'exit' to stop)")
        if lab.plan.stage != model.stages[-1]:
            print("*** " + _stage_banner(lab.plan))
        LabCLI(lab)
    return 0
