"""Terminals: a real PTY running a shell inside a host, its bytes pumped to and from a
websocket, every process known by PID.

    Terminal(host, argv, cols, rows, enters=True)   (blocking: any thread) starts argv (the
                     login shell `make shell` opens: lab.command.lab_cli.shell_argv) in a
                     session of its own whose controlling terminal is the PTY; enters: argv
                     is nsenter, whose child (the shell, in the host's PID namespace) is
                     recorded too
        .records     ProcessRecords of nsenter and the shell (for the run dir's state)
        .resize(cols, rows)     TIOCSWINSZ: the shell and nano get SIGWINCH
        await .write(data)      bytes typed in the browser, to the PTY
        await .pump(send)       the PTY's output to send(bytes) until the shell ends
        .close()                hang_up(), then reap(); safe twice
        .hang_up()              (the loop's thread) stop pumping and writing: the loop lets
                                go of the PTY
        .reap()                 (any thread: it reads /proc and waits) note the shell's
                                processes, close the PTY (SIGHUP, as closing a terminal
                                does), stop what is left by PID (SIGTERM, SIGKILL)
    Terminals(save)  the open ones: await .open(session, ...) counts them per session (the
                     shell starts in a thread), .close(terminal) = .detach (the loop's
                     thread) + .finish (any thread), .close_all(); save(records) after
                     each change, in a thread
Nothing that forks, reads /proc, writes the run dir's state or waits runs in the event
loop's thread: one terminal opening or closing would stall every other one's echo.
"""

import asyncio
import fcntl
import logging
import os
import pty
import struct
import subprocess
import termios
import threading

from lab.base.errors import NotReadyError
from lab.base.processes import (children_of, is_running, only_child, record_process,
                                stop_process)
from lab.base.waiting import wait_until

LOG = logging.getLogger("classroom")
READ_SIZE = 65536
HANGUP_GRACE = 2.0  # seconds a shell has to end once its terminal hangs up
SPAWN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}


# a session of its own, the PTY (its stdin) as controlling terminal; setsid(1) then execs
# argv in the same process (no Python runs between fork and exec: Popen may vfork, and a
# thread of the server may start it)
WITH_TERMINAL = ["setsid", "--ctty"]


def clamp_size(cols, rows):
    return max(10, min(int(cols), 500)), max(4, min(int(rows), 200))


