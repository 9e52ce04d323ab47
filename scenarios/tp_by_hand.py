#!/usr/bin/python3
"""The report, by hand: the student's bench from the class's first stage to the TP done.

The bench starts as the students receive it (the class file's first [[stage]]: addresses
only) and every step of the report is typed in the hosts' shells, in the report's order:
forwarding on the server, resolv.conf, the digs of part 1, `dpkg-reconfigure postfix`
answered through debconf, the student's account and password, /etc/aliases and
`newaliases`, local mail, the label (chfn), mail to the neighbour through its MX; then
part 2: mydestination, the server's zones and named.conf.local, `rndc reload`, the
secondary, the part-2 digs and mail. What a fresh Debian lacks that the class's last stage
has is typed too, and said: Postfix's own log file (no syslog), TLS as the class sets it,
Dovecot (the class's mail stage), the forwarders and root hints of named.conf.options.
Every value comes from the class model and from the lab's own renderings (services/).

It must end where the class's last stage starts: the sections of connectivity,
dns_lookup, local_mail, mx_delivery, dns_server (and mailbox_access where the server runs
Dovecot) are played last, on the same lab, with a check that main.cf holds the class's values;
at the very end, `check` of the bench (checks/check.py) finds every objective PASS and `lint`
nothing to point out.

    sudo python3 scenarios/tp_by_hand.py [--class FILE] [--benches LIST] [--bench N]

The bench starts at the first stage (--stage defaults to it here and through `python3 -m
scenarios`); started at another one (--stage, $STAGE), the first step resets the bench's
hosts to the first stage, as `reset HOST STAGE` does in the CLI.

    sections(model, bench)       the whole transcript: report_sections + final_checks
    report_sections(model, bench) the report's steps, typed by hand, in its order
    final_checks(model, bench)   the finished TP's checks (titles begin with FINAL), the
                                 last: check all PASS, lint empty
    default_options(argv)        the options with --stage the class's first stage (also
                                 what `python3 -m scenarios` gives this scenario)
"""

import argparse
import ipaddress
import os
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.check import check_bench  # noqa: E402
from checks.findings import _  # noqa: E402
from checks.results import PASS  # noqa: E402
from scenarios import (connectivity, dns_lookup, dns_server, local_mail,  # noqa: E402
                       mailbox_access, mx_delivery)
from scenarios.checks import all_of, contains, matches  # noqa: E402
from scenarios.derive import alias_of, own_mail_domain  # noqa: E402
from scenarios.dig import dig_shows  # noqa: E402
from scenarios.mail import delivered, last_message, log_lines, said_nothing, send  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step, StepResult  # noqa: E402

TITLE = _("The report, by hand: from the first stage to the TP done")
FINAL = "Fin du TP"  # the title of every final check begins with it (in French and English)
LOG_FILE = "maillog_file"  # Postfix's own log (postlogd): Debian 12 has no syslog file
TLS = ("smtpd_tls_security_level", "smtp_tls_security_level")
PS2_PROMPTS = re.compile(r"^(> )+")  # bash's PS2 prompts, one per line of a here-document


# --- steps of their own ----------------------------------------------------------------------

@dataclass(frozen=True)
class BenchAt(Step):
    """The bench's hosts at `stage`: those elsewhere (the lab started at another stage) are
    reset to it, as `reset HOST STAGE` does in the CLI."""
    stage: str = ""
    bench: int = 0

    def run(self, lab):
        hosts = [h for h in lab.model.hosts if h.bench == self.bench]
        moved = [h for h in hosts if lab.plan.stage_of(h).name != self.stage]
        lines = [f"{h.name}: reset to stage {self.stage} ({lab.reset(h.name, self.stage):.1f} s)"
                 for h in moved]
        standing = {h.name: lab.plan.stage_of(h).name for h in hosts}
        lines += [f"{name}: stage {stage}" for name, stage in standing.items()]
        problems = [_("{host} is at stage {stage}", host=name, stage=stage)
                    for name, stage in standing.items() if stage != self.stage]
        for host in moved:  # a reset host is the machine it was: its name, as at boot
            named = lab.cmd(host.name, "cat /etc/hostname").strip()
            if named != host.name:
                problems.append(_("after its reset, {host}'s /etc/hostname says {name}",
                                  host=host.name, name=named))
        return StepResult(self, "\n".join(lines) + "\n", problems)


