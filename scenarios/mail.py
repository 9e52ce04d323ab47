"""Mail steps shared by the mail scenarios: what students type, and what to look at.

    send(host, recipient, subject, body)    `echo body | mail -s subject recipient`, in a host
    last_message(user)                       shell printing the last message of /var/mail/<user>
                                             (user: the class's student, model.student.name)
    log_lines(recipient)                     shell printing the mail.log lines for a recipient
    delivered(recipient, relay)             a check: the log's "status=sent" line for it
    in_mailbox(host, user)                   the claim "the message is in HOST's /var/mail/USER"
    said_nothing(program)                   a check: the command printed nothing ("{program}
                                             said: ..." otherwise; program None: the shell)
"""

import re

from checks.findings import _
from scenarios.checks import matches
from scenarios.steps import Step

LAST_MESSAGE = "awk '/^From /{m=\"\"} {m=m $0 \"\\n\"} END{printf \"%s\", m}' /var/mail/{user}"


def send(host, recipient, subject, body, claim=None):
    command = f'echo "{body}" | mail -s "{subject}" {recipient}'
    return Step(host, command, said_nothing("mail"),
                claim or _("{host} sends \"{subject}\" to {recipient}", host=host.upper(),
                           subject=subject, recipient=recipient))


def said_nothing(program=None):
    def check(output):
        if not output.strip():
            return []
        if program is None:
            return [_("the shell said: {output}", output=output.strip())]
        return [_("{program} said: {output}", program=program, output=output.strip())]
    return check


def in_mailbox(host, user):
    return _("the message is in {host}'s /var/mail/{user}", host=host.upper(), user=user)


def last_message(user):
    return LAST_MESSAGE.replace("{user}", user)


def log_lines(recipient):
    return f"grep -F 'to=<{recipient}>' /var/log/mail.log"


def delivered(recipient, relay):
    """relay: 'local', or 'TARGET[ADDRESS]:25' for a hop to another bench (derive.relay)."""
    if relay == "local":
        status = r"status=sent \(delivered to mailbox\)"
    else:
        status = r"status=sent \(250 2\.0\.0 Ok: queued as \w+\)"
    pattern = rf"to=<{re.escape(recipient)}>,.* relay={re.escape(relay)},.* {status}"
    line = f"to=<{recipient}>, ... relay={relay}, ... {status}".replace("\\", "")
    return matches(pattern, _("'{line}' in mail.log", line=line))
