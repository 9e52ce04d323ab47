"""Probes of the mail: Postfix's configuration as this bench needs it, the account, the
aliases, the label, and mail itself (local, to the neighbour and back, a bounce), each
probe mail removed once seen (checks/agent.py: mail); and no open relay, talked over SMTP with no DATA sent.

    postfix(ctx)     postfix check (again when what it checks changed), postfix status,
                     postconf -n's warnings; mydestination
                     holds the domains whose MX brings mail here, mynetworks the class's
                     trusted networks, inet_interfaces the MX's address
    account(ctx)     the student's account, with a password
    aliases(ctx)     the class's aliases in the aliases file, compiled, and the database
                     no older than the file and holding what it says
    label(ctx)       a GECOS label on root or the student
    local(ctx)       a mail to the alias of the student reaches the student's mailbox
    neighbour(ctx)   a mail to the neighbour's student goes through the neighbour's MX, one
                     back comes through ours
    bounce(ctx)      a mail to an unknown user of the neighbour comes back to its sender
    relay(ctx)       from a host outside mynetworks, RCPT TO an outside domain is refused
"""

import ipaddress
import re
from concurrent.futures import ThreadPoolExecutor

from checks.aliases import read_aliases
from checks.context import seen
from checks.findings import _
from checks.inside import SLOW, ask, shell
from checks.maincf import list_items
from checks.states import Verdict

MAILBOXES = "/var/mail"
WAIT = 8.0          # seconds a probe mail may take to arrive, each way (a class at once)
INTERNAL_KEYS = ("@", "YP_LAST_MODIFIED", "YP_MASTER_NAME")

MAIN_CF = "/etc/postfix/main.cf"
# Postfix's tools pause a second before a fatal exit: without main.cf, none of them is run
POSTFIX = r"""
[ -e /etc/postfix/main.cf ] || { ls -l /etc/postfix/main.cf 2>&1; echo "@@none"; exit 0; }
echo "@@status"; postfix status 2>&1; echo "@@rc $?"
echo "@@warnings"; postconf -n 2>&1 >/dev/null
echo "@@values"; postconf -x mydestination mynetworks inet_interfaces 2>/dev/null
"""
ACCOUNT = r"""
getent passwd "$1" || echo "@@none"
passwd -S "$1" 2>&1
"""
ALIASES = r"""
source=
[ -e /etc/postfix/main.cf ] && source=$(postconf -xh alias_database 2>/dev/null)
[ -n "$source" ] || source=hash:/etc/aliases
path=${source#*:}
echo "@@source $source"
ls -l --time-style='+%F %T' "$path" "$path.db" 2>&1
stat -c '@@stat %.9Y %n' "$path" "$path.db" 2>/dev/null
echo "@@map"; [ -e /etc/postfix/main.cf ] && postalias -s "$source" 2>&1
echo "@@file"; cat "$path" 2>&1
"""
def _blocks(text):
    """{name: text} of a script's output, cut at its @@name lines."""
    blocks, name = {}, None
    for line in text.splitlines():
        if line.startswith("@@rc"):
            continue
        if line.startswith("@@"):
            name, _sp, rest = line[2:].partition(" ")
            blocks[name] = rest + "\n" if rest else ""
        elif name is not None:
            blocks[name] = blocks[name] + line + "\n"
    return blocks


def _codes(text):
    return [int(c) for c in re.findall(r"^@@rc (\d+)", text, re.M)]


# --- Postfix's configuration ----------------------------------------------------------------

def required_domains(ctx):
    """The bench's mail domains, but one its server should serve itself and does not yet
    (its zones come at a later stage)."""
    model, server = ctx.model, ctx.roles.server
    return [d for d in model.mail_domains(ctx.bench)
            if model.zone(d).primary != server.name or ctx.plan.configured(server, "named")]


