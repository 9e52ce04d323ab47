"""The composition root: how every entry point (`lab run`, each scenario, `make bench`, the
tests) turns options into a running lab, and errors into one line and an exit code.

    build_lab(model, overrides=None, say=print, plan=None)
                                                 a Lab with the services its class names,
                                                 its hosts at their stages (plan)
    guarded(prog, action)                        action()'s exit code; a bad class file,
                                                 bad input or a failed lab prints one line
                                                 "prog: ..." (exit 2, or 1 for a lab that
                                                 failed), Ctrl-C 130, SIGTERM/SIGHUP 128+n
    enter_runtime(prog, script, argv)            once every option is checked: root, the
                                                 interpreter (re-running `script` under the
                                                 one with mininet), the signal handlers
"""

import sys

from lab.base.errors import LabError
from lab.command.preflight import require_lab_runtime
from lab.command.signals import Stopped, signal_name, stop_on_signals
from topologies.model import ClassFileError


def build_lab(model, overrides=None, say=print, plan=None, handin=None):
    from lab.runtime.network import Lab
    from services import services_for
    return Lab(model, services=services_for(model), say=say, overrides=overrides, plan=plan,
               handin=handin)


def guarded(prog, action):
    try:
        return action()
    except ClassFileError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return error.exit_code
    except LabError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; everything it started is stopped", file=sys.stderr)
        return 130
    except Stopped as stop:
        print(f"{prog}: stopped by {signal_name(stop)}; everything it started is stopped",
              file=sys.stderr)
        return stop.code


def enter_runtime(prog, script=None, argv=None, needs_mininet=True):
    require_lab_runtime(prog, needs_mininet, script=script, argv=argv)
    stop_on_signals()
