"""Load, bounded: 1,000 messages S54 -> S53 with Postfix's own smtp-source, all delivered;
10,000 DNS queries D54 -> STP with dnsperf, none lost. Both stop by themselves."""

import re

from lab.base.waiting import wait_until

QUERIES = ["s54.tp541.iut A", "s53.tp531.iut A", "tp531.iut MX", "tp541.iut MX", "stp.iut A",
           "smtp.tp531.iut A", "smtp.tp541.iut A", "iut NS", "tp531.iut NS", "tp541.iut SOA"]


def delivered_count(lab, host):
    return int(lab.cmd(host, "grep -c '^From ' /var/mail/etudiant 2>/dev/null || true").strip() or 0)


def test_a_thousand_messages_with_smtp_source_all_arrive(lab):
    before = delivered_count(lab, "s53")
    output = lab.host("s54").run_script(
        "smtp-source -s 5 -m 1000 -l 512 -f root@s54 -t etudiant@tp531.iut 10.254.53.1:25",
        "smtp-source", timeout=300)
    assert output.strip() == ""
    wait_until(lambda: delivered_count(lab, "s53") - before >= 1000,
               "1000 messages in s53:/var/mail/etudiant", 180)
    assert delivered_count(lab, "s53") - before == 1000
    assert "Mail queue is empty" in lab.cmd("s53", "mailq")


def test_ten_thousand_queries_with_dnsperf_none_lost(lab):
    lab.host("d54").write_file("/tmp/queries", "\n".join(QUERIES) + "\n")
    report = lab.host("d54").run_script("dnsperf -s 10.254.0.254 -d /tmp/queries -n 1000 -l 120",
                                        "dnsperf", timeout=300)
    sent = int(re.search(r"Queries sent:\s+(\d+)", report).group(1))
    completed = int(re.search(r"Queries completed:\s+(\d+)", report).group(1))
    lost = int(re.search(r"Queries lost:\s+(\d+)", report).group(1))
    assert (sent, completed, lost) == (10000, 10000, 0), report
    assert re.search(r"Response codes:\s+NOERROR 10000 \(100\.00%\)", report), report
