"""LabHost: a Mininet Host that behaves like a small machine.

    LabHost   own hostname (UTS namespace) and processes (PID namespace), copy-on-write
              /etc /var /root /home in two layers, the stage's and the student's, private
              /run /tmp (lab/runtime/machine.py), configured by its own
              /root/init_machine.sh (topologies/init_script.py) as its stage says; its
              shell keeps a history with times (/root/.bash_history: the hand-in's)

Everything a host sees is written and started by commands run inside it
(popen/cmd), never by file I/O on the machine behind the overlay's back.
"""

import errno
import os
import shutil
import subprocess

from mininet.node import Host

from lab.base.errors import HostCommandError
from lab.base.processes import NSENTER, inner_pid, only_child, pid_in_machine
from lab.runtime.machine import files_archive, private_views_script, seal_script
from lab.runtime.rundir import RUN_DIR
from topologies.init_script import SCRIPT_PATH, render_init_script

# the host's shell: `HOST CMD` in the CLI goes to its history, with times (HISTTIMEFORMAT);
# a line the lab sends begins with a space (HISTCONTROL); SIGUSR1 takes it home to /root
# once its /root is the student's (lab/runtime/machine.py: seal, reset)
HISTORY = {"HISTFILE": "/root/.bash_history", "HISTTIMEFORMAT": "%F %T  ",
           "HISTCONTROL": "ignorespace", "PROMPT_COMMAND": "history -a"}
SHELL_SETUP = (" trap 'cd /root' USR1; export "
               + " ".join(f"{k}='{v}'" for k, v in HISTORY.items()) + "; history -c")


class InsideHost:
    """What the lab does inside a host, given popen(): scripts, files, its stage."""
    spec = None
    plan = None

    def program_pid(self, process):
        """The machine's PID of the program a popen() runs (nsenter's child)."""
        return inner_pid(process)

    def machine_pid(self, host_pid):
        """The machine's PID of the host's process `host_pid` (as `ps` shows it in the host)."""
        return pid_in_machine(self.pid, host_pid)

    def init_script(self):
        """Write /root/init_machine.sh, as the host's stage says, and run it."""
        if self.spec is None:
            return ""
        forwarding = self.plan.forwarding(self.spec) if self.plan else None
        resolver = self.plan.resolver(self.spec) if self.plan else None
        text = render_init_script(self.spec, forwarding, resolver)
        return (f"cat > {SCRIPT_PATH} <<'INIT_MACHINE'\n{text}"
                f"INIT_MACHINE\nchmod 755 {SCRIPT_PATH}\nsh {SCRIPT_PATH}\n")

    def seal(self):
        """From now on, what changes in the host is the student's (lab/runtime/machine.py)."""
        self.run_script(seal_script(self.host_dir), "sealing the stage's layer")

    def run_script(self, script, what, timeout=60):
        """Run a shell script inside the host; its stdout, or HostCommandError."""
        process = self.popen(["sh", "-c", script], stdin=subprocess.DEVNULL)
        return self._finish(process, what, timeout)

    def _finish(self, process, what, timeout=60):
        out, err = process.communicate(timeout=timeout)
        if process.returncode != 0:
            raise HostCommandError(self.name, what, (err or out).decode(errors="replace"))
        return out.decode(errors="replace")

    def write_files(self, files):
        """Write {path: text} inside the host's own view of the filesystem, in one `tar -x`
        run inside it (see lab/runtime/machine.py: files_archive)."""
        process = self.popen(["tar", "-x", "-C", "/", "-f", "-"], stdin=subprocess.PIPE)
        out, err = process.communicate(files_archive(files))
        if process.returncode != 0:
            names = ", ".join(sorted(files))
            raise HostCommandError(self.name, f"writing {names}", (err or out).decode())

    def write_file(self, path, text):
        self.write_files({path: text})


