"""Faults during a counted batch S54 -> etudiant@tp531.iut: nothing lost, nothing duplicated.

Each test sends a batch of messages with unique Message-IDs, injects a fault, recovers as
an administrator would (restart, link up, `postqueue -f`) and counts S53's mailbox."""

import re

from lab.base.processes import is_running, record_process
from lab.base.waiting import wait_until
from tests.integration.batches import outcomes, queue_size, send_batch, wait_all_arrived

RECIPIENT = "etudiant@tp531.iut"
BATCH = list(range(1, 101))


def deferred(lab, host, tag_count, reason):
    """Wait until the queue holds the deferred messages and the log says why."""
    wait_until(lambda: queue_size(lab, host) >= tag_count and
               re.search(rf"status=deferred \({reason}", lab.cmd(host, "cat /var/log/mail.log")),
               f"{tag_count} messages deferred on {host} ({reason})", 60)


def flush(lab, host):
    assert lab.cmd(host, "postqueue -f").strip() == ""


def test_neighbour_postfix_stopped_then_restarted(lab):
    lab.cmd("s53", "postfix stop")
    send_batch(lab, "s54", RECIPIENT, "stopped", BATCH)
    deferred(lab, "s54", len(BATCH), r"connect to smtp\.tp531\.iut\[10\.254\.53\.1\]:25: "
                                      r"Connection refused")
    assert "stopped-" not in lab.cmd("s53", "cat /var/mail/etudiant 2>/dev/null")
    lab.cmd("s53", "postfix start")
    flush(lab, "s54")
    wait_all_arrived(lab, "s53", "stopped", BATCH)
    assert queue_size(lab, "s54") == 0


def test_backbone_link_down_then_up(lab):
    lab.net.configLinkStatus("s54", "bb", "down")
    try:
        send_batch(lab, "s54", RECIPIENT, "linkdown", BATCH)
        deferred(lab, "s54", len(BATCH), r"Host or domain name not found")
    finally:
        lab.net.configLinkStatus("s54", "bb", "up")
    assert "0% packet loss" in lab.cmd("s54", "ping -c 1 -W 2 10.254.0.254")
    flush(lab, "s54")
    wait_all_arrived(lab, "s53", "linkdown", BATCH)


def test_class_dns_stopped_then_restarted(lab):
    lab.cmd("stp", "rndc stop")
    named = record_process("stp", "named", int(lab.cmd("stp", "cat /run/named/named.pid")))
    wait_until(lambda: not is_running(named), "named on stp to stop", 10)
    send_batch(lab, "s54", RECIPIENT, "nodns", BATCH)
    deferred(lab, "s54", len(BATCH), r"Host or domain name not found")
    lab.cmd("stp", "named -u bind -n 1")
    wait_until(lambda: "status: NOERROR" in lab.cmd("stp", "dig @127.0.0.1 +norec SOA iut"),
               "named on stp answers again", 15)
    flush(lab, "s54")
    wait_all_arrived(lab, "s53", "nodns", BATCH)


def test_neighbour_postfix_killed_mid_batch_keeps_its_queue(lab):
    """SIGKILL to S53's master and its children (by PID): a crash, not a stop. Children left
    alive would keep the listening socket, and S54 would wait minutes for their greeting."""
    send_batch(lab, "s54", RECIPIENT, "killed", BATCH[:50])
    master = lab.cmd("s53", "cat /var/spool/postfix/pid/master.pid").strip()
    lab.cmd("s53", f"kill -9 {master} $(ps -o pid= --ppid {master})")
    send_batch(lab, "s54", RECIPIENT, "killed", BATCH[50:])
    wait_until(lambda: len(outcomes(lab, "s54", "killed")) == len(BATCH),
               "S54 tried every message once", 60)
    assert "deferred" in outcomes(lab, "s54", "killed").values()
    assert "is not running" in lab.cmd("s53", "postfix status")
    lab.cmd("s53", "postfix start")
    flush(lab, "s54")
    wait_all_arrived(lab, "s53", "killed", BATCH)
