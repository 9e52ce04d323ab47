"""What a command's output must show. A check takes the output and returns its
problems, each a sentence a student can read (a Text, checks.findings._, rendered in the
reader's language by the runner); an empty list means the step passed.

    ping_replies(count, ttl)   `ping -c N` got N replies with that TTL, 0% loss
    contains(*texts)           every text appears
    matches(pattern, what)     the regular expression matches somewhere (what: how a problem
                               names it, a str or a Text; the pattern itself by default)
    all_of(*checks)            every check passes
"""

import re

from checks.findings import _

PING_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) received, .*?(\d+)% packet loss")


def ping_replies(count, ttl):
    def check(output):
        summary = PING_SUMMARY.search(output)
        if not summary:
            return [_("no ping statistics in the output")]
        sent, received, loss = (int(group) for group in summary.groups())
        problems = []
        if received != count or loss != 0:
            problems.append(_("expected {count} replies and 0% loss, got {received}/{sent} "
                              "and {loss}% loss", count=count, received=received, sent=sent,
                              loss=loss))
        ttls = sorted({int(t) for t in re.findall(r"ttl=(\d+)", output)})
        if ttls != [ttl]:
            problems.append(_("expected ttl={ttl} on every reply, saw ttl {ttls}", ttl=ttl,
                              ttls=str(ttls)) if ttls else
                            _("expected ttl={ttl} on every reply, saw ttl none", ttl=ttl))
        return problems
    return check


def contains(*texts):
    def check(output):
        return [_("expected to see '{text}'", text=text) for text in texts if text not in output]
    return check


def matches(pattern, what=None):
    compiled = re.compile(pattern, re.MULTILINE)

    def check(output):
        return [] if compiled.search(output) else [_("expected {what}",
                                                     what=what or repr(pattern))]
    return check


def all_of(*checks):
    def check(output):
        return [problem for each in checks for problem in each(output)]
    return check
