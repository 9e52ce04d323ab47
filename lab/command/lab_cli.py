"""LabCLI: the Mininet CLI `make lab` opens, with live views of the lab's hosts.

    LabCLI(lab)    Mininet's CLI on a running lab (lab.runtime.network.Lab); runs until
                   `exit`, then stops every program its commands started
      xterm HOST...                  an xterm titled HOST (upper case) whose shell runs inside
                                     HOST, as `make shell HOST=...` (prompt root@HOST:~#)
      wireshark HOST [IFACE]         Wireshark capturing live inside HOST (default: its first
                                     interface); needs a display ($DISPLAY)
      capture HOST [IFACE] [FILTER]  dumpcap inside HOST writes results/capture-HOST-IFACE-
                                     TIME.pcapng until Ctrl-C (FILTER: BPF, the rest of the line)
    LiveViews(lab)  the programs behind these commands: each in a session of its own (Ctrl-C
                    in the CLI reaches the lab, not them), recorded in the run dir
                    (state.json "views"), stopped by PID when the CLI ends or, after a
                    crash, by `make clean`

Where each program runs. A host has a private /tmp (the X socket /tmp/.X11-unix is the
machine's alone) and a network namespace of its own (abstract X sockets are per network
namespace), so no X client runs with all the host's namespaces:
    xterm      in the machine's namespaces; its child shell enters the host (nsenter)
    wireshark  the machine's mounts (X socket, XAUTHORITY), the host's network (nsenter --net).
               A display reached over TCP (ssh -X gives localhost:10) is not reachable from
               the host's network: then dumpcap captures inside the host and Wireshark, in
               the machine's namespaces, reads it from a pipe ("Capturing from -")
    capture    dumpcap in the host's namespaces (evidence.capture); the lab writes the file

The pure parts (parse_*, *_argv, capture_path, window_titles, ...) are tested in
tests/unit/test_lab_cli.py; the rest in tests/integration/test_live_view.py.
"""

import functools
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import mininet.cli
from mininet.cli import CLI
from mininet.log import error, output

from evidence.capture import Capture, CaptureSpec
from evidence.dissect import count_frames
from lab.base.errors import LabError, NotReadyError, UsageError
from lab.base.processes import NSENTER, children_of, record_process, stop_process
from lab.runtime.host import HISTORY
from lab.base.waiting import wait_until
from lab.command import teaching

WINDOW_TIMEOUT = 30.0           # seconds a window may take to show (Wireshark: about 1 s here)
READ_TIMEOUT = 0.25             # dumpcap takes what the kernel captured every 250 ms at most
OTHER_INTERFACES = ("any", "lo")  # what dumpcap also captures on, besides the host's links
USAGE = {"xterm": "xterm HOST [HOST...]",
         "wireshark": "wireshark HOST [IFACE]",
         "capture": "capture HOST [IFACE] [FILTER]"}


# ---- pure parts -------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """What a live view looks at: a host, one of its interfaces, a BPF filter ("": all)."""
    host: str
    interface: str
    bpf: str = ""


def parse_hosts(command, line, interfaces):
    """`HOST [HOST...]` -> the host names; UsageError naming what is wrong.
    interfaces: {host name: its interfaces, the first being its default}."""
    names = line.split()
    if not names:
        raise UsageError(f"{command}: name a host (usage: {USAGE[command]})")
    for name in names:
        _known_host(command, name, interfaces)
    return names


def parse_target(command, line, interfaces, with_filter=False):
    """`HOST [IFACE]` (with_filter: `HOST [IFACE] [FILTER]`, FILTER the rest of the line)
    -> Target; UsageError naming what is wrong. A second word that is no interface of the
    host starts the filter, unless it names some host's interface or reads HOST-..."""
    words = line.split()
    if not words:
        raise UsageError(f"{command}: name a host (usage: {USAGE[command]})")
    host, rest = words[0], words[1:]
    own = _known_host(command, host, interfaces)
    interface = own[0]
    if rest and rest[0] in list(own) + list(OTHER_INTERFACES):
        interface, rest = rest[0], rest[1:]
    elif rest and (not with_filter or rest[0].startswith(f"{host}-")
                   or any(rest[0] in names for names in interfaces.values())):
        raise UsageError(f"{command}: {host} has no interface '{rest[0]}' "
                         f"(its interfaces: {', '.join(own)}, {', '.join(OTHER_INTERFACES)})")
    if rest and not with_filter:
        raise UsageError(f"{command}: too many words: '{' '.join(rest)}' "
                         f"(usage: {USAGE[command]})")
    return Target(host, interface, " ".join(rest))


