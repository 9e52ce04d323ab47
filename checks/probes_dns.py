"""Probes of the DNS: the resolver, the part-1 answers (structured, with dnspython, against
the class's zones), the server's own zones (named-checkzone, rndc zonestatus), the
secondary's copies, allow-query and allow-transfer.

    resolver(ctx)    every bench host's resolv.conf names the class's resolver, and it
                     answers the server
    answers(ctx)     from the seat, through the resolver: a machine's A records, the aa flag
                     and the zone's NS when the resolver serves the zone; the neighbour's MX
    zones(ctx)       each zone the server should serve: loaded (rndc zonestatus), its file
                     passes named-checkzone, the serial loaded is the file's, and the
                     server answers its MX with authority
    secondary(ctx)   the secondary holds each copied zone with the primary's serial and records
    access(ctx)      allow-query and allow-transfer, from an allowed and a refused client
                     (dig in each, as the student types it)
    expected(model, name, rtype)   the records the class's DNS holds, normalized
"""

import email.utils
import ipaddress
import re
from concurrent.futures import ThreadPoolExecutor

from checks.context import seen
from checks.findings import _
from checks.hostfiles import HostFiles
from checks.inside import SLOW, ask, run
from checks.states import Verdict
from lab.base.errors import NotReadyError
from lab.base.waiting import wait_until

RESOLV_CONF = "/etc/resolv.conf"
# named sends a zone's NOTIFYs at most every notify-delay (5 s by default): a secondary may
# take that long to copy a zone reloaded twice in a row (a fix right after a mistake)
NOTIFY_DELAY = 6.0

STATUS_FIELD = re.compile(r"^([a-z ]+): (.*)$", re.M)


def _ask(ctx, host, asks, timeout=SLOW):
    """dnspython in the host (its agent): one answer an ask (checks/agent.py: dns)."""
    data = ask(ctx.host(host), "dns", timeout, asks=asks)
    if not isinstance(data, list) or len(data) != len(asks):
        return [{"error": data.get("error", "?") if isinstance(data, dict) else "?"}] * len(asks)
    return data


def dig_text(answer):
    """An answer as dig shows it: status, flags, then each section."""
    if "error" in answer:
        return f";; {answer['error']}"
    lines = [f";; status: {answer['rcode']}"]
    if "flags" in answer:
        lines.append(f";; flags: {' '.join(answer['flags'])}")
    for section in ("answer", "authority", "additional"):
        if answer.get(section):
            lines.append(f";; {section.upper()} SECTION:")
            lines += answer[section]
    return "\n".join(lines)


def expected(model, name, rtype):
    """The class's records of name and type, normalized as they are answered."""
    wanted = name.lower().rstrip(".") + "."
    zones = [z for z in model.zones if not z.copy and
             (z.origin == "." or wanted == z.origin.lower() or wanted.endswith("." + z.origin.lower()))]
    if not zones:
        return set()
    zone = max(zones, key=lambda z: len(z.origin))
    return zone_records(zone, wanted, rtype)


def zone_records(zone, name, rtype):
    return {normal(rtype, data, zone.origin) for data in zone.lookup(name, rtype)}


def normal(rtype, data, origin="."):
    words = data.split()
    if rtype == "MX" and len(words) == 2:
        return f"{int(words[0])} {_absolute(words[1], origin)}"
    if rtype in ("NS", "CNAME", "PTR") and words:
        return _absolute(words[0], origin)
    return " ".join(words).lower()


def _absolute(name, origin):
    name = name.lower()
    if name == "@":
        return origin.lower()
    return name if name.endswith(".") else f"{name}.{origin.lower()}".replace("..", ".")


def records_of(answer, section, name, rtype):
    found = set()
    for line in answer.get(section, []):
        words = line.split(None, 4)
        if len(words) == 5 and words[0].lower() == name.lower().rstrip(".") + "." \
                and words[3] == rtype:
            found.add(normal(rtype, words[4]))
    return found


def _shown(values):
    return ", ".join(sorted(values)) or "-"


# --- the resolver -------------------------------------------------------------------------

