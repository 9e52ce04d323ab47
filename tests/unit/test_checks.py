"""Scenario checks, against transcripts shaped like the report's (ping's own output; the
addresses are documentation ones, RFC 5737: a check knows no lab address). Their problems are
Texts, read in English or in French."""

from checks.i18n import translator
from scenarios.checks import contains, matches, ping_replies
from scenarios.steps import english, render


def french(problems):
    return [render(problem, translator("fr")) for problem in problems]

REPORT_PING = """PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data.
64 bytes from 192.0.2.1: icmp_seq=1 ttl=64 time=0.265 ms
64 bytes from 192.0.2.1: icmp_seq=2 ttl=64 time=0.190 ms
64 bytes from 192.0.2.1: icmp_seq=3 ttl=64 time=0.326 ms

--- 192.0.2.1 ping statistics ---

3 packets transmitted, 3 received, 0% packet loss, time 2031ms
rtt min/avg/max/mdev = 0.190/0.260/0.326/0.055 ms
"""

LOST_PING = """PING 198.51.100.254 (198.51.100.254) 56(84) bytes of data.
64 bytes from 198.51.100.254: icmp_seq=2 ttl=63 time=0.729 ms

--- 198.51.100.254 ping statistics ---
3 packets transmitted, 1 received, 66.6667% packet loss, time 2031ms
"""


def test_report_ping_passes_with_its_ttl():
    assert ping_replies(3, ttl=64)(REPORT_PING) == []


def test_wrong_ttl_is_reported():
    problems = ping_replies(3, ttl=63)(REPORT_PING)
    assert [english(p) for p in problems] == ["expected ttl=63 on every reply, saw ttl [64]"]
    assert french(problems) == ["ttl=63 attendu sur chaque réponse, vu ttl [64]"]


def test_lost_replies_are_reported():
    problems = ping_replies(3, ttl=63)(LOST_PING)
    assert problems and "got 1/3" in english(problems[0])
    assert "attendues, obtenu 1/3 et " in french(problems)[0]


def test_output_without_statistics_fails():
    assert ping_replies(3, ttl=64)("connect: Network is unreachable") != []


def test_contains_and_matches():
    assert contains("ttl=64", "0% packet loss")(REPORT_PING) == []
    assert [english(p) for p in contains("ttl=61")(REPORT_PING)] == ["expected to see 'ttl=61'"]
    assert french(contains("ttl=61")(REPORT_PING)) == ["« ttl=61 » n'apparaît pas"]
    assert matches(r"^3 packets transmitted")(REPORT_PING) == []
    assert [english(p) for p in matches(r"^4 packets", "four packets")(REPORT_PING)] == [
        "expected four packets"]
