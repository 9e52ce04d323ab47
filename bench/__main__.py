"""`make bench`: the lab's speed, side by side with the physical limit, in one run.

    python3 -m bench [--class FILE] [--benches B] [--no-part2]     (make bench CLASS=...)

    1. the seed class (the class file's benches, or --benches) from command to every
       service ready, next to the raw baseline (bench/raw.py: the same daemons, minimal
       configs, bare namespaces); medians
    2. `python3 scenarios/mx_delivery.py` on that class, end to end
    3. scaling: 1, 5, 10, 20, 30 benches without part 2: ready, teardown, peak memory,
       the cost of one more bench
    4. mail: smtp-source, 1,000 messages from the last bench's server to its neighbour's
       through the lab, next to two bare Postfix instances joined by one veth
    5. DNS: dnsperf from the last bench's seat to the instructor through the lab, next to
       the same named on loopback
    6. teaching: the seed class with its last bench at the first stage (what students
       receive) next to done; `reset` of a server and of a seat (medians), and of a server
       to the first stage and back

Every name and address comes from the class model. Prints a table and writes
results/bench.json. Every run stops by itself.
"""

import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lab.base.errors import UsageError
from lab.command.compose import enter_runtime, guarded
from lab.command.options import add_class_options, class_from
from lab.command.parsing import OneLineParser
from topologies.model import ClassFileError, bench_list_text

PYTHON = "/usr/bin/python3"
REPO = Path(__file__).resolve().parents[1]
SCALES = (1, 5, 10, 20, 30)


def probe(*arguments):
    """Run bench.probe; the time from launch to its "ready" line, and its other numbers."""
    began = time.monotonic()
    process = subprocess.Popen([PYTHON, "-m", "bench.probe", *arguments], cwd=REPO,
                               stdout=subprocess.PIPE, text=True)
    numbers = {}
    for line in process.stdout:
        if line.startswith("{"):
            numbers.update(json.loads(line))
            continue
        word, *value = line.split()
        numbers[word] = time.monotonic() - began if word == "ready" else float(value[0])
    if process.wait() != 0:
        raise SystemExit(f"bench: bench.probe {' '.join(arguments)} failed")
    return numbers


class MeasuredClass:
    """The class measured: its model, and the options every probe and scenario gets."""

    def __init__(self, args):
        self.model, _overrides = class_from(args)
        self.spec = self.model.spec
        self.file = str(self.spec.file.path.resolve())
        self.options = ["--class", self.file,
                        "--benches", ",".join(map(str, self.model.benches))]
        self.options += ["--no-part2"] if not self.model.part2 else []

    def scale(self, count):
        """The options of a class of `count` benches from the first its bench_range allows."""
        first = self.spec.bench_range[0]
        return ["--class", self.file, "--benches",
                f"{first}-{first + count - 1}", "--no-part2"]

    def hosts(self, count):
        first = self.spec.bench_range[0]
        return len(self.spec.model(f"{first}-{first + count - 1}", part2=False).hosts)


def seed_class(measured, repeats=3):
    labs = [probe("lab", *measured.options) for _ in range(repeats)]
    raws = [probe("raw", *measured.options) for _ in range(repeats)]
    lab, raw = (statistics.median(run["ready"] for run in runs) for runs in (labs, raws))
    return {"benches": list(measured.model.benches), "lab_ready_s": lab, "raw_ready_s": raw,
            "ratio": lab / raw, "lab_runs": labs, "raw_runs": raws}


