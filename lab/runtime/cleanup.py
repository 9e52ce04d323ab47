"""Remove what a lab left behind, from its own record (run dir state.json).

Used by `sudo make clean`, at the start of every lab (a crashed lab's
leftovers), and at the end of every lab (belt and braces). Safe to run twice.

    clean(rundir)   stop the recorded lab, its recorded processes and every process
                    whose mounts hold a lab host's overlay (by PID), then remove
                    the run dir; returns what it did
"""

import os

from lab.base.errors import UsageError
from lab.base.processes import (ProcessRecord, is_running, pids_with_mount_of,
                                record_process, stop_process)


def clean(rundir, say=print, holding_lock=False):
    if not holding_lock:
        _take_lock(rundir, say)
    try:
        state = rundir.read_state()
        done = _stop_recorded(state) + _stop_processes_inside_lab(rundir)
        if state or rundir.hosts_dir.exists():
            rundir.remove()
            done.append(f"removed {rundir.path}/state.json and hosts/")
    finally:
        if not holding_lock:
            rundir.release()
    for line in done:
        say(f"clean: {line}")
    return done


def _take_lock(rundir, say):
    """Hold the lab lock; a lab that still holds it is asked to stop (SIGTERM tears it down)."""
    try:
        rundir.acquire()
    except UsageError:
        state = rundir.read_state()
        pid, started = state.get("lab_pid"), state.get("lab_start")
        if not pid or started is None:
            raise
        record = ProcessRecord("lab", "lab process", int(pid), int(started))
        if not is_running(record):  # the PID is another process's now: never signal it
            raise
        say(f"clean: asking the running lab (pid {pid}) to stop")
        stop_process(record, timeout=30.0)
        rundir.acquire()


def _stop_recorded(state):
    done = []
    records = [ProcessRecord(**entry) for entry in state.get("processes", [])]
    # the programs the CLI's xterm, wireshark and capture started (lab/command/lab_cli.py)
    records += [ProcessRecord(**entry) for entry in state.get("views", [])]
    # the shells of the classroom's web terminals (classroom/terminals.py)
    records += [ProcessRecord(**entry) for entry in state.get("terminals", [])]
    records += [ProcessRecord(**entry) for entry in state.get("shells", [])]
    for record in records:
        if is_running(record):
            stop_process(record)
            done.append(f"stopped {record.what} of {record.host} (pid {record.pid})")
    return done


def _stop_processes_inside_lab(rundir):
    """Processes whose mounts include a lab host's overlay live inside the lab."""
    done = []
    for pid in pids_with_mount_of(str(rundir.hosts_dir)):
        if pid == os.getpid():
            continue
        try:
            record = record_process("a lab host", _command_of(pid), pid)
        except ProcessLookupError:
            continue
        stop_process(record)
        done.append(f"stopped {record.what} left inside the lab (pid {pid})")
    return done


def _command_of(pid):
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip()
    except FileNotFoundError:
        return "process"

