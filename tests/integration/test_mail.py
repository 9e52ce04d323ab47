"""Real Postfix on each Sn: local delivery through aliases, labels, delivery between benches
through MX records (both ways, both parts of the report), bounces, relay rules."""

import re
import uuid

import pytest

from lab.base.waiting import wait_until
from tests.integration.mailboxes import log, messages, send_mail, wait_for_message


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def log_line(lab, host, recipient, subject_id):
    """The mail.log delivery line of the queue id that carried this message."""
    lines = log(lab, host).splitlines()
    return [line for line in lines if f"to=<{recipient}>" in line and subject_id in line]


def test_each_server_runs_its_own_postfix(lab):
    for name in ("s53", "s54"):
        assert lab.cmd(name, "postconf -h myhostname").strip() == name
        assert lab.cmd(name, "postconf -h mydestination").strip() == \
            f"$myhostname, tp{name[1:]}1.iut, etudiant{name[1:]}1.iut, {name}, localhost.localdomain, localhost"
        assert lab.cmd(name, "cat /etc/mailname").strip() == f"tp{name[1:]}1.iut"
        assert "Mail queue is empty" in lab.cmd(name, "mailq")
    pids = {lab.cmd(name, "cat /var/spool/postfix/pid/master.pid").strip() for name in ("s53", "s54")}
    assert len(pids) == 2


def test_the_report_main_cf_settings(lab):
    settings = dict(line.split(" = ", 1) for line in lab.cmd("s54", "postconf -n").splitlines()
                    if " = " in line)
    assert settings["mynetworks"] == "10.254.0.0/16 10.54.1.0/24 10.54.2.0/24"
    assert settings["smtpd_relay_restrictions"] == \
        "permit_mynetworks permit_sasl_authenticated defer_unauth_destination"
    assert settings["myorigin"] == "/etc/mailname"
    assert (settings["inet_interfaces"], settings["inet_protocols"]) == ("all", "ipv4")
    assert settings["alias_maps"] == "hash:/etc/aliases"
    assert settings["smtpd_banner"] == "$myhostname ESMTP $mail_name (Debian/GNU)"


def test_root_mail_reaches_etudiant_through_the_alias(lab):
    subject = unique("Test")
    send_mail(lab, "s54", "root@s54", subject, "Bonjour")
    message = wait_for_message(lab, "s54", subject)
    assert message["X-Original-To"] == "root@s54" and message["Delivered-To"] == "root@s54"
    assert message.get_payload().strip() == "Bonjour"
    queue_id = re.search(r"id (\w+);", message["Received"]).group(1)
    line = " ".join(log_line(lab, "s54", "etudiant@tp541.iut", queue_id))
    assert "orig_to=<root@s54>, relay=local" in line
    assert "status=sent (delivered to mailbox)" in line
    for daemon in ("pickup", "cleanup", "qmgr", "local"):
        assert re.search(rf"s54 postfix/{daemon}\[\d+\]: {queue_id}:", log(lab, "s54")), daemon


def test_a_label_shows_in_the_from_header(lab):
    lab.cmd("s53", "chfn -f Thomas root")
    subject = unique("TEST53")
    send_mail(lab, "s53", "etudiant", subject, "azerty")
    assert wait_for_message(lab, "s53", subject)["From"] == "Thomas <root@s53>"


@pytest.mark.parametrize("sender, receiver, domain", [
    ("s54", "s53", "tp531.iut"), ("s53", "s54", "tp541.iut"),
    ("s54", "s53", "etudiant531.iut"), ("s53", "s54", "etudiant541.iut"),
])
def test_mail_crosses_benches_through_the_mx(lab, sender, receiver, domain):
    subject = unique("Test test test")
    send_mail(lab, sender, f"etudiant@{domain}", subject)
    message = wait_for_message(lab, receiver, subject)
    assert message["Return-Path"] == f"<root@{sender}>"
    assert message["Received"].startswith(f"from {sender} (unknown [10.254.{sender[1:]}.1])")
    relay = f"relay=smtp.{domain}[10.254.{receiver[1:]}.1]:25"
    sent = [line for line in log(lab, sender).splitlines()
            if f"to=<etudiant@{domain}>" in line and relay in line]
    assert sent and all(re.search(r"status=sent \(250 2\.0\.0 Ok: queued as \w+\)", line)
                        for line in sent)


def test_unknown_user_at_the_neighbour_bounces_to_the_sender(lab):
    subject = unique("Oups")
    send_mail(lab, "s54", "inconnu@tp531.iut", subject)

    def bounces():
        return [m for m in messages(lab, "s54")
                if m["Subject"] == "Undelivered Mail Returned to Sender" and subject in m.as_string()]
    [bounce] = wait_until(bounces, "the bounce in s54:/var/mail/etudiant", 20)
    assert bounce["From"] == "Mail Delivery System <MAILER-DAEMON@tp541.iut>"
    report = " ".join(bounce.as_string().split())
    assert "said: 550 5.1.1 <inconnu@tp531.iut>: Recipient address rejected: User unknown" in report
    assert "User unknown in local recipient table" in log(lab, "s53")


def swaks(lab, client, server, recipient):
    return lab.cmd(client, f"swaks --server {server} --from etudiant@tp531.iut "
                           f"--to {recipient} --quit-after RCPT --timeout 10")


def test_a_client_outside_mynetworks_cannot_relay(lab):
    refused = swaks(lab, "g53", "10.254.54.1", "etudiant@tp531.iut")
    assert "<** 454 4.7.1 <etudiant@tp531.iut>: Relay access denied" in refused


def test_a_client_outside_mynetworks_can_deliver_to_the_bench(lab):
    for domain in ("tp541.iut", "etudiant541.iut", "s54"):
        accepted = swaks(lab, "g53", "10.254.54.1", f"etudiant@{domain}")
        assert "<-  250 2.1.5 Ok" in accepted, domain


def test_a_client_inside_mynetworks_may_relay(lab):
    accepted = swaks(lab, "d54", "10.54.2.1", "etudiant@tp531.iut")
    assert "<-  250 2.1.5 Ok" in accepted


def test_spools_and_mailboxes_are_per_host(lab):
    subject = unique("private")
    send_mail(lab, "s54", "etudiant", subject)
    wait_for_message(lab, "s54", subject)
    assert not [m for m in messages(lab, "s53") if m["Subject"] == subject]
    assert "No such file" in lab.cmd("d54", "ls /var/mail/etudiant")