@dataclass(frozen=True)
class Edit(Step):
    """A file written as a student pastes it: a here-document typed in the host's shell,
    then read back (the file must hold the text, nothing else)."""
    path: str = ""
    text: str = ""

    def run(self, lab):
        said = PS2_PROMPTS.sub("", lab.cmd(self.host, self.command))
        problems = said_nothing()(said)
        if lab.cmd(self.host, f"cat {self.path}") != self.text:
            problems.append(_("{path} does not hold the text typed", path=self.path))
        return StepResult(self, said, problems)


@dataclass(frozen=True)
class Checked(Step):
    """`check` of the bench: each objective's state and id as output; a problem for each
    objective that does not PASS and for each thing lint points out."""
    bench: int = 0

    def run(self, lab):
        result = check_bench(lab, self.bench, "en")
        output = "".join(f"{o.id}: {o.state}\n" for o in result.outcomes)
        problems = [_("check: {id} is {found} ({reason})", id=o.id, found=o.state,
                      reason=o.reason or "-") for o in result.outcomes if o.state != PASS]
        problems += [_("lint: {host}:{file}: {text}", host=f["host"], file=f["file"],
                       text=f["what"]) for o in result.outcomes for f in o.lint]
        return StepResult(self, output, problems)


def edit(host, path, text, claim):
    marker = next(m for m in ("EOF", "END_OF_FILE", "FIN_DU_FICHIER")
                  if m not in text.splitlines())
    return Edit(host, f"cat > {path} <<'{marker}'\n{text}{marker}", None, claim,
                path=path, text=text)


def quiet(program=None):
    """A step whose command prints nothing when it works ("PROGRAM said: ..." otherwise;
    without a program: "the shell said: ...")."""
    return said_nothing(program)


def exit_code_0(*also):
    return all_of(contains("exit code 0"), *(contains(text) for text in also))


def as_user(user, command):
    return f"su - {user} -c '{command}'"


# --- what the class's last stage has, from the lab's own renderings ---------------------------

class Finished:
    """What the bench holds at the class's last stage: the services' files for its hosts."""

    def __init__(self, model, bench):
        from services.dovecot import Dovecot
        from services.named import Named, SecondaryNamed
        from services.postfix import Postfix
        self.model, self.bench = model, bench
        self.server, self.seat = model.server(bench), model.seat(bench)
        self.hosts = [h for h in model.hosts if h.bench == bench]
        postfix = Postfix(model).files(model, self.server)
        self.main_cf = main_cf_values(postfix["/etc/postfix/main.cf"])
        self.mailname = postfix["/etc/mailname"].strip()
        self.named = Named(model).files(model, self.server)
        self.secondaries = [(h, SecondaryNamed(model).files(model, h)) for h in self.hosts
                            if model.zones_copied_by(h.name) and "named" in h.services]
        self.dovecot = (Dovecot(model).files(model, self.server)
                        if "dovecot" in self.server.services else {})


def main_cf_values(text):
    """{parameter: value} of a main.cf, in its order."""
    values = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith((" ", "\t", "#")) and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def named_files_in_order(files):
    """Zone files first, then the hints, then named.conf.*: what named.conf names exists
    before named.conf names it."""
    return sorted(files.items(), key=lambda item: (item[0].startswith("/etc/bind/named.conf"),
                                                   item[0]))


# --- the report, in its order ------------------------------------------------------------------

def sections(model, bench):
    return report_sections(model, bench) + final_checks(model, bench)


def report_sections(model, bench):
    done = Finished(model, bench)
    return ([_handed_out(done), _routing(done)] + connectivity.sections(model, bench)[:1]
            + [_resolvers(done)] + dns_lookup.sections(model, bench)[:1]
            + [_postfix(done), _accounts(done), _local_mail(done), _labels(done)]
            + dns_lookup.sections(model, bench)[1:] + mx_delivery.sections(model, bench)[:1]
            + ([_dovecot(done)] if done.dovecot else [])
            + [_part2_postfix(done), _named(done), _part2_digs(done)]
            + [_secondary(done, host, files) for host, files in done.secondaries]
            + mx_delivery.sections(model, bench)[1:2] + [_fresh_logs(done)])