def resolver(ctx):
    roles = ctx.roles
    hosts = [h for h in roles.hosts if h.resolver]
    with ThreadPoolExecutor(max(1, len(hosts))) as pool:
        texts = list(pool.map(lambda h: ctx.reader(h.name).read_file(RESOLV_CONF), hosts))
    evidence = []
    for host, text in zip(hosts, texts):
        servers = re.findall(r"^\s*nameserver\s+(\S+)", text or "", re.M)
        evidence.append(seen(host.name, f"cat {RESOLV_CONF}", text or "", 4))
        if not servers or servers[0] != host.resolver:
            detail = (_("{host}: {path} names no server", host=host.name, path=RESOLV_CONF)
                      if not servers else
                      _("{host}: {path} names {found} first, not the class's DNS server "
                        "{address}", host=host.name, path=RESOLV_CONF, found=servers[0],
                        address=host.resolver))
            return Verdict(False, evidence[-1:], "resolv-conf", detail)
    server = roles.server
    name = ctx.model.dns_name
    [answer] = _ask(ctx, server.name, [{"kind": "stub", "name": name, "type": "A"}])
    evidence = [seen(server.name, f"dig {name} (dnspython, {RESOLV_CONF})", dig_text(answer))]
    want = expected(ctx.model, name, "A")
    if "error" in answer or answer.get("rcode") != "NOERROR" \
            or records_of(answer, "answer", name, "A") != want:
        return Verdict(False, evidence, "resolver-silent",
                       _("the class's DNS server did not answer {host} for {name} as the "
                         "class's zones say ({expected})", host=server.name, name=name,
                         expected=_shown(want)))
    return Verdict(True, evidence)


# --- part 1: what the resolver answers the seat ---------------------------------------------

def answers(ctx):
    model, roles = ctx.model, ctx.roles
    seat = roles.seat
    zone = model.zone(model.mail_origin(ctx.bench))
    name = next(zone.absolute(r.owner) for r in zone.records if r.rtype == "A")
    asker_resolver = seat.resolver
    neighbour = model.mail_origin(roles.neighbour)
    asks = [{"server": asker_resolver, "name": name, "type": "A"},
            {"server": asker_resolver, "name": neighbour, "type": "MX"}]
    got = _ask(ctx, seat.name, asks)
    evidence = [seen(seat.name, f"dig @{a['server']} {a['name']} {a['type']} (dnspython)",
                     dig_text(g), 10) for a, g in zip(asks, got)]
    authoritative = _serves(model, asker_resolver, zone)
    checks = [(got[0], name, "A", authoritative, zone), (got[1], neighbour, "MX", False, None)]
    for (answer, asked, rtype, aa, held), shown in zip(checks, evidence):
        problem = _answer_problem(model, answer, asked, rtype, aa, held, asker_resolver, seat)
        if problem:
            return Verdict(False, [shown], *problem)
    return Verdict(True, evidence)


def _serves(model, address, zone):
    host = next((h for h in model.hosts if any(i.ip == address for i in h.interfaces)), None)
    return host is not None and host.name == zone.primary


def _answer_problem(model, answer, name, rtype, authoritative, zone, server, asker):
    if "error" in answer:
        return "dns-silent", _("{server} did not answer {host}'s query for {name}: {text}",
                               server=server, host=asker.name, name=name, text=answer["error"])
    if answer["rcode"] != "NOERROR":
        return "dns-rcode", _("the answer for {name} is {code}, not NOERROR", name=name,
                              code=answer["rcode"])
    want, found = expected(model, name, rtype), records_of(answer, "answer", name, rtype)
    if found != want:
        return "records-differ", _("{name} {rtype}: the answer holds {found}, the class's "
                                   "zone holds {expected}", name=name, rtype=rtype,
                                   found=_shown(found), expected=_shown(want))
    if authoritative and "aa" not in answer["flags"]:
        return "not-authoritative", _("the answer for {name} lacks the aa flag: {server} "
                                      "serves that zone and answers with authority",
                                      name=name, server=server)
    if authoritative:
        ns = expected(model, zone.origin, "NS")
        named = records_of(answer, "authority", zone.origin, "NS")
        if named != ns:
            return "ns-differ", _("the AUTHORITY section names {found}, the zone's NS is "
                                  "{expected}", found=_shown(named), expected=_shown(ns))
    return None


# --- part 2: the server's zones ---------------------------------------------------------------

