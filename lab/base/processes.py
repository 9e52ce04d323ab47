"""Processes the lab started, known by PID and start time, stopped by PID only.

Mininet's hosts share the machine's PID namespace, so a name ("named") could be
any host's daemon or the machine's own: nothing here ever looks a process up by
its name.

    ProcessRecord        (host, what, pid, start time): survives PID reuse
    record_process()     a record for a live PID
    is_running(record)   still the same process, and not a zombie
    stop_process(record) SIGTERM, wait until gone, SIGKILL if it will not go
    pids_with_mount_of(path)       every PID whose mounts name a lab path
    NSENTER              the command prefix that runs a program inside a host (its PID 1)
    only_child(pid)      the PID of a process's one child (nsenter's, unshare's)
    inner_pid(process)   the PID of the program a Popen of NSENTER runs (nsenter's child)
    pid_in_machine(init, pid)   the machine's PID of process `pid` of init's PID namespace
    become_subreaper()   orphaned daemons re-parent to the lab, which reaps them
"""

import ctypes
import os
import signal
from dataclasses import dataclass, asdict

from lab.base.waiting import wait_until
from lab.base.errors import NotReadyError

PR_SET_CHILD_SUBREAPER = 36
NSENTER = ["nsenter", "-n", "-m", "-u", "-p"]


@dataclass(frozen=True)
class ProcessRecord:
    host: str
    what: str
    pid: int
    start_time: int

    def to_dict(self):
        return asdict(self)


def start_time_of(pid):
    """Clock ticks since boot when pid started (field 22 of /proc/PID/stat), or None."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return int(fields[19])


def _state_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def record_process(host, what, pid):
    start = start_time_of(pid)
    if start is None:
        raise ProcessLookupError(f"{host}: {what} (pid {pid}) is not running")
    return ProcessRecord(host, what, int(pid), start)


def is_running(record):
    _reap(record.pid)
    return (start_time_of(record.pid) == record.start_time
            and _state_of(record.pid) not in (None, "Z", "X"))


def stop_process(record, timeout=5.0):
    """Stop one recorded process: SIGTERM, then SIGKILL if still there at the deadline."""
    for sig, grace in ((signal.SIGTERM, timeout), (signal.SIGKILL, 2.0)):
        if not is_running(record):
            return
        os.kill(record.pid, sig)
        try:
            wait_until(lambda: not is_running(record),
                       f"{record.host}: {record.what} (pid {record.pid}) to exit", grace)
            return
        except NotReadyError:
            continue


def _reap(pid):
    """Collect a child's exit status so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def pids_with_mount_of(path):
    """PIDs that see a mount whose options name `path` (a lab host's overlay dirs)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/mountinfo") as mounts:
                if path in mounts.read():
                    found.append(int(entry))
        except OSError:  # gone, or exiting (EINVAL): not a process to stop
            continue
    return found


def only_child(pid):
    """The one child of `pid` (unshare --fork's, nsenter -p's), once it exists."""
    def child():
        if start_time_of(pid) is None:
            raise ProcessLookupError(f"process {pid} is gone")
        found = children_of(pid)
        return found[0] if found else None
    return wait_until(child, f"the child of process {pid}", 5.0)


def children_of(pid):
    """PIDs whose parent is `pid` (field 4 of /proc/PID/stat)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return found


def inner_pid(process):
    return only_child(process.pid)


def pid_in_machine(init_pid, host_pid):
    """Find, in the machine's /proc, the process of init_pid's PID namespace whose PID there
    is host_pid (the last field of NSpid). ProcessLookupError if there is none."""
    namespace = os.readlink(f"/proc/{init_pid}/ns/pid")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.readlink(f"/proc/{entry}/ns/pid") != namespace:
                continue
            with open(f"/proc/{entry}/status") as status:
                nspid = next(line for line in status if line.startswith("NSpid:")).split()
        except (OSError, StopIteration):
            continue
        if int(nspid[-1]) == int(host_pid):
            return int(entry)
    raise ProcessLookupError(f"no process {host_pid} in the namespace of {init_pid}")


def become_subreaper():
    """Daemons that double-fork re-parent to this process, so it can reap them."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
