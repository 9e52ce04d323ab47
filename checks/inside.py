"""Running check's probes inside a host of the running lab, and reading its files there.

A host is anything with popen(argv, **kwargs) that runs argv inside it: the lab's LabHost
(in the lab's CLI) or lab.runtime's HostHandle (from another terminal, through nsenter).
During a check each host runs one agent (checks/agent.py): a Python process that does what
the probes ask there, so that Python starts and imports once a host. Without an agent, a
command runs under timeout(1) inside the host. Python runs with -B: no bytecode is written
into the host's copy-on-write /usr.

    AgentHost(host)                     the host with its agent: .call(do, wait, **request),
                                        .popen (the host's), .close() ends the agent
    run(host, argv, timeout)            -> Ran(code, out, err); code 124 when it timed out
    shell(host, script, *args)          sh -c script, with args ($1, $2 ...)
    ask(host, do, wait, **request)      what the agent answers, or {"error": ...}
    HostReader(host)                    read_file(path) / stat(path) for lint: the host's
                                        files as it sees them (one prefetch, then `cat`)
    Unreadable                          a host file that exists but cannot be read
"""

import json
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

PYTHON = "/usr/bin/python3"
AGENT = (Path(__file__).resolve().parent / "agent.py").read_text()
GRACE = 2.0  # seconds the machine waits beyond a command's own timeout
SLOW = 20.0  # seconds an agent may take to answer a probe: a class checked at once
             # keeps both processors busy (it answers in well under 1 s alone)


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    @property
    def ok(self):
        return self.code == 0

    @property
    def text(self):
        """What a terminal would show: stdout then stderr."""
        return (self.out + self.err).replace("\r\n", "\n")


class AgentHost:
    """A host and its agent, started at the first call; close() ends it (its stdin)."""

    def __init__(self, host, lifetime=300):
        self.host, self.name = host, getattr(host, "name", "?")
        self.lifetime = lifetime
        self._process, self._pending, self._lock, self._count = None, {}, threading.Lock(), 0

    def popen(self, *args, **kwargs):
        return self.host.popen(*args, **kwargs)

    def _start(self):
        self._process = self.host.popen(
            ["timeout", "-k", "1", str(self.lifetime), PYTHON, "-B", "-I", "-S", "-c", AGENT],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        threading.Thread(target=self._read, args=(self._process,), daemon=True,
                         name=f"agent-{self.name}").start()

    def _read(self, process):
        for line in process.stdout:
            try:
                reply = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                waiting = self._pending.pop(reply.get("id"), None)
            if waiting is not None:
                waiting[1] = reply
                waiting[0].set()
        with self._lock:  # the agent ended: nothing more comes
            ended, self._pending = self._pending, {}
        for waiting in ended.values():
            waiting[1] = {"error": f"the agent in {self.name} ended"}
            waiting[0].set()

    def call(self, do, wait, **request):
        waiting = [threading.Event(), None]
        with self._lock:
            if self._process is None:
                self._start()
            self._count += 1
            number = self._count
            self._pending[number] = waiting
            try:
                self._process.stdin.write((json.dumps({"id": number, "do": do, **request})
                                           + "\n").encode())
                self._process.stdin.flush()
            except (BrokenPipeError, ValueError):
                self._pending.pop(number, None)
                return {"error": f"the agent in {self.name} ended"}
        if not waiting[0].wait(wait + GRACE):
            with self._lock:
                self._pending.pop(number, None)
            return {"error": f"no answer from {self.name} after {wait:g} s"}
        return waiting[1].get("result", waiting[1]) if "result" in waiting[1] else waiting[1]

    def close(self):
        with self._lock:
            process, self._process = self._process, None
        if process is None:
            return
        try:
            process.stdin.close()
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()


def ask(host, do, wait=5.0, **request):
    """What the host's agent answers (a result), or {"error": ...}."""
    if not hasattr(host, "call"):
        host = AgentHost(host)
        try:
            return host.call(do, wait, **request)
        finally:
            host.close()
    return host.call(do, wait, **request)


def run(host, argv, timeout=5.0):
    if hasattr(host, "call"):
        said = host.call("run", max(timeout, SLOW), argv=[str(word) for word in argv],
                         timeout=timeout)
        if "error" in said:
            return Ran(125, "", said["error"])
        return Ran(said["code"], said["out"], said["err"])
    command = ["timeout", "-k", "1", f"{timeout:g}"] + [str(word) for word in argv]
    try:
        process = host.popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    except OSError as error:
        return Ran(127, "", str(error))
    try:
        out, err = process.communicate(timeout=timeout + GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        return Ran(124, out.decode(errors="replace"), err.decode(errors="replace"))
    return Ran(process.returncode, out.decode(errors="replace"), err.decode(errors="replace"))


def shell(host, script, *args, timeout=5.0):
    return run(host, ["sh", "-c", script, "sh", *args], timeout)


class Unreadable(OSError):
    """A host's file that exists but cannot be read (its error names it)."""


class HostReader:
    """read_file(path) and stat(path) inside a live host, for lint: a first call fetches
    the usual files at once (one process), each other path is read with `cat` then.
    Unreadable: the file exists and cannot be read."""

    def __init__(self, host, paths=(), folders=(), stat_only=()):
        self.host, self.name = host, getattr(host, "name", "?")
        self._wanted = (list(paths), list(folders), list(stat_only))
        self._files, self._lock, self._fetched = {}, threading.Lock(), False

    def _prefetch(self):
        with self._lock:
            if self._fetched:
                return
            paths, folders, stat_only = self._wanted
            data = ask(self.host, "files", SLOW, paths=paths, folders=folders,
                       stat_only=stat_only)
            if "error" in data:
                raise Unreadable(0, f"{self.name}: its files cannot be read ({data['error']})")
            self._files.update({path: tuple(entry) for path, entry in data.items()})
            self._fetched = True

    def entry(self, path):
        self._prefetch()
        if path not in self._files:
            ran = shell(self.host, '[ -e "$1" ] && [ ! -f "$1" ] && [ ! -d "$1" ] && '
                                   '{ echo "$1: not a regular file" >&2; exit 1; }; '
                                   'cat -- "$1" || exit 1; echo; stat -c %.9Y -- "$1"', path)
            self._files[path] = _cat_entry(ran)
        return self._files[path]

    def check_readable(self):
        """Unreadable for the first file fetched that exists and cannot be read."""
        self._prefetch()
        for path, (_text, _mtime, error) in sorted(self._files.items()):
            if error:
                raise Unreadable(0, f"{self.name}:{path}: {error}", path)

    def read_file(self, path):
        text, _mtime, error = self.entry(path)
        if error:
            raise Unreadable(0, f"{self.name}:{path}: {error}", path)
        return text

    def stat(self, path):
        return self.entry(path)[1]


def _cat_entry(ran):
    if ran.ok:
        text, _, mtime = ran.out.rstrip("\n").rpartition("\n")
        try:
            return text, float(mtime), None
        except ValueError:
            return ran.out, None, None
    said = (ran.err.strip().splitlines() or [""])[0]
    if "No such file" in said or "Not a directory" in said:
        return None, None, None
    if "Is a directory" in said:
        return None, None, None
    return None, None, said.split(": ")[-1] or f"exit code {ran.code}"
