"""Mininet's own convention: `sudo mn --custom lab/runtime/mn_custom.py --topo classroom[,53,54]`.

The class's network alone (no services), with the lab's hosts (own hostname and processes,
copy-on-write /etc and /var, init_machine.sh), its links and the backbone bridge in a
namespace of its own, under the lab's one-lab lock. `$CLASS` picks another class file.
`mn` answers any error with its own cleanup, which kills processes by name on the whole
machine (every ping, every mnexec): this file puts the lab's in its place, which stops
what the lab started, by PID.

    topos   {"classroom": ...} for `mn --topo classroom` or `--topo classroom,53,54,55`
"""

import atexit
import inspect
import os
import sys
from pathlib import Path

# `mn --custom` runs this file with exec(): find the repository without __file__.
_REPO = Path(inspect.getframeinfo(inspect.currentframe()).filename).resolve().parents[2]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from lab.base.errors import UsageError  # noqa: E402
from lab.runtime.bridge import LabBridge  # noqa: E402
from lab.runtime.cleanup import clean  # noqa: E402
from lab.runtime.host import LabHost  # noqa: E402
from lab.runtime.link import LabLink  # noqa: E402
from lab.runtime.rundir import RunDir, lab_state  # noqa: E402
from topologies.classroom import ClassroomTopo  # noqa: E402
from topologies.model import ClassFileError, ClassSpec  # noqa: E402


def _classroom_topo(*benches):
    """Bad input leaves through SystemExit (one line, exit 2), before anything starts."""
    try:
        model = ClassSpec(os.environ.get("CLASS") or None).model(benches or None)
        rundir = RunDir()
        rundir.acquire()
    except (ClassFileError, UsageError) as error:
        print(f"classroom: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    rundir.write_state(lab_state())
    atexit.register(_finish, rundir)
    _replace_mn_cleanup(rundir)
    return ClassroomTopo(model=model, hopts={"cls": LabHost}, sopts={"cls": LabBridge},
                         lopts={"cls": LabLink})


def _finish(rundir):
    """At mn's exit: what the lab would leave is gone, and so is its state."""
    clean(rundir, say=lambda _line: None, holding_lock=True)
    rundir.release()


def _replace_mn_cleanup(rundir):
    main = sys.modules.get("__main__")
    if main is not None and hasattr(main, "cleanup"):
        main.cleanup = lambda: clean(rundir, holding_lock=True)


topos = {"classroom": _classroom_topo}