def _handed_out(done):
    model, first = done.model, done.model.stages[0]
    server, seat, student = done.server.name, done.seat.name, model.student.name
    names = " ".join(h.name for h in done.hosts)
    return Section(_("Le point de départ: stage {stage} ({says})", stage=first.name,
                     says=first.says_for(done.bench)), (
        BenchAt(server, f"# the bench as handed out: {names} at stage {first.name}", None,
                _("bench {bench} is at stage {stage}", bench=done.bench, stage=first.name),
                stage=first.name, bench=done.bench),
        Step(server, "cat /proc/sys/net/ipv4/ip_forward", matches(r"^0$", "0"),
             _("{host} does not route yet", host=server.upper())),
        Step(seat, "cat /etc/resolv.conf", lambda out: [] if "nameserver" not in out
             else [_("expected no nameserver line")],
             _("{host}'s resolv.conf names no server", host=seat.upper())),
        Step(server, "ls /etc/postfix/main.cf; debconf-show postfix | grep main_mailer_type",
             contains("No such file or directory", "No configuration"),
             _("Postfix is installed, not configured (no main.cf)")),
        Step(server, f"id {student}", contains("no such user"),
             _("no account {user} yet", user=student)),
    ))


def _routing(done):
    forwarding = [h.name for h in done.hosts if h.forwarding]
    steps = []
    for name in forwarding:
        steps += [Step(name, "echo 1 > /proc/sys/net/ipv4/ip_forward", quiet("echo"),
                       _("{host} routes between its LANs", host=name.upper())),
                  Step(name, "cat /proc/sys/net/ipv4/ip_forward", matches(r"^1$", "1"),
                       _("ip_forward is 1"))]
    return Section(_("Configuration de base: {hosts} route",
                     hosts=", ".join(n.upper() for n in forwarding)), tuple(steps))


def _resolvers(done):
    hosts = sorted((h for h in done.hosts if h.resolver), key=lambda h: h is not done.seat)
    return Section(_("DNS: resolv.conf names {address} on every host of the bench",
                     address=done.seat.resolver), tuple(
        Step(h.name, f'echo "nameserver {h.resolver}" > /etc/resolv.conf', quiet("echo"),
             _("{host} asks {address}", host=h.name.upper(), address=h.resolver))
        for h in hosts))


def _postfix(done):
    server, values = done.server.name, done.main_cf
    answers = [("main_mailer_type", "select", "Internet Site"),
               ("mailname", "string", done.mailname),
               ("mynetworks", "string", values["mynetworks"]),
               ("relayhost", "string", values["relayhost"]),
               ("mailbox_limit", "string", values["mailbox_size_limit"]),
               ("recipient_delim", "string", values["recipient_delimiter"]),
               ("protocols", "select", values["inet_protocols"])]
    lines = " ".join(f"'postfix postfix/{q} {kind}{' ' + a if a else ''}'"
                     for q, kind, a in answers)
    first = f"$myhostname, {done.mailname}, {server}, localhost.localdomain, localhost"
    own_log = values.get(LOG_FILE)
    tls = [f"{key}={values[key]}" for key in TLS if key in values]
    steps = [
        Step(server, "ls -l /var/spool/postfix", contains("maildrop", "incoming", "active",
                                                           "deferred"),
             _("the spool has maildrop, incoming, active, deferred (Analyse des dossiers)")),
        Step(server, f"printf '%s\\n' {lines} | debconf-set-selections", quiet("debconf"),
             _("the answers of dpkg-reconfigure's questions: Internet Site, mail name "
               "{mailname}, mynetworks {networks}", mailname=done.mailname,
               networks=values["mynetworks"])),
        Step(server, "DEBIAN_FRONTEND=noninteractive dpkg-reconfigure postfix; "
                     "echo \"exit code $?\"",
             exit_code_0(f"setting mynetworks: {values['mynetworks']}",
                         "starting the Postfix mail system"),
             _("dpkg-reconfigure writes main.cf and /etc/mailname, and starts Postfix")),
        Step(server, "postconf myhostname myorigin mydestination mynetworks; cat /etc/mailname",
             contains(f"myhostname = {values['myhostname']}", "myorigin = /etc/mailname",
                      f"mydestination = {first}", f"mynetworks = {values['mynetworks']}",
                      f"\n{done.mailname}\n"),
             _("main.cf as the report's: mydestination = {value}", value=first)),
    ]
    if own_log or tls:
        settings = ([f"{LOG_FILE}={own_log}"] if own_log else []) + tls
        if own_log and tls:
            said = _("no syslog on this Debian: Postfix's own log file ({file}), TLS as the "
                     "class has it", file=own_log)
        elif own_log:
            said = _("no syslog on this Debian: Postfix's own log file ({file})", file=own_log)
        else:
            said = _("TLS as the class has it")
        steps.append(Step(server, f"postconf -e {' '.join(settings)} && service postfix reload",
                          contains("refreshing the Postfix mail system"), said))
    steps += [
        Step(server, "postconf mail_version",
             matches(r"^mail_version = 3\.\d+", "mail_version = 3.x"),
             _("Postfix answers with its version")),
        Step(server, "postfix check; echo \"exit code $?\"", exit_code_0(),
             _("postfix check finds nothing wrong")),
        Step(server, "cat /var/spool/postfix/etc/resolv.conf",
             contains(f"nameserver {done.server.resolver}"),
             _("Debian's master.cf runs smtp chrooted: its copy of resolv.conf names {address}",
               address=done.server.resolver)),
    ]
    return Section(_("Postfix on {server}: dpkg-reconfigure postfix", server=server.upper()),
                   tuple(steps))


