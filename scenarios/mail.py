"""Mail steps shared by the mail scenarios: what students type, and what to look at.

    send(host, recipient, subject, body)    `echo body | mail -s subject recipient`, in a host
    last_message(user)                       shell printing the last message of /var/mail/<user>
                                             (user: the class's student, model.student.name)
    log_lines(recipient)                     shell printing the mail.log lines for a recipient
    delivered(recipient, relay)             a check: the log's "status=sent" line for it
"""

import re

from scenarios.checks import matches
from scenarios.steps import Step

LAST_MESSAGE = "awk '/^From /{m=\"\"} {m=m $0 \"\\n\"} END{printf \"%s\", m}' /var/mail/{user}"


def send(host, recipient, subject, body, claim=None):
    command = f'echo "{body}" | mail -s "{subject}" {recipient}'
    return Step(host, command, lambda output: [] if not output.strip() else [f"mail said: {output.strip()}"],
                claim or f"{host.upper()} sends \"{subject}\" to {recipient}")


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
    return matches(pattern, f"'to=<{recipient}>, ... relay={relay}, ... {status}' in mail.log"
                   .replace("\\", ""))