def postfix(ctx):
    server = ctx.roles.server.name
    ran = shell(ctx.host(server), POSTFIX, timeout=10)
    if "@@none" in ran.out:
        return Verdict(False, [seen(server, f"ls -l {MAIN_CF}", ran.out.replace("@@none", ""))],
                       "no-main-cf", _("{path} does not exist: Postfix is installed, not "
                                       "configured (dpkg-reconfigure postfix writes it)",
                                       path=MAIN_CF))
    blocks, codes = _blocks(ran.out.replace("\r", "")), _codes(ran.out)
    code, check = postfix_check(ctx, server)
    evidence = [seen(server, "postfix check", check, 4)] if check else []
    if code != 0:
        line = next((l for l in check.splitlines() if "fatal" in l or "error" in l),
                    (check.splitlines() or ["?"])[0])
        return Verdict(False, [seen(server, "postfix check", check, 6)],
                       "postfix-check", _("postfix check says: {text}", text=line.strip()))
    if not codes or codes[0] != 0:
        return Verdict(False, evidence + [seen(server, "postfix status",
                                               blocks.get("status", ""), 3)],
                       "postfix-stopped", _("Postfix does not run on {server} (postfix "
                                            "status)", server=server))
    values = dict(re.findall(r"^(\w+) = ?(.*)$", blocks.get("values", ""), re.M))
    warnings = blocks.get("warnings", "").strip()
    shown = seen(server, "postconf -x mydestination mynetworks inet_interfaces",
                 blocks.get("values", ""), 4)
    evidence = evidence + [shown] + ([seen(server, "postconf -n", warnings, 3)]
                                     if warnings else [])
    problem = (_destination_problem(ctx, values) or _networks_problem(ctx, values)
               or _interfaces_problem(ctx, values))
    if problem:
        return Verdict(False, evidence, *problem)
    return Verdict(True, evidence)


def postfix_check(ctx, server):
    """(exit code, output) of `postfix check` in the server; run again only when what it
    looks at changed since the last run in this lab's life (the record's memo)."""
    key = f"postfix-check:{server}"
    known = ctx.record.memo(key) if ctx.record else None
    said = ask(ctx.host(server), "postfix_check", 35,
               known=known.get("fingerprint") if known else None)
    if "error" in said:
        return 1, said["error"]
    if said.get("cached"):
        return known["rc"], known["output"]
    if ctx.record:
        ctx.record.remember(key, {"fingerprint": said["fingerprint"], "rc": said["rc"],
                                  "output": said["output"]})
    return said["rc"], said["output"].strip()


def _destination_problem(ctx, values):
    local = {item.lower() for item in list_items(values.get("mydestination", ""))}
    for domain in required_domains(ctx):
        if domain.lower() + "." in local and domain.lower() not in local:
            return "mydestination-trailing-dot", _(
                "mydestination holds {domain}. with a final dot: no address ends with a dot, "
                "so the mail for {domain} that its MX brings here is not taken as local",
                domain=domain)
        if domain.lower() not in local:
            return "mydestination-missing", _(
                "mydestination does not hold {domain}: its MX brings the mail for {domain} "
                "to this server, which does not take it as its own", domain=domain)
    return None


def _networks_problem(ctx, values):
    held = []
    for item in list_items(values.get("mynetworks", "")):
        try:
            held.append(ipaddress.ip_network(item.strip("[]"), strict=False))
        except ValueError:
            continue
    for prefix in ctx.model.trusted_networks(ctx.bench):
        network = ipaddress.ip_network(prefix)
        if not any(network.version == h.version and network.subnet_of(h) for h in held):
            return "mynetworks-missing", _(
                "mynetworks does not hold {network}: the machines there may not send mail "
                "to other domains through this server", network=prefix)
    return None


def _interfaces_problem(ctx, values):
    written = values.get("inet_interfaces", "all")
    items = {i.lower() for i in list_items(written)}
    if "all" in items:
        return None
    for domain in required_domains(ctx)[:1]:
        exchanger = ctx.model.mail_exchanger(domain)
        if exchanger and exchanger[1] not in items:
            return "inet-interfaces", _(
                "inet_interfaces is {value}: Postfix does not listen on {address}, where "
                "the MX of {domain} sends the other servers", value=written,
                address=exchanger[1], domain=domain)
    return None


# --- accounts and aliases ---------------------------------------------------------------------

def account(ctx):
    server, user = ctx.roles.server.name, ctx.model.student.name
    ran = shell(ctx.host(server), ACCOUNT, user)
    evidence = [seen(server, f"getent passwd {user}; passwd -S {user}",
                     ran.out.replace("@@none", ""), 3)]
    if "@@none" in ran.out:
        return Verdict(False, evidence, "no-account",
                       _("{server} has no account {user}", server=server, user=user))
    status = ran.out.strip().splitlines()[-1].split()
    if len(status) < 2 or status[1] != "P":
        return Verdict(False, evidence, "no-password",
                       _("the account {user} has no usable password: it cannot log in (su, "
                         "IMAP, POP3)", user=user))
    return Verdict(True, evidence)


