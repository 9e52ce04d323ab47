"""ServiceRunner: brings the lab's services up in order, and down in reverse.

  1. every service writes its rendered files inside its hosts (files the user
     overrides are written by the lab instead);
  2. every config check runs, all at once: one failure stops the lab before any
     daemon starts, with the checker's own message (ConfigCheckError names host,
     service and file);
  3. every service runs its preparation (accounts, keys) in its hosts;
  4. service by service, in order: start it in all its hosts at once, record
     each daemon's PID in the run dir, probe readiness through wait_until.
Stopping uses the service's own stop command inside the host, or its PID.
"""

import subprocess
import time

from lab.errors import ConfigCheckError, HostCommandError
from lab.processes import record_process, stop_process
from lab.waiting import wait_until


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
        began = time.monotonic()
        self._configure_all(plans, lab.model)
        count = sum(len(placements) for _, placements in plans)
        self.say(f"*** {count} configurations written and checked ({time.monotonic() - began:.1f} s)")
        for service, placements in plans:
            began = time.monotonic()
            self._start(service, placements)
            self._wait_ready(service, placements)
            names = " ".join(host.name for host, _ in placements)
            self.say(f"*** {service.name} ready on {names} ({time.monotonic() - began:.1f} s)")

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
        for service, placements in plans:
            for host, spec in placements:
                preparation = service.prepare(spec)
                if preparation:
                    host.run_script(preparation, f"preparing {service.name}")

    def _write_files(self, service, host, spec, model):
        overridden = self.overrides.get(host.name, {})
        for path, text in service.files(model, spec).items():
            if path not in overridden:
                host.write_file(path, text)

    def _start(self, service, placements):
        results = run_in_parallel([(host, service.start(spec)) for host, spec in placements])
        for (host, spec), (code, output) in zip(placements, results):
            if code != 0:
                raise HostCommandError(host.name, f"starting {service.name}", output)
            pid = int(output.split()[-1])
            record = record_process(host.name, service.name, pid)
            self.started.append((service, host, spec, record))
        self.rundir.update_state(processes=[r.to_dict() for *_, r in self.started])

    def _wait_ready(self, service, placements):
        for host, spec in placements:
            wait_until(lambda: service.ready(host, spec),
                       f"{service.name} on {host.name}", service.ready_timeout)

    def stop_all(self):
        """Each service's own stop command in each host (it also stops an instance a student
        restarted by hand), then the recorded PID if it is still there."""
        while self.started:
            service, host, spec, record = self.started.pop()
            command = service.stop(spec)
            if command:
                host.popen(["sh", "-c", command], stdin=subprocess.DEVNULL).communicate()
            stop_process(record)


def run_in_parallel(jobs):
    """Run (host, shell command) pairs at once; [(exit code, stdout+stderr)] in order."""
    processes = [host.popen(["sh", "-c", command], stdin=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT) for host, command in jobs]
    results = []
    for process in processes:
        out, _ = process.communicate()
        results.append((process.returncode, out.decode(errors="replace")))
    return results
