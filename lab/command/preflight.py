"""Checks made before anything starts, each failing with one line and exit code 2.

    PYTHON                        the interpreter the lab runs under (Debian's, with mininet)
    require_lab_runtime(prog)     root, and an interpreter that can import mininet: under
                                  another one (a pyenv `python`), a script re-runs itself
                                  under PYTHON; without root, one line says to use sudo
                                  (nothing ever escalates by itself)
    fail(message)                 print one line on stderr, exit 2
"""

import importlib.util
import os
import subprocess
import sys

PYTHON = "/usr/bin/python3"
REEXEC = "CLASSLAB_REEXEC_FROM"  # set once re-run: never twice


def fail(message, code=2):
    print(message, file=sys.stderr)
    sys.exit(code)


def require_lab_runtime(prog, needs_mininet=True, script=None, argv=None, module=None):
    """`script` (a file) or `module` (for -m) is what re-runs under PYTHON, with argv."""
    rerun = ["-m", module] if module else [script] if script else None
    how = f"sudo {PYTHON} {' '.join(rerun) if rerun else prog}"
    if os.geteuid() != 0:
        fail(f"{prog}: emulating a network needs root; run: {how}")
    if not needs_mininet or importlib.util.find_spec("mininet") is not None:
        return
    if rerun and not os.environ.get(REEXEC) and _has_mininet(PYTHON):
        os.environ[REEXEC] = sys.executable
        os.execv(PYTHON, [PYTHON, *rerun] + list(sys.argv[1:] if argv is None else argv))
    fail(f"{prog}: this Python ({sys.executable}) cannot import mininet; run: {how} "
         f"(sudo make deps installs mininet)")


def _has_mininet(python):
    try:
        return subprocess.run([python, "-c", "import mininet"], capture_output=True,
                              timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