def zone_status(ctx, host, zones, fresh=False):
    """({zone name: {"status": {field: value}, "text", "file", "check", "rc", "mtime"}}, error)
    from the host's agent (checks/agent.py: zones): rndc zonestatus, and named-compilezone
    (check: its messages and its dump)"""
    said = ask(ctx.host(host), "zones", SLOW, directory=named_directory(ctx, host),
               zones=[[zone.name, zone.file] for zone in zones], fresh=fresh)
    if "error" in said and not isinstance(said.get("error"), dict):
        return {}, said["error"]
    for entry in said.values():
        entry["status"] = dict(STATUS_FIELD.findall(entry["text"]))
    return said, ""


def named_directory(ctx, host):
    """named's `directory` (where relative zone file names start), from the host's
    named.conf as lint reads it."""
    return HostFiles(ctx.model, host, ctx.reader(host).read_file).named.directory


def _loaded_at(fields):
    try:
        return email.utils.parsedate_to_datetime(fields["last loaded"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return None


def zones(ctx):
    roles = ctx.roles
    server = roles.server.name
    with ThreadPoolExecutor(2) as pool:
        status_job = pool.submit(zone_status, ctx, server, roles.zones)
        answer_job = pool.submit(_zone_answers, ctx, roles)
        found, error = status_job.result()
        served, asked = answer_job.result()
    evidence = []
    for zone in roles.zones:
        entry = found.get(zone.name)
        if entry is None:
            return Verdict(False, [seen(server, "rndc zonestatus", error)], "probe-failed",
                           _("the probe could not run on {host}: {text}", host=server,
                             text=error or "?"))
        problem = _zone_problem(zone, entry, server)
        shown = seen(server, f"rndc zonestatus {zone.name}; named-compilezone -o - {zone.name} "
                             f"{entry['file']}", _status_lines(entry) + "\n" + _said(entry), 6)
        if problem:
            return Verdict(False, [shown], *problem)
        evidence.append(shown)
    for (zone, name, rtype), answer in zip(asked, served):
        want = zone_records(zone, name, rtype)
        found_records = records_of(answer, "answer", name, rtype)
        shown = seen(server, f"dig @127.0.0.1 +norec {name} {rtype} (dnspython)",
                     dig_text(answer), 6)
        if "error" in answer or found_records != want or "aa" not in answer.get("flags", []):
            return Verdict(False, [shown], "answers-differ",
                           _("{server} answers {name} {rtype} with {found} (flags: {flags}); "
                             "its zone {zone} holds {expected}", server=server, name=name,
                             rtype=rtype, found=_shown(found_records),
                             flags=" ".join(answer.get("flags", [])) or answer.get("error", "-"),
                             zone=zone.name, expected=_shown(want)))
    return Verdict(True, evidence[:3])


def _zone_problem(zone, entry, server):
    fields, name = entry["status"], zone.name
    if "serial" not in fields:
        return "zone-not-loaded", _("named on {server} serves no zone {zone}: {text}",
                                    server=server, zone=name,
                                    text=(entry["text"].splitlines() or ["-"])[-1])
    said = _said(entry)
    if entry["rc"] != 0:
        line = next((l for l in said.splitlines() if ":" in l and "loaded serial" not in l),
                    said.splitlines()[0] if said else "-")
        return "zone-error", _("named-checkzone {zone} {path} says: {text}", zone=name,
                               path=entry["file"], text=line.strip())
    written = re.search(r"loaded serial (\d+)", said)
    loaded = int(fields["serial"])
    if written and int(written.group(1)) != loaded:
        return "zone-not-reloaded", _("{zone}: the file has serial {written}, named serves "
                                      "serial {serial}: the change is not loaded",
                                      zone=name, written=written.group(1), serial=loaded)
    loaded_at = _loaded_at(fields)
    if loaded_at is not None and entry["mtime"] is not None and int(entry["mtime"]) > loaded_at:
        return "zone-not-reloaded", _("{zone}: the file changed after named loaded it "
                                      "(serial {serial}): the change is not served",
                                      zone=name, serial=loaded)
    return None


def _zone_answers(ctx, roles):
    asked = []
    for zone in roles.zones:
        for data in zone.lookup(zone.origin, "MX"):
            target = _absolute(data.split()[1], zone.origin)
            asked += [(zone, zone.origin, "MX"), (zone, target, "A")]
    asks = [{"server": "127.0.0.1", "name": name, "type": rtype, "rd": False}
            for _zone, name, rtype in asked]
    return (_ask(ctx, roles.server.name, asks) if asks else []), asked


# --- part 2: the secondary's copies -------------------------------------------------------------

def secondary(ctx):
    roles = ctx.roles
    server, copy = roles.server.name, roles.secondary.name
    zones_copied = roles.copied
    with ThreadPoolExecutor(2) as pool:
        primary_job = pool.submit(zone_status, ctx, server, zones_copied)
        copy_job = pool.submit(zone_status, ctx, copy, zones_copied)
        (primary, error), held = primary_job.result(), [copy_job.result()]
    if error or any(z.name not in primary for z in zones_copied):
        return Verdict(False, [seen(server, "rndc zonestatus", error or "-")], "probe-failed",
                       _("the probe could not run on {host}: {text}", host=server,
                         text=error or "?"))

    def caught_up():
        """Every copy there, as new as the primary's; or one missing (no copy comes by
        waiting): else a transfer may be on its way (NOTIFY after a reload)."""
        copies = held[-1][0]
        if any(_serial(copies.get(z.name)) is None for z in zones_copied) or all(
                _serial(copies.get(z.name)) >= (_serial(primary.get(z.name)) or 0)
                for z in zones_copied):
            return True
        held.append(zone_status(ctx, copy, zones_copied, fresh=True))
        return False
    try:
        wait_until(caught_up, "the secondary's copies", NOTIFY_DELAY)
    except NotReadyError:
        pass
    copies = held[-1][0]
    evidence = []
    for zone in zones_copied:
        ours, theirs = primary.get(zone.name, {}), copies.get(zone.name, {})
        loaded, held_serial = _serial(ours), _serial(theirs)
        shown = [seen(server, f"rndc zonestatus {zone.name}", _serial_line(ours), 3),
                 seen(copy, f"rndc zonestatus {zone.name}", _serial_line(theirs), 3)]
        if held_serial is None:
            return Verdict(False, shown, "secondary-missing",
                           _("{secondary} holds no copy of {zone}", secondary=copy,
                             zone=zone.name))
        if loaded is not None and held_serial < loaded:
            return Verdict(False, shown, "secondary-behind",
                           _("{secondary} holds serial {copy} of {zone}, {server} serves "
                             "{serial}: the copy was not refreshed", secondary=copy,
                             copy=held_serial, zone=zone.name, server=server, serial=loaded))
        mine, other = _records(ours.get("check", "")), _records(theirs.get("check", ""))
        if loaded == held_serial and mine and set(mine) != set(other):
            for host, entry, have, lack in ((server, ours, mine, other),
                                            (copy, theirs, other, mine)):
                only = [have[k] for k in sorted(set(have) - set(lack))][:3]
                shown.append(seen(host, f"named-compilezone -o - {zone.name} "
                                        f"{entry.get('file', '')}  (only here)",
                                  "\n".join(only) or "-"))
            return Verdict(False, shown, "serial-not-bumped",
                           _("{zone}: {server} and {secondary} both hold serial {serial}, "
                             "with other records: the zone was changed without raising its "
                             "serial", zone=zone.name, server=server, secondary=copy,
                             serial=loaded))
        evidence += shown
    return Verdict(True, evidence[:4])


def _serial(entry):
    try:
        return int((entry or {}).get("status", {}).get("serial"))
    except (TypeError, ValueError):
        return None


def _serial_line(entry):
    text = (entry or {}).get("text", "")
    return "\n".join(line for line in text.splitlines()
                     if line.startswith(("name:", "type:", "serial:"))) or text


def _status_lines(entry):
    """What rndc zonestatus says that matters here: the file, the serial, when loaded."""
    text = entry.get("text", "")
    return "\n".join(line for line in text.splitlines()
                     if line.startswith(("serial:", "last loaded:")) or ":" not in line) or text


def _said(entry):
    """named-compilezone's own messages (named-checkzone's), its dump aside."""
    return "\n".join(line for line in entry.get("check", "").splitlines()
                     if not _is_record(line))


def _is_record(line):
    words = line.split()
    return len(words) >= 5 and words[2] == "IN"


def _records(dump):
    """{normalized: as written} the records of a named-compilezone dump (a line each)."""
    return {" ".join(line.split()).lower(): " ".join(line.split())
            for line in dump.splitlines() if _is_record(line)}


# --- part 2: who may ask, who may copy ---------------------------------------------------------

def access(ctx):
    """dig, as the student would: each client asks, each answer read from dig's output."""
    roles = ctx.roles
    plans = _access_plans(ctx)
    with ThreadPoolExecutor(len(plans)) as pool:
        said = list(pool.map(lambda plan: run(ctx.host(plan[0].name), _dig(plan[1]), 6),
                             plans))
    evidence = []
    server = roles.server.name
    for (client, ask, allowed, kind, zone), ran in zip(plans, said):
        answer = read_dig(ran.out)
        shown = seen(client.name, " ".join(_dig(ask)[:-2]), dig_text(
            {**answer, "answer": answer.get("answer", [])[:2]}), 5)
        refused = answer.get("rcode") in ("REFUSED", "NOTAUTH") or (
            kind == "transfer" and "error" in answer)
        answered = answer.get("rcode") == "NOERROR" and bool(answer.get("answer"))
        values = {"server": server, "client": client.name, "zone": zone.name}
        if allowed and not answered:
            reason = "transfer-refused" if kind == "transfer" else "query-refused"
            detail = (_("{server} refuses the zone {zone} to {client}, which allow-transfer "
                        "should let copy it", **values) if kind == "transfer" else
                      _("{server} does not answer {client} for {zone}, which allow-query "
                        "should let in", **values))
            return Verdict(False, [shown], reason, detail)
        if not allowed and not refused:
            reason = "transfer-open" if kind == "transfer" else "query-open"
            detail = (_("{server} gives the whole zone {zone} to {client} (AXFR): "
                        "allow-transfer should refuse it", **values) if kind == "transfer"
                      else _("{server} answers {client}, outside allow-query, for {zone}",
                             **values))
            return Verdict(False, [shown], reason, detail)
        evidence.append(shown)
    return Verdict(True, evidence[:4])


def _dig(ask):
    if ask.get("kind") == "axfr":
        return ["dig", f"@{ask['server']}", ask["zone"], "AXFR", "+time=1", "+tries=1"]
    return ["dig", f"@{ask['server']}", "+norec", ask["name"], ask["type"], "+time=1", "+tries=1"]


def read_dig(text):
    """dig's output as an answer: {"rcode", "flags", "answer"}, or {"error"}."""
    if "Transfer failed." in text:
        return {"rcode": "REFUSED"}
    if re.search(r";; XFR size: \d+ records", text):
        return {"rcode": "NOERROR", "answer": [" ".join(line.split()) for line in
                                               text.splitlines()
                                               if line.strip() and not line.startswith(";")]}
    status = re.search(r"status: (\w+)", text)
    if not status:
        lines = [line.strip(" ;") for line in text.splitlines() if line.strip(" ;")]
        return {"error": lines[-1] if lines else "no answer"}
    flags = re.search(r";; flags: ([a-z ]*);", text)
    answer = text.split(";; ANSWER SECTION:\n", 1)[1].split("\n\n", 1)[0] \
        if ";; ANSWER SECTION:" in text else ""
    return {"rcode": status.group(1), "flags": flags.group(1).split() if flags else [],
            "answer": [" ".join(line.split()) for line in answer.splitlines() if line.strip()]}


def _access_plans(ctx):
    """[(client host, ask, allowed, "query" or "transfer", zone)]"""
    roles = ctx.roles
    others = [h for h in roles.hosts if h.key != roles.server_key]
    plans = []
    for zone in roles.restricted:
        networks = [ipaddress.ip_network(n) for n in zone.allow_query]
        inside = [h for h in others if any(ipaddress.ip_address(h.ip) in n for n in networks)]
        outside = [h for h in others if h not in inside]
        for client, allowed in [(inside[0] if inside else None, True),
                                (_prefer(outside, roles.seat), False)]:
            if client is not None:
                plans.append((client, {"server": roles.server_address_for(client),
                                       "name": zone.name, "type": "SOA", "rd": False},
                              allowed, "query", zone))
    for zone in roles.copied:
        copiers = [h for h in others if h.ip in zone.transfer_to]
        strangers = [h for h in others if h.ip not in zone.transfer_to]
        for client, allowed in [(copiers[0] if copiers else None, True),
                                (_prefer(strangers, roles.seat), False)]:
            if client is not None:
                plans.append((client, {"kind": "axfr", "server": roles.server_address_for(client),
                                       "zone": zone.name}, allowed, "transfer", zone))
    return plans


def _prefer(hosts, wanted):
    return wanted if wanted in hosts else (hosts[0] if hosts else None)
