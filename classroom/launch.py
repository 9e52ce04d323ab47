"""The classroom server as another program runs it (`make bench`, the tests): a process of
its own, its URL read from what it prints, its codes from the access sheet it writes.

    start(results, *options, listen="127.0.0.1:0")   Popen of `python3 -m classroom --listen
                          LISTEN --results RESULTS OPTIONS`, in a session of its own; its
                          stdout a pipe, its stderr RESULTS/server.log
    wait_for_url(process, log=None, ready=READY) -> (url, port, said)   once it says it
                          serves; NotServing if it ends or stays silent `ready` seconds
    read_codes(results)   {"instructor": code, "53": code, ...} from RESULTS/classroom-access.csv
    stop(process, timeout=60) -> its exit code: SIGTERM by its PID, then waited for
"""

import csv
import os
import re
import select
import signal
import subprocess
from pathlib import Path

from lab.base.errors import LabError, NotReadyError
from lab.base.waiting import wait_until

PYTHON = "/usr/bin/python3"
REPO = Path(__file__).resolve().parents[1]
READY = 120  # seconds the class may take to be ready
SERVING = "Ctrl-C stops"  # the last line classroom/run.py prints once it serves
URL = re.compile(r"http://127\.0\.0\.1:(\d+)/")
LOG = "server.log"


class NotServing(LabError):
    """The server ended, or never said it serves: its last words and its log's last lines."""


def start(results, *options, listen="127.0.0.1:0"):
    results = Path(results)
    with open(results / LOG, "w") as log:
        return subprocess.Popen([PYTHON, "-m", "classroom", "--listen", listen, "--results",
                                 str(results), *options], cwd=REPO, stdout=subprocess.PIPE,
                                stderr=log, text=True, start_new_session=True)


def wait_for_url(process, log=None, ready=READY):
    """The server's address, once it says it serves (read straight from the pipe: a buffered
    readline would hold lines that select() no longer sees)."""
    said = []

    def serving():
        if select.select([process.stdout], [], [], 0.5)[0]:
            chunk = os.read(process.stdout.fileno(), 65536).decode(errors="replace")
            if not chunk:
                raise NotServing(_why("the classroom server ended", "".join(said), log))
            said.append(chunk)
        text = "".join(said)
        return SERVING in text and URL.search(text)

    try:
        found = wait_until(serving, "the classroom server's URL", ready)
    except NotReadyError as error:
        raise NotServing(_why(str(error), "".join(said), log)) from None
    return found.group(0), int(found.group(1)), "".join(said)


def _why(what, said, log):
    logged = Path(log).read_text(errors="replace") if log and Path(log).exists() else ""
    last = [line for line in (said + logged).splitlines() if line.strip()][-3:]
    return f"{what}: {' | '.join(last) or 'it printed nothing'}" + (f" (log: {log})" if log else "")


def read_codes(results):
    with open(Path(results) / "classroom-access.csv", newline="") as sheet:
        rows = list(csv.reader(sheet))
    return {row[0]: row[1] for row in rows[1:]}


def stop(process, timeout=60):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    finally:
        if process.stdout:
            process.stdout.close()
