"""Processes the lab started, known by PID and start time, stopped by PID only.

A name ("named") could be any host's daemon or the machine's own: nothing here ever
looks a process up by its name. Each host has a PID namespace of its own, where its
daemons have PIDs of their own: the lab records the machine's PID of each
(pid_in_machine), with its start time.

    ProcessRecord        (host, what, pid, start time): survives PID reuse
    record_process()     a record for a live PID
    is_running(record)   still the same process, and not a zombie
    stop_process(record) SIGTERM, wait until gone, SIGKILL if it will not go
    pids_with_mount_of(path)       every PID whose mounts name a lab path
    NSENTER              the command prefix that runs a program inside a host (its PID 1)
    only_child(pid)      the PID of a process's one child (nsenter's, unshare's)
    inner_pid(process)   the PID of the program a Popen of NSENTER runs (nsenter's child)
    pid_in_machine(init, pid)   the machine's PID of process `pid` of init's PID namespace
    others_in_namespace(init)   the live processes of init's PID namespace but init
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
    reap_adopted()
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


def reap_adopted():
    """Reap the dead this process adopted as a subreaper from inside hosts (a program whose
    nsenter ended first): while one lingers unreaped, its host's PID 1 cannot finish
    exiting. Only zombies, only our children, only from a PID namespace below ours (an
    NSpid deeper than ours): never a child a Popen of ours still has to wait for."""
    depth = len(_nspids(os.getpid()))
    for pid in children_of(os.getpid()):
        if _state_of(pid) == "Z" and len(_nspids(pid)) > depth:
            _reap(pid)


def _nspids(pid):
    for line in (_read(f"/proc/{pid}/status") or "").splitlines():
        if line.startswith("NSpid:"):
            return line.split()[1:]
    return []


def _reap(pid):
    """Collect a child's exit status so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def pids_with_mount_of(path):
    """PIDs that see a mount whose options name `path` (a lab host's overlay dirs)."""
    return [pid for pid in _process_ids() if path in (_read(f"/proc/{pid}/mountinfo") or "")]


def _process_ids():
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def _read(path):
    """A /proc file's text, or None for a process gone or exiting (EINVAL)."""
    try:
        with open(path) as file:
            return file.read()
    except OSError:
        return None


def only_child(pid):
    """The one child of `pid` (unshare --fork's, nsenter -p's), once it exists."""
    def child():
        if _state_of(pid) in (None, "Z", "X"):
            raise ProcessLookupError(f"process {pid} is gone")
        found = children_of(pid)
        return found[0] if found else None
    return wait_until(child, f"the child of process {pid}", 5.0)


def children_of(pid):
    """PIDs whose parent is `pid`: the kernel's list of each of its threads' children
    (/proc/PID/task/TID/children, a few reads), or, on a kernel without that list, every
    process whose parent (field 4 of /proc/PID/stat) is `pid` (one read a process: tens of
    ms with a class running)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []  # gone
    found = []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                found += [int(child) for child in listed.read().split()]
        except FileNotFoundError:
            if not os.path.exists(f"/proc/{pid}/task/{task}"):
                continue  # a thread that ended meanwhile
            return [child for child in _process_ids()
                    if _parent_of(_read(f"/proc/{child}/stat")) == pid]
        except OSError:
            continue
    return sorted(set(found))


def _parent_of(stat):
    try:
        return int(stat.rsplit(")", 1)[1].split()[1])
    except (AttributeError, IndexError, ValueError):
        return None


def inner_pid(process):
    """The PID of the program a Popen of NSENTER runs: nsenter's child."""
    return only_child(process.pid)


def pid_in_machine(init_pid, host_pid):
    """Find, in the machine's /proc, the process of init_pid's PID namespace whose PID there
    is host_pid (the last field of NSpid). ProcessLookupError if there is none."""
    namespace = os.readlink(f"/proc/{init_pid}/ns/pid")
    for pid in _process_ids():
        if _namespace_of(pid) == namespace and _nspid(pid) == int(host_pid):
            return pid
    raise ProcessLookupError(f"no process {host_pid} in the namespace of {init_pid}")


def others_in_namespace(init_pid):
    """Machine PIDs of init's PID namespace but init's own, zombies aside (a host's
    processes once `reset` has killed them: they are gone when this is empty)."""
    namespace = _namespace_of(init_pid)
    if namespace is None:
        return []
    return [pid for pid in _process_ids() if pid != init_pid and _namespace_of(pid) == namespace
            and _state_of(pid) not in (None, "Z", "X")]


def _namespace_of(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _nspid(pid):
    """The process's PID in its own PID namespace (the last field of NSpid)."""
    for line in (_read(f"/proc/{pid}/status") or "").splitlines():
        if line.startswith("NSpid:"):
            return int(line.split()[-1])
    return None


def become_subreaper():
    """Daemons that double-fork re-parent to this process, so it can reap them."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
