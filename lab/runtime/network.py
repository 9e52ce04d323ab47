"""Lab: one running class, from the class model to a network with its services.

    with Lab(model, services_for(model)) as lab:   # build, boot hosts, start services
        print(lab.cmd(seat.name, f"ping -c 3 {server.ip}"))   # names from the model
    # leaving the block stops every service, the network, and removes the run dir

Bring-up is all or nothing: if any step fails (a config check, a daemon that is
not ready), everything started so far is stopped before the error goes up.

Each host starts at its stage (plan: topologies/stages.py; default: every bench done);
`lab.reset(name, stage=None)` puts one back there, or at another stage.
"""

import time
from functools import partial

from mininet.log import setLogLevel

from lab.runtime import cleanup
from lab.runtime.bridge import LabBridge
from lab.runtime.host import LabHost
from lab.runtime.labnet import LabNet
from lab.runtime.link import LabLink
from lab.base.errors import HostCommandError
from lab.base.processes import become_subreaper, record_process
from lab.runtime.machine import seal_script
from lab.runtime.rundir import RunDir, lab_state
from lab.runtime.services import ServiceRunner, run_in_parallel
from topologies.classroom import ClassroomTopo
from topologies.benches import bench_list_text
from topologies.stages import StagePlan


class Lab:

    def __init__(self, model, services=(), rundir=None, say=print, overrides=None, plan=None,
                 handin=None):
        self.model = model
        self.plan = plan or StagePlan(model)
        self.handin = handin  # a student's work to replay (lab/runtime/handin.py)
        self.rundir = rundir or RunDir()
        self.overrides = overrides or {}
        self.runner = ServiceRunner(services, self.rundir, say, self.overrides)
        self.say = say
        self.net = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *_exc):
        self.stop()

    def start(self):
        self.rundir.acquire()
        try:
            cleanup.clean(self.rundir, say=self.say, holding_lock=True)
            self.rundir.write_state(lab_state(
                benches=list(self.model.benches), part2=self.model.part2,
                class_file=str(self.model.spec.file.path.resolve()), **self.plan.to_state()))
            become_subreaper()
            self._start_network()
            self._write_overrides()
            self.runner.start_all(self)
        except BaseException:
            self.stop()
            raise

    def _start_network(self):
        began = time.monotonic()
        hosts, lans = len(self.model.hosts), len(self.model.lans)
        benches = bench_list_text(self.model.benches)
        self.say(f"*** Building the class: {self.model.instructor.name.upper()} + bench(es) {benches} "
                 f"({hosts} hosts, {lans} LANs), {self.plan.summary()}")
        setLogLevel("output")
        topo = ClassroomTopo(model=self.model)
        host = partial(LabHost, hosts_dir=self.rundir.hosts_dir, plan=self.plan)
        self.net = LabNet(topo=topo, host=host, switch=LabBridge, link=LabLink, controller=None,
                          build=False,
                          say=self.say)
        self.net.build()
        self._record_hosts()
        self.net.start()
        self.say(f"*** Network up in {time.monotonic() - began:.1f} s")

    def _record_hosts(self):
        nodes = self.net.hosts + self.net.switches
        self.rundir.update_state(
            shells=[record_process(n.name, "shell", n.pid).to_dict() for n in nodes])

    def _write_overrides(self):
        for name, files in self.overrides.items():
            self.host(name).write_files(files)
            self.say(f"*** {name}: {len(files)} file(s) from the overrides")

    def seal_hosts(self):
        """Every host's stage layer is done: what changes from now on is the student's."""
        hosts = [h for h in self.net.hosts if isinstance(h, LabHost)]
        for host, (code, output) in zip(hosts, run_in_parallel(
                [(h, seal_script(h.host_dir)) for h in hosts])):
            if code != 0:
                raise HostCommandError(host.name, "sealing the stage's layer", output)
        if self.handin:
            self._replay_handin()

    def _replay_handin(self):
        from lab.runtime.handin import load_into
        for name, (files, deleted) in self.handin.hosts.items():
            load_into(self.host(name), files, deleted)
            self.runner.lenient.add(name)
        self.say(f"*** hand-in {self.handin.path} replayed on "
                 f"{', '.join(self.handin.hosts)}: the student's files, their daemons started "
                 "as at boot")

    def reset(self, name, stage=None):
        """Host `name` back to its stage (or to `stage`), services included; the seconds it
        took. KeyError names an unknown host or stage."""
        from lab.runtime.attach import reset_in
        took = reset_in(self, name, stage)
        self.plan = StagePlan.from_state(self.model, self.rundir.read_state())
        return took

    def stop(self):
        began = time.monotonic()
        try:
            self.runner.stop_all()
            if self.net is not None:
                self.net.stop()
                self.net = None
        finally:
            cleanup.clean(self.rundir, say=lambda _line: None, holding_lock=True)
            self.rundir.release()
        self.say(f"*** Lab stopped: services, hosts and links gone ({time.monotonic() - began:.1f} s)")

    def host(self, name):
        self.model.host(name)
        return self.net[name]

    def cmd(self, name, command):
        """Run a command in a host's shell, as the Mininet CLI does; its output."""
        return self.host(name).cmd(command).replace("\r\n", "\n")