def _accounts(done):
    model, server = done.model, done.server.name
    student = model.student
    secret = student.password
    aliases = " && ".join(f"{{ grep -q '^{name}:' /etc/aliases || echo '{name}: {target}' "
                          f">> /etc/aliases; }}" for name, target in model.aliases)
    return Section("Création de comptes & aliases", (  # the report's heading, as it is
        Step(server, f"useradd -m -u {student.uid} {student.name}", quiet("useradd"),
             _("the account {user}, uid {uid}, with a home", user=student.name, uid=student.uid)),
        Step(server, f"printf '{secret}\\n{secret}\\n' | passwd {student.name}",
             contains("password updated successfully"),
             _("{user}'s password, typed twice", user=student.name)),
        Step(server, "tail -n 1 /etc/passwd", contains(
            f"{student.name}:x:{student.uid}:{student.uid}::/home/{student.name}:/bin/sh"),
             _("the account {user} exists, uid {uid}", user=student.name, uid=student.uid)),
        Step(server, aliases, quiet(),
             _("the class's aliases appended to /etc/aliases (those it lacks)")),
        Step(server, "cat /etc/aliases",
             all_of(*(matches(rf"^{re.escape(name)}:\s+{re.escape(target)}$", f"{name}: {target}")
                      for name, target in model.aliases)),
             ", ".join(f"{name}: {target}" for name, target in model.aliases)),
        Step(server, "newaliases && ls -l /etc/aliases /etc/aliases.db",
             contains("/etc/aliases\n", "/etc/aliases.db"), _("newaliases compiles aliases.db")),
    ))


def _local_mail(done):
    """The report's `mail root`, typed by the student: a bare name (mailutils 3.15 adds no
    host: orig_to=<root>), so that local_mail's own check at the end (orig_to=<root@SERVER>)
    reads a line of its own mail, not one of this one."""
    model, server = done.model, done.server.name
    student = model.student.name
    root = alias_of(model, student)
    mailbox = f"{student}@{done.mailname}"
    return Section(_("Local mail: {user} writes to {alias}", user=student, alias=root), (
        Step(server, as_user(student, f'echo "Bonjour" | mail -s "Test" {root}'),
             quiet("mail"), _("{user} writes to {alias} (mail, as {user})", user=student,
                              alias=root)),
        Step(server, log_lines(mailbox),
             all_of(contains(f"orig_to=<{root}>"), delivered(mailbox, "local")),
             _("mail.log: {alias}'s mail delivered to {user}'s mailbox (the alias)", alias=root,
               user=student), wait=10),
        Step(server, as_user(student, "mail -H"), contains("Test"),
             _("{user} finds it with mail", user=student)),
        send(server, f"{student}@{server}", "Test3", "Oups"),
        Step(server, last_message(student), contains("Subject: Test3", "Oups"),
             _("root's message is in /var/mail/{user}", user=student), wait=10),
        Step(server, "ls /var/spool/mail", contains(student), f"/var/spool/mail/{student}"),
    ))


