"""Faults during a counted batch from the played bench's server to its neighbour's student
(the report's Sn to the student of bench m): nothing lost, nothing duplicated.

Each test sends a batch of messages with unique Message-IDs, injects a fault, recovers as
an administrator would (restart, link up, `postqueue -f`) and counts the neighbour's mailbox."""

import re

import pytest

from lab.base.processes import is_running, record_process
from lab.base.waiting import wait_until
from tests.integration.batches import outcomes, queue_size, send_batch, wait_all_arrived

BATCH = list(range(1, 101))


@pytest.fixture(scope="module")
def path(lab, played):
    """(sender, receiver, recipient): the two servers' names and the neighbour's student."""
    return (played.server.name, played.neighbour.server.name,
            f"{played.student}@{played.neighbour.origin}")


def deferred(lab, host, tag_count, reason):
    """Wait until the queue holds the deferred messages and the log says why."""
    wait_until(lambda: queue_size(lab, host) >= tag_count and
               re.search(rf"status=deferred \({reason}", lab.cmd(host, "cat /var/log/mail.log")),
               f"{tag_count} messages deferred on {host} ({reason})", 60)


def flush(lab, host):
    assert lab.cmd(host, "postqueue -f").strip() == ""


def test_neighbour_postfix_stopped_then_restarted(lab, played, path):
    sender, receiver, recipient = path
    target, address = lab.model.mail_exchanger(played.neighbour.origin)
    lab.cmd(receiver, "postfix stop")
    send_batch(lab, sender, recipient, "stopped", BATCH)
    deferred(lab, sender, len(BATCH), re.escape(f"connect to {target}[{address}]:25: ") +
             "Connection refused")
    assert "stopped-" not in lab.cmd(receiver, f"cat /var/mail/{played.student} 2>/dev/null")
    lab.cmd(receiver, "postfix start")
    flush(lab, sender)
    wait_all_arrived(lab, receiver, "stopped", BATCH)
    assert queue_size(lab, sender) == 0


def test_backbone_link_down_then_up(lab, played, path):
    sender, receiver, recipient = path
    backbone = played.server.interfaces[0].lan
    lab.net.configLinkStatus(sender, backbone, "down")
    try:
        send_batch(lab, sender, recipient, "linkdown", BATCH)
        deferred(lab, sender, len(BATCH), r"Host or domain name not found")
    finally:
        lab.net.configLinkStatus(sender, backbone, "up")
    assert "0% packet loss" in lab.cmd(sender, f"ping -c 1 -W 2 {lab.model.instructor.ip}")
    flush(lab, sender)
    wait_all_arrived(lab, receiver, "linkdown", BATCH)


def test_class_dns_stopped_then_restarted(lab, played, path):
    sender, receiver, recipient = path
    instructor = lab.model.instructor.name
    host_pid = int(lab.cmd(instructor, "cat /run/named/named.pid"))
    named = record_process(instructor, "named", lab.host(instructor).machine_pid(host_pid))
    lab.cmd(instructor, "rndc stop")
    wait_until(lambda: not is_running(named), f"named on {instructor} to stop", 10)
    send_batch(lab, sender, recipient, "nodns", BATCH)
    deferred(lab, sender, len(BATCH), r"Host or domain name not found")
    lab.cmd(instructor, "named -u bind -n 1")
    soa = f"dig @127.0.0.1 +norec SOA {played.neighbour.origin}"
    wait_until(lambda: "status: NOERROR" in lab.cmd(instructor, soa),
               f"named on {instructor} answers again", 15)
    flush(lab, sender)
    wait_all_arrived(lab, receiver, "nodns", BATCH)


def test_neighbour_postfix_killed_mid_batch_keeps_its_queue(lab, path):
    """SIGKILL to the neighbour's master and its children (by PID): a crash, not a stop.
    Children left alive would keep the listening socket, and the sender would wait minutes
    for their greeting. The crash comes once the first half is delivered and out of the
    neighbour's queue: a local delivery killed between writing the mailbox and telling the
    queue manager is delivered again after the restart (Postfix delivers at least once)."""
    sender, receiver, recipient = path
    send_batch(lab, sender, recipient, "killed", BATCH[:50])
    wait_all_arrived(lab, receiver, "killed", BATCH[:50])
    wait_until(lambda: "Mail queue is empty" in lab.cmd(receiver, "postqueue -p"),
               f"{receiver}'s queue empty", 30)
    master = lab.cmd(receiver, "cat /var/spool/postfix/pid/master.pid").strip()
    lab.cmd(receiver, f"kill -9 {master} $(ps -o pid= --ppid {master})")
    send_batch(lab, sender, recipient, "killed", BATCH[50:])
    wait_until(lambda: len(outcomes(lab, sender, "killed")) == len(BATCH),
               f"{sender.upper()} tried every message once", 60)
    assert "deferred" in outcomes(lab, sender, "killed").values()
    assert "is not running" in lab.cmd(receiver, "postfix status")
    lab.cmd(receiver, "postfix start")
    flush(lab, sender)
    wait_all_arrived(lab, receiver, "killed", BATCH)
