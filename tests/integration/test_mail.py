"""Real Postfix on each server: local delivery through aliases, labels, delivery between benches
through MX records (both ways, both parts of the report), bounces, relay rules.

Names, domains and addresses come from the class model (in the report's class: Sn writes
to the neighbour's student through the neighbour's MX, on the backbone)."""

import ipaddress
import re
import uuid

import pytest

from lab.base.waiting import wait_until
from tests.integration.conftest import gateway
from tests.integration.mailboxes import log, messages, send_mail, wait_for_message


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def log_line(lab, host, recipient, subject_id):
    """The mail.log delivery line of the queue id that carried this message."""
    lines = log(lab, host).splitlines()
    return [line for line in lines if f"to=<{recipient}>" in line and subject_id in line]


def trusted(model, bench, host):
    return any(ipaddress.ip_address(host.ip) in ipaddress.ip_network(n)
               for n in model.trusted_networks(bench))


def test_each_server_runs_its_own_postfix(lab):
    model = lab.model
    servers = [model.server(bench) for bench in model.benches]
    for bench, server in zip(model.benches, servers):
        name = server.name
        assert lab.cmd(name, "postconf -h myhostname").strip() == name
        assert lab.cmd(name, "postconf -h mydestination").strip() == \
            f"$myhostname, {', '.join(model.mail_domains(bench))}, {name}, localhost.localdomain, localhost"
        assert lab.cmd(name, "cat /etc/mailname").strip() == model.mail_origin(bench)
        assert "Mail queue is empty" in lab.cmd(name, "mailq")
    masters = {lab.host(s.name).machine_pid(int(lab.cmd(s.name, "cat /var/spool/postfix/pid/master.pid")))
               for s in servers}
    assert len(masters) == len(servers)  # one master a server, each in its own host


def test_the_report_main_cf_settings(lab, played):
    settings = dict(line.split(" = ", 1) for line in
                    lab.cmd(played.server.name, "postconf -n").splitlines() if " = " in line)
    assert settings["mynetworks"] == " ".join(lab.model.trusted_networks(played.number))
    assert settings["smtpd_relay_restrictions"] == \
        "permit_mynetworks permit_sasl_authenticated defer_unauth_destination"
    assert settings["myorigin"] == "/etc/mailname"
    assert (settings["inet_interfaces"], settings["inet_protocols"]) == ("all", "ipv4")
    assert settings["alias_maps"] == "hash:/etc/aliases"
    assert settings["smtpd_banner"] == "$myhostname ESMTP $mail_name (Debian/GNU)"


def test_root_mail_reaches_the_student_through_the_alias(lab, played):
    server, subject = played.server.name, unique("Test")
    assert ("root", played.student) in lab.model.aliases
    send_mail(lab, server, f"root@{server}", subject, "Bonjour")
    message = wait_for_message(lab, server, subject)
    assert message["X-Original-To"] == f"root@{server}" and message["Delivered-To"] == f"root@{server}"
    assert message.get_payload().strip() == "Bonjour"
    queue_id = re.search(r"id (\w+);", message["Received"]).group(1)
    line = " ".join(log_line(lab, server, f"{played.student}@{played.origin}", queue_id))
    assert f"orig_to=<root@{server}>, relay=local" in line
    assert "status=sent (delivered to mailbox)" in line
    for daemon in ("pickup", "cleanup", "qmgr", "local"):
        assert re.search(rf"{server} postfix/{daemon}\[\d+\]: {queue_id}:", log(lab, server)), daemon


def test_a_label_shows_in_the_from_header(lab, played):
    server = played.neighbour.server.name
    lab.cmd(server, "chfn -f Thomas root")
    subject = unique(f"TEST{played.neighbour.number}")
    send_mail(lab, server, played.student, subject, "azerty")
    assert wait_for_message(lab, server, subject)["From"] == f"Thomas <root@{server}>"


