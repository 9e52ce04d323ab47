#!/usr/bin/python3
"""The queue at work: S{m}'s Postfix is stopped, S{n}'s mail waits in the deferred queue,
S{m} comes back, `postqueue -f` sends it (the report's spool analysis: maildrop,
incoming, active, deferred).

    sudo python3 scenarios/deferred_queue.py [--benches 53,54] [--bench 54]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenarios.checks import all_of, contains, matches  # noqa: E402
from scenarios.mail import delivered, last_message, log_lines, send  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = "The deferred queue: the neighbour is down, the mail waits, then leaves"
SPOOL = ("for queue in maildrop incoming active deferred; do "
         "echo \"$queue: $(find /var/spool/postfix/$queue -type f | wc -l)\"; done")


def spool(deferred):
    return all_of(contains("maildrop: 0", "incoming: 0", "active: 0"),
                  contains(f"deferred: {deferred}"))


def sections(model, bench):
    n, m = bench, model.neighbour(bench)
    here, there = f"s{n}", f"s{m}"
    recipient = f"etudiant@tp{m}1.iut"
    return [
        Section(f"S{m}'s Postfix is stopped", (
            Step(there, "postfix stop", contains("stopping the Postfix mail system"),
                 f"S{m} stops its Postfix"),
            Step(here, "mailq", contains("Mail queue is empty"), f"S{n}'s queue is empty"),
            Step(here, SPOOL, spool(0), "nothing in maildrop, incoming, active or deferred"),
        )),
        Section(f"S{n} writes anyway: the mail waits", (
            send(here, recipient, "En attente", "Je patiente dans la file"),
            Step(here, log_lines(recipient), matches(
                rf"status=deferred \(connect to smtp\.tp{m}1\.iut\[10\.254\.{m}\.1\]:25: "
                r"Connection refused\)", "status=deferred (connect to ...: Connection refused)"),
                 f"S{n}'s log: deferred, S{m} refuses the connection", wait=15),
            Step(here, "mailq", all_of(matches(r"in 1 Request\.", "1 request in the queue"),
                                       contains(recipient, "Connection refused")),
                 "mailq shows the waiting message and why"),
            Step(here, SPOOL, spool(1), "the message sits in the deferred queue", wait=10),
        )),
        Section(f"S{m} is back; S{n} flushes its queue", (
            Step(there, "postfix start", contains("starting the Postfix mail system"),
                 f"S{m} starts its Postfix again"),
            Step(here, "postqueue -f && mailq", contains("Mail queue is empty"),
                 f"`postqueue -f`: S{n}'s queue empties", wait=15),
            Step(here, log_lines(recipient), delivered(recipient, f"smtp.tp{m}1.iut[10.254.{m}.1]:25"),
                 f"S{n}'s log: sent to S{m}, 250 Ok"),
            Step(here, SPOOL, spool(0), "the deferred queue is empty again"),
            Step(there, last_message(), contains("Subject: En attente", "Je patiente"),
                 f"the message is in S{m}'s /var/mail/etudiant", wait=10),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
