"""`make bench`'s classroom step (issue 14): 30 benches (no part 2) x 3 terminals typing at
once in `python3 -m classroom`, the instructor's page reloading the class view meanwhile
(classroom/load.py); a burst, then a person's pace.

    classroom_load(measured, benches=30, terminals=3, rounds=20)
        -> {"benches": [..], "server_exit": n, "runs": [measure_load's numbers + "pause",
            "client_cpu_percent" (this process, the 90 typists: they share the machine's
            cores with the server and the lab, and their delays count in the latency)]}

The server listens on 127.0.0.1 (a free port), its access sheet and log in a folder of its
own under /tmp (removed after a run that ended well, kept to read after one that did not);
it is stopped by its PID (SIGTERM) and waited for, whatever happens.
"""

import shutil
import tempfile
import time
from pathlib import Path

from classroom.launch import LOG, read_codes, start, stop, wait_for_url
from classroom.load import measure_load

PAUSES = (0.0, 1.0)  # a burst (each terminal types again at its answer), a command a second


def classroom_load(measured, benches=30, terminals=3, rounds=20):
    model = measured.model_of(benches)
    results = Path(tempfile.mkdtemp(prefix="classlab-bench-classroom-", dir="/tmp"))
    process = start(results, *measured.scale(benches))
    try:
        url, _port, _said = wait_for_url(process, results / LOG)
        codes = read_codes(results)
        runs = [typing(url, codes, model, process.pid, terminals, rounds, pause)
                for pause in PAUSES]
    finally:
        exit_code = stop(process)
    shutil.rmtree(results, ignore_errors=True)
    return {"benches": list(model.benches), "server_exit": exit_code, "runs": runs}


def typing(url, codes, model, pid, terminals, rounds, pause):
    began, cpu = time.monotonic(), time.process_time()
    found = measure_load(url, codes, model, pid, terminals, rounds, pause)
    client = 100 * (time.process_time() - cpu) / (time.monotonic() - began)
    return {"pause": pause, **found, "client_cpu_percent": round(client, 1)}
