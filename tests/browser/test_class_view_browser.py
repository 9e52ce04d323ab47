"""The class view in a real browser: headless Chromium (Debian's chromium-driver) driven by
python3-selenium, on the page `make report` serves on 127.0.0.1.

A class of 30 benches (tests/unit/class_view_fixture.py, French) is written to a temporary
folder; `make report RESULTS=that-folder` serves it on a free port and prints the address.
The test reads the page as an instructor does: "Common mistakes" first, then the rows; it
clicks the first FAIL cell, reads its evidence and its hints in the dialog, and closes it.
Screenshots: class-view.png (the whole page) and class-view-cell.png (the opened cell), in
results/screenshots/ (`make screenshots` writes docs/screenshots/: tests/browser/chromium.py).
The server is stopped by its PID.
"""

import os
import re
import select
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from checks.report import write_class_view
from tests.browser.chromium import needs_chromium, shots, whole_page
from tests.unit.class_view_fixture import class_result

from selenium.webdriver.common.by import By  # noqa: E402  (after the skip: no selenium)
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

pytestmark = needs_chromium


def first_line(process, seconds=20):
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    assert ready, "make report printed nothing"
    return process.stdout.readline().strip()


@pytest.fixture
def served(tmp_path):
    """make report on the class's folder: (its address, the folder)."""
    folder = tmp_path / "results"
    write_class_view(class_result("fr"), folder)
    server = subprocess.Popen(["make", "-s", "-C", str(REPO), "report", f"RESULTS={folder}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True, env={**os.environ, "LANG": "C.UTF-8"})
    try:
        line = first_line(server)
        found = re.search(r"http://127\.0\.0\.1:(\d+)/class\.html", line)
        assert found, line
        yield found.group(0), int(found.group(1))
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and its python: the group of that PID
        server.wait(timeout=10)
        server.stdout.close()
        server.stderr.close()
    assert closed(int(found.group(1))), "the server still answers after its group was stopped"


def closed(port, seconds=10):
    """Nothing listens on 127.0.0.1:port any more (its server may take a moment to exit)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def browser(chromium):
    return chromium(lang="fr-FR")


def test_an_instructor_opens_the_first_failure(served, browser):
    url, _port = served
    browser.get(url)
    assert browser.title.startswith("TP réseaux IUT") and "Vue de la classe" in browser.title
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "main h2")]
    assert headings.index("Erreurs fréquentes") < headings.index(
        "Les bancs, regroupés par leur premier échec")
    first = browser.find_element(By.CSS_SELECTOR, "table.mistakes tbody tr")
    assert first.find_element(By.CSS_SELECTOR, ".count").text == "5"
    assert "routing.forwarding" in first.text and "forwarding-off" in first.text
    rows = browser.find_elements(By.CSS_SELECTOR, "table.grid tbody tr[id^=bench-]")
    assert len(rows) == 30 and rows[0].get_attribute("id") == "bench-3"
    assert not browser.find_element(By.CSS_SELECTOR, "section.details").is_displayed()

    folder = shots()
    whole_page(browser, folder / "class-view.png")

    cell = rows[0].find_element(By.CSS_SELECTOR, "td.cell.fail a")
    title = cell.get_attribute("title")
    assert title == "Banc 3 · routing.forwarding — ÉCHEC (forwarding-off)"
    cell.click()
    dialog = WebDriverWait(browser, 10).until(
        expected_conditions.visibility_of_element_located((By.ID, "detail")))
    text = dialog.text
    assert "Banc 3" in text and "routing.forwarding" in text and "ÉCHEC" in text
    assert "cat /proc/sys/net/ipv4/ip_forward" in text
    assert "12:echo 1 > /proc/sys/net/ip/ip_forward" in text  # shell output, escaped and shown
    hints = dialog.find_elements(By.CSS_SELECTOR, "ol.hints li")
    assert len(hints) == 3 and hints[0].text.startswith("Où regarder : S3 fait-il passer")
    assert [h.get_attribute("class") for h in hints] == ["opened", "opened", "closed"]
    browser.save_screenshot(str(folder / "class-view-cell.png"))

    dialog.find_element(By.CSS_SELECTOR, "form.close button").click()
    WebDriverWait(browser, 10).until(expected_conditions.invisibility_of_element(dialog))
    for name in ("class-view.png", "class-view-cell.png"):
        assert (folder / name).stat().st_size > 10_000
