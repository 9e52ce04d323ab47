"""`make bench`: the lab's speed, side by side with the physical limit, in one run.

    1. the seed class (53, 54) from command to every service ready, next to the raw
       baseline (bench/raw.py: the same daemons, minimal configs, bare namespaces); medians
    2. `python3 scenarios/mx_delivery.py`, end to end
    3. scaling: 1, 5, 10, 20, 30 benches (3 hosts a bench): ready, teardown, peak memory,
       the cost of one more bench
    4. mail: smtp-source, 1,000 messages S54 -> S53 through the lab, next to two bare
       Postfix instances joined by one veth
    5. DNS: dnsperf D54 -> STP through the lab, next to the same named on loopback

Prints a table and writes results/bench.json. Every run stops by itself.
"""

import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def seed_class(repeats=3):
    labs = [probe("lab", "53,54") for _ in range(repeats)]
    raws = [probe("raw", "53,54") for _ in range(repeats)]
    lab, raw = (statistics.median(run["ready"] for run in runs) for runs in (labs, raws))
    return {"lab_ready_s": lab, "raw_ready_s": raw, "ratio": lab / raw,
            "lab_runs": labs, "raw_runs": raws}


def mx_delivery():
    began = time.monotonic()
    subprocess.run([PYTHON, "scenarios/mx_delivery.py"], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    return {"end_to_end_s": time.monotonic() - began}


def scaling():
    runs = {n: probe("lab", f"1-{n}", "--no-part2") for n in SCALES}
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


def traffic():
    lab, raw = probe("traffic"), probe("rawmail")
    lab_rate = lab["mail_messages"] / lab["mail_seconds"]
    raw_rate = raw["mail_messages"] / raw["mail_seconds"]
    return {"mail_lab_per_s": lab_rate, "mail_direct_per_s": raw_rate,
            "mail_ratio": lab_rate / raw_rate, "dns_lab": lab["dns_lab"],
            "dns_loopback": lab["dns_loopback"],
            "dns_ratio": lab["dns_lab"]["qps"] / lab["dns_loopback"]["qps"]}


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    memory = int(open("/proc/meminfo").readline().split()[1]) // 1024
    return {"cpu": cpu, "cores": len([l for l in open("/proc/cpuinfo") if l.startswith("processor")]),
            "memory_mib": memory, "kernel": platform.release(), "debian": open("/etc/debian_version").read().strip()}


def table(results):
    seed, scale, net = results["seed_class"], results["scaling"], results["traffic"]
    rows = [("seed class ready (53, 54)", f"{seed['lab_ready_s']:.2f} s",
             f"raw {seed['raw_ready_s']:.2f} s", f"x{seed['ratio']:.2f}", "<= x1.3 and < 3 s"),
            ("mx_delivery.py end to end", f"{results['mx_delivery']['end_to_end_s']:.2f} s", "", "",
             "< 5 s")]
    for n, run in scale["runs"].items():
        rows.append((f"{n} benches ({1 + 3 * n} hosts): ready / teardown / PSS",
                     f"{run['ready']:.1f} s", f"{run['teardown']:.1f} s",
                     f"{run['memory'] / 1024:.2f} GiB", "30: < 30 s, < 10 s, < 3 GiB" if n == 30 else ""))
    rows.append(("one more bench (fit; first 10; last 10)", f"{scale['seconds_per_bench']:.2f} s",
                 f"{scale['first_10_per_bench']:.2f} s", f"{scale['last_10_per_bench']:.2f} s",
                 "linear"))
    rows.append(("mail, smtp-source 1,000 msgs", f"{net['mail_lab_per_s']:.0f} msg/s",
                 f"direct {net['mail_direct_per_s']:.0f} msg/s", f"x{net['mail_ratio']:.2f}", ">= x0.8"))
    rows.append(("DNS, dnsperf", f"{net['dns_lab']['qps']:.0f} q/s",
                 f"loopback {net['dns_loopback']['qps']:.0f} q/s", f"x{net['dns_ratio']:.2f}",
                 f">= x0.8, lost {int(net['dns_lab']['lost'])}"))
    width = max(len(row[0]) for row in rows)
    return "\n".join(f"{row[0]:<{width}}  {row[1]:>10}  {row[2]:>22}  {row[3]:>10}  {row[4]}"
                     for row in rows)


def main():
    results = {"machine": machine()}
    for name, step in (("seed_class", seed_class), ("mx_delivery", mx_delivery),
                       ("scaling", scaling), ("traffic", traffic)):
        print(f"bench: {name} ...", flush=True)
        results[name] = step()
    out = REPO / "results" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    m = results["machine"]
    print(f"\n{m['cpu']}, {m['cores']} cores, {m['memory_mib']} MiB, kernel {m['kernel']}, "
          f"Debian {m['debian']}\n")
    print(table(results))
    print(f"\nbench: wrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
