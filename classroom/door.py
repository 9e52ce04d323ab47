"""The running lab as the classroom's server uses it (the server runs in the lab's process).

    LabDoor(lab, results)   .model; .shell_argv(host) -> (argv, enters): `make shell`'s login
                            shell inside the host (lab.command.lab_cli.shell_argv);
                            .reset(host, lang) -> what was done, in that language; .handin(bench) -> the archive's
                            Path under results; .capture(host, seconds) -> (pcapng, frames);
                            .stage_of(bench, lang) -> (name, what it holds, in that
                            language); .stages() -> {bench: name};
                            .save_terminals(records): the run dir's state "terminals", read
                            by `make clean` (lab/runtime/cleanup.py) after a killed server
                            .fence_hosts(): inside every host, hide what a student must not
                            read (hiding_script)
                            .check(benches, lang) -> ClassResult: check (checks/check.py) on
                            those benches, with the lab's record; .record(): that CheckRecord;
                            .objectives(lang): the class's objectives (results.Objective)
    DROPPED                 the capabilities a web terminal's shell goes without
    fenced_argv(argv)       a shell_argv whose shell runs under setpriv without DROPPED
    hiding_script(results)  results/ (codes, every bench's captures and hand-ins) and the
                            machine's block devices hidden inside a host

Why: a host's shell is root in the machine's user namespace. The machine's files are
read-only in a host, but readable; with CAP_SYS_ADMIN a student could remount them
read-write, or unmount the host's /proc and /run to reach the machine's. The web terminals
run without CAP_SYS_ADMIN (and the other capabilities that reach beyond the host), and each
host's view of results/ and of the disks is covered before the first student logs in.
"""

import shlex
import threading

from checks.check import check_class, objective_defs, record_of
from checks.findings import _
from checks.i18n import translator
from checks.objectives import as_objective
from classroom.fence import Refused
from lab.base.errors import LabError
from lab.command import teaching
from lab.command.lab_cli import shell_argv
from lab.runtime.attach import operation
from lab.runtime.handin import write_handin
from topologies.stages import StagePlan


DROPPED = ("sys_admin", "sys_module", "sys_rawio", "sys_ptrace", "mknod", "sys_time",
           "syslog", "mac_admin", "mac_override", "bpf", "perfmon", "audit_control",
           "sys_resource", "lease", "linux_immutable", "wake_alarm", "block_suspend")
BLOCK_DEVICES = ("/dev/vd*", "/dev/sd*", "/dev/hd*", "/dev/xvd*", "/dev/nvme*", "/dev/zram*",
                 "/dev/loop*", "/dev/mmcblk*", "/dev/dm-*", "/dev/md*", "/dev/mem", "/dev/kmem",
                 "/dev/port", "/dev/mapper")


def fenced_argv(argv):
    at = argv.index("--") + 1
    drop = ",".join(f"-{name}" for name in DROPPED)
    return argv[:at] + ["setpriv", "--bounding-set", drop, "--"] + argv[at:]


def hiding_script(results):
    folder = shlex.quote(str(results))
    return "\n".join([
        "set -e",  # a folder the host sees but cannot cover stops the classroom
        f"if [ -d {folder} ]; then mount -t tmpfs -o ro,size=4k,mode=0555 classroom-hidden "
        f"{folder}; fi",
        f"for device in {' '.join(BLOCK_DEVICES)}; do",
        '  if [ -e "$device" ]; then mount --bind /dev/null "$device" 2>/dev/null || true; fi',
        "done"]) + "\n"


class LabDoor:

    def __init__(self, lab, results="results"):
        self.lab, self.model, self.results = lab, lab.model, results
        self._state = threading.Lock()

    def shell_argv(self, name):
        host = self.lab.host(name)
        if host.shell is None or host.shell.poll() is not None:
            raise Refused(503, f"{name} has stopped (its PID 1 ended)",
                          _("This machine has stopped (reboot or halt in it)."))
        return fenced_argv(shell_argv(name, host.pid)), True

    def fence_hosts(self):
        from pathlib import Path
        results = Path(self.results).resolve()
        results.mkdir(parents=True, exist_ok=True)
        for host in self.lab.net.hosts:
            if callable(getattr(host, "run_script", None)):
                host.run_script(hiding_script(results), "hiding results/ and the disks")

    def reset(self, name, lang=None):
        said = []
        try:
            teaching.reset(self.lab, [name], say=said.append, lang=lang)
        except LabError as error:
            raise Refused(500, f"reset of {name} failed: {error}",
                          _("It failed: {reason}", reason=str(error))) from None
        return said[-1].removeprefix("*** ") if said else ""

    def handin(self, bench):
        try:
            with operation(self.lab.rundir):
                return write_handin(self.lab, bench, folder=self.results)
        except LabError as error:
            raise Refused(500, f"hand-in of bench {bench} failed: {error}",
                          _("It failed: {reason}", reason=str(error))) from None

    def capture(self, name, seconds):
        """dumpcap inside the host on its first interface for `seconds` (the CLI's capture,
        lab/command/lab_cli.py): (the pcapng's Path under results, frames)."""
        from lab.command.lab_cli import Target
        stop = threading.Event()
        interface = self.lab.host(name).intfNames()[0]
        try:
            return self._views().capture(Target(name, interface, ""),
                                         until=lambda: stop.wait(seconds))
        except LabError as error:
            raise Refused(500, f"capture in {name} failed: {error}",
                          _("It failed: {reason}", reason=str(error))) from None

    def _views(self):
        """One LiveViews for every capture: all of them in the run dir's state "views"."""
        with self._state:
            if getattr(self, "_live", None) is None:
                from lab.command.lab_cli import LiveViews
                self._live = LiveViews(self.lab, self.results, say=lambda _line: None)
            return self._live

    def stage_of(self, bench, lang=None):
        stage = self._plan().stage_of(self.model.server(bench))
        return stage.name, stage.says_for(bench, lang)

    def stages(self):
        """{bench: the name of its stage}, the run dir's state read once."""
        plan = self._plan()
        return {b: plan.stage_of(self.model.server(b)).name for b in self.model.benches}

    def _plan(self):
        return StagePlan.from_state(self.model, self.lab.rundir.read_state())

    def check(self, benches, lang):
        return check_class(self.lab, list(benches), lang, record=self.record())

    def record(self):
        return record_of(self.lab)

    def objectives(self, lang):
        translate = translator(lang)
        return [as_objective(self.model, d, translate) for d in objective_defs(self.model)]

    def save_terminals(self, records):
        with self._state:
            self.lab.rundir.update_state(terminals=records)
