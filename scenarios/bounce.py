#!/usr/bin/python3
"""A mail to an unknown user of the neighbour comes back (the report's messages 7 and 8).

S{m} rejects the recipient at RCPT time (550 5.1.1 ... User unknown in local recipient
table); S{n} bounces the message and root, that is etudiant, receives "Undelivered
Mail Returned to Sender".

    sudo python3 scenarios/bounce.py [--benches 53,54] [--bench 54]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenarios.checks import contains, matches  # noqa: E402
from scenarios.mail import last_message, log_lines, send  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = "Undelivered mail comes back to its sender"
UNKNOWN = "inconnu"


def sections(model, bench):
    n, m = bench, model.neighbour(bench)
    here, there = f"s{n}", f"s{m}"
    recipient = f"{UNKNOWN}@tp{m}1.iut"
    refusal = (rf"550 5\.1\.1 <{recipient}>: Recipient address rejected: "
               r"User unknown in local recipient table")
    return [
        Section(f"S{n} writes to {recipient}, who does not exist", (
            send(here, recipient, "Oups", "Ce message ne trouvera personne"),
            Step(here, log_lines(recipient),
                 matches(rf"relay=smtp\.tp{m}1\.iut\[10\.254\.{m}\.1\]:25,.* status=bounced "
                         rf"\(host smtp\.tp{m}1\.iut\[10\.254\.{m}\.1\] said: {refusal}",
                         "status=bounced (host ... said: 550 5.1.1 ... User unknown ...)"),
                 f"S{n}'s log: S{m} said 550 5.1.1 User unknown, the mail bounced", wait=15),
            Step(there, f"grep -F 'NOQUEUE: reject: RCPT' /var/log/mail.log",
                 matches(refusal, "550 5.1.1 ... User unknown in local recipient table"),
                 f"S{m}'s log: the recipient was rejected at RCPT time"),
            Step(here, last_message(),
                 contains("Subject: Undelivered Mail Returned to Sender",
                          "Mail Delivery System", recipient),
                 f"etudiant on S{n} receives the bounce", wait=10),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
