"""classroom/launch.py, what make bench and the tests start the classroom server with: its
URL read from what a process prints, its codes from the access sheet (no root, no lab: a
small program stands in for the server)."""

import re
import subprocess
import sys

import pytest

from checks.i18n import translator
from classroom.access import Access, sheet_csv
from classroom.launch import NotServing, read_codes, stop, wait_for_url


def speaking(*lines, then="import time; time.sleep(60)"):
    script = "".join(f"print({line!r}, flush=True)\n" for line in lines) + then
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)


def test_the_url_is_read_once_the_server_says_it_serves():
    process = speaking("*** The classroom: http://127.0.0.1:40123/   (2 benches)",
                       "*** Ctrl-C stops the server, every terminal and the lab")
    try:
        url, port, said = wait_for_url(process, ready=30)
    finally:
        assert stop(process, timeout=30) == -15  # SIGTERM, by its PID
    assert (url, port) == ("http://127.0.0.1:40123/", 40123) and "Ctrl-C stops" in said


def test_a_server_that_ends_first_says_why_in_one_line(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("classroom: LISTEN: 127.0.0.1:80 is already in use\n")
    process = speaking("starting", then="")
    try:
        with pytest.raises(NotServing, match=re.escape(
                "ended: starting | classroom: LISTEN: 127.0.0.1:80 is already in use")) as found:
            wait_for_url(process, log, ready=30)
    finally:
        stop(process, timeout=30)
    assert "\n" not in str(found.value) and str(log) in str(found.value)


def test_a_silent_server_is_given_up_at_its_deadline():
    process = speaking()
    try:
        with pytest.raises(NotServing, match="not ready after 1 s: it printed nothing"):
            wait_for_url(process, ready=1)
    finally:
        stop(process, timeout=30)


def test_the_codes_come_from_the_access_sheet_the_server_writes(tmp_path):
    access = Access([53, 54])
    (tmp_path / "classroom-access.csv").write_text(
        sheet_csv(access, "http://127.0.0.1:8054/", translator("fr")))
    assert read_codes(tmp_path) == {"instructor": access.instructor,
                                    "53": access.codes[53], "54": access.codes[54]}
