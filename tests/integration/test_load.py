"""Load, bounded: 1,000 messages from the played bench's server to its neighbour's with
Postfix's own smtp-source, all delivered; 10,000 DNS queries from the seat to the class's
DNS with dnsperf, none lost. Both stop by themselves."""

import re

from lab.base.waiting import wait_until


def queries(model, played):
    """Ten questions the class's DNS answers (NOERROR): names, MX, NS and SOA of two benches."""
    exchangers = [model.mail_exchanger(bench.origin)[0] for bench in (played, played.neighbour)]
    [top] = [z.name for z in model.zones_on(model.instructor.name) if z.bench is None and z.name != "."]
    return [f"{played.server.name}.{played.origin} A",
            f"{played.neighbour.server.name}.{played.neighbour.origin} A",
            f"{played.neighbour.origin} MX", f"{played.origin} MX", f"{model.dns_name} A",
            f"{exchangers[1]} A", f"{exchangers[0]} A", f"{top} NS",
            f"{played.neighbour.origin} NS", f"{played.origin} SOA"]


def delivered_count(lab, host):
    mailbox = f"/var/mail/{lab.model.student.name}"
    return int(lab.cmd(host, f"grep -c '^From ' {mailbox} 2>/dev/null || true").strip() or 0)


def test_a_thousand_messages_with_smtp_source_all_arrive(lab, played):
    sender, receiver = played.server.name, played.neighbour.server.name
    _target, address = lab.model.mail_exchanger(played.neighbour.origin)
    before = delivered_count(lab, receiver)
    output = lab.host(sender).run_script(
        f"smtp-source -s 5 -m 1000 -l 512 -f root@{sender} "
        f"-t {played.student}@{played.neighbour.origin} {address}:25", "smtp-source", timeout=300)
    assert output.strip() == ""
    wait_until(lambda: delivered_count(lab, receiver) - before >= 1000,
               f"1000 messages in {receiver}:/var/mail/{played.student}", 180)
    assert delivered_count(lab, receiver) - before == 1000
    assert "Mail queue is empty" in lab.cmd(receiver, "mailq")


def test_ten_thousand_queries_with_dnsperf_none_lost(lab, played):
    seat = played.seat.name
    lab.host(seat).write_file("/tmp/queries", "\n".join(queries(lab.model, played)) + "\n")
    report = lab.host(seat).run_script(
        f"dnsperf -s {played.seat.resolver} -d /tmp/queries -n 1000 -l 120", "dnsperf", timeout=300)
    sent = int(re.search(r"Queries sent:\s+(\d+)", report).group(1))
    completed = int(re.search(r"Queries completed:\s+(\d+)", report).group(1))
    lost = int(re.search(r"Queries lost:\s+(\d+)", report).group(1))
    assert (sent, completed, lost) == (10000, 10000, 0), report
    assert re.search(r"Response codes:\s+NOERROR 10000 \(100\.00%\)", report), report
