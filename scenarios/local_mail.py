#!/usr/bin/python3
"""Local mail on Sn: accounts, aliases, the mail log, labels (the report's "Création de
comptes & aliases" and "Les labels pour les comptes email").

Root's mail goes to etudiant through the alias root: etudiant; after
`chfn -f Thomas root`, a mail from root shows From: Thomas <root@s{n}>.

    sudo python3 scenarios/local_mail.py [--benches 53,54] [--bench 54]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenarios.checks import all_of, contains, matches  # noqa: E402
from scenarios.mail import delivered, last_message, log_lines, send  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = "Local mail: accounts, aliases, mail.log, labels"


def sections(model, bench):
    s = f"s{bench}"
    return [
        Section("Postfix on S{0}".format(bench), (
            Step(s, "postconf mail_version", matches(r"^mail_version = 3\.\d+", "mail_version = 3.x"),
                 "Postfix answers with its version"),
            Step(s, "postfix check; echo \"exit code $?\"", contains("exit code 0"),
                 "postfix check finds nothing wrong"),
            Step(s, "ls /var/spool/postfix", contains("maildrop", "incoming", "active", "deferred"),
                 "the spool has maildrop, incoming, active, deferred"),
        )),
        Section("Création de comptes & aliases", (
            Step(s, "tail -n 1 /etc/passwd", contains("etudiant:x:1001:1001::/home/etudiant:/bin/sh"),
                 "the account etudiant exists, uid 1001"),
            Step(s, "grep -E '^(postmaster|root):' /etc/aliases",
                 all_of(matches(r"^postmaster:\s+root$", "postmaster: root"),
                        matches(r"^root:\s+etudiant$", "root: etudiant")),
                 "aliases: postmaster -> root -> etudiant"),
            Step(s, "ls -l /etc/aliases /etc/aliases.db", contains("/etc/aliases\n", "/etc/aliases.db"),
                 "aliases.db was compiled by newaliases"),
            send(s, f"root@{s}", "Test", "Bonjour"),
            Step(s, log_lines(f"etudiant@tp{bench}1.iut"),
                 all_of(contains(f"orig_to=<root@{s}>"),
                        delivered(f"etudiant@tp{bench}1.iut", "local")),
                 "mail.log: root's mail delivered to etudiant's mailbox (orig_to=<root@s{0}>)"
                 .format(bench), wait=10),
            Step(s, last_message(), contains(f"X-Original-To: root@{s}", f"Delivered-To: root@{s}",
                                             "Subject: Test", "Bonjour"),
                 "the message is in /var/mail/etudiant"),
        )),
        Section("Les labels pour les comptes email", (
            Step(s, "chfn -f Thomas root && grep ^root: /etc/passwd", contains("root:x:0:0:Thomas"),
                 "root's label (GECOS) is Thomas"),
            send(s, "etudiant", "TEST54", "azerty"),
            Step(s, last_message(), contains("Subject: TEST54", f"From: Thomas <root@{s}>"),
                 f"the message shows From: Thomas <root@{s}>", wait=10),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
