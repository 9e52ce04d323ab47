"""Scenario checks, against the report's own transcripts."""

from scenarios.checks import contains, matches, ping_replies

REPORT_PING_S54 = """PING 10.54.1.1 (10.54.1.1) 56(84) bytes of data.
64 bytes from 10.54.1.1: icmp_seq=1 ttl=64 time=0.265 ms
64 bytes from 10.54.1.1: icmp_seq=2 ttl=64 time=0.190 ms
64 bytes from 10.54.1.1: icmp_seq=3 ttl=64 time=0.326 ms

--- 10.54.1.1 ping statistics ---

3 packets transmitted, 3 received, 0% packet loss, time 2031ms
rtt min/avg/max/mdev = 0.190/0.260/0.326/0.055 ms
"""

LOST_PING = """PING 10.254.0.254 (10.254.0.254) 56(84) bytes of data.
64 bytes from 10.254.0.254: icmp_seq=2 ttl=63 time=0.729 ms

--- 10.254.0.254 ping statistics ---
3 packets transmitted, 1 received, 66.6667% packet loss, time 2031ms
"""


def test_report_ping_passes_with_its_ttl():
    assert ping_replies(3, ttl=64)(REPORT_PING_S54) == []


def test_wrong_ttl_is_reported():
    problems = ping_replies(3, ttl=63)(REPORT_PING_S54)
    assert problems == ["expected ttl=63 on every reply, saw ttl [64]"]


def test_lost_replies_are_reported():
    problems = ping_replies(3, ttl=63)(LOST_PING)
    assert problems and "got 1/3" in problems[0]


def test_output_without_statistics_fails():
    assert ping_replies(3, ttl=64)("connect: Network is unreachable") != []


def test_contains_and_matches():
    assert contains("ttl=64", "0% packet loss")(REPORT_PING_S54) == []
    assert contains("ttl=61")(REPORT_PING_S54) == ["expected to see 'ttl=61'"]
    assert matches(r"^3 packets transmitted")(REPORT_PING_S54) == []
    assert matches(r"^4 packets", "four packets")(REPORT_PING_S54) == ["expected four packets"]