@pytest.mark.parametrize("which", [0, 1], ids=["mail_origin", "own_zone"])
@pytest.mark.parametrize("direction", ["to_neighbour", "from_neighbour"])
def test_mail_crosses_benches_through_the_mx(lab, played, direction, which):
    """The receiver's two mail domains: its mail origin (the report's part 1) and its own
    zone's (part 2)."""
    sender, receiver = played, played.neighbour
    if direction == "from_neighbour":
        sender, receiver = receiver, sender
    domain, recipient = receiver.domains[which], f"{played.student}@{receiver.domains[which]}"
    subject = unique("Test test test")
    send_mail(lab, sender.server.name, recipient, subject)
    message = wait_for_message(lab, receiver.server.name, subject)
    assert message["Return-Path"] == f"<root@{sender.server.name}>"
    assert message["Received"].startswith(
        f"from {sender.server.name} (unknown [{sender.server.ip}])")
    target, address = lab.model.mail_exchanger(domain)
    assert address == receiver.server.ip
    relay = f"relay={target}[{address}]:25"
    sent = [line for line in log(lab, sender.server.name).splitlines()
            if f"to=<{recipient}>" in line and relay in line]
    assert sent and all(re.search(r"status=sent \(250 2\.0\.0 Ok: queued as \w+\)", line)
                        for line in sent)


def test_unknown_user_at_the_neighbour_bounces_to_the_sender(lab, played):
    server, subject = played.server.name, unique("Oups")
    unknown = f"inconnu@{played.neighbour.origin}"
    send_mail(lab, server, unknown, subject)

    def bounces():
        return [m for m in messages(lab, server)
                if m["Subject"] == "Undelivered Mail Returned to Sender" and subject in m.as_string()]
    [bounce] = wait_until(bounces, f"the bounce in {server}:/var/mail/{played.student}", 20)
    assert bounce["From"] == f"Mail Delivery System <MAILER-DAEMON@{played.origin}>"
    report = " ".join(bounce.as_string().split())
    assert f"said: 550 5.1.1 <{unknown}>: Recipient address rejected: User unknown" in report
    assert "User unknown in local recipient table" in log(lab, played.neighbour.server.name)


def swaks(lab, played, client, server, recipient):
    return lab.cmd(client, f"swaks --server {server} --from {played.student}@{played.neighbour.origin} "
                           f"--to {recipient} --quit-after RCPT --timeout 10")


def outsider(lab, played):
    """A host of the neighbour's bench outside the bench's mynetworks (the report's G53)."""
    return next(h for h in played.neighbour.hosts if not trusted(lab.model, played.number, h))


def test_a_client_outside_mynetworks_cannot_relay(lab, played):
    recipient = f"{played.student}@{played.neighbour.origin}"
    refused = swaks(lab, played, outsider(lab, played).name, played.server.ip, recipient)
    assert f"<** 454 4.7.1 <{recipient}>: Relay access denied" in refused


def test_a_client_outside_mynetworks_can_deliver_to_the_bench(lab, played):
    client = outsider(lab, played).name
    for domain in played.domains + [played.server.name]:
        accepted = swaks(lab, played, client, played.server.ip, f"{played.student}@{domain}")
        assert "<-  250 2.1.5 Ok" in accepted, domain


def test_a_client_inside_mynetworks_may_relay(lab, played):
    seat = played.seat
    assert trusted(lab.model, played.number, seat)
    accepted = swaks(lab, played, seat.name, gateway(seat),
                     f"{played.student}@{played.neighbour.origin}")
    assert "<-  250 2.1.5 Ok" in accepted


def test_spools_and_mailboxes_are_per_host(lab, played):
    subject = unique("private")
    send_mail(lab, played.server.name, played.student, subject)
    wait_for_message(lab, played.server.name, subject)
    assert not [m for m in messages(lab, played.neighbour.server.name) if m["Subject"] == subject]
    assert "No such file" in lab.cmd(played.seat.name, f"ls /var/mail/{played.student}")
