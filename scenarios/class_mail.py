#!/usr/bin/python3
"""A whole class writes to itself: every bench's server sends one mail to every other
bench's mail domain (30 benches: 30 x 29 = 870 mails), and every one arrives exactly once.

    sudo python3 scenarios/class_mail.py [--class FILE] --benches 1-30 --no-part2
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.findings import _  # noqa: E402
from scenarios.runner import run_scenario  # noqa: E402
from scenarios.steps import Section, Step  # noqa: E402

TITLE = _("The whole class writes to itself: every server to every other bench")


def received(user):
    return f"grep -h '^Message-ID: <class-' /var/mail/{user} 2>/dev/null | sort | uniq -c"


def message_id(sender, receiver):
    return f"<class-{sender}-to-{receiver}@lab>"


def send_to_all(model, n):
    """One `sendmail` per other bench, to the student at that bench's mail domain."""
    sender = model.server(n).name.upper()
    lines = [f"printf 'Message-ID: {message_id(n, m)}\\nSubject: de {sender} a "
             f"{model.server(m).name.upper()}\\n\\nBonjour\\n'"
             f" | sendmail {model.student.name}@{model.mail_origin(m)}"
             for m in model.benches if m != n]
    return " && ".join(lines)


def arrived_once(expected):
    def check(output):
        counts = {}
        for line in output.splitlines():
            words = line.split()
            if len(words) == 3 and words[0].isdigit():
                counts[words[2]] = int(words[0])
        missing = sorted(set(expected) - set(counts))
        twice = sorted(i for i, n in counts.items() if n > 1)
        problems = [_("{count} missing, e.g. {first}", count=len(missing), first=missing[0])
                    ] if missing else []
        problems += [_("{count} arrived more than once, e.g. {first}", count=len(twice),
                       first=twice[0])] if twice else []
        return problems
    return check


def sections(model, bench):
    benches = model.benches
    servers = {n: model.server(n).name for n in benches}
    sends = tuple(Step(servers[n], send_to_all(model, n), lambda output: [],
                       _("{server} writes to the {count} other bench(es)",
                         server=servers[n].upper(), count=len(benches) - 1))
                  for n in benches)
    checks = tuple(Step(servers[m], received(model.student.name),
                        arrived_once([message_id(n, m) for n in benches if n != m]),
                        _("{server} received one mail from each other bench, once",
                          server=servers[m].upper()),
                        wait=60)
                   for m in benches)
    return [Section(_("Every server writes to every other bench"), sends),
            Section(_("Every mail arrived, exactly once"), checks)]


if __name__ == "__main__":
    sys.exit(run_scenario(__file__, TITLE, sections))
