#!/usr/bin/python3
"""The queue at work: the neighbour's Postfix is stopped, the bench's mail waits in the
deferred queue, the neighbour comes back, `postqueue -f` sends it (the report's spool
analysis: maildrop, incoming, active, deferred).

    sudo python3 scenarios/deferred_queue.py [--class FILE] [--benches LIST] [--bench N]
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.findings import _  # noqa: E402
from scenarios.checks import all_of, contains, matches  # noqa: E402
from scenarios.derive import relay  # noqa: E402
from scenarios.mail import delivered, in_mailbox, last_message, log_lines, send  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = _("The deferred queue: the neighbour is down, the mail waits, then leaves")
SPOOL = ("for queue in maildrop incoming active deferred; do "
         "echo \"$queue: $(find /var/spool/postfix/$queue -type f | wc -l)\"; done")


def spool(deferred):
    return all_of(contains("maildrop: 0", "incoming: 0", "active: 0"),
                  contains(f"deferred: {deferred}"))


def sections(model, bench):
    n, m = bench, model.neighbour(bench)
    here, there = model.server(n).name, model.server(m).name
    student = model.student.name
    domain = model.mail_origin(m)
    recipient, hop = f"{student}@{domain}", relay(model, domain)
    HERE, THERE = here.upper(), there.upper()
    return [
        Section(_("{host}'s Postfix is stopped", host=THERE), (
            Step(there, "postfix stop", contains("stopping the Postfix mail system"),
                 _("{host} stops its Postfix", host=THERE)),
            Step(here, "mailq", contains("Mail queue is empty"),
                 _("{host}'s queue is empty", host=HERE)),
            Step(here, SPOOL, spool(0), _("nothing in maildrop, incoming, active or deferred")),
        )),
        Section(_("{host} writes anyway: the mail waits", host=HERE), (
            send(here, recipient, "En attente", "Je patiente dans la file"),
            Step(here, log_lines(recipient), matches(
                rf"status=deferred \(connect to {re.escape(hop)}: Connection refused\)",
                "status=deferred (connect to ...: Connection refused)"),
                 _("{host}'s log: deferred, {neighbour} refuses the connection", host=HERE,
                   neighbour=THERE), wait=15),
            Step(here, "mailq", all_of(matches(r"in 1 Request\.", _("1 request in the queue")),
                                       contains(recipient, "Connection refused")),
                 _("mailq shows the waiting message and why")),
            Step(here, SPOOL, spool(1), _("the message sits in the deferred queue"), wait=10),
        )),
        Section(_("{neighbour} is back; {host} flushes its queue", neighbour=THERE, host=HERE), (
            Step(there, "postfix start", contains("starting the Postfix mail system"),
                 _("{host} starts its Postfix again", host=THERE)),
            Step(here, "postqueue -f && mailq", contains("Mail queue is empty"),
                 _("`postqueue -f`: {host}'s queue empties", host=HERE), wait=15),
            Step(here, log_lines(recipient), delivered(recipient, hop),
                 _("{host}'s log: sent to {neighbour}, 250 Ok", host=HERE, neighbour=THERE)),
            Step(here, SPOOL, spool(0), _("the deferred queue is empty again")),
            Step(there, last_message(student), contains("Subject: En attente", "Je patiente"),
                 in_mailbox(there, student), wait=10),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
