"""What check remembers in this lab's life, per bench: the objectives reached once, and the
hint steps shown. One JSON file in the lab's run dir (/run/classlab/check.json), removed
with it; every change under an flock of that file, from the lab's CLI or another terminal.

    CheckRecord(path)
      .bench(bench)                  -> (reached ids, {objective id: hint steps shown})
      .update(bench, passed, shown)  adds passed ids to the reached ones; shown {id: step}
                                     raises each objective's steps to at least that step;
                                     returns .bench(bench) after the change
      .next_hint(bench, id, first)   one more step shown (from `first`, up to 3): that step
      .memo(key), .remember(key, value)   what a probe keeps between runs
"""

import contextlib
import fcntl
import json
import os
from pathlib import Path

STEPS = 3
FILE = "check.json"
MEMO = "memo"  # beside the benches' entries


class CheckRecord:

    def __init__(self, path):
        self.path = Path(path)

    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        with os.fdopen(fd, "r+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                text = handle.read()
                try:
                    data = json.loads(text) if text.strip() else {}
                except ValueError:
                    data = {}
                box = [data]
                yield box
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(box[0], indent=1, sort_keys=True))
                handle.flush()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read(self):
        try:
            return json.loads(self.path.read_text() or "{}")
        except (FileNotFoundError, ValueError):
            return {}

    def bench(self, bench):
        entry = self._read().get(str(bench), {})
        return set(entry.get("reached", [])), dict(entry.get("hints", {}))

    def update(self, bench, passed=(), shown=None):
        with self._locked() as box:
            entry = box[0].setdefault(str(bench), {"reached": [], "hints": {}})
            entry["reached"] = sorted(set(entry.get("reached", [])) | set(passed))
            hints = entry.setdefault("hints", {})
            for objective, step in (shown or {}).items():
                hints[objective] = max(hints.get(objective, 0), min(step, STEPS))
            result = set(entry["reached"]), dict(hints)
        return result

    def memo(self, key):
        """What a probe kept for its next run (e.g. `postfix check`'s findings and the
        fingerprint of the files they are about), or None."""
        return self._read().get(MEMO, {}).get(key)

    def remember(self, key, value):
        with self._locked() as box:
            box[0].setdefault(MEMO, {})[key] = value

    def next_hint(self, bench, objective, first=1):
        with self._locked() as box:
            entry = box[0].setdefault(str(bench), {"reached": [], "hints": {}})
            hints = entry.setdefault("hints", {})
            step = min(max(hints.get(objective, 0) + 1, first), STEPS)
            hints[objective] = step
        return step
