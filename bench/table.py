"""`make bench`'s table: a row (or a few) for each step measured, in the steps' order.

    table(results)   the text; a step missing from results (python3 -m bench --only ...)
                     has no rows
    ROWS             step name -> rows(results): [(what, measured, next to, ratio, target)]
"""

from topologies.model import bench_list_text


def seed_rows(results):
    seed = results["seed_class"]
    return [(f"seed class ready ({bench_list_text(seed['benches'])})",
             f"{seed['lab_ready_s']:.2f} s", f"raw {seed['raw_ready_s']:.2f} s",
             f"x{seed['ratio']:.2f}", "<= x1.3 and < 3 s")]


def mx_rows(results):
    return [("mx_delivery.py end to end", f"{results['mx_delivery']['end_to_end_s']:.2f} s", "",
             "", "< 5 s")]


def scaling_rows(results):
    scale = results["scaling"]
    rows = [(f"{n} benches ({run['hosts']} hosts): ready / teardown / PSS",
             f"{run['ready']:.1f} s", f"{run['teardown']:.1f} s",
             f"{run['memory'] / 1024:.2f} GiB",
             "30: < 30 s, < 10 s, < 3 GiB" if int(n) == 30 else "")
            for n, run in scale["runs"].items()]
    rows.append(("one more bench (fit; first 10; last 10)", f"{scale['seconds_per_bench']:.2f} s",
                 f"{scale['first_10_per_bench']:.2f} s", f"{scale['last_10_per_bench']:.2f} s",
                 "linear"))
    return rows


def traffic_rows(results):
    net = results["traffic"]
    return [("mail, smtp-source 1,000 msgs", f"{net['mail_lab_per_s']:.0f} msg/s",
             f"direct {net['mail_direct_per_s']:.0f} msg/s", f"x{net['mail_ratio']:.2f}",
             ">= x0.8"),
            ("DNS, dnsperf", f"{net['dns_lab']['qps']:.0f} q/s",
             f"loopback {net['dns_loopback']['qps']:.0f} q/s", f"x{net['dns_ratio']:.2f}",
             f">= x0.8, lost {int(net['dns_lab']['lost'])}")]


def teaching_rows(results):
    teach = results["teaching"]
    seed = results.get("seed_class")
    return [(f"seed class ready, last bench at stage {teach['first_stage']}",
             f"{teach['stage_ready_s']:.2f} s",
             f"done {seed['lab_ready_s']:.2f} s" if seed else "", "", "< 3 s"),
            ("reset: server / seat (median of 9)", f"{teach['reset_server_s']:.2f} s",
             f"seat {teach['reset_seat_s']:.2f} s", "", "< 0.5 s"),
            ("reset server to first stage / back to done",
             f"{teach['reset_to_first_stage_s']:.2f} s",
             f"done {teach['reset_to_last_stage_s']:.2f} s", "", "")]


def check_rows(results):
    """check (issue 12): one bench next to its probes one after another; a class in parallel."""
    seed, whole = results["check"]["seed"], results["check"]["class"]
    return [(f"check one bench ({seed['bench_checked']}) / same probes one after another",
             f"{seed['bench']:.2f} s", f"one after another {seed['bench_sequential']:.2f} s",
             f"x{seed['bench_sequential'] / seed['bench']:.2f}", "< 3 s"),
            (f"check {whole['benches']} benches in parallel ({whole['hosts']} hosts)",
             f"{whole['class']:.1f} s", f"one of them {whole['bench']:.2f} s", "",
             "< 20 s" if whole["benches"] == 30 else "")]


def classroom_rows(results):
    """The classroom under load (issue 14): echo latency, the server's CPU and memory."""
    rows = []
    for load in results["classroom"]["runs"]:
        pace = "burst" if not load["pause"] else f"a command every ~{load['pause']:g} s"
        rows.append((f"classroom, {load['terminals']} terminals, {pace}: echo p50 / p99",
                     _ms(load["p50_ms"]),
                     f"p99 {_ms(load['p99_ms'])}, CPU {load['cpu_percent']:.0f} %",
                     f"RSS {load['rss_mib']:.0f} MiB",
                     f"p99 < 100 ms; {load['echoes']} echoes, lost {load['lost']}"))
    return rows


def _ms(value):
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


ROWS = {"seed_class": seed_rows, "mx_delivery": mx_rows, "scaling": scaling_rows,
        "traffic": traffic_rows, "teaching": teaching_rows, "check": check_rows,
        "classroom": classroom_rows}


def table(results):
    rows = [row for step, rows_of in ROWS.items() if step in results for row in rows_of(results)]
    width = max((len(row[0]) for row in rows), default=0)
    return "\n".join(f"{row[0]:<{width}}  {row[1]:>10}  {row[2]:>22}  {row[3]:>10}  {row[4]}"
                     for row in rows)
