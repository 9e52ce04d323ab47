#!/usr/bin/python3
"""Mailbox access: the student reads, from the seat, the mail Postfix delivered on the server.

A mail is sent to the student on the bench's server (as in local_mail); from the seat
(the class file's seat) the student reads it over IMAP (Python's imaplib), then over
POP3 (poplib), from the same mbox /var/mail/<student>; a wrong password is refused, and
the server's Dovecot log shows both logins, in plain text, on the address the seat used.

    sudo python3 scenarios/mailbox_access.py [--class FILE] [--benches 53,54] [--bench 54]
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.findings import _  # noqa: E402
from scenarios.checks import all_of, contains, matches  # noqa: E402
from scenarios.mail import last_message, send  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = _("Mailbox access: IMAP and POP3 from the student's seat")
SUBJECT, BODY = "Lecture IMAP POP3", "Bonjour depuis le serveur"

# One line each, as typed in the host's shell: print the server's greeting, then the
# Subject and body of the newest message with that subject
IMAP_READ = ("/usr/bin/python3 -c \"import imaplib, email; c = imaplib.IMAP4('{server}'); "
             "print(c.welcome.decode()); c.login('{user}', '{password}'); c.select('INBOX'); "
             "n = c.search(None, 'SUBJECT', '\\\"{subject}\\\"')[1][0].split()[-1]; "
             "m = email.message_from_bytes(c.fetch(n, '(RFC822)')[1][0][1]); "
             "print('Subject:', m['Subject']); print(m.get_payload().strip()); c.logout()\"")
POP3_READ = ("/usr/bin/python3 -c \"import poplib, email; p = poplib.POP3('{server}'); "
             "print(p.getwelcome().decode()); p.user('{user}'); p.pass_('{password}'); "
             "found = [email.message_from_bytes(b'\\n'.join(p.retr(i)[1])) "
             "for i in range(1, p.stat()[0] + 1)]; "
             "m = [x for x in found if x['Subject'] == '{subject}'][-1]; "
             "print('Subject:', m['Subject']); print(m.get_payload().strip()); p.quit()\"")
IMAP_LOGIN = ("/usr/bin/python3 -c \"import imaplib; c = imaplib.IMAP4('{server}'); "
              "print(c.login('{user}', '{password}'))\" 2>&1 | tail -n 1")


def imap_read(server, user, password, subject=SUBJECT):
    return IMAP_READ.format(server=server, user=user, password=password, subject=subject)


def pop3_read(server, user, password, subject=SUBJECT):
    return POP3_READ.format(server=server, user=user, password=password, subject=subject)


def imap_login(server, user, password):
    return IMAP_LOGIN.format(server=server, user=user, password=password)


def sections(model, bench):
    server, seat, student = model.server(bench), model.seat(bench), model.student
    s, SEAT, SERVER = server.name, seat.name.upper(), server.name.upper()
    address = model.address(bench, server.key, on=seat.key)
    read = contains(f"Subject: {SUBJECT}", BODY)
    return [
        Section(_("Dovecot on {server}", server=SERVER), (
            Step(s, "doveconf protocols disable_plaintext_auth ssl mail_location",
                 contains("protocols = imap pop3", "disable_plaintext_auth = no", "ssl = no",
                          "mail_location = mbox:~/mail:INBOX=/var/mail/%u"),
                 _("{server} serves IMAP and POP3 from /var/mail, plain-text logins, no TLS",
                   server=SERVER)),
            send(s, student.name, SUBJECT, BODY),
            Step(s, last_message(student.name), contains(f"Subject: {SUBJECT}", BODY),
                 _("the message is in /var/mail/{user}", user=student.name), wait=10),
        )),
        Section(_("{seat} reads the mailbox over IMAP and POP3", seat=SEAT), (
            Step(seat.name, imap_read(address, student.name, student.password),
                 all_of(matches(r"^\* OK .*ready", _("the IMAP greeting '* OK ... ready'")), read),
                 _("{seat} reads \"{subject}\" over {protocol} ({address}:{port})", seat=SEAT,
                   subject=SUBJECT, protocol="IMAP", address=address, port=143)),
            Step(seat.name, pop3_read(address, student.name, student.password),
                 all_of(matches(r"^\+OK .*ready", _("the POP3 greeting '+OK ... ready'")), read),
                 _("{seat} reads \"{subject}\" over {protocol} ({address}:{port})", seat=SEAT,
                   subject=SUBJECT, protocol="POP3", address=address, port=110)),
            Step(seat.name, imap_login(address, student.name, student.password + "x"),
                 contains("[AUTHENTICATIONFAILED] Authentication failed."),
                 _("{server} refuses a wrong password for {user}", server=SERVER,
                   user=student.name)),
            Step(s, f"grep -F 'Login: user=<{student.name}>' /var/log/dovecot.log",
                 all_of(contains(f"imap-login: Info: Login: user=<{student.name}>",
                                 f"pop3-login: Info: Login: user=<{student.name}>"),
                        matches(rf"Login: user=<{student.name}>, method=PLAIN, rip=\S+, "
                                rf"lip={re.escape(address)},",
                                _("plain-text logins on {address} (lip={address})",
                                  address=address))),
                 _("/var/log/dovecot.log on {server}: both logins, in plain text, on {address}",
                   server=SERVER, address=address)),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
