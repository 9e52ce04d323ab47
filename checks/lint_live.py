"""lint on the running lab: a host's files read inside the live host, its shell history, and
what its named has loaded (rndc zonestatus), given to checks.lint.lint_host.

    lint_live(ctx, host_name, lang)   -> [Finding]; Unreadable (an OSError) for a file that
                                         exists and cannot be read
    home_of(code, ids)                the objective a finding belongs to ("aliases-typo" ->
                                      "mail.aliases"), or "lint" when that one is not checked
    as_dict(host, finding)            a finding as Outcome.lint holds it
"""

import re
from dataclasses import asdict

from checks.hostfiles import HostFiles
from checks.inside import SLOW, ask
from checks.lint import HISTORY, lint_host
from checks.objectives import LINT
from checks.probes_dns import STATUS_FIELD, _loaded_at

HOMES = (("sysctl-", "routing.forwarding"), ("aliases-", "mail.aliases"),
         ("maincf-", "mail.postfix"), ("mydestination-", "mail.postfix"),
         ("mynetworks-open", "mail.relay"), ("serial-not-bumped", "dns.secondary"),
         ("zone-not-reloaded", "dns.zones"), ("namedconf-", "dns.zones"),
         ("forwarders-", "dns.zones"), ("zone-", "dns.zones"), ("out-of-zone", "dns.zones"),
         ("ptr-", "dns.zones"), ("relative-name", "dns.zones"), ("ns-", "dns.zones"),
         ("mx-", "dns.zones"))


def home_of(code, ids):
    home = next((objective for prefix, objective in HOMES if code.startswith(prefix)), LINT)
    return home if home in ids else LINT


def as_dict(host, finding):
    return {"host": host, **asdict(finding)}


def zone_loads(ctx, host_name, read_file):
    spec = ctx.model.host(host_name)
    if "named" not in spec.services:
        return {}
    files = HostFiles(ctx.model, host_name, read_file)
    names = [decl.name.rstrip(".") for decl in files.named.masters()]
    if not names:
        return {}
    said = ask(ctx.host(host_name), "zones", SLOW, zones=[[name, ""] for name in names],
               status_only=True)
    loads = {}
    for name, entry in said.items():
        if not isinstance(entry, dict):
            continue
        fields = dict(STATUS_FIELD.findall(entry["text"]))
        when = _loaded_at(fields)
        if re.fullmatch(r"\d+", fields.get("serial", "")) and when is not None:
            # rndc shows the second it loaded: a file written in that second came before
            loads[name] = (int(fields["serial"]), when + 0.999)
    return loads


def lint_live(ctx, host_name, lang):
    reader = ctx.reader(host_name)
    history = reader.read_file(HISTORY) or ""
    loads = zone_loads(ctx, host_name, reader.read_file)
    return lint_host(ctx.model, host_name, reader.read_file, history, stat=reader.stat,
                     zone_loads=loads, lang=lang)
