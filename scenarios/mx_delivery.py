#!/usr/bin/python3
"""Mail between benches through MX records (the report's "Mail vers l'extérieur" and part 2).

S{n} looks up the MX of the neighbour's domain, hands the message to smtp.tp{m}1.iut
(S{m}) and the log says status=sent (250 2.0.0 Ok: queued as ...); the message lands in
S{m}'s /var/mail/etudiant. Then through the part-2 zones (etudiant{m}1.iut), then back.

    sudo python3 scenarios/mx_delivery.py [--benches 53,54] [--bench 54]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence.capture import CaptureSpec  # noqa: E402
from scenarios.checks import contains  # noqa: E402
from scenarios.mail import delivered, last_message, log_lines, send  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = "Mail between benches, through MX records"


def sections(model, bench):
    n, m = bench, model.neighbour(bench)
    here, there = f"s{n}", f"s{m}"
    part1, part2, back = f"etudiant@tp{m}1.iut", f"etudiant@etudiant{m}1.iut", f"etudiant@tp{n}1.iut"
    backbone = CaptureSpec(here, f"{here}-eth0", "port 53 or port 25",
                           until=("tcp.flags.fin == 1", 2), show=("dns", "smtp"))
    return [
        Section(f"Mail vers l'extérieur: S{n} writes to etudiant@tp{m}1.iut", (
            Step(here, f"dig +short tp{m}1.iut MX", contains(f"0 smtp.tp{m}1.iut."),
                 f"the MX of tp{m}1.iut is smtp.tp{m}1.iut"),
            send(here, part1, "Test test test", "tttttttttteeeeeeeeeeeesssssssssssttttttttt"),
            Step(here, log_lines(part1), delivered(part1, f"smtp.tp{m}1.iut[10.254.{m}.1]:25"),
                 f"S{n}'s log: relayed to smtp.tp{m}1.iut[10.254.{m}.1]:25, 250 Ok", wait=15),
            Step(there, log_lines(part1), delivered(part1, "local"),
                 f"S{m}'s log: delivered to mailbox", wait=10),
            Step(there, last_message(), contains("Subject: Test test test", f"<root@{here}>",
                                                 "tttttttttteeee"),
                 f"the message is in S{m}'s /var/mail/etudiant"),
        ), capture=backbone),
        Section(f"Part 2: through the zone etudiant{m}1.iut", (
            Step(here, f"dig +short etudiant{m}1.iut MX", contains(f"10 smtp.etudiant{m}1.iut."),
                 f"the MX of etudiant{m}1.iut is smtp.etudiant{m}1.iut"),
            send(here, part2, "Test", "QWERTY"),
            Step(here, log_lines(part2), delivered(part2, f"smtp.etudiant{m}1.iut[10.254.{m}.1]:25"),
                 f"S{n}'s log: relayed to smtp.etudiant{m}1.iut[10.254.{m}.1]:25, 250 Ok", wait=15),
            Step(there, last_message(), contains("Subject: Test", "QWERTY"),
                 f"the message is in S{m}'s /var/mail/etudiant", wait=10),
        ), capture=backbone),
        Section(f"And back: S{m} writes to etudiant@tp{n}1.iut", (
            send(there, back, "Retour", "bien recu"),
            Step(there, log_lines(back), delivered(back, f"smtp.tp{n}1.iut[10.254.{n}.1]:25"),
                 f"S{m}'s log: relayed to smtp.tp{n}1.iut, 250 Ok", wait=15),
            Step(here, last_message(), contains("Subject: Retour", "bien recu"),
                 f"the message is in S{n}'s /var/mail/etudiant", wait=10),
        )),
    ]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