def _labels(done):
    server, student = done.server.name, done.model.student.name
    label, subject = local_mail.LABEL, f"TEST{done.bench}"
    return Section("Les labels pour les comptes email", (  # the report's heading, as it is
        Step(server, f"chfn -f {label} root && grep ^root: /etc/passwd",
             contains(f"root:x:0:0:{label}"), _("root's label is {label}", label=label)),
        send(server, student, subject, "azerty"),
        Step(server, last_message(student),
             contains(f"Subject: {subject}", f"From: {label} <root@{server}>"),
             _("the message shows From: {label} <root@{host}>", label=label, host=server),
             wait=10),
    ))


def _dovecot(done):
    server = done.server.name
    steps = [edit(server, path, text, _("{path}: the class's", path=path))
             for path, text in done.dovecot.items()]
    steps += [
        Step(server, "doveconf -n -x >/dev/null; echo \"exit code $?\"", exit_code_0(),
             _("doveconf finds nothing wrong")),
        Step(server, "service dovecot start", contains("dovecot"), _("Dovecot starts")),
        Step(server, "service dovecot status", contains("dovecot is running"),
             _("Dovecot runs (IMAP, POP3)"), wait=5),
    ]
    return Section(_("Not in the report: Dovecot on {server}, as the class's mail stage has it",
                     server=server.upper()), tuple(steps))


def _part2_postfix(done):
    server, destinations = done.server.name, done.main_cf["mydestination"]
    return Section(_("{server} is both the SMTP and the DNS server: main.cf",
                     server=server.upper()), (
        Step(server, f"postconf -e 'mydestination = {destinations}' && service postfix reload",
             contains("refreshing the Postfix mail system"),
             _("every mail domain of the bench in mydestination")),
        Step(server, "postconf mydestination", contains(f"mydestination = {destinations}"),
             f"mydestination = {destinations}"),
    ))


def _named(done):
    model, server = done.model, done.server.name
    zones = model.zones_on(server)
    folders = sorted({str(Path(z.file).parent) for z in zones})
    own = model.zone(own_mail_domain(model, done.bench))
    steps = [Step(server, f"mkdir -p {' '.join(folders)}", quiet("mkdir"),
                  _("{folders} for the zone files", folders=", ".join(folders)))]
    steps += [edit(server, path, text, _("{path} written", path=path)) for path, text
              in named_files_in_order(done.named)]
    steps += [Step(server, f"named-checkzone {z.name} {z.file}",
                   contains(f"zone {z.name}/IN: loaded serial {z.soa.serial}", "OK"),
                   _("{zone} loads (serial {serial})", zone=z.name, serial=z.soa.serial))
              for z in zones]
    steps += [
        Step(server, "named-checkconf -z /etc/bind/named.conf >/dev/null; echo \"exit code $?\"",
             exit_code_0(), _("named.conf and every zone load")),
        Step(server, "rndc reload", contains("server reload successful"),
             _("named, still on Debian's configuration, reloads the new one")),
        Step(server, f"dig @127.0.0.1 +norec {own.name} SOA",
             dig_shows(flags=("aa",), answer=[(own.origin, "SOA", own.soa.data())]),
             _("{name} answers for {zone} with authority", name=server.upper(), zone=own.name),
             wait=10),
    ]
    return Section(_("{server}'s zones: named.conf.local, the zone files, rndc reload",
                     server=server.upper()), tuple(steps))


def _part2_digs(done):
    zones = dns_server.BenchZones(done.model, done.bench)
    seat, address = zones.seat.name, zones.address
    steps = []
    for zone in (zones.own, zones.copy):
        if zone is None:
            continue
        target, target_address = zones.exchanger(zone)
        steps.append(Step(seat, f"dig @{address} {target}", dig_shows(
            flags=("qr", "aa"), answer=[(f"{target}.", "A", target_address)]),
            _("{name} is {address}, with authority", name=target, address=target_address)))
    client, restricted = zones.allowed, zones.restricted
    if client is not None:
        asked = done.model.address(done.bench, zones.server.key, on=client.key)
        reverse = ipaddress.ip_address(client.ip).reverse_pointer + "."
        steps.append(Step(client.name, f"dig @{asked} -x {client.ip}", dig_shows(
            flags=("aa",), answer=[(reverse, "PTR", restricted.lookup(reverse, "PTR")[0])]),
            _("{client} may query {zone} (allow-query)", client=client.name.upper(),
              zone=restricted.name)))
    return Section(_("{seat} asks {server} (the report's captures)", seat=seat.upper(),
                     server=zones.server.name.upper()), tuple(steps))


