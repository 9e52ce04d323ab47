#!/usr/bin/python3
"""Mail between benches through MX records (the report's "Mail vers l'extérieur" and part 2).

The bench's server looks up the MX of the neighbour's mail domain, hands the message to
its exchanger (the neighbour's server) and the log says status=sent (250 2.0.0 Ok: queued
as ...); the message lands in the student's mailbox there. Then through the neighbour's
part-2 domain, then back. Domains, exchangers and addresses come from the class's zones
(relay=EXCHANGER[ADDRESS]:25 in mail.log, as the report shows it).

    sudo python3 scenarios/mx_delivery.py [--class FILE] [--benches LIST] [--bench N]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.findings import _  # noqa: E402
from evidence.capture import CaptureSpec  # noqa: E402
from scenarios.checks import contains  # noqa: E402
from scenarios.derive import own_mail_domain, relay  # noqa: E402
from scenarios.mail import delivered, in_mailbox, last_message, log_lines, send  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = _("Mail between benches, through MX records")


def sections(model, bench):
    n, m = bench, model.neighbour(bench)
    here, there = model.server(n).name, model.server(m).name
    student = model.student.name
    origin, part2 = model.mail_origin(m), own_mail_domain(model, m)
    backbone = CaptureSpec(here, model.server(n).interfaces[0].name, "port 53 or port 25",
                           until=("tcp.flags.fin == 1", 2), show=("dns", "smtp"))
    part1_to, part2_to = f"{student}@{origin}", f"{student}@{part2}"
    back_to = f"{student}@{model.mail_origin(n)}"
    return [
        Section(_("Mail vers l'extérieur: {host} writes to {recipient}", host=here.upper(),
                  recipient=part1_to), (
            _mx(model, here, origin),
            send(here, part1_to, "Test test test", "tttttttttteeeeeeeeeeeesssssssssssttttttttt"),
            _relayed(model, here, part1_to, origin),
            Step(there, log_lines(part1_to), delivered(part1_to, "local"),
                 _("{host}'s log: delivered to mailbox", host=there.upper()), wait=10),
            Step(there, last_message(student), contains("Subject: Test test test", f"<root@{here}>",
                                                        "tttttttttteeee"),
                 in_mailbox(there, student)),
        ), capture=backbone),
        Section(_("Part 2: through the zone {zone}", zone=part2), (
            _mx(model, here, part2),
            send(here, part2_to, "Test", "QWERTY"),
            _relayed(model, here, part2_to, part2),
            Step(there, last_message(student), contains("Subject: Test", "QWERTY"),
                 in_mailbox(there, student), wait=10),
        ), capture=backbone),
        Section(_("And back: {host} writes to {recipient}", host=there.upper(),
                  recipient=back_to), (
            send(there, back_to, "Retour", "bien recu"),
            _relayed(model, there, back_to, model.mail_origin(n)),
            Step(here, last_message(student), contains("Subject: Retour", "bien recu"),
                 in_mailbox(here, student), wait=10),
        )),
    ]


def _mx(model, host, domain):
    target, _address = model.mail_exchanger(domain)
    data = next(d for d in model.lookup(domain, "MX") if d.split()[1].rstrip(".") == target)
    return Step(host, f"dig +short {domain} MX", contains(data),
                _("the MX of {domain} is {target}", domain=domain, target=target))


def _relayed(model, host, recipient, domain):
    hop = relay(model, domain)
    return Step(host, log_lines(recipient), delivered(recipient, hop),
                _("{host}'s log: relayed to {hop}, 250 Ok", host=host.upper(), hop=hop), wait=15)


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