def _known_host(command, name, interfaces):
    if name not in interfaces:
        names = list(interfaces)
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        raise UsageError(f"{command}: no host '{name}' in this lab (its hosts: {shown})")
    if not interfaces[name]:
        raise UsageError(f"{command}: {name} has no interface")
    return interfaces[name]


def shell_argv(host, pid):
    """The shell `make shell` opens inside a host (lab/command/cli.py): all its namespaces
    (network, mounts, hostname, PIDs), prompt root@HOST:~#, in the host's own /root: `env -C`
    changes directory once inside (nsenter's --wd=/root would open the machine's /root)."""
    prompt = f"root@{host.upper()}:\\w# "
    history = [f"{key}={value}" for key, value in HISTORY.items()]  # the hand-in's
    return NSENTER + ["-t", str(pid), "--", "env", "-i", "-C", "/root", *login_environment(),
                      f"PS1={prompt}", "HOME=/root", "USER=root", "LOGNAME=root", *history,
                      "bash", "--norc", "-i"]


def login_environment(environ=None):
    """What a login on the host keeps of the caller's environment: the terminal and the
    language; nothing else (not a DEBIAN_FRONTEND=noninteractive that would hide
    dpkg-reconfigure's questions, nor the machine's paths)."""
    environ = os.environ if environ is None else environ
    kept = [f"{k}={v}" for k, v in environ.items() if k in ("TERM", "LANG", "COLORTERM")
            or k.startswith("LC_")]
    return kept + ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]


def xterm_argv(host, pid):
    """xterm itself in the machine's namespaces (the X socket); only its shell in the host."""
    title = host.upper()
    return ["xterm", "-T", title, "-n", title, "-e"] + shell_argv(host, pid)


def in_network_of(pid, argv):
    """argv run in the network namespace of process `pid`, everything else the machine's."""
    return ["nsenter", f"--net=/proc/{pid}/ns/net", "--"] + list(argv)


def wireshark_argvs(pid, interface, piped):
    """The command line(s) of `wireshark`: one, or dumpcap piped into Wireshark."""
    if piped:
        return [in_network_of(pid, ["dumpcap", "-q", "-i", interface, "-w", "-"]),
                ["wireshark", "-k", "-i", "-"]]
    return [in_network_of(pid, ["wireshark", "-k", "-i", interface])]


def wireshark_title(interface, piped):
    """The title of Wireshark's window once it captures."""
    return f"Capturing from {'-' if piped else interface}"


def program_of(argv):
    """The program a command line runs: past nsenter's options."""
    if argv[0] == "nsenter" and "--" in argv:
        return argv[argv.index("--") + 1]
    return argv[0]


def over_tcp(display):
    """True for a display an X client reaches over TCP (localhost:10.0, ssh -X), which a
    host's network namespace cannot reach; False for a local one (:0, unix:0)."""
    host = display.rsplit(":", 1)[0]
    return host not in ("", "unix") and not host.startswith("/")


def capture_path(results, host, interface, when, taken=os.path.exists):
    """results/capture-HOST-IFACE-YYYYmmdd-HHMMSS.pcapng (-2, -3... if that one exists)."""
    stem = f"capture-{host}-{interface}-{when:%Y%m%d-%H%M%S}"
    path, number = Path(results) / f"{stem}.pcapng", 1
    while taken(path):
        number += 1
        path = Path(results) / f"{stem}-{number}.pcapng"
    return path