class Terminal:

    def __init__(self, host, argv, cols=80, rows=24, enters=True):
        self.host, self.closed, self._waiting, self._readable = host, False, None, None
        self._released = threading.Lock()
        self._known = None
        self.master, slave = pty.openpty()
        try:
            self.resize(cols, rows)
            self.process = subprocess.Popen(WITH_TERMINAL + list(argv), stdin=slave,
                                            stdout=slave, stderr=slave, close_fds=True,
                                            env=SPAWN_ENV)
        except BaseException:
            os.close(self.master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(self.master, False)
        self.records = [record_process(host, "terminal", self.process.pid)]
        if enters:
            try:
                self.records.append(record_process(host, "terminal shell",
                                                   only_child(self.process.pid)))
            except (NotReadyError, ProcessLookupError):
                pass  # nsenter failed at once: the PTY says why, then ends

    @property
    def pid(self):
        return self.process.pid

    def resize(self, cols, rows):
        if self.closed:
            return
        cols, rows = clamp_size(cols, rows)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    async def write(self, data):
        loop = asyncio.get_running_loop()
        view = memoryview(data)
        while view and not self.closed:
            try:
                view = view[os.write(self.master, view):]
            except BlockingIOError:
                await self._until(loop.add_writer, loop.remove_writer)
            except OSError:
                return  # the shell ended

    async def pump(self, send):
        """Send what the PTY prints until the shell ends (EIO) or the terminal is closed.
        The PTY stays watched all along (one epoll registration, not one a read)."""
        loop = asyncio.get_running_loop()
        readable = self._readable = asyncio.Event()
        loop.add_reader(self.master, readable.set)
        try:
            while not self.closed:
                try:
                    data = os.read(self.master, READ_SIZE)
                except BlockingIOError:
                    readable.clear()  # level-triggered: set again at once if data came
                    await readable.wait()
                    continue
                except OSError:
                    return
                if not data:
                    return
                await send(data)
        finally:
            if not self.closed:
                loop.remove_reader(self.master)

    async def _until(self, add, remove):
        loop = asyncio.get_running_loop()
        ready = self._waiting = loop.create_future()
        add(self.master, lambda: ready.done() or ready.set_result(None))
        try:
            await ready
        finally:
            if not self.closed:
                remove(self.master)
            self._waiting = None

    def close(self):
        self.hang_up()
        self.reap()

    def hang_up(self):
        """In the event loop's thread: stop watching the PTY and wake the pump and a write
        waiting on it; nothing touches the PTY in this thread afterwards (reap closes it)."""
        if self.closed:
            return
        self.closed = True
        try:
            asyncio.get_running_loop().remove_reader(self.master)
            asyncio.get_running_loop().remove_writer(self.master)
        except RuntimeError:
            pass  # no loop here (the server is stopping)
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(None)  # a write sees `closed` and ends
        if self._readable is not None:
            self._readable.set()  # the pump sees `closed` and ends

    def reap(self):
        """Any thread, once hung up (it reads /proc and may wait): the shell's processes
        noted while they are still its descendants, the PTY closed (SIGHUP to the shell,
        which passes it to its jobs), what did not end with it stopped by PID."""
        with self._released:
            if self._known is None:
                self._known = self.records + self._descendants()
                os.close(self.master)
        known = self._known
        try:
            wait_until(lambda: not any(is_running(r) for r in known),
                       f"the shell of a terminal of {self.host} to end", HANGUP_GRACE)
        except NotReadyError:
            for record in known:
                stop_process(record, timeout=1.0)
        self.process.wait(timeout=5)

    def _descendants(self):
        found, pending = [], [self.process.pid]
        while pending:
            for child in children_of(pending.pop()):
                pending.append(child)
                try:
                    found.append(record_process(self.host, "terminal program", child))
                except ProcessLookupError:
                    continue
        return [r for r in found if r.pid not in {k.pid for k in self.records}]


def _said_if_failed(saved):
    if not saved.cancelled() and saved.exception() is not None:
        LOG.error("the terminals' PIDs were not saved in the run dir: %s", saved.exception())


def _close_if_started(started):
    if not started.cancelled() and started.exception() is None:
        asyncio.get_running_loop().run_in_executor(None, started.result().close)


class Terminals:

    def __init__(self, save=lambda records: None):
        self.save = save
        self.open_ones = {}  # Terminal -> Session
        self.starting = 0  # shells being started
        self._saving = threading.Lock()  # one snapshot written at a time, the last last

    async def open(self, session, host, argv, cols, rows, enters=True):
        """The terminal counted at once (in the loop's thread: limits see it), its shell
        started and the state saved in a thread."""
        loop = asyncio.get_running_loop()
        session.terminals += 1
        self.starting += 1
        started = loop.run_in_executor(None, Terminal, host, argv, cols, rows, enters)
        try:
            terminal = await asyncio.shield(started)
        except BaseException:
            session.terminals -= 1
            started.add_done_callback(_close_if_started)  # cancelled: none left behind
            raise
        finally:
            self.starting -= 1
        self.open_ones[terminal] = session
        loop.run_in_executor(None, self._save).add_done_callback(_said_if_failed)
        return terminal

    def close(self, terminal):
        self.detach(terminal)
        self.finish(terminal)

    def detach(self, terminal):
        """In the event loop's thread: forget it, let go of its PTY (finish closes it)."""
        session = self.open_ones.pop(terminal, None)
        if session is not None:
            session.terminals -= 1
        terminal.hang_up()

    def finish(self, terminal):
        """In any thread: its processes gone, the run dir's record without them."""
        terminal.reap()
        self._save()

    def close_all(self):
        for terminal in list(self.open_ones):
            self.close(terminal)

    def count(self):
        return len(self.open_ones) + self.starting

    def _save(self):
        with self._saving:
            self.save([record.to_dict() for terminal in list(self.open_ones)
                       for record in terminal.records])
