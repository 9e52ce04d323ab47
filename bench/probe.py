"""One measured run, in a process of its own; the parent reads its lines.

    python3 -m bench.probe KIND [--class FILE] [--benches B] [--no-part2]

    lab        build the class (the class file's benches, or --benches; --stage: the last
               bench at that stage); print "ready", then "memory MiB" and "teardown s"
    reset      the class done; `reset` of the last bench's server and seat, 9 times each,
               then of the server to the first stage and back; one JSON line
    raw        the raw baseline (bench/raw.py) of the same class, same lines
    traffic    the class: smtp-source from the last bench's server to its neighbour's mail
               domain, and dnsperf from its seat to the instructor and on the instructor to
               127.0.0.1 (medians of 3); one JSON line
    rawmail    smtp-source between two bare Postfix (the same two servers); one JSON line
    check      the class done; check_bench on its last bench once (how many objectives
               PASS), then checks.check.measure_check (--repeat N: medians of N, default 3):
               that bench, its probes one after another, the class in parallel; one JSON line

Every name and address comes from the class model (--class, default $CLASS or the report's).
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

from lab.base.errors import UsageError
from lab.base.processes import become_subreaper
from lab.command.compose import build_lab, enter_runtime, guarded
from lab.command.options import add_class_options, add_stage_options, class_from, plan_from
from lab.command.parsing import OneLineParser
from topologies.model import ClassFileError

SMTP_SOURCE = "smtp-source -s 5 -m {count} -l 512 -f {sender} -t {to} {server}:25"


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


def lab_run(model, plan=None):
    lab = build_lab(model, say=lambda _line: None, plan=plan)
    measure(lab.start, lab.stop)


def reset_run(model, _plan=None, repeats=9):
    bench = model.benches[-1]
    server, seat = model.server(bench).name, model.seat(bench).name
    first, last = model.stages[0].name, model.stages[-1].name
    with build_lab(model, say=lambda _line: None) as lab:
        lab.cmd(server, "touch /etc/student-file")
        times = {"server": [lab.reset(server) for _ in range(repeats)],
                 "seat": [lab.reset(seat) for _ in range(repeats)],
                 "to_first_stage": [], "to_last_stage": []}
        for _ in range(3):
            times["to_first_stage"].append(lab.reset(server, first))
            times["to_last_stage"].append(lab.reset(server, last))
    say(json.dumps({"reset": times}))


def raw_run(model):
    from bench.raw import RawClass
    raw = RawClass(model)
    measure(raw.start, raw.stop)


def mail_path(model):
    """(sending server, its neighbour's server, envelope sender, recipient, the MX's address):
    the last bench's server writes to its neighbour's mail domain, as class_mail does."""
    bench = model.benches[-1]
    sender, receiver = model.server(bench), model.server(model.neighbour(bench))
    domain = model.mail_origin(model.neighbour(bench))
    return (sender, receiver, f"root@{sender.name}", f"{model.student.name}@{domain}",
            model.mail_exchanger(domain)[1])


def dns_queries(model):
    """Names the lab answers, with their types: the mail domains' MX and exchangers' A,
    the instructor's name, the class-wide zones' NS (each with data in the model)."""
    wanted = []
    for bench in model.benches:
        domain = model.mail_origin(bench)
        wanted += [(domain, "MX"), (model.mail_exchanger(domain)[0], "A")]
    wanted.append((model.dns_name, "A"))
    wanted += [(z.name, "NS") for z in model.zones_on(model.instructor.name) if z.name != "."]
    return [f"{name} {rtype}" for name, rtype in wanted if model.lookup(name, rtype)]


def traffic(model):
    sender, _receiver, source, to, server = mail_path(model)
    seat, instructor = model.seat(model.benches[-1]), model.instructor
    queries = "\n".join(dns_queries(model)) + "\n"
    with build_lab(model, say=lambda _line: None) as lab:
        mail = statistics.median(timed(lambda: lab.host(sender.name).run_script(
            SMTP_SOURCE.format(count=1000, sender=source, to=to, server=server),
            "smtp-source", timeout=600)) for _ in range(3))
        lab.host(seat.name).write_file("/tmp/queries", queries)
        lab.host(instructor.name).write_file("/tmp/queries", queries)
        runs = [(dnsperf(lab.host(seat.name), instructor.ip),
                 dnsperf(lab.host(instructor.name), "127.0.0.1")) for _ in range(3)]
        through_lab, loopback = (_median([run[i] for run in runs]) for i in (0, 1))
    say(json.dumps({"mail_seconds": mail, "mail_messages": 1000,
                    "dns_lab": through_lab, "dns_loopback": loopback}))


def raw_mail(model):
    from bench.raw import RawMailPair, in_netns
    sender, receiver, source, _to, _server = mail_path(model)
    pair = RawMailPair(model, model.benches[-1])
    try:
        pair.start()
        seconds = statistics.median(timed(lambda: in_netns(sender.name, *SMTP_SOURCE.format(
            count=1000, sender=source, to=f"root@{receiver.name}",
            server=receiver.ip).split())) for _ in range(3))
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


def check_run(model, repeat=3):
    from checks.check import check_bench, measure_check
    from checks.results import PASS
    last = model.benches[-1]
    with build_lab(model, say=lambda _line: None) as lab:
        found = check_bench(lab, last, "en")
        measured = measure_check(lab, repeat=repeat)
    say(json.dumps({**measured, "bench_checked": last, "hosts": len(model.hosts),
                    "objectives": len(found.outcomes),
                    "passed": sum(o.state == PASS for o in found.outcomes)}))


RUNS = {"lab": lab_run, "raw": raw_run, "traffic": traffic, "rawmail": raw_mail,
        "reset": reset_run, "check": check_run}


def main(argv=None):
    parser = OneLineParser(prog="bench.probe", description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=tuple(RUNS))
    add_class_options(parser)
    add_stage_options(parser)
    parser.add_argument("--repeat", type=int, default=3, help="check: medians of this many")
    args = parser.parse_args(argv)
    try:
        model, _overrides = class_from(args)
        plan = plan_from(args, model) if args.stage else None
        if args.repeat < 1:
            raise UsageError(f"--repeat {args.repeat}: at least 1")
    except (ClassFileError, UsageError) as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    enter_runtime(parser.prog)
    return guarded(parser.prog, lambda: _probe(args.kind, model, plan, args.repeat))


def _probe(kind, model, plan, repeat=3):
    become_subreaper()
    if kind in ("lab", "reset"):
        RUNS[kind](model, plan)
    elif kind == "check":
        RUNS[kind](model, repeat)
    else:
        RUNS[kind](model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
