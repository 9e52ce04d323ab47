"""What a student checks on a host of a running lab, typed in the host's shell (cat, ping,
dig, postfix status, id, a TCP banner), and what the class file says each stage does.
Shared by the stage, reset, hand-in and hand-work tests.

The class file side (the [[stage]] tables as written, not topologies/stages.py's reading):
    staged_lab(path, stage, benches=None)  a lab (not started) of that class file, the
                                           played bench (the last) or `benches` at `stage`
    running_staged_lab(path, stage=None, benches=None)   the same lab, started (by default
                                    at the class's first stage), stopped when the block ends
    done_items(model, stage)        every item the stages up to `stage` do
    configured(model, stage, host, service)   is `service` set up on `host` at `stage`?
                                    (an item nobody names is there from the first stage)
The host side (each returns what a user reads):
    forwarding(lab, host)           /proc/sys/net/ipv4/ip_forward is 1
    reaches(lab, host, address)     one ping answered
    nameservers(lab, host)          the addresses resolv.conf names
    resolves(lab, host, name)       dig NAME (the host's resolver) -> its A records
    postfix_running(lab, host)      `postfix status` says so, exit 0
    exists(lab, host, path)
    has_account(lab, host, name)    `id NAME` succeeds
    banner(lab, host, address, port)  the first line a TCP server sends ("" if none)
    soa(lab, host, zone)            dig @127.0.0.1 +norec SOA ZONE -> Answer(status, flags, soa)
    commands(lab, host)             [(pid, command)] of `ps` inside the host
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass

from tests.integration.conftest import BenchView
from topologies.model import classroom

# /etc/aliases as Debian's postfix postinst writes it ("No configuration")
DEBIAN_ALIASES = "# See man 5 aliases for format\npostmaster:    root\n"
SMTP, IMAP = 25, 143


def quiet(_line):
    pass


def staged_lab(path, stage, benches=None):
    from lab.command.compose import build_lab
    from topologies.stages import StagePlan
    model = classroom(path=path)
    benches = benches or (model.benches[-1],)
    return build_lab(model, plan=StagePlan(model, stage, benches), say=quiet)


@contextmanager
def running_staged_lab(path, stage=None, benches=None):
    """staged_lab started, at `stage` (the class's first by default); stopped after the block."""
    lab = staged_lab(path, stage or classroom(path=path).stages[0].name, benches)
    lab.start()
    try:
        yield lab
    finally:
        lab.stop()


def played(model):
    return BenchView(model, model.benches[-1])


def done_items(model, stage):
    items = set()
    for each in model.stages:
        items |= set(each.does)
        if each.name == stage:
            return items
    raise AssertionError(f"no stage {stage} in {model.source}")


def configured(model, stage, host, service):
    naming = {service, f"{service}@{host.key}"} & {i for s in model.stages for i in s.does}
    return not naming or bool(naming & done_items(model, stage))


def stage_doing(model, item_prefix):
    """The first stage whose `does` names the item (e.g. "postfix" or "named@...")."""
    return next(s for s in model.stages if any(i.split("@")[0] == item_prefix for i in s.does))


def run(lab, host, command):
    return lab.cmd(host, command)


def forwarding(lab, host):
    return run(lab, host, "cat /proc/sys/net/ipv4/ip_forward").strip() == "1"


def reaches(lab, host, address, attempts=2):
    out = run(lab, host, f"ping -c {attempts} -i 0.2 -W 1 {address}")
    match = re.search(r"(\d+) received", out)
    return bool(match) and int(match.group(1)) > 0


def nameservers(lab, host):
    return re.findall(r"^nameserver\s+(\S+)", run(lab, host, "cat /etc/resolv.conf"), re.M)


def resolves(lab, host, name):
    out = run(lab, host, f"dig +short +time=2 +tries=1 {name} A")
    return re.findall(r"^\d+\.\d+\.\d+\.\d+$", out, re.M)


def postfix_running(lab, host):
    out = run(lab, host, "postfix status 2>&1; echo rc=$?")
    return "is running" in out and "rc=0" in out


def exists(lab, host, path):
    return run(lab, host, f"test -e {path} && echo yes || echo no").strip() == "yes"


def has_account(lab, host, name):
    return run(lab, host, f"id {name} >/dev/null 2>&1 && echo yes || echo no").strip() == "yes"


def banner(lab, host, address, port):
    out = run(lab, host, f"timeout 5 bash -c 'exec 3<>/dev/tcp/{address}/{port} && "
                         f"head -n 1 <&3' 2>/dev/null")
    return out.strip()


@dataclass
class Answer:
    status: str
    flags: set
    soa: list

    @property
    def authoritative(self):
        return self.status == "NOERROR" and "aa" in self.flags and bool(self.soa)


def soa(lab, host, zone, server="127.0.0.1"):
    out = run(lab, host, f"dig @{server} +norec +time=2 +tries=1 SOA {zone}")
    status = re.search(r"status: (\w+)", out)
    flags = re.search(r";; flags: ([a-z ]+);", out)
    answer = out.split(";; ANSWER SECTION:")[1].split("\n\n")[0] if "ANSWER SECTION" in out else ""
    return Answer(status.group(1) if status else "NO ANSWER",
                  set(flags.group(1).split()) if flags else set(),
                  re.findall(r"\sIN\s+SOA\s+(.+)", answer))


def served_zones(model, host):
    """The zones `host` answers for with authority, for anyone on 127.0.0.1."""
    return ([z.name for z in model.zones_on(host.name) if not z.allow_query]
            + [z.name for z in model.zones_copied_by(host.name) if not z.allow_query])


def commands(lab, host):
    rows = [line.split(None, 1) for line in run(lab, host, "ps -e -o pid=,comm=").splitlines()
            if line.strip()]
    return [(int(pid), command.strip()) for pid, command in rows]