def label(ctx):
    server, user = ctx.roles.server.name, ctx.model.student.name
    ran = shell(ctx.host(server), 'getent passwd root "$1"', user)
    lines = [line for line in ran.out.splitlines() if line.count(":") >= 6]
    evidence = [seen(server, f"getent passwd root {user}", "\n".join(lines), 2)]
    if any(line.split(":")[4].strip() for line in lines):
        return Verdict(True, evidence)
    return Verdict(False, evidence, "no-label",
                   _("neither root nor {user} has a label: the fifth field of their lines "
                     "in /etc/passwd is empty", user=user))


def aliases(ctx):
    server = ctx.roles.server.name
    ran = shell(ctx.host(server), ALIASES)
    blocks = _blocks(ran.out)
    source = (blocks.get("source", "").splitlines() or ["hash:/etc/aliases"])[0].strip()
    path = source.partition(":")[2] or source
    listing = "\n".join(line for line in blocks.get("source", "").splitlines()[1:]
                        if not line.startswith("@@"))
    dates = {name: float(when) for when, name in re.findall(r"^@@stat (\S+) (.+)$", ran.out,
                                                            re.M)}
    evidence = [seen(server, f"ls -l {path} {path}.db", listing, 3)]
    written = read_aliases(blocks.get("file", ""))
    in_file = {a.name: " ".join(a.targets.split()) for a in written.entries}
    for name, target in ctx.model.aliases:
        if in_file.get(name) != target:
            return Verdict(False, evidence, "alias-missing",
                           _("{path} has no alias {name}: {target}", path=path, name=name,
                             target=target))
    database = f"{path}.db"
    if database not in dates:
        return Verdict(False, evidence, "aliases-not-compiled",
                       _("{database} does not exist: the aliases are not compiled",
                         database=database))
    if dates.get(path, 0) > dates[database]:
        return Verdict(False, evidence, "aliases-stale",
                       _("{path} was changed after {database} was compiled: its last "
                         "change is not in effect", path=path, database=database))
    compiled = {}
    for line in blocks.get("map", "").splitlines():
        key, colon, value = line.partition(":")
        if colon and key not in INTERNAL_KEYS:
            compiled[key.strip().lower()] = " ".join(value.split())
    if compiled != in_file:
        evidence.append(seen(server, f"postalias -s {source}", blocks.get("map", ""), 6))
        return Verdict(False, evidence, "aliases-stale",
                       _("{database} does not hold what {path} says: compile it again",
                         path=path, database=database))
    return Verdict(True, evidence)


# --- mail ---------------------------------------------------------------------------------------

def agent(ctx, host, actions, timeout=SLOW):
    """The mail actions done in order by the host's agent (checks/agent.py: mail)."""
    data = ask(ctx.host(host), "mail", timeout, actions=actions)
    if not isinstance(data, list) or len(data) != len(actions):
        return [{"error": data.get("error", "?") if isinstance(data, dict) else "?"}] * len(
            actions)
    return data


def _mbox(user):
    return f"{MAILBOXES}/{user}"


def _alias_of(model, user):
    return next((name for name, target in model.aliases if target == user), user)


def _log_evidence(host, result, lines=6):
    """The mail log's lines of a probe's queue IDs: where each copy went, and why."""
    if not result.get("log"):
        return []
    found = result.get("lines", [])
    telling = [line for line in found if "to=<" in line or "reject" in line] or found
    return [seen(host, f"grep QUEUE_ID {result['log']}",
                 "\n".join(_short(line) for line in telling), lines)]


def _short(line):
    """A mail.log line without its date, host, and delays:
    'postfix/local[12]: ID: to=<...>, relay=local, dsn=2.0.0, status=sent (...)'."""
    found = re.search(r"\s(postfix/\S+: .*)$", line)
    line = found.group(1) if found else line
    return re.sub(r"delay=[^,]*, delays=[^,]*, ", "", line)


def _send_refused(sent, evidence):
    """None, or the verdict when sendmail refused the message (`sent`: the agent's send)."""
    if "error" in sent or sent.get("rc"):
        return Verdict(False, evidence, "send-failed",
                       _("sendmail refused the message: {text}",
                         text=(sent.get("error") or sent.get("said") or "?").strip()))
    return None


def _status(result):
    return next((re.search(r"status=\S+ \(.*\)$|status=\S+", l).group(0)
                 for l in result.get("lines", []) if "status=" in l), "")


