"""Mininet's own convention: `sudo mn --custom lab/runtime/mn_custom.py --topo classroom[,53,54]`.

The class's network alone (no services), with the lab's hosts (own hostname, copy-on-write
/etc and /var, init_machine.sh) and the backbone bridge in a namespace of its own, under the
lab's one-lab lock. `$CLASS` picks another class file.

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
from lab.runtime.host import LabHost  # noqa: E402
from lab.runtime.rundir import RunDir  # noqa: E402
from topologies.classroom import ClassroomTopo  # noqa: E402
from topologies.model import ClassFileError, ClassSpec  # noqa: E402


def _classroom_topo(*benches):
    """Errors leave through SystemExit: on an exception, `mn` runs its own cleanup,
    which kills processes by name (every Mininet shell, every ping)."""
    try:
        model = ClassSpec(os.environ.get("CLASS") or None).model(benches or None)
        rundir = RunDir()
        rundir.acquire()
    except (ClassFileError, UsageError) as error:
        print(f"classroom: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    atexit.register(rundir.release)
    return ClassroomTopo(model=model, hopts={"cls": LabHost}, sopts={"cls": LabBridge})


topos = {"classroom": _classroom_topo}
