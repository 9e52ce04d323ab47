#!/usr/bin/python3
"""Local mail on the bench's server: accounts, aliases, the mail log, labels (the report's
"Création de comptes & aliases" and "Les labels pour les comptes email").

Root's mail goes to the student's account through the class file's aliases (root:
the class file's student); after `chfn -f Thomas root`, a mail from root shows
From: Thomas <root@SERVER>.

    sudo python3 scenarios/local_mail.py [--class FILE] [--benches LIST] [--bench N]
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.findings import _  # noqa: E402
from scenarios.checks import all_of, contains, matches  # noqa: E402
from scenarios.derive import alias_chains, alias_of  # noqa: E402
from scenarios.mail import delivered, last_message, log_lines, send  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = _("Local mail: accounts, aliases, mail.log, labels")
LABEL = "Thomas"  # the report's student's name, as chfn writes it into root's GECOS


def sections(model, bench):
    server = model.server(bench).name
    return [_postfix(server), _accounts(model, bench, server), _labels(model, bench, server)]


def _postfix(server):
    return Section(_("Postfix on {server}", server=server.upper()), (
        Step(server, "postconf mail_version", matches(r"^mail_version = 3\.\d+", "mail_version = 3.x"),
             _("Postfix answers with its version")),
        Step(server, "postfix check; echo \"exit code $?\"", contains("exit code 0"),
             _("postfix check finds nothing wrong")),
        Step(server, "ls /var/spool/postfix", contains("maildrop", "incoming", "active", "deferred"),
             _("the spool has maildrop, incoming, active, deferred")),
    ))


def _accounts(model, bench, server):
    student = model.student
    root = alias_of(model, student.name)
    mailbox = f"{student.name}@{model.mail_origin(bench)}"
    names = "|".join(dict.fromkeys(name for name, _target in model.aliases))
    return Section("Création de comptes & aliases", (  # the report's heading, as it is
        Step(server, "tail -n 1 /etc/passwd",
             contains(f"{student.name}:x:{student.uid}:{student.uid}::/home/{student.name}:/bin/sh"),
             _("the account {user} exists, uid {uid}", user=student.name, uid=student.uid)),
        Step(server, f"grep -E '^({names}):' /etc/aliases",
             all_of(*(matches(rf"^{re.escape(name)}:\s+{re.escape(target)}$", f"{name}: {target}")
                      for name, target in model.aliases)),
             _("aliases: {chains}", chains=alias_chains(model.aliases))),
        Step(server, "ls -l /etc/aliases /etc/aliases.db", contains("/etc/aliases\n", "/etc/aliases.db"),
             _("aliases.db was compiled by newaliases")),
        send(server, f"{root}@{server}", "Test", "Bonjour"),
        Step(server, log_lines(mailbox),
             all_of(contains(f"orig_to=<{root}@{server}>"), delivered(mailbox, "local")),
             _("mail.log: {alias}'s mail delivered to {user}'s mailbox "
               "(orig_to=<{alias}@{host}>)", alias=root, user=student.name, host=server),
             wait=10),
        Step(server, last_message(student.name),
             contains(f"X-Original-To: {root}@{server}", f"Delivered-To: {root}@{server}",
                      "Subject: Test", "Bonjour"),
             _("the message is in /var/mail/{user}", user=student.name)),
    ))


def _labels(model, bench, server):
    student = model.student.name
    subject = f"TEST{bench}"
    return Section("Les labels pour les comptes email", (  # the report's heading, as it is
        Step(server, f"chfn -f {LABEL} root && grep ^root: /etc/passwd",
             contains(f"root:x:0:0:{LABEL}"), _("root's label (GECOS) is {label}", label=LABEL)),
        send(server, student, subject, "azerty"),
        Step(server, last_message(student), contains(f"Subject: {subject}", f"From: {LABEL} <root@{server}>"),
             _("the message shows From: {label} <root@{host}>", label=LABEL, host=server),
             wait=10),
    ))


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