class LabHost(InsideHost, Host):

    def __init__(self, name, spec=None, hosts_dir=None, plan=None, **params):
        self.spec = spec
        self.plan = plan
        self.host_dir = str((hosts_dir or RUN_DIR / "hosts") / name)
        self._boot = None
        super().__init__(name, **params)

    def _popen(self, cmd, **params):
        """Start the host's shell (the first process) in UTS and PID namespaces of its own:
        the shell is the host's PID 1, with the host's own /proc (`ps aux` shows the host),
        and leads a session whose terminal is its pty, so Ctrl-C in the CLI reaches the
        command it runs."""
        if self.shell is None:
            cmd = cmd[:2] + ["unshare", "--uts", "--pid", "--fork", "--mount-proc",
                             "setsid", "--ctty"] + cmd[2:]
        return super()._popen(cmd, **params)

    def startShell(self, *args, **kwargs):
        """Mininet knows the host by its shell's PID: here the shell runs under unshare,
        so the host's PID is unshare's child, PID 1 inside the host. The lab lets go of
        its copy of the shell's terminal, so that a host whose PID 1 ends (`reboot -f`,
        `halt -f`) ends the command waiting on it instead of hanging it."""
        super().startShell(*args, **kwargs)
        os.close(self.slave)
        self.slave = os.open(os.devnull, os.O_RDONLY)  # Mininet's cleanup closes it
        self.pid = only_child(self.shell.pid)

    def read(self, size=1024):
        try:
            return super().read(size)
        except OSError as error:
            if error.errno != errno.EIO:
                raise
            self.waiting = False
            return (f"*** {self.name} has stopped: its PID 1 ended (reboot, halt or poweroff "
                    f"in {self.name}); the other hosts run on\n") + chr(127)

    def popen(self, *args, **kwargs):
        """Run a command inside the host: its network, mounts, hostname and processes.
        nsenter forks to enter the PID namespace: inner_pid(process) is the command's PID."""
        kwargs.setdefault("mncmd", NSENTER + ["-t", str(self.pid), "--"])
        return super().popen(*args, **kwargs)

    def config(self, **params):
        """Boot the machine: private views, then (with a spec) its init_machine.sh, written
        and run inside it, all in one command (LabNet begins every host's boot at once)."""
        result = super().config(**params)
        if self._boot is None:
            self.begin_boot()
        self._finish(self._boot, f"booting (private views, {SCRIPT_PATH})")
        self.cmd(SHELL_SETUP)
        if self.spec is not None:
            self._note_addresses()
        return result

    def begin_boot(self):
        script = private_views_script(self.name, self.host_dir) + self.init_script()
        self._boot = self.popen(["sh", "-c", script], stdin=subprocess.DEVNULL)

    def _note_addresses(self):
        """Tell Mininet what init_machine.sh configured (for `dump`, `pingall`, name-to-IP)."""
        for interface in self.spec.interfaces:
            ip, prefix = interface.address.split("/")
            intf = self.intf(interface.name)
            intf.ip, intf.prefixLen = ip, int(prefix)

    def terminate(self):
        super().terminate()
        shutil.rmtree(self.host_dir, ignore_errors=True)
        _remove_if_empty(os.path.dirname(self.host_dir))


def _remove_if_empty(directory):
    try:
        os.rmdir(directory)
    except OSError:
        pass


class HostHandle(InsideHost):
    """A host of the running lab, from another process (`make reset`, `make handin`):
    its PID 1 (`pid`, from the run dir's record), reached through nsenter."""

    def __init__(self, name, pid, host_dir, spec=None, plan=None):
        self.name, self.pid, self.host_dir = name, pid, host_dir
        self.spec, self.plan = spec, plan

    def popen(self, cmd, **kwargs):
        kwargs.setdefault("stdout", subprocess.PIPE)
        kwargs.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen(NSENTER + ["-t", str(self.pid), "--"] + list(cmd), **kwargs)
