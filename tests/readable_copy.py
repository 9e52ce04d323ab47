"""A copy of the tree that any user can read, for the tests that run a command as `nobody`
(the checkout itself may sit in a folder only root can enter, such as /root).

    readable_copy(parts)   a context manager: a temporary folder holding REPO/<part> for
                           each part, readable by all; removed on leaving
"""

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def readable_copy(parts):
    copy = Path(tempfile.mkdtemp(prefix="classlab-"))
    try:
        for part in parts:
            source = REPO / part
            if source.is_dir():
                shutil.copytree(source, copy / part,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                (copy / part).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy / part)
        subprocess.run(["chmod", "-R", "a+rX", str(copy)], check=True)
        yield copy
    finally:
        shutil.rmtree(copy, ignore_errors=True)
