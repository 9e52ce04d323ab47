"""Dovecot on each bench's server: the student reads, from the seat, over IMAP and POP3,
the mail Postfix delivered to /var/mail/<student>; a wrong password is refused; each
server's Dovecot serves its own host's mailbox only. Every name and account from lab.model."""

import json
import subprocess
import uuid

from tests.integration.mailboxes import send_mail, wait_for_message

# Run inside a host: argv protocol, address, user, password, subject; prints JSON with the
# [Subject, body] of every message with that subject, or why the login was refused
CLIENT = """
import email, imaplib, json, poplib, sys
protocol, address, user, password, subject = sys.argv[1:]

def imap():
    client = imaplib.IMAP4(address, timeout=15)
    client.login(user, password)
    client.select("INBOX")
    numbers = client.search(None, "SUBJECT", '"%s"' % subject)[1][0].split()
    found = [email.message_from_bytes(client.fetch(n, "(RFC822)")[1][0][1]) for n in numbers]
    client.logout()
    return found

def pop3():
    client = poplib.POP3(address, timeout=15)
    client.user(user)
    client.pass_(password)
    found = [email.message_from_bytes(b"\\n".join(client.retr(i)[1]))
             for i in range(1, client.stat()[0] + 1)]
    client.quit()
    return found

try:
    found = {"imap": imap, "pop3": pop3}[protocol]()
except (imaplib.IMAP4.error, poplib.error_proto) as error:
    print(json.dumps({"refused": str(error)}))
else:
    print(json.dumps({"messages": [[m["Subject"], m.get_payload().strip()]
                                   for m in found if m["Subject"] == subject]}))
"""


def read_mailbox(lab, host, protocol, address, password=None, subject=""):
    """What the student's mail client in `host` gets from the server at `address`."""
    student = lab.model.student
    process = lab.host(host).popen(
        ["/usr/bin/python3", "-c", CLIENT, protocol, address, student.name,
         student.password if password is None else password, subject],
        stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err.decode(errors="replace")
    return json.loads(out)


def probe_mail(lab, bench):
    """A mail for the student, sent on the bench's server; (subject, body) once delivered."""
    server, student = lab.model.server(bench).name, lab.model.student.name
    subject, body = f"Probe {uuid.uuid4().hex[:8]}", f"body {uuid.uuid4().hex[:8]}"
    send_mail(lab, server, student, subject, body)
    wait_for_message(lab, server, subject, user=student)
    return subject, body


def seat_and_server_address(model, bench):
    server, seat = model.server(bench), model.seat(bench)
    return seat.name, model.address(bench, server.key, on=seat.key)


def test_imap_and_pop3_read_the_mail_postfix_delivered(lab):
    bench = lab.model.benches[-1]
    subject, body = probe_mail(lab, bench)
    seat, address = seat_and_server_address(lab.model, bench)
    for protocol in ("imap", "pop3"):
        answer = read_mailbox(lab, seat, protocol, address, subject=subject)
        assert answer == {"messages": [[subject, body]]}, protocol


def test_each_server_serves_its_own_bench_mailbox_only(lab):
    model = lab.model
    here, there = model.benches[-1], model.benches[0]
    subject, body = probe_mail(lab, there)
    seat, _ = seat_and_server_address(model, here)
    for bench, expected in ((there, [[subject, body]]), (here, [])):
        address = model.server(bench).ip
        for protocol in ("imap", "pop3"):
            answer = read_mailbox(lab, seat, protocol, address, subject=subject)
            assert answer == {"messages": expected}, (model.server(bench).name, protocol)


def test_a_wrong_password_is_refused(lab):
    """Over IMAP from the seat, over POP3 from another client of the bench. Last of the
    module: after a failure Dovecot delays every login from that address (its auth penalty)."""
    model = lab.model
    bench = model.benches[-1]
    server, seat = model.server(bench), model.seat(bench)
    other = next(key for key in model.client_keys() if key != seat.key)
    wrong = model.student.password + "x"
    assert read_mailbox(lab, seat.name, "imap", model.address(bench, server.key, on=seat.key),
                        wrong) == {"refused": "b'[AUTHENTICATIONFAILED] Authentication failed.'"}
    assert read_mailbox(lab, model.host_name(bench, other), "pop3",
                        model.address(bench, server.key, on=other), wrong) == \
        {"refused": "b'-ERR [AUTH] Authentication failed.'"}
