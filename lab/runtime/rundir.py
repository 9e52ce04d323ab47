"""The lab's run directory: one lab at a time, and a record of what it started.

    /run/classlab/lock          flock held by the running lab's process
    /run/classlab/state.json    lab PID, host shells, daemons, the CLI's views (xterm...);
                                changed under state.lock (threads of one process, and
                                processes: the classroom's, a reset from another terminal)
    /run/classlab/hosts/NAME/   NAME's layers: the stage's and the student's (machine.py);
                                views/: the temporary files of the CLI's views of NAME
    /run/classlab/operation.lock   held while a host is reset or handed in
    /run/classlab/check.json    what check remembers: objectives reached, hints shown

`make clean` reads state.json to stop exactly what a crashed lab left behind.

    RunDir            the paths, the lock, the state record
"""

import fcntl
import json
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from lab.base.errors import UsageError
from lab.base.processes import start_time_of

RUN_DIR = Path("/run/classlab")
_STATE_THREADS = threading.Lock()  # flock does not order the threads of one process


def lab_state(**more):
    """What state.json says of the running lab: its PID and that PID's start time (so that
    `make clean` never signals another process that took the PID later)."""
    return {"lab_pid": os.getpid(), "lab_start": start_time_of(os.getpid()), **more}


class RunDir:
    def __init__(self, path=RUN_DIR):
        self.path = Path(path)
        self.lock_file = self.path / "lock"
        self.state_file = self.path / "state.json"
        self.hosts_dir = self.path / "hosts"
        self._lock_fd = None

    def acquire(self):
        """Take the one-lab lock, or explain who holds it (UsageError)."""
        while self._lock_fd is None:
            self.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                holder = self.read_state().get("lab_pid", "unknown")
                raise UsageError(f"a lab is already running (pid {holder}): exit its CLI "
                                 f"first, or run 'sudo make clean' if it is stuck") from None
            if self._still_the_lock_file(fd):
                self._lock_fd = fd
            else:
                os.close(fd)

    def _still_the_lock_file(self, fd):
        """False if the holder we waited for removed the file (then lock the new one)."""
        try:
            return os.fstat(fd).st_ino == os.stat(self.lock_file).st_ino
        except FileNotFoundError:
            return False

    def release(self):
        """Drop the lock; the last one out removes the run directory entirely."""
        if self._lock_fd is None:
            return
        if not self.hosts_dir.exists() and not self.state_file.exists():
            self.lock_file.unlink(missing_ok=True)
            try:
                self.path.rmdir()
            except OSError:
                pass
        os.close(self._lock_fd)
        self._lock_fd = None

    def read_state(self):
        try:
            return json.loads(self.state_file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def write_state(self, state):
        """The whole state, replaced at once (a temporary file of this writer's own)."""
        self.path.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.path, prefix="state.", suffix=".tmp")
        with os.fdopen(fd, "w") as file:
            file.write(json.dumps(state, indent=1, sort_keys=True))
        os.replace(temporary, self.state_file)

    def update_state(self, **changes):
        self.edit_state(lambda state: state.update(changes))

    def edit_state(self, edit):
        """edit(state) changes the state read, in place; written back, no other writer between."""
        with self._state_lock():
            state = self.read_state()
            edit(state)
            self.write_state(state)

    @contextmanager
    def _state_lock(self):
        self.path.mkdir(parents=True, exist_ok=True)
        with _STATE_THREADS, open(self.path / "state.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def remove(self):
        """Remove everything but the lock (whose holder may still be us)."""
        shutil.rmtree(self.hosts_dir, ignore_errors=True)
        for leftover in (self.state_file, self.path / "state.lock", *self.path.glob("state.*.tmp"),
                         self.path / "operation.lock", self.path / "check.json"):
            leftover.unlink(missing_ok=True)
