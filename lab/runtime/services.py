"""ServiceRunner: brings the lab's services up in order, and down in reverse.

  0. each host runs each of its services configured, or as installed when its stage
     (topologies/stages.py) comes before that service's;
  1. every service writes its rendered files inside its hosts (files the user
     overrides are written by the lab instead);
  2. every config check runs, all at once: one failure stops the lab before any
     daemon starts, with the checker's own message (ConfigCheckError names host,
     service and file);
  3. every service runs its preparation (accounts, keys) in its hosts;
  4. the hosts' stage layers are sealed (lab/runtime/machine.py): what follows is the
     student's;
  5. every service whose `needs` are ready starts in all its hosts at once; its
     PIDs are recorded in the run dir and its readiness probed through wait_until,
     service by service; a service starts as soon as what it needs is ready (the
     secondary DNS starts once Sn's named answers, while Postfix still starts).
Stopping uses the service's own stop command inside the host, or its PID.
"""

import subprocess
import time

from lab.base.errors import ConfigCheckError, HostCommandError, LabError
from lab.base.processes import record_process, stop_process
from lab.base.waiting import wait_until


class ServiceRunner:

    def __init__(self, services, rundir, say=print, overrides=None):
        self.services = list(services)
        self.rundir = rundir
        self.say = say
        self.overrides = overrides or {}
        self.started = []
        self.lenient = set()  # hosts whose daemons may fail to start (a hand-in replayed)

    def start_all(self, lab):
        """Configure every host at its stage, seal the stage layers, start the daemons."""
        plans = self.placements(lab.model, lab.plan, lab.host)
        began = time.monotonic()
        self.configure(plans, lab.model)
        count = sum(len(placements) for _, placements in plans)
        self.say(f"*** {count} configurations written and checked ({time.monotonic() - began:.1f} s)")
        lab.seal_hosts()
        self.launch(plans)

    def placements(self, model, plan, host_of, names=None):
        """[(service, [(host, spec)])]: each service on its hosts (those of `names` only, if
        given), configured where the host's stage says so, else as installed."""
        plans = []
        for service in self.services:
            specs = [s for s in service.hosts(model) if names is None or s.name in names]
            configured = [s for s in specs if plan.configured(s, service.name)]
            installed = [s for s in specs if s not in configured]
            for chosen, group in ((service, configured), (service.installed(), installed)):
                if chosen is not None and group:
                    plans.append((chosen, [(host_of(s.name), s) for s in group]))
        return plans

    def launch(self, plans):
        """Start each service once what it needs is ready (or not started at all here)."""
        ready, waiting = set(), []
        absent = {type(service) for service in self.services}
        absent -= {type(service) for service, _ in plans}
        try:
            while plans or waiting:
                launchable = [(s, p) for s, p in plans if set(s.needs) <= ready | absent]
                plans = [plan for plan in plans if plan not in launchable]
                waiting += [self._launch(service, placements) for service, placements in launchable]
                if not waiting:
                    raise LabError("services wait on each other: "
                                   + ", ".join(s.name for s, _ in plans))
                ready.add(self._confirm(*waiting.pop(0)))
        except BaseException:
            for service, placements, processes, _ in waiting:  # so that stop_all stops them
                self._record(service, placements, collect(processes))
            raise

    def _launch(self, service, placements):
        processes = launch([(host, service.start(spec)) for host, spec in placements])
        return service, placements, processes, time.monotonic()

    def _confirm(self, service, placements, processes, began):
        """Record the PIDs its start commands printed, then wait until it answers (a start
        command that printed nothing started nothing: nothing to wait for)."""
        results = collect(processes)
        self._record(service, placements, results)
        running = []
        for (host, spec), (code, output) in zip(placements, results):
            if code != 0 and host.name in self.lenient:
                self.say(f"*** {host.name}: {service.name} did not start: {_last_line(output)}")
            elif code != 0:
                raise HostCommandError(host.name, f"starting {service.name}", output)
            elif output.strip():
                running.append((host, spec))
        self._wait_ready(service, [p for p in running if p[0].name not in self.lenient])
        if running:
            self.say(f"*** {service.name} ready on {_hosts(running)} ({time.monotonic() - began:.1f} s)")
        return type(service)

    def _record(self, service, placements, results):
        """Every daemon that did start, in this runner and in the run dir's state.json."""
        for (host, spec), (code, output) in zip(placements, results):
            words = output.split()
            if code == 0 and words and words[-1].isdigit():
                try:
                    pid = host.machine_pid(int(words[-1]))
                    record = record_process(host.name, service.name, pid)
                except ProcessLookupError:
                    continue
                self.started.append((service, host, spec, record))
        # merged with what the run dir holds: a reset from another terminal adds its
        # daemons to the lab's record instead of replacing it
        ours = [r.to_dict() for *_, r in self.started]

        def merge(state):
            known = state.get("processes", [])
            state["processes"] = known + [r for r in ours if r not in known]
        self.rundir.edit_state(merge)

    def configure(self, plans, model):
        """Write every service's files, then run every check at once: nothing starts
        unless every configuration passes."""
        checks = []
        for service, placements in plans:
            for host, spec in placements:
                self._write_files(service, host, spec, model)
                checks += [(service, host, path, command) for path, command in service.checks(spec)]
        results = run_in_parallel([(host, command) for _, host, _, command in checks])
        for (service, host, path, _), (code, output) in zip(checks, results):
            if code != 0:
                raise ConfigCheckError(host.name, service.name, path, output)
        preparations = [(service, host, service.prepare(spec))
                        for service, placements in plans for host, spec in placements]
        preparations = [job for job in preparations if job[2]]
        results = run_in_parallel([(host, script) for _, host, script in preparations])
        for (service, host, _), (code, output) in zip(preparations, results):
            if code != 0:
                raise HostCommandError(host.name, f"preparing {service.name}", output)

    def _write_files(self, service, host, spec, model):
        overridden = self.overrides.get(host.name, {})
        files = {path: text for path, text in service.files(model, spec).items()
                 if path not in overridden}
        if files:
            host.write_files(files)

    def _wait_ready(self, service, placements):
        for host, spec in placements:
            wait_until(lambda: service.ready(host, spec),
                       f"{service.name} on {host.name}", service.ready_timeout)

    def stop_all(self):
        """Each service's own stop command in each host, all at once (it also stops an
        instance a student restarted by hand), then the recorded PIDs still there."""
        started, self.started = self.started, []
        run_in_parallel([(host, service.stop(spec)) for service, host, spec, _ in started
                         if service.stop(spec)])
        for *_, record in reversed(started):
            stop_process(record)


def _last_line(output):
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no message"


def _hosts(placements):
    names = [host.name for host, _ in placements]
    return " ".join(names) if len(names) <= 6 else f"{names[0]} ... {names[-1]} ({len(names)} hosts)"


def run_in_parallel(jobs):
    """Run (host, shell command) pairs at once; [(exit code, stdout+stderr)] in order."""
    return collect(launch(jobs))


def launch(jobs):
    return [host.popen(["sh", "-c", command], stdin=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            for host, command in jobs]


def collect(processes):
    results = []
    for process in processes:
        out, _ = process.communicate()
        results.append((process.returncode, out.decode(errors="replace")))
    return results
