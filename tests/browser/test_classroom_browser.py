"""make classroom in a real browser: headless Chromium (Debian's chromium-driver) driven by
python3-selenium, on a real lab (root; the class at stage mail, the server on 127.0.0.1).

Bench 54 (the class's last) logs in with its code from the access sheet, types
`ping -c 1 ADDRESS` (the instructor's server, from the model) in its server's terminal and
reads the reply there; its check panel (the engine's when checks/check.py is there, else the
class.json beside it) opens a hint; the instructor logs in and sees the class view and the
benches. Screenshots: docs/screenshots/classroom-student.png and classroom-instructor.png.
"""

import csv
import os
import re
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from checks.results import ClassResult
from tests.unit.class_view_fixture import bench_result, objectives_of
from topologies.model import classroom

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "docs" / "screenshots"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW = (1500, 1000)

pytestmark = [pytest.mark.skipif(not Path(CHROMEDRIVER).exists(),
                                 reason="chromium-driver is not installed (sudo make deps)"),
              pytest.mark.skipif(os.geteuid() != 0, reason="a real lab needs root")]


@pytest.fixture
def served(tmp_path):
    model = classroom()
    objectives = objectives_of("en")
    last = model.benches[-1]
    result = ClassResult(model.title, str(model.source), "2026-11-30T10:00:00+01:00", "en",
                         objectives, [bench_result(model, b, "mail", objectives, "en",
                                                   ("routing.forwarding", "forwarding-off")
                                                   if b == last else None)
                                      for b in model.benches])
    (tmp_path / "class.json").write_text(result.to_json())
    process = subprocess.Popen(["/usr/bin/python3", "-m", "classroom", "--listen",
                                "127.0.0.1:0", "--results", str(tmp_path), "--stage", "mail"],
                               cwd=REPO, stdout=subprocess.PIPE,
                               stderr=open(tmp_path / "server.log", "w"), text=True,
                               start_new_session=True)
    try:
        lines, deadline = "", time.monotonic() + 120
        while "Ctrl-C stops" not in lines and time.monotonic() < deadline:
            if select.select([process.stdout], [], [], 1)[0]:
                chunk = os.read(process.stdout.fileno(), 65536).decode(errors="replace")
                assert chunk, lines + (tmp_path / "server.log").read_text()
                lines += chunk
        url = re.search(r"http://127\.0\.0\.1:\d+/", lines).group(0)
        rows = list(csv.reader((tmp_path / "classroom-access.csv").open()))
        yield model, url, {row[0]: row[1] for row in rows[1:]}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        process.stdout.close()


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                     f"--user-data-dir={tmp_path / 'chromium'}", "--lang=en-US",
                     f"--window-size={WINDOW[0]},{WINDOW[1]}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def log_in(browser, url, code):
    browser.delete_all_cookies()
    browser.get(url)
    field = browser.find_element(By.ID, "code")
    field.send_keys(code)
    field.send_keys(Keys.ENTER)


def screen_text(browser):
    return browser.execute_script(
        "return window.classroomScreenText ? window.classroomScreenText() : '';")


def test_a_student_pings_and_opens_a_hint_the_instructor_sees_the_class(served, browser):
    model, url, codes = served
    bench = model.benches[-1]
    server = model.server(bench)
    address = model.instructor.interfaces[0].ip
    wait = WebDriverWait(browser, 30)

    log_in(browser, url, codes[str(bench)])
    wait.until(expected_conditions.url_contains("/bench"))
    tab = wait.until(expected_conditions.presence_of_element_located(
        (By.CSS_SELECTOR, f'.tab.active[data-host="{server.name}"]')))
    assert tab.text == server.name.upper()
    wait.until(lambda b: f"root@{server.name.upper()}:~#" in screen_text(b))
    browser.find_element(By.CSS_SELECTOR, ".screen.active").click()  # xterm.js takes the keys
    ActionChains(browser).send_keys(f"ping -c 1 {address}\n").perform()
    wait.until(lambda b: "packet loss" in screen_text(b))
    text = screen_text(browser)
    assert f"64 bytes from {address}" in text and "1 received" in text, text

    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#check .objective"))
    made = "var m = document.querySelector('#check .made'); return m ? m.textContent : '';"
    checked = browser.find_element(By.ID, "run-check").is_enabled()
    if checked:  # the engine is there: check the live bench
        before = browser.execute_script(made)
        browser.find_element(By.ID, "run-check").click()
        WebDriverWait(browser, 180).until(lambda b: b.execute_script(made) not in ("", before))
    # the panel is drawn again every 15 s: find and click the button in one step
    objective = browser.execute_script(
        "var b = document.querySelector('#check button.next-hint');"
        "if (!b) { return null; } b.click(); return b.parentNode.getAttribute('data-objective');")
    assert objective, "no objective with a hint to open"
    wait.until(lambda b: b.find_elements(
        By.CSS_SELECTOR, f'#check [data-objective="{objective}"] li.hint'))
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.execute_script("document.querySelector('#check li.hint').scrollIntoView("
                           "{block: 'center'})")
    browser.save_screenshot(str(SHOTS / "classroom-student.png"))

    log_in(browser, url, codes["instructor"])
    wait.until(expected_conditions.url_contains("/instructor"))
    rows = browser.find_elements(By.CSS_SELECTOR, ".benches tbody tr")
    assert [r.get_attribute("data-bench") for r in rows] == [str(b) for b in model.benches]
    wait.until(lambda b: rows[-1].find_element(By.CSS_SELECTOR, ".stage").text == "mail")
    browser.find_element(By.CSS_SELECTOR,
                         f'button.open[data-host="{model.instructor.name}"]').click()
    wait.until(lambda b: f"root@{model.instructor.name.upper()}:~#" in screen_text(b))
    everyone = browser.find_element(By.ID, "check-all")
    if checked:  # the engine is there: check every bench, as an instructor does
        everyone.click()
        WebDriverWait(browser, 180).until(lambda b: everyone.is_enabled())

    def class_view_row(b):
        """Bench's row in the class view, once the frame (reloaded after a check) shows every
        cell checked."""
        b.switch_to.default_content()
        b.switch_to.frame(b.find_element(By.ID, "classview"))
        rows = b.find_elements(By.ID, f"bench-{bench}")
        unchecked = checked and b.find_elements(By.CSS_SELECTOR, "td.cell.none")
        return rows[0] if rows and not unchecked else None
    row = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,)
                        ).until(class_view_row)
    assert row.find_elements(By.CSS_SELECTOR, "td.num")[-1].text == "1"  # the hint opened
    browser.execute_script("arguments[0].scrollIntoView({block: 'end'})", row)
    browser.switch_to.default_content()
    browser.execute_script("window.scrollTo(0, 0)")
    whole_page(browser, SHOTS / "classroom-instructor.png")


def whole_page(browser, path):
    """The whole page, beyond the window (Chromium's DevTools protocol)."""
    import base64
    size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))