def window_titles(tree):
    """The window titles `xwininfo -root -tree` lists."""
    return re.findall(r'^\s*0x[0-9a-f]+ "(.*)": ', tree, re.MULTILINE)


def dumpcap_complaint(text):
    """dumpcap's error in one line: 'Invalid capture filter ... (can't parse filter ...)'."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    said = next((line.split("dumpcap:", 1)[1].strip() for line in lines if "dumpcap:" in line),
                lines[0] if lines else "dumpcap failed")
    reason = next((m.group(1) for line in lines for m in [re.search(r"\(([^()]+)\)\.?$", line)]
                   if m and m.group(1) not in said), None)
    return f"{said.rstrip('.')} ({reason})" if reason else said.rstrip(".")


def live_help(host, interface):
    """The CLI's help about live views, with a host of this lab as the example."""
    return (f"Live views of a host (xterm and wireshark need a display, $DISPLAY):\n"
            f"  mininet> xterm {host}          a terminal whose shell runs inside "
            f"{host.upper()}\n"
            f"  mininet> wireshark {host}      Wireshark capturing inside {host.upper()} "
            f"({interface}; or: wireshark {host} IFACE)\n"
            f"  mininet> capture {host} udp port 53   a pcapng under results/ until Ctrl-C\n"
            f"           (capture HOST [IFACE] [FILTER]: FILTER is a BPF filter)\n"
            f"Every program they start stops with the lab.\n\n")


def teaching_help(host, bench, stages):
    """The CLI's help about stages, reset and hand-in."""
    rows = [(f"reset {host}", f"{host.upper()} back to its stage: what changed there since is gone"),
            (f"reset {host} {stages[0].name}", f"{host.upper()} at another stage"),
            (f"handin {bench}", f"bench {bench}'s work since its stage: an archive under results/"),
            (f"check {bench}", f"bench {bench} against the TP's objectives (--hint ID, --json, "
                               f"--lang fr|en; check all: the class)"),
            (f"lint {host}", f"{host.upper()}'s files reread: file:line, what, why, what to do")]
    width = max(len(command) for command, _ in rows) + 2
    return (f"Doing the TP (stages of this class: {', '.join(s.name for s in stages)}):\n"
            + "".join(f"  mininet> {command:<{width}}{what}\n" for command, what in rows) + "\n")


# ---- the running parts ------------------------------------------------------------------

@dataclass
class View:
    """A program a command started, with what it forked (all recorded), and its directory."""
    host: str
    what: str
    records: list = field(default_factory=list)
    processes: list = field(default_factory=list)
    directory: Path | None = None
    closer: object = None      # a capture's: stops dumpcap, closes its file
    path: Path | None = None   # a capture's file


class OwnSession:
    """A host whose popen() starts programs in a session of their own."""

    def __init__(self, host):
        self._host = host

    def __getattr__(self, name):
        return getattr(self._host, name)

    def popen(self, *args, **kwargs):
        return self._host.popen(*args, start_new_session=True, **kwargs)


class LiveCapture(Capture):
    """evidence's Capture, with dumpcap in a session of its own, recorded once it listens,
    and stopped when asked (not on a frame count). A failed start leaves nothing."""

    def __init__(self, host, target, path):
        super().__init__(OwnSession(host), CaptureSpec(target.host, target.interface, target.bpf),
                         path)
        self.record = None

    def start(self):
        self.pid = None
        try:
            super().start()
            self.record = record_process(self.spec.host, "dumpcap", self.pid)
        except BaseException:
            self.close()
            Path(self.path).unlink(missing_ok=True)
            raise
        return self

    def stop(self):
        """Once the file has taken what dumpcap had (it stops without reading what the kernel
        still holds for it), stop dumpcap by its PID and close the file."""
        seen = [None, time.monotonic()]  # the file's size, and when it last changed

        def quiet():
            size = os.path.getsize(self.path)
            if size != seen[0]:
                seen[:] = [size, time.monotonic()]
            return time.monotonic() - seen[1] > READ_TIMEOUT
        try:
            wait_until(quiet, f"{self.path} to stop growing", 10 * READ_TIMEOUT)
        except NotReadyError:
            pass  # traffic goes on: what comes later is not in this capture
        finally:
            self.close()

    def close(self):
        """Stop dumpcap by its PID, reap nsenter, close the file."""
        if self.process is not None:
            try:
                stop_process(self.record or record_process(self.spec.host, "dumpcap", self.pid))
            except (ProcessLookupError, TypeError):
                pass  # it ended by itself (or never ran: no PID)
            self.process.wait()
        if getattr(self, "_output", None) is not None:
            self._output.close()


