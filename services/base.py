"""Service: the contract every daemon of the lab declares at the top of its class.

    name            what the user reads in progress lines and errors ("named")
    packages        Debian packages it needs (tools/install-deps must list them: a unit
                    test checks it)
    ready_timeout   seconds its readiness probe may take before the lab gives up
    needs           Service classes that must be ready before it starts (default: none)
    hosts(model)            the HostSpecs it runs on (those whose role names it in the
                            class file's [services])
    check(model)            what the class file must hold for it (ClassFileError otherwise)
    files(model, spec)      {path: text} rendered for one host: pure, testable without root
    checks(spec)            [(path, shell command)]: a non-zero exit stops the lab
    prepare(spec)           shell run inside the host once every check passed, or ""
    start(spec)             shell run inside the host; prints the daemon's PID last
    ready(host, spec)       one readiness probe (services/probes.py): True when ready
    stop(spec)              shell run inside the host that stops it (its own stop command),
                            or "" to stop it by its recorded PID
    installed()             the same daemon as a fresh Debian leaves it, before a student
                            configures it (topologies/stages.py): a Service, or None

A start command that prints nothing started nothing (e.g. Postfix as installed: no
main.cf, no daemon); the lab then waits for no readiness.

A service is a folder services/<name>/: its module (__init__.py, whose SERVICES lists its
Service classes in start order) and its templates under templates/, at the path where each
file lands (services/postfix/templates/etc/postfix/main.cf). services/__init__.py finds them.
A service is bound to the class it serves: `self.model`.
"""

import inspect
from pathlib import Path
from string import Template


class Service:
    name = "service"
    packages = ()
    ready_timeout = 10.0
    needs = ()

    def __init__(self, model=None):
        self.model = model

    def hosts(self, model):
        return model.hosts_running(self.name)

    def check(self, model):
        pass

    def files(self, model, spec):
        return {}

    def prepare(self, spec):
        return ""

    def checks(self, spec):
        return []

    def start(self, spec):
        raise NotImplementedError

    def ready(self, host, spec):
        raise NotImplementedError

    def stop(self, spec):
        return ""

    def installed(self):
        return None

    def on_bench_servers_only(self, model):
        """For a daemon of a bench's server (mail): no role without a bench may run it."""
        for spec in model.hosts_running(self.name):
            if spec.bench is None:
                model.spec.fail("services", spec.role, f"{self.name} runs on a bench's server "
                                                       f"only, not on {spec.name}")

    def template(self, path, **values):
        """Fill templates/<path> beside the service's module ($name placeholders; $$ for $)."""
        folder = Path(inspect.getfile(type(self))).resolve().parent / "templates"
        return Template((folder / path.lstrip("/")).read_text()).substitute(values)