def local(ctx):
    model, server = ctx.model, ctx.roles.server.name
    student = model.student.name
    alias = _alias_of(model, student)
    token = ctx.token()
    mbox, other = _mbox(student), _mbox(alias)
    mboxes = [mbox, other] if other != mbox else [mbox]
    got = agent(ctx, server, [{"do": "snapshot", "mbox": m} for m in mboxes] + [
        {"do": "send", "sender": f"{token}@{server}", "to": f"{alias}@{server}",
         "token": token, "host": server},
        {"do": "await", "mboxes": mboxes, "token": token, "timeout": WAIT},
        {"do": "log", "token": token, "timeout": 1.0, "until": "status="},
        {"do": "purge", "token": token, "if_lost": True}])
    sent, arrived, log, _purged = got[len(mboxes):]
    evidence = [seen(server, f"sendmail {alias}@{server}; {mbox}",
                     "\n".join(arrived.get("headers", [])) or sent.get("said", ""), 4)]
    evidence += _log_evidence(server, log)
    refused = _send_refused(sent, evidence)
    if refused:
        return refused
    if arrived.get("found") == mbox:
        return Verdict(True, evidence)
    if arrived.get("found"):
        return Verdict(False, evidence, "alias-not-followed",
                       _("the mail for {alias} landed in {path}, not in {user}'s mailbox: "
                         "the alias {alias}: {user} is not in effect", alias=alias,
                         path=arrived["found"], user=student))
    return Verdict(False, evidence, "not-delivered",
                   _("the mail for {alias}@{server} did not arrive in {path} within {seconds} "
                     "s; the mail log says: {text}", alias=alias, server=server, path=mbox,
                     seconds=f"{WAIT:g}", text=_status(log) or "-"))


def neighbour(ctx):
    model, roles = ctx.model, ctx.roles
    here, there = roles.server.name, model.server(roles.neighbour).name
    student = model.student.name
    mbox = _mbox(student)
    out, back = ctx.token(), ctx.token()
    going = f"{student}@{model.mail_origin(roles.neighbour)}"
    coming = f"{student}@{model.mail_origin(ctx.bench)}"
    with ThreadPoolExecutor(2) as pool:
        theirs_job = pool.submit(agent, ctx, there, [{"do": "snapshot", "mbox": mbox}])
        ours_job = pool.submit(agent, ctx, here, [{"do": "snapshot", "mbox": mbox}])
        theirs, ours = theirs_job.result()[0], ours_job.result()[0]
    [sent] = agent(ctx, here, [{"do": "send", "sender": f"{out}@{here}", "to": going,
                                "token": out, "host": here}])
    [arrived] = agent(ctx, there, [{"do": "await", "mboxes": [mbox], "token": out,
                                    "timeout": WAIT, "snapshots": {mbox: theirs}}])
    came, log_back, returned = {}, {}, {}
    if arrived.get("found"):
        [returned] = agent(ctx, there, [{"do": "send", "sender": f"{back}@{there}",
                                         "to": coming, "token": back, "host": there}])
        came, log_here = agent(ctx, here, [
            {"do": "await", "mboxes": [mbox], "token": back, "timeout": WAIT,
             "snapshots": {mbox: ours}},
            {"do": "log", "token": out, "timeout": 1.0, "until": "status="}])
        [log_back] = agent(ctx, there, [{"do": "log", "token": back, "timeout": 1.0,
                                         "until": "status="}]
                           + ([] if came.get("found") else [{"do": "purge", "token": back}]))[:1]
    else:  # still queued here, or bounced: whatever is left of it goes
        log_here, _purged = agent(ctx, here, [
            {"do": "log", "token": out, "timeout": 1.0, "until": "status="},
            {"do": "purge", "token": out}])
    evidence = _log_evidence(here, log_here, 4) + _log_evidence(there, log_back, 4)
    refused = _send_refused(sent, evidence)
    if refused:
        return refused
    if not arrived.get("found"):
        return Verdict(False, evidence or [seen(here, f"sendmail {going}", "-")],
                       "not-delivered",
                       _("the mail for {recipient} did not arrive on {server} within "
                         "{seconds} s; the mail log says: {text}", recipient=going,
                         server=there, seconds=f"{WAIT:g}", text=_status(log_here) or "-"))
    problem = _through_mx(model, going, log_here, here)
    if problem:
        return Verdict(False, evidence, *problem)
    refused = _send_refused(returned, evidence)
    if refused:
        return refused
    if not came.get("found"):
        return Verdict(False, evidence, "not-returned",
                       _("the answer from {server} to {recipient} did not arrive within "
                         "{seconds} s; the mail log of {server} says: {text}", server=there,
                         recipient=coming, seconds=f"{WAIT:g}", text=_status(log_back) or "-"))
    problem = _through_mx(model, coming, log_back, there)
    if problem:
        return Verdict(False, evidence, *problem)
    return Verdict(True, evidence)