def wait_for_ctrl_c():
    """Block until Ctrl-C (SIGINT) reaches the lab."""
    try:
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass


class LiveViews:
    """The programs the CLI's live views started, recorded in the run dir, stopped by PID."""

    def __init__(self, lab, results="results", environ=None, say=print):
        self.lab, self.results, self.say = lab, Path(results), say
        self.environ = dict(os.environ if environ is None else environ)
        self.views = []

    def interfaces(self):
        return {host.name: host.intfNames() for host in self.lab.net.hosts}

    def xterm(self, name):
        host = self._running("xterm", name)
        self._display("xterm", f"`sudo make shell HOST={name}` in another terminal opens "
                               f"the same shell")
        return self._open(host, "xterm", [xterm_argv(name, host.pid)], name.upper())

    def wireshark(self, target, piped=None):
        host = self._running("wireshark", target.host)
        display = self._display("wireshark", f"`capture {target.host} [IFACE] [FILTER]` "
                                             f"writes a pcapng under {self.results}/ to open later")
        piped = over_tcp(display) if piped is None else piped
        return self._open(host, "wireshark", wireshark_argvs(host.pid, target.interface, piped),
                          wireshark_title(target.interface, piped))

    def capture(self, target, until=wait_for_ctrl_c):
        """dumpcap inside the host until `until()` returns; (path, number of frames)."""
        host = self._running("capture", target.host)
        self._need("capture", ["dumpcap"])
        path = capture_path(self.results, target.host, target.interface, datetime.now())
        path.parent.mkdir(parents=True, exist_ok=True)
        capture = LiveCapture(host, target, path)
        try:
            capture.start()
        except NotReadyError:
            raise
        except LabError as failure:
            raise LabError(f"capture: {dumpcap_complaint(str(failure).split('failed:', 1)[-1])}")
        view = View(target.host, "capture", [capture.record], closer=capture.stop, path=path)
        self._add(view)
        try:
            self.say(f"*** capture: dumpcap inside {target.host} on {target.interface}"
                     f"{' (' + target.bpf + ')' if target.bpf else ''} into {path}; "
                     f"Ctrl-C stops it")
            until()
        finally:
            self.close(view)
        frames = count_frames(path, "frame")
        self.say(f"*** capture: {path}: {frames} frame(s)")
        return path, frames

    def close(self, view):
        """Stop a view's programs by PID (and whatever they forked), remove its directory."""
        for process in view.processes:
            view.records += self._descendants(view.host, process.pid, view.records)
        if view.closer:
            view.closer()
        for record in view.records:
            stop_process(record)
        for process in view.processes:
            if process.stdout:
                process.stdout.close()
        if view.directory:
            shutil.rmtree(view.directory, ignore_errors=True)
        if view in self.views:
            self.views.remove(view)
        self._save()

    def stop_all(self):
        for view in reversed(list(self.views)):
            self.close(view)

    # -- helpers
    def _running(self, command, name):
        _known_host(command, name, self.interfaces())
        host = self.lab.host(name)
        if host.shell is None or host.shell.poll() is not None:
            raise LabError(f"{command}: {name} has stopped (its PID 1 ended)")
        return host

    def _display(self, command, hint):
        display = self.environ.get("DISPLAY", "")
        if not display:
            raise UsageError(f"{command}: no display ($DISPLAY is not set): {hint}")
        return display

    def _need(self, command, programs):
        missing = [p for p in programs if shutil.which(p, path=self.environ.get("PATH")) is None]
        if missing:
            raise LabError(f"{command}: {', '.join(missing)} not installed: sudo make deps")

    def _open(self, host, what, argvs, title):
        """Start argvs (piped one into the next) and return the view once `title` shows."""
        self._need(what, [program_of(argv) for argv in argvs] + ["xwininfo"])
        views = Path(host.host_dir) / "views"
        views.mkdir(parents=True, exist_ok=True)
        view = View(host.name, what, directory=Path(tempfile.mkdtemp(prefix=f"{what}-", dir=views)))
        self._add(view)
        try:
            self._start(view, argvs)
            self._wait_for_window(view, title)
            view.records += self._descendants(host.name, view.processes[0].pid, view.records)
            self._save()
        except BaseException:
            self.close(view)
            raise
        self.say(f"*** {what}: '{title}' on {self.environ['DISPLAY']} "
                 f"(pid {view.processes[-1].pid}); it stops with the lab")
        return view

    def _start(self, view, argvs):
        # Wireshark's temporary capture file and Qt's runtime dir go to the view's directory
        # (removed with it, or with the run dir by `make clean`), not to the machine's /tmp.
        env = {**self.environ, "TMPDIR": str(view.directory),
               "XDG_RUNTIME_DIR": str(view.directory)}
        with open(view.directory / "log", "wb") as log:
            stdin = subprocess.DEVNULL
            for number, argv in enumerate(argvs, 1):
                last = number == len(argvs)
                process = subprocess.Popen(argv, stdin=stdin, stdout=log if last else subprocess.PIPE,
                                           stderr=log, env=env, start_new_session=True)
                if stdin is not subprocess.DEVNULL:
                    stdin.close()  # the reader's copy is the only one left
                stdin = process.stdout
                view.processes.append(process)
                view.records.append(record_process(view.host, program_of(argv), process.pid))
                self._save()

    def _wait_for_window(self, view, title):
        def shown():
            for process in view.processes:
                if process.poll() is not None:
                    said = (view.directory / "log").read_text(errors="replace").strip()
                    last = said.splitlines()[-1] if said else f"exit code {process.returncode}"
                    raise LabError(f"{view.what} inside {view.host} ended at once: {last}")
            return title in window_titles(self._windows())
        try:
            wait_until(shown, f"{view.what} '{title}'", WINDOW_TIMEOUT)
        except NotReadyError:
            self.say(f"*** {view.what}: no window '{title}' after {WINDOW_TIMEOUT:g} s; "
                     f"it keeps starting")

    def _windows(self):
        return subprocess.run(["xwininfo", "-root", "-tree"], env=self.environ,
                              capture_output=True, text=True, timeout=10).stdout

    def _descendants(self, host, pid, known):
        """Records of every live process below pid (not yet in `known`)."""
        found, pending, seen = [], [pid], {record.pid for record in known}
        while pending:
            for child in children_of(pending.pop()):
                pending.append(child)
                if child in seen:
                    continue
                try:
                    found.append(record_process(host, _command_of(child), child))
                except ProcessLookupError:
                    continue
        return found

    def _add(self, view):
        self.views.append(view)
        self._save()

    def _save(self):
        self.lab.rundir.update_state(
            views=[record.to_dict() for view in self.views for record in view.records])


