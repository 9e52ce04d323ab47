"""Service: the contract every daemon of the lab declares at the top of its class.

    name            what the user reads in progress lines and errors ("named")
    packages        Debian packages it needs (tools/install-deps must list them: a unit
                    test checks it)
    ready_timeout   seconds its readiness probe may take before the lab gives up
    needs           Service classes that must be ready before it starts (default: none)
    hosts(model)            the HostSpecs it runs on
    files(model, spec)      {path: text} rendered for one host: pure, testable without root
    checks(spec)            [(path, shell command)]: a non-zero exit stops the lab
    prepare(spec)           shell run inside the host once every check passed, or ""
    start(spec)             shell run inside the host; prints the daemon's PID last
    ready(host, spec)       one readiness probe (an SOA answer, a 220 banner): True when ready
    stop(spec)              shell run inside the host that stops it (its own stop command),
                            or "" to stop it by its recorded PID

Templates live beside the service, under the path where the file lands
(services/templates/etc/postfix/main.cf).
"""

from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).resolve().parent / "templates"


class Service:
    name = "service"
    packages = ()
    ready_timeout = 10.0
    needs = ()

    def hosts(self, model):
        raise NotImplementedError

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


def render_template(path, **values):
    """Fill services/templates/<path> ($name placeholders; $$ for a literal $)."""
    return Template((TEMPLATES / path.lstrip("/")).read_text()).substitute(values)
