"""What a probe gets: one bench of the running lab, its hosts, and helpers.

    BenchContext(lab, bench, agents=None, record=None)    lab: the running Lab (the CLI's)
                                or an AttachedLab (another terminal): .model, .plan,
                                .host(name); agents: an Agents shared by the benches of a
                                class; record: the CheckRecord (memo) or None
    Agents(lab)                 each host's agent (inside.AgentHost), one a check; .close()
      .model .bench .plan (plan_of) .roles (objectives.Roles)
      .host(name)               the host with its agent (inside.AgentHost), one a check
      .close()                  ends the agents
      .reader(name)             its HostReader (lint and the probes share what it read)
      .token(kind)              a unique word for a probe's mail or query
    seen(host, command, output, lines=8)   Evidence, its output cut to what matters
"""

import threading
import uuid
from functools import cached_property

from checks.inside import AgentHost, HostReader
from checks.objectives import Roles
from checks.results import Evidence
from topologies.stages import StagePlan

LINES = 8
WIDTH = 220
PREFETCH = ("/etc/aliases", "/etc/postfix/main.cf", "/etc/postfix/master.cf",
            "/etc/bind/named.conf", "/etc/sysctl.conf", "/root/.bash_history",
            "/etc/resolv.conf", "/etc/mailname")
PREFETCH_FOLDERS = ("/etc/bind", "/etc/sysctl.d")
PREFETCH_STAT = ("/etc/aliases.db",)


class Agents:
    """The agents of one check (a bench, or a class: the benches share them), by host."""

    def __init__(self, lab):
        self.lab, self._hosts, self._lock = lab, {}, threading.Lock()

    def host(self, name):
        with self._lock:
            if name not in self._hosts:
                self._hosts[name] = AgentHost(self.lab.host(name))
            return self._hosts[name]

    def close(self):
        with self._lock:
            hosts, self._hosts = list(self._hosts.values()), {}
        for host in hosts:
            host.close()


class BenchContext:

    def __init__(self, lab, bench, agents=None, record=None):
        self.lab, self.bench, self.record = lab, bench, record
        self.model = lab.model
        self.plan = plan_of(lab)
        self._own = agents is None
        self.agents = agents or Agents(lab)
        self._readers, self._lock = {}, threading.Lock()

    @cached_property
    def roles(self):
        return Roles(self.model, self.bench)

    def host(self, name):
        """The host with its agent (checks/agent.py), started at its first use."""
        return self.agents.host(name)

    def close(self):
        """End the agents this check started (a class's end with the class)."""
        if self._own:
            self.agents.close()

    def reader(self, name):
        host = self.host(name)
        with self._lock:
            if name not in self._readers:
                self._readers[name] = HostReader(host, PREFETCH, PREFETCH_FOLDERS, PREFETCH_STAT)
            return self._readers[name]

    @staticmethod
    def token(kind="check"):
        return f"classlab-{kind}-{uuid.uuid4().hex[:12]}"


def plan_of(lab):
    """Where each host stands now: the run dir's record (a reset from another terminal
    moves a host), else the lab's own plan."""
    state = lab.rundir.read_state() if getattr(lab, "rundir", None) else {}
    return StagePlan.from_state(lab.model, state) if state.get("stage") else lab.plan


def seen(host, command, output, lines=LINES):
    kept = [line.rstrip() for line in output.replace("\r\n", "\n").splitlines() if line.strip()]
    if len(kept) > lines:
        kept = kept[:lines - 1] + [f"[... +{len(kept) - lines + 1}]"]
    kept = [line if len(line) <= WIDTH else line[:WIDTH - 3] + "..." for line in kept]
    return Evidence(host, command, "\n".join(kept))

