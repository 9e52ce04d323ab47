#!/usr/bin/python3
"""A mail to an unknown user of the neighbour comes back (the report's messages 7 and 8).

The neighbour's server rejects the recipient at RCPT time (550 5.1.1 ... User unknown in
local recipient table); the bench's server bounces the message and root, that is the
student (the class file's aliases), receives "Undelivered Mail Returned to Sender".

    sudo python3 scenarios/bounce.py [--class FILE] [--benches LIST] [--bench N]
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.findings import _  # noqa: E402
from scenarios.checks import contains, matches  # noqa: E402
from scenarios.derive import relay  # noqa: E402
from scenarios.mail import last_message, log_lines, send  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = _("Undelivered mail comes back to its sender")
UNKNOWN = "inconnu"


def sections(model, bench):
    n, m = bench, model.neighbour(bench)
    here, there = model.server(n).name, model.server(m).name
    student = model.student.name
    domain = model.mail_origin(m)
    recipient = f"{UNKNOWN}@{domain}"
    hop = relay(model, domain)
    refusal = (rf"550 5\.1\.1 <{re.escape(recipient)}>: Recipient address rejected: "
               r"User unknown in local recipient table")
    return [
        Section(_("{host} writes to {recipient}, who does not exist", host=here.upper(),
                  recipient=recipient), (
            send(here, recipient, "Oups", "Ce message ne trouvera personne"),
            Step(here, log_lines(recipient),
                 matches(rf"relay={re.escape(hop)},.* status=bounced "
                         rf"\(host {re.escape(hop[:-len(':25')])} said: {refusal}",
                         "status=bounced (host ... said: 550 5.1.1 ... User unknown ...)"),
                 _("{host}'s log: {neighbour} said 550 5.1.1 User unknown, the mail bounced",
                   host=here.upper(), neighbour=there.upper()), wait=15),
            Step(there, "grep -F 'NOQUEUE: reject: RCPT' /var/log/mail.log",
                 matches(refusal, "550 5.1.1 ... User unknown in local recipient table"),
                 _("{host}'s log: the recipient was rejected at RCPT time", host=there.upper())),
            Step(here, last_message(student),
                 contains("Subject: Undelivered Mail Returned to Sender",
                          "Mail Delivery System", recipient),
                 _("{user} on {host} receives the bounce", user=student, host=here.upper()),
                 wait=10),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
