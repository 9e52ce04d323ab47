"""The running lab, from another terminal (`sudo make reset HOST=NAME`, `make handin`).

The lab's process records in its run dir how to build its class again (class file,
benches, part 2, where each host stands) and each host's PID 1; a second process
rebuilds the model from that and reaches the hosts through nsenter.

    AttachedLab(rundir, services_for)   .model, .plan, .host(name) (a HostHandle),
                          .reset(name, stage), .runner: the services services_for(model)
                          gives; UsageError when no lab runs. The daemons' progress lines
                          go to `say` (default: unsaid: a command typed in another
                          terminal prints one line, what it did)
    operation(rundir)     a lock held while one host is reset or handed in, by whichever
                          process does it (the lab's CLI or another terminal)
"""

import contextlib
import fcntl
import os

from lab.base.errors import UsageError
from lab.base.processes import ProcessRecord, is_running
from lab.runtime.host import HostHandle
from lab.runtime.reset import reset_host
from lab.runtime.services import ServiceRunner
from topologies.model import ClassSpec
from topologies.stages import StagePlan


class AttachedLab:

    def __init__(self, rundir, services_for, say=None):
        say = say or (lambda _line: None)
        self.rundir, self.say = rundir, say
        state = rundir.read_state()
        lab = ProcessRecord("lab", "lab process", int(state.get("lab_pid", 0) or 0),
                            int(state.get("lab_start", 0) or 0))
        if not state.get("class_file") or not is_running(lab):
            raise UsageError("no lab is running (start one with: sudo make lab)")
        self.model = ClassSpec(state["class_file"]).model(tuple(state["benches"]),
                                                          part2=state["part2"])
        self.shells = {entry["host"]: ProcessRecord(**entry) for entry in state.get("shells", [])}
        self.runner = ServiceRunner(services_for(self.model), rundir, say)

    @property
    def plan(self):
        return StagePlan.from_state(self.model, self.rundir.read_state())

    def host(self, name):
        spec = self.model.host(name)
        record = self.shells.get(name)
        if record is None or not is_running(record):
            raise UsageError(f"host {name} is not running (reboot or halt ended it)")
        return HostHandle(name, record.pid, str(self.rundir.hosts_dir / name), spec, self.plan)

    def reset(self, name, stage=None):
        return reset_in(self, name, stage)


def reset_in(lab, name, stage=None):
    """Reset host `name` of a Lab or an AttachedLab (KeyError: unknown host or stage)."""
    spec = lab.model.host(name)
    if not os.path.exists(f"/proc/{lab.host(name).pid}/ns/pid"):
        raise UsageError(f"reset: host {name} is not running: its PID 1 ended (reboot or "
                         "halt typed there); restart the lab to get it back")
    plan = StagePlan.from_state(lab.model, lab.rundir.read_state())
    rebuild = stage is not None and stage != plan.stage_of(spec).name
    if rebuild:
        plan = plan.moved_to(name, stage)
        lab.rundir.update_state(**plan.to_state())
    with operation(lab.rundir):
        return reset_host(lab.host(name), spec, plan, lab.runner, lab.model, rebuild,
                          lab.runner.overrides.get(name))


@contextlib.contextmanager
def operation(rundir):
    with open(rundir.path / "operation.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
