"""Reading a host's mailbox with Python's mailbox module, and waiting for a message.
`user` defaults to the class's student.

    messages(lab, host, user)                     every message of /var/mail/<user> in that host
    wait_for_message(lab, host, subject, user)    the message with that subject, once it arrived
    send_mail(lab, host, recipient, subject)      `mail -s` as a student types it
    log(lab, host)                                the host's /var/log/mail.log
"""

import mailbox
import subprocess
import tempfile

from lab.base.waiting import wait_until


def messages(lab, host, user=None):
    user = user or lab.model.student.name
    process = lab.host(host).popen(["cat", f"/var/mail/{user}"], stdin=subprocess.DEVNULL)
    content, _ = process.communicate(timeout=30)
    with tempfile.NamedTemporaryFile(suffix=".mbox") as copy:
        copy.write(content)
        copy.flush()
        return list(mailbox.mbox(copy.name))


def wait_for_message(lab, host, subject, user=None, timeout=20):
    user = user or lab.model.student.name

    def arrived():
        found = [m for m in messages(lab, host, user) if m["Subject"] == subject]
        return found and found
    found = wait_until(arrived, f"a message '{subject}' in {host}:/var/mail/{user}", timeout)
    assert len(found) == 1, f"{len(found)} messages '{subject}' in {host}:/var/mail/{user}"
    return found[0]


def send_mail(lab, host, recipient, subject, body="hello"):
    output = lab.cmd(host, f'echo "{body}" | mail -s "{subject}" {recipient}')
    assert output.strip() == "", output


def log(lab, host):
    return lab.cmd(host, "cat /var/log/mail.log")