def _secondary(done, host, files):
    zones = done.model.zones_copied_by(host.name)
    zone = next((z for z in zones if not z.allow_query), zones[0])
    steps = [edit(host.name, path, text, _("{path} written", path=path))
             for path, text in named_files_in_order(files)]
    steps += [
        Step(host.name, "named-checkconf /etc/bind/named.conf; echo \"exit code $?\"",
             exit_code_0(), _("named.conf is correct")),
        Step(host.name, "rndc reload", contains("server reload successful"),
             _("{host} reloads: it asks {address} for its zones", host=host.name.upper(),
               address=zone.masters)),
        Step(done.seat.name, f"dig @{host.ip} +norec {zone.name} SOA",
             dig_shows(flags=("aa",), answer=[(zone.origin, "SOA", zone.soa.data())]),
             _("{host} answers for {zone} with authority (AXFR done)", host=host.name.upper(),
               zone=zone.name), wait=15),
    ]
    return Section(_("The secondary {host}: copies of {zones}", host=host.name.upper(),
                     zones=", ".join(z.name for z in zones)), tuple(steps))


def _fresh_logs(done):
    """The mails above were the same as those the final checks send (the report's): each
    mail server's log starts afresh, so that those checks read lines of their own mails."""
    model = done.model
    servers = [done.server.name, model.server(model.neighbour(done.bench)).name]
    return Section(_("Avant les vérifications: mail.log starts afresh on {server} and "
                     "{neighbour}", server=servers[0].upper(), neighbour=servers[1].upper()), tuple(
        Step(server, "postfix logrotate && ls /var/log/", matches(r"mail\.log\.\d{8}-\d{6}",
                                                                  "mail.log.DATE-TIME"),
             _("{server}: postfix logrotate (mail.log.DATE-TIME.gz)", server=server.upper()))
        for server in servers))


# --- the end: the finished TP's own checks --------------------------------------------------------

def final_checks(model, bench):
    done = Finished(model, bench)
    last = model.stages[-1].name
    played = [connectivity, dns_lookup, local_mail, mx_delivery, dns_server]
    if done.dovecot:
        played.append(mailbox_access)
    found = [_same_main_cf(done, last)] + [section for scenario in played
                                           for section in scenario.sections(model, bench)]
    found.append(Section(_("check and lint of bench {bench}", bench=bench), (
        Checked(done.server.name, f"check {bench}", None,
                _("every objective of the TP passes, and lint finds nothing to point out"),
                bench=bench),)))
    return [replace(section, heading=_("{final} (stage {stage}): {title}", final=FINAL,
                                       stage=last, title=section.heading))
            for section in found]


def _same_main_cf(done, last):
    server, values = done.server.name, done.main_cf
    expected = [f"{key} = {value}".rstrip() for key, value in values.items()]

    def check(output):
        seen = {line.rstrip() for line in output.splitlines()}
        return [_("expected '{line}'", line=line) for line in expected if line not in seen]
    return Section(_("{server}'s main.cf holds the values of stage {stage}",
                     server=server.upper(), stage=last), (
        Step(server, f"postconf {' '.join(values)}", check,
             _("each of the {count} parameters the class's main.cf sets has its value",
               count=len(values))),
    ))


# --- command line ------------------------------------------------------------------------------

class _Quiet(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def default_options(argv=None):
    """The options, with --stage the class's first stage unless --stage or $STAGE says one
    (run_scenario checks the options and says what is wrong)."""
    from lab.base.errors import UsageError
    from lab.command.options import add_class_options
    from topologies.model import ClassFileError, ClassSpec
    argv = list(sys.argv[1:] if argv is None else argv)
    if os.environ.get("STAGE") or any(a == "--stage" or a.startswith("--stage=") for a in argv):
        return argv
    parser = _Quiet(add_help=False)
    add_class_options(parser)
    try:
        known, _rest = parser.parse_known_args(argv)
        return argv + ["--stage", ClassSpec(known.class_file).stages[0].name]
    except (ValueError, ClassFileError, UsageError, OSError):
        return argv


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections, default_options()))
