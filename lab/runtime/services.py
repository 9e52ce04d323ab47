"""ServiceRunner: brings the lab's services up in order, and down in reverse.

  1. every service writes its rendered files inside its hosts (files the user
     overrides are written by the lab instead);
  2. every config check runs, all at once: one failure stops the lab before any
     daemon starts, with the checker's own message (ConfigCheckError names host,
     service and file);
  3. every service runs its preparation (accounts, keys) in its hosts;
  4. every service whose `needs` are ready starts in all its hosts at once; its
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

    def start_all(self, lab):
        plans = [(service, [(lab.host(spec.name), spec) for spec in service.hosts(lab.model)])
                 for service in self.services]
        plans = [(service, placements) for service, placements in plans if placements]
        began = time.monotonic()
        self._configure_all(plans, lab.model)
        count = sum(len(placements) for _, placements in plans)
        self.say(f"*** {count} configurations written and checked ({time.monotonic() - began:.1f} s)")
        ready, waiting = set(), []
        try:
            while plans or waiting:
                launchable = [(s, p) for s, p in plans if set(s.needs) <= ready]
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
        """Record the PIDs its start commands printed, then wait until it answers."""
        results = collect(processes)
        self._record(service, placements, results)
        for (host, _), (code, output) in zip(placements, results):
            if code != 0:
                raise HostCommandError(host.name, f"starting {service.name}", output)
        self._wait_ready(service, placements)
        self.say(f"*** {service.name} ready on {_hosts(placements)} ({time.monotonic() - began:.1f} s)")
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
        self.rundir.update_state(processes=[r.to_dict() for *_, r in self.started])

    def _configure_all(self, plans, model):
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