def _through_mx(model, recipient, log, sender_host):
    """None, or a problem when the log shows the mail went elsewhere than the domain's MX."""
    if not log.get("log"):
        return None
    domain = recipient.split("@", 1)[1]
    target, address = model.mail_exchanger(domain)
    relays = re.findall(r"relay=(\S+?),", "\n".join(log.get("lines", [])))
    wanted = f"{target}[{address}]:25"
    if relays and wanted not in relays:
        return "not-through-mx", _("{server} handed the mail for {domain} to {relay}, not to "
                                   "its MX {expected}", server=sender_host, domain=domain,
                                   relay=relays[0], expected=wanted)
    return None


def bounce(ctx):
    model, roles = ctx.model, ctx.roles
    here = roles.server.name
    student = model.student.name
    alias = _alias_of(model, student)
    token = ctx.token("nobody")
    mbox, other = _mbox(student), _mbox(alias)
    domain = model.mail_origin(roles.neighbour)
    recipient = f"{token}@{domain}"
    mboxes = [mbox, other] if other != mbox else [mbox]
    got = agent(ctx, here, [{"do": "snapshot", "mbox": m} for m in mboxes] + [
        {"do": "send", "sender": f"{alias}@{here}", "to": recipient, "token": token,
         "host": here},
        {"do": "await", "mboxes": mboxes, "token": token, "timeout": WAIT},
        {"do": "log", "token": token, "timeout": 1.0, "until": "status=bounced"},
        {"do": "purge", "token": token, "if_lost": True}])
    sent, arrived, log, _purged = got[len(mboxes):]
    evidence = _log_evidence(here, log, 5)
    if arrived.get("headers"):
        evidence.append(seen(here, f"{arrived['found']}", "\n".join(arrived["headers"]), 4))
    refused = _send_refused(sent, evidence)
    if refused:
        return refused
    bounced = [l for l in log.get("lines", []) if "status=bounced" in l]
    if log.get("log") and not bounced:
        return Verdict(False, evidence, "not-bounced",
                       _("the mail for {recipient} did not bounce; the mail log says: {text}",
                         recipient=recipient, text=_status(log) or "-"))
    if not arrived.get("found"):
        return Verdict(False, evidence, "bounce-lost",
                       _("the notice that {recipient} does not exist did not reach the "
                         "sender {sender} within {seconds} s", recipient=recipient,
                         sender=f"{alias}@{here}", seconds=f"{WAIT:g}"))
    return Verdict(True, evidence)


# --- no open relay --------------------------------------------------------------------------------

def relay(ctx):
    model, roles = ctx.model, ctx.roles
    client = roles.outside_mynetworks()
    address = roles.server_address_for(client)
    token = ctx.token("relay")
    outside = next((d for b in model.benches if b != ctx.bench
                    for d in model.mail_domains(b)), None) or "example.org"
    local = f"postmaster@{model.mail_origin(ctx.bench)}"
    data = ask(ctx.host(client.name), "relay", SLOW, address=address, helo=client.name,
               sender=f"{token}@{client.name}", local=local, outside=f"{token}@{outside}")
    said = data if isinstance(data, list) else [["!", data.get("error", "?")]]
    dialogue = "\n".join(f"{who}: {text}" for who, text in said)
    evidence = [seen(client.name, f"smtp {address} 25 (RCPT TO:<{token}@{outside}>, no DATA)",
                     dialogue, 10)]
    answers = [text for who, text in said if who == "S"]
    if any(who == "!" for who, _t in said) or len(answers) < 5:
        return Verdict(False, evidence, "smtp-unreachable",
                       _("{client} (outside mynetworks) could not talk SMTP with {server} at "
                         "{address}", client=client.name, server=roles.server.name,
                         address=address))
    last = answers[-1]
    if last.startswith("2"):
        return Verdict(False, evidence, "open-relay",
                       _("{server} accepts from {client}, outside mynetworks, a mail for "
                         "{domain}: anyone could send mail anywhere through it",
                         server=roles.server.name, client=client.name, domain=outside))
    if "relay access denied" not in last.lower() and not last.startswith(("454", "554")):
        return Verdict(False, evidence, "refused-otherwise",
                       _("{server} refused the outside recipient, but not as a relay: {text}",
                         server=roles.server.name, text=last))
    return Verdict(True, evidence)