def _command_of(pid):
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip()
    except OSError:
        return "process"


def _one_line(method):
    """A command's LabError (bad input included) is one line; the CLI goes on."""
    @functools.wraps(method)
    def command(self, line):
        try:
            method(self, line)
        except LabError as problem:
            error(f"*** {problem}\n")
    return command


def _readable_or_hung_up(poller):
    return any(mask & (select.POLLIN | select.POLLHUP) for _fd, mask in poller.poll(0))


class LabCLI(CLI):
    """Mininet's CLI on a running lab. `xterm`, `x`, `gterm` (Mininet's, based on mnexec and
    an X tunnel) are replaced; `wireshark` and `capture` are new. Add a command as a
    do_NAME(self, line) method (self.lab is the Lab; wrap it in _one_line for one-line
    errors); close() runs when the CLI ends."""

    def __init__(self, lab, results="results", environ=None, **kwargs):
        self.lab = lab
        self.views = LiveViews(lab, results, environ, say=lambda line: output(line + "\n"))
        bench = lab.model.benches[-1]
        server = lab.model.server(bench)
        self.helpStr = (CLI.helpStr + live_help(server.name, server.interfaces[0].name)
                        + teaching_help(server.name, bench, lab.model.stages))
        super().__init__(lab.net, **kwargs)

    def run(self):
        try:
            super().run()
        finally:
            self.close()

    def waitForNode(self, node):
        """Mininet's, but a host whose PID 1 ended (`reboot -f`, `halt -f` typed there) ends
        the command: its terminal hangs up with nothing to read (poll: POLLHUP, no POLLIN),
        which Mininet's loop takes for "nothing yet" and spins on forever; read, it says
        the host has stopped (lab/runtime/host.py: LabHost.read)."""
        readable = mininet.cli.isReadable
        mininet.cli.isReadable = _readable_or_hung_up
        try:
            super().waitForNode(node)
        finally:
            mininet.cli.isReadable = readable

    def close(self):
        """Stop every program the CLI's commands started."""
        self.views.stop_all()

    @_one_line
    def do_reset(self, line):
        """Put HOST back at its stage (or at STAGE), daemons restarted: what changed there
           since is gone. Usage: reset HOST [STAGE]"""
        teaching.reset(self.lab, line.split(), say=lambda text: output(text + "\n"))

    @_one_line
    def do_handin(self, line):
        """Write what changed on bench BENCH's machines since their stage, and the
           commands typed there, into an archive under results/. Usage: handin BENCH"""
        teaching.handin(self.lab, line.split(), say=lambda text: output(text + "\n"))

    @_one_line
    def do_check(self, line):
        """Check a bench against the TP's objectives: PASS, FAIL, NOT YET or BLOCKED each,
           the evidence and a first hint for a FAIL. Usage: check [BENCH|HOST|all]
           [--hint ID] [--json] [--lang fr|en]"""
        from checks.check_cli import check_command
        check_command(self.lab, line.split(), say=lambda text: output(text + "\n"))

    @_one_line
    def do_lint(self, line):
        """Reread HOST's files (aliases, main.cf, named.conf and zones, shell history):
           file:line, what, why, what to do. Usage: lint HOST [--lang fr|en]"""
        from checks.check_cli import lint_command
        lint_command(self.lab, line.split(), say=lambda text: output(text + "\n"))

    @_one_line
    def do_xterm(self, line):
        """Open an xterm titled HOST whose shell runs inside HOST (needs a display).
           Usage: xterm HOST [HOST...]"""
        for name in parse_hosts("xterm", line, self.views.interfaces()):
            self.views.xterm(name)

    @_one_line
    def do_x(self, line):
        """Open an xterm inside HOST: the same as `xterm HOST`.
           Usage: x HOST"""
        words = line.split()
        if len(words) > 1:
            raise UsageError("x: runs no program in a host but a shell: xterm HOST, "
                             "or wireshark HOST [IFACE]")
        self.do_xterm(line)

    def do_gterm(self, line):
        """Open an xterm inside HOST: the same as `xterm HOST`.
           Usage: gterm HOST [HOST...]"""
        self.do_xterm(line)

    @_one_line
    def do_wireshark(self, line):
        """Open Wireshark capturing live inside HOST, on IFACE (default: HOST's first
           interface); needs a display. Usage: wireshark HOST [IFACE]"""
        self.views.wireshark(parse_target("wireshark", line, self.views.interfaces()))

    @_one_line
    def do_capture(self, line):
        """Capture inside HOST on IFACE (default: its first) into a pcapng under results/
           until Ctrl-C; FILTER is a BPF filter (the rest of the line).
           Usage: capture HOST [IFACE] [FILTER]"""
        self.views.capture(parse_target("capture", line, self.views.interfaces(),
                                        with_filter=True))
