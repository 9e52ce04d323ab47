"""Checks made before anything starts, each failing with one line and exit code 2.

    PYTHON                      the interpreter the lab runs under (Debian's, with mininet)
    require_lab_runtime(script) root, and an interpreter that can import mininet
    fail(message)               print one line on stderr, exit 2
"""

import importlib.util
import os
import sys

PYTHON = "/usr/bin/python3"


def fail(message, code=2):
    print(message, file=sys.stderr)
    sys.exit(code)


def require_lab_runtime(script, needs_mininet=True):
    """Stop with a how-to-run line unless we are root under an interpreter with mininet."""
    how = f"run: sudo {PYTHON} {script}"
    if needs_mininet and importlib.util.find_spec("mininet") is None:
        fail(f"{script}: this Python ({sys.executable}) cannot import mininet; {how} "
             f"(sudo make deps installs mininet)")
    if os.geteuid() != 0:
        fail(f"{script}: emulating a network needs root; {how}")
