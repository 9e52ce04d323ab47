"""Counted batches of mail, each message with a unique Message-ID, and counting them on arrival.

    send_batch(lab, host, recipient, tag, numbers)   sendmail, one message per number
    arrived(lab, host, tag)                           Counter of the tag's Message-IDs in the
                                                      class's student's mbox
    wait_all_arrived(lab, host, tag, numbers)         every one there, exactly once
    queue_size(lab, host)                             messages in the host's Postfix queue
    outcomes(lab, host, tag)                          {Message-ID: last status in mail.log}
"""

import collections
import re

from lab.base.errors import NotReadyError
from lab.base.waiting import wait_until
from tests.integration.mailboxes import messages


def message_id(tag, number):
    return f"<{tag}-{number}@batch.lab>"


def send_batch(lab, host, recipient, tag, numbers):
    first, last = numbers[0], numbers[-1]
    script = (f"for i in $(seq {first} {last}); do "
              f"printf 'Message-ID: <{tag}-%d@batch.lab>\\nSubject: {tag} %d\\n\\nbatch\\n' $i $i "
              f"| sendmail -i {recipient} || exit 1; done")
    lab.host(host).run_script(script, f"sending {tag} {first}-{last}")


def arrived(lab, host, tag):
    return collections.Counter(m["Message-ID"] for m in messages(lab, host)
                               if (m["Message-ID"] or "").startswith(f"<{tag}-"))


def wait_all_arrived(lab, host, tag, numbers, timeout=60):
    expected = {message_id(tag, n) for n in numbers}
    try:
        wait_until(lambda: set(arrived(lab, host, tag)) >= expected,
                   f"{len(expected)} messages {tag} in {host}:/var/mail/{lab.model.student.name}",
                   timeout)
    except NotReadyError as error:
        missing = sorted(expected - set(arrived(lab, host, tag)))
        raise AssertionError(f"{error}: {len(missing)} missing, e.g. {missing[:3]}\n"
                             f"{host}'s queue: {lab.cmd(host, 'postqueue -p')[-1500:]}\n"
                             f"{host}'s log: {lab.cmd(host, 'tail -n 15 /var/log/mail.log')}") from None
    counts = arrived(lab, host, tag)
    assert set(counts) == expected
    duplicated = {mid: n for mid, n in counts.items() if n > 1}
    assert not duplicated, f"delivered more than once: {duplicated}"


def outcomes(lab, host, tag):
    """The sender's view: each message's last delivery status (sent, deferred, bounced)."""
    queue_ids, last = {}, {}
    for line in lab.cmd(host, "cat /var/log/mail.log").splitlines():
        named = re.search(rf"(\w+): message-id=(<{tag}-\d+@batch\.lab>)", line)
        if named:
            queue_ids[named.group(1)] = named.group(2)
        status = re.search(r"(\w+): to=<.*status=(\w+)", line)
        if status and status.group(1) in queue_ids:
            last[queue_ids[status.group(1)]] = status.group(2)
    return last


def queue_size(lab, host):
    listing = lab.cmd(host, "postqueue -p")
    if "Mail queue is empty" in listing:
        return 0
    found = re.search(r"in (\d+) Requests?\.", listing)
    return int(found.group(1)) if found else 0
