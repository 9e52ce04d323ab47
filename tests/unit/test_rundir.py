"""The run dir's state: writers at once (the classroom's threads, another terminal's reset)
lose nothing, and `remove` leaves nothing of the record behind."""

from concurrent.futures import ThreadPoolExecutor

from lab.runtime.rundir import RunDir


def test_writers_at_once_lose_no_change(tmp_path):
    rundir = RunDir(tmp_path / "run")

    def add(n):
        rundir.edit_state(lambda state: state.setdefault("processes", []).append(n))
        rundir.update_state(**{f"key{n}": n})
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(add, range(200)))
    state = rundir.read_state()
    assert sorted(state["processes"]) == list(range(200))
    assert all(state[f"key{n}"] == n for n in range(200))
    assert not list(rundir.path.glob("state.*.tmp"))


def test_remove_leaves_no_record(tmp_path):
    rundir = RunDir(tmp_path / "run")
    rundir.update_state(processes=[])
    (rundir.path / "state.stray.tmp").write_text("{}")  # a writer killed mid-write
    rundir.remove()
    assert sorted(p.name for p in rundir.path.iterdir()) == []
