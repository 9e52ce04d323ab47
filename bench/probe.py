"""One measured run, in a process of its own; the parent reads its lines.

    python3 -m bench.probe lab BENCHES [--no-part2]   build the lab; print "ready", then
                                                      "memory MiB" and "teardown s"
    python3 -m bench.probe raw BENCHES                the raw baseline (bench/raw.py), same lines
    python3 -m bench.probe traffic                    seed lab: smtp-source S54 -> S53 and dnsperf
                                                      D54 -> STP and STP -> 127.0.0.1 (medians
                                                      of 3); one JSON line
    python3 -m bench.probe rawmail                    smtp-source between two bare Postfix; JSON

Memory is the PSS (shared pages counted once) of every process in a network namespace
other than the machine's, plus this process, sampled during bring-up: the peak.
"""

import json
import os
import re
import statistics
import sys
import threading
import time

from lab.base.processes import become_subreaper
from topologies.model import classroom, parse_benches

SMTP_SOURCE = "smtp-source -s 5 -m {count} -l 512 -f root@s54 -t {to} {server}:25"
DNS_QUERIES = ["s54.tp541.iut A", "tp531.iut MX", "stp.iut A", "smtp.tp531.iut A", "iut NS"]


def say(line):
    print(line, flush=True)


class PeakMemory(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, namespaced_pss_mib())
            time.sleep(0.25)  # sampling period of the memory probe

    def stop(self):
        self.running = False
        self.join()
        return max(self.peak, namespaced_pss_mib())


def namespaced_pss_mib():
    machine = os.stat("/proc/self/ns/net").st_ino
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            inside = os.stat(f"/proc/{entry}/ns/net").st_ino != machine
            if inside or int(entry) == os.getpid():
                with open(f"/proc/{entry}/smaps_rollup") as rollup:
                    total += int(re.search(r"^Pss:\s+(\d+) kB", rollup.read(), re.M).group(1))
        except (OSError, AttributeError):
            continue
    return total / 1024


def measure(start, stop):
    memory = PeakMemory()
    memory.start()
    try:
        start()
        say("ready")
        say(f"memory {memory.stop():.1f}")
    finally:
        began = time.monotonic()
        stop()
    say(f"teardown {time.monotonic() - began:.3f}")


def lab_run(benches, part2):
    from lab.runtime.network import Lab
    from services import default_services
    lab = Lab(classroom(parse_benches(benches), part2=part2), default_services(),
              say=lambda _line: None)
    measure(lab.start, lab.stop)


def raw_run(benches):
    from bench.raw import RawClass
    raw = RawClass(parse_benches(benches))
    measure(raw.start, raw.stop)


def traffic():
    from lab.runtime.network import Lab
    from services import default_services
    with Lab(classroom((53, 54)), default_services(), say=lambda _line: None) as lab:
        mail = statistics.median(timed(lambda: lab.host("s54").run_script(
            SMTP_SOURCE.format(count=1000, to="etudiant@tp531.iut", server="10.254.53.1"),
            "smtp-source", timeout=600)) for _ in range(3))
        lab.host("d54").write_file("/tmp/queries", "\n".join(DNS_QUERIES) + "\n")
        lab.host("stp").write_file("/tmp/queries", "\n".join(DNS_QUERIES) + "\n")
        runs = [(dnsperf(lab.host("d54"), "10.254.0.254"), dnsperf(lab.host("stp"), "127.0.0.1"))
                for _ in range(3)]
        through_lab, loopback = (_median([run[i] for run in runs]) for i in (0, 1))
    say(json.dumps({"mail_seconds": mail, "mail_messages": 1000,
                    "dns_lab": through_lab, "dns_loopback": loopback}))


def raw_mail():
    from bench.raw import RawMailPair, in_netns
    pair = RawMailPair()
    try:
        pair.start()
        seconds = statistics.median(timed(lambda: in_netns("s54", *SMTP_SOURCE.format(
            count=1000, to="root@s53", server="10.254.53.1").split())) for _ in range(3))
    finally:
        pair.stop()
    say(json.dumps({"mail_seconds": seconds, "mail_messages": 1000}))


def dnsperf(host, server, seconds=4):
    report = host.run_script(f"dnsperf -s {server} -d /tmp/queries -c 4 -l {seconds}",
                             "dnsperf", timeout=seconds + 60)
    number = lambda label: float(re.search(rf"{label}:\s+([\d.]+)", report).group(1))  # noqa: E731
    return {"qps": number("Queries per second"), "sent": number("Queries sent"),
            "lost": number("Queries lost")}


def _median(results):
    return sorted(results, key=lambda result: result["qps"])[len(results) // 2]


def timed(action):
    began = time.monotonic()
    action()
    return time.monotonic() - began


def main(argv):
    become_subreaper()
    kind, *rest = argv
    if kind == "lab":
        lab_run(rest[0], part2="--no-part2" not in rest)
    elif kind == "raw":
        raw_run(rest[0])
    elif kind == "traffic":
        traffic()
    elif kind == "rawmail":
        raw_mail()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
