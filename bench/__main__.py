"""`make bench`: the lab's speed, side by side with the physical limit, in one run.

    python3 -m bench [--class FILE] [--benches B] [--no-part2] [--only STEP,...]
                                                      (make bench CLASS=... ONLY=check,classroom)

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
    7. check (issue 12): `check` of the seed class's last bench, next to the same probes
       one after another, and of 30 benches with part 2 in parallel (medians of 3)
    8. classroom (issue 14): `python3 -m classroom` with 30 benches (no part 2), 3
       terminals a bench typing at once, the instructor's page reloading: echo latency
       p50/p99, the server's CPU and memory; a burst, then a person's pace (bench/load.py)

--only seed_class,mx_delivery,scaling,traffic,teaching,check,classroom runs those steps
alone (in that order); their results replace theirs in results/bench.json, the other
steps' are kept when the file measured the same class on the same machine.

Every name and address comes from the class model. Prints a table and writes
results/bench.json. Every run stops by itself.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.load import classroom_load
from bench.table import table
from lab.base.errors import UsageError
from lab.command.compose import enter_runtime, guarded
from lab.command.options import add_class_options, class_from
from lab.command.parsing import OneLineParser
from topologies.model import ClassFileError

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

    def scale(self, count, part2=False):
        """The options of a class of `count` benches from the first its bench_range allows
        (without part 2 unless part2)."""
        return ["--class", self.file, "--benches", self._range(count)] + (
            [] if part2 else ["--no-part2"])

    def model_of(self, count, part2=False):
        return self.spec.model(self._range(count), part2=part2)

    def hosts(self, count):
        return len(self.model_of(count).hosts)

    def _range(self, count):
        first = self.spec.bench_range[0]
        return f"{first}-{first + count - 1}"


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


def check(measured, repeat=3, benches=30):
    """check's speed (issue 12) on the seed class, and on `benches` benches with part 2
    (the objectives of part 2 need its hosts)."""
    return {"seed": probe("check", *measured.options, "--repeat", str(repeat)),
            "class": probe("check", *measured.scale(benches, part2=True), "--repeat",
                           str(repeat))}


STEPS = {"seed_class": seed_class, "mx_delivery": mx_delivery, "scaling": scaling,
         "traffic": traffic, "teaching": teaching, "check": check,
         "classroom": classroom_load}


def steps_from(only):
    """The steps --only names, in the run's order (None: every step); UsageError for a
    name that is no step."""
    if only is None:
        return list(STEPS)
    names = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in names if name not in STEPS]
    if unknown or not names:
        what = f"no step {', '.join(unknown)}" if unknown else "names no step"
        raise UsageError(f"--only {only!r}: {what} (the steps: {','.join(STEPS)})")
    return [name for name in STEPS if name in names]


def merged(previous, fresh):
    """fresh's steps over the previous run's, when both measured the same class on the same
    machine; else fresh alone."""
    same = (previous.get("class") == fresh["class"]
            and previous.get("machine") == fresh["machine"])
    if not same:
        return fresh
    busy = {**previous.get("load_average", {}), **fresh.get("load_average", {})}
    return {**previous, **fresh, "load_average": busy}


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    memory = int(open("/proc/meminfo").readline().split()[1]) // 1024
    return {"cpu": cpu, "cores": len([l for l in open("/proc/cpuinfo") if l.startswith("processor")]),
            "memory_mib": memory, "kernel": platform.release(), "debian": open("/etc/debian_version").read().strip()}


def main(argv=None):
    parser = OneLineParser(prog="bench", description=__doc__.splitlines()[0])
    add_class_options(parser)
    parser.add_argument("--only", help=f"these steps alone, comma-separated: {','.join(STEPS)}")
    args = parser.parse_args(argv)
    try:
        steps = steps_from(args.only)
        measured = MeasuredClass(args)
    except (ClassFileError, UsageError) as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    enter_runtime(parser.prog)
    return guarded(parser.prog, lambda: measure(measured, steps))


def measure(measured, steps=tuple(STEPS)):
    results = {"machine": machine(), "class": str(measured.model.source)}
    busy = results["load_average"] = {}  # the machine's, as each step began: others' work
    for name in steps:
        busy[name] = round(os.getloadavg()[0], 2)
        print(f"bench: {name} ... (load average {busy[name]:g})", flush=True)
        results[name] = STEPS[name](measured)
    out = REPO / "results" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(merged(_previous(out), results) if len(steps) < len(STEPS)
                              else results, indent=1))
    m = results["machine"]
    print(f"\n{m['cpu']}, {m['cores']} cores, {m['memory_mib']} MiB, kernel {m['kernel']}, "
          f"Debian {m['debian']}; class {results['class']}\n")
    print(table(results))
    print(f"\nbench: wrote {out.relative_to(REPO)}")
    return 0


def _previous(out):
    try:
        found = json.loads(out.read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


if __name__ == "__main__":
    sys.exit(main())