def mx_delivery(measured):
    began = time.monotonic()
    subprocess.run([PYTHON, "scenarios/mx_delivery.py", *measured.options], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    return {"end_to_end_s": time.monotonic() - began}


def scaling(measured):
    runs = {n: {**probe("lab", *measured.scale(n)), "hosts": measured.hosts(n)} for n in SCALES}
    slope = _slope([(n, runs[n]["ready"]) for n in SCALES])
    early = (runs[10]["ready"] - runs[1]["ready"]) / 9
    late = (runs[30]["ready"] - runs[20]["ready"]) / 10
    return {"runs": runs, "seconds_per_bench": slope, "first_10_per_bench": early,
            "last_10_per_bench": late}


def _slope(points):
    mean_x = statistics.mean(x for x, _ in points)
    mean_y = statistics.mean(y for _, y in points)
    return (sum((x - mean_x) * (y - mean_y) for x, y in points)
            / sum((x - mean_x) ** 2 for x, _ in points))


def traffic(measured):
    lab, raw = probe("traffic", *measured.options), probe("rawmail", *measured.options)
    lab_rate = lab["mail_messages"] / lab["mail_seconds"]
    raw_rate = raw["mail_messages"] / raw["mail_seconds"]
    return {"mail_lab_per_s": lab_rate, "mail_direct_per_s": raw_rate,
            "mail_ratio": lab_rate / raw_rate, "dns_lab": lab["dns_lab"],
            "dns_loopback": lab["dns_loopback"],
            "dns_ratio": lab["dns_lab"]["qps"] / lab["dns_loopback"]["qps"]}


def teaching(measured):
    first = measured.model.stages[0].name
    runs = [probe("lab", *measured.options, "--stage", first) for _ in range(3)]
    resets = probe("reset", *measured.options)["reset"]
    return {"first_stage": first, "stage_ready_s": statistics.median(r["ready"] for r in runs),
            "stage_runs": runs, "reset_runs": resets,
            **{f"reset_{kind}_s": statistics.median(times) for kind, times in resets.items()}}


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    memory = int(open("/proc/meminfo").readline().split()[1]) // 1024
    return {"cpu": cpu, "cores": len([l for l in open("/proc/cpuinfo") if l.startswith("processor")]),
            "memory_mib": memory, "kernel": platform.release(), "debian": open("/etc/debian_version").read().strip()}


def table(results):
    seed, scale, net = results["seed_class"], results["scaling"], results["traffic"]
    rows = [(f"seed class ready ({bench_list_text(seed['benches'])})",
             f"{seed['lab_ready_s']:.2f} s",
             f"raw {seed['raw_ready_s']:.2f} s", f"x{seed['ratio']:.2f}", "<= x1.3 and < 3 s"),
            ("mx_delivery.py end to end", f"{results['mx_delivery']['end_to_end_s']:.2f} s", "", "",
             "< 5 s")]
    for n, run in scale["runs"].items():
        rows.append((f"{n} benches ({run['hosts']} hosts): ready / teardown / PSS",
                     f"{run['ready']:.1f} s", f"{run['teardown']:.1f} s",
                     f"{run['memory'] / 1024:.2f} GiB", "30: < 30 s, < 10 s, < 3 GiB" if n == 30 else ""))
    rows.append(("one more bench (fit; first 10; last 10)", f"{scale['seconds_per_bench']:.2f} s",
                 f"{scale['first_10_per_bench']:.2f} s", f"{scale['last_10_per_bench']:.2f} s",
                 "linear"))
    rows.append(("mail, smtp-source 1,000 msgs", f"{net['mail_lab_per_s']:.0f} msg/s",
                 f"direct {net['mail_direct_per_s']:.0f} msg/s", f"x{net['mail_ratio']:.2f}", ">= x0.8"))
    teach = results["teaching"]
    rows.append((f"seed class ready, last bench at stage {teach['first_stage']}",
                 f"{teach['stage_ready_s']:.2f} s", f"done {seed['lab_ready_s']:.2f} s", "",
                 "< 3 s"))
    rows.append(("reset: server / seat (median of 9)", f"{teach['reset_server_s']:.2f} s",
                 f"seat {teach['reset_seat_s']:.2f} s", "", "< 0.5 s"))
    rows.append(("reset server to first stage / back to done", f"{teach['reset_to_first_stage_s']:.2f} s",
                 f"done {teach['reset_to_last_stage_s']:.2f} s", "", ""))
    rows.append(("DNS, dnsperf", f"{net['dns_lab']['qps']:.0f} q/s",
                 f"loopback {net['dns_loopback']['qps']:.0f} q/s", f"x{net['dns_ratio']:.2f}",
                 f">= x0.8, lost {int(net['dns_lab']['lost'])}"))
    width = max(len(row[0]) for row in rows)
    return "\n".join(f"{row[0]:<{width}}  {row[1]:>10}  {row[2]:>22}  {row[3]:>10}  {row[4]}"
                     for row in rows)


def main(argv=None):
    parser = OneLineParser(prog="bench", description=__doc__.splitlines()[0])
    add_class_options(parser)
    args = parser.parse_args(argv)
    try:
        measured = MeasuredClass(args)
    except (ClassFileError, UsageError) as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    enter_runtime(parser.prog)
    return guarded(parser.prog, lambda: measure(measured))


def measure(measured):
    results = {"machine": machine(), "class": measured.model.source}
    for name, step in (("seed_class", seed_class), ("mx_delivery", mx_delivery),
                       ("scaling", scaling), ("traffic", traffic), ("teaching", teaching)):
        print(f"bench: {name} ...", flush=True)
        results[name] = step(measured)
    out = REPO / "results" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    m = results["machine"]
    print(f"\n{m['cpu']}, {m['cores']} cores, {m['memory_mib']} MiB, kernel {m['kernel']}, "
          f"Debian {m['debian']}; class {results['class']}\n")
    print(table(results))
    print(f"\nbench: wrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
