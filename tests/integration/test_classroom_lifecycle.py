"""make classroom's life: SIGTERM stops every terminal's shell by PID, then the lab; after
kill -9, `make clean` stops the shells a killed server left (recorded in the run dir's state,
"terminals"). A busy port or an address the machine lacks: one line, exit 2, nothing
started."""

import asyncio
import signal
import subprocess

import pytest

from classroom.launch import start
from lab.base.processes import ProcessRecord, is_running
from lab.runtime.rundir import RUN_DIR, RunDir
from tests.helpers import refused_in_one_line
from tests.integration.conftest import PYTHON, REPO, leftovers, one_class
from tests.integration.test_classroom import Served
from tests.unit.test_classroom_server import type_and_read
from topologies.model import classroom

class_file = one_class()


def run(test):
    return asyncio.run(asyncio.wait_for(test, 120))


def shells_recorded():
    return [ProcessRecord(**e) for e in RunDir().read_state().get("terminals", [])]


@pytest.mark.parametrize("how", ["SIGTERM", "kill -9, then make clean"])
def test_stopping_the_server_stops_every_terminal_shell(class_file, tmp_path, how):
    model = classroom(path=class_file)
    process = start(tmp_path, "--class", str(class_file))
    try:
        served = Served(model, tmp_path, process)

        async def scenario():
            client = await served.login("instructor")
            sockets = [await served.terminal(client, h.name).__aenter__() for h in model.hosts[:3]]
            for ws in sockets:
                await type_and_read(ws, "nohup sleep 1000 >/dev/null 2>&1 & echo U''P", r"UP\r")
            records = shells_recorded()
            assert len(records) >= 6 and all(is_running(r) for r in records)  # nsenter + bash
            if how == "SIGTERM":
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=60) == 128 + signal.SIGTERM
            else:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=30)
                # the kernel hangs the PTYs up with the server: the shells end by themselves,
                # and a host whose PID 1 saw its pipe close ends with all it holds. What is
                # still running when make clean comes (a race), it stops by PID; either way,
                # below, nothing recorded is left running and nothing of the lab remains
                assert RunDir().read_state().get("terminals")
                done = subprocess.run([PYTHON, "-m", "lab", "clean"], cwd=REPO,
                                      capture_output=True, text=True, timeout=120)
                assert done.returncode == 0 and "removed" in done.stdout, done.stdout
            await client.close()
            return records
        records = run(scenario())
        assert not any(is_running(r) for r in records)
        assert leftovers() == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


@pytest.mark.parametrize("listen, says", [("busy", "already in use"),
                                          ("192.0.2.7:8054", "has no address 192.0.2.7")])
def test_a_bad_listen_is_one_line_and_nothing_starts(tmp_path, listen, says):
    import socket
    before = RunDir().read_state()
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    if listen == "busy":
        listen = f"127.0.0.1:{holder.getsockname()[1]}"
    try:
        done = subprocess.run([PYTHON, "-m", "classroom", "--listen", listen, "--results",
                               str(tmp_path)], cwd=REPO, capture_output=True, text=True,
                              timeout=60)
    finally:
        holder.close()
    refused_in_one_line(done.returncode, done.stdout, done.stderr, says=says)
    assert RunDir().read_state() == before and not (RUN_DIR / "hosts").exists()
    assert not (tmp_path / "classroom-access.csv").exists()
