"""make classroom in a real browser: headless Chromium (Debian's chromium-driver) driven by
python3-selenium (tests/browser/chromium.py), on a real lab (root; the class's last bench at
stage mail, the server on 127.0.0.1).

Two browsers at once, as in a classroom. The class's last bench logs in with its code from
the access sheet, types `ping -c 1 ADDRESS` (the instructor's server, from the model) in its
server's terminal and reads the reply there, and runs check (checks/check.py): forwarding
PASSes. The instructor logs in and sees that bench's row. The student then turns forwarding
off and mistypes the repair (a path that does not exist), checks again: forwarding FAILs, lint
points at the shell history's line; the student opens two hint steps. Without touching their
page, the instructor sees the row change: forwarding FAIL, two hints opened; they open STP's
terminal and run check on every bench: the other bench's row joins. Screenshots:
classroom-student.png and classroom-instructor.png (results/screenshots/, or $SCREENSHOTS:
`make screenshots`).
"""

import os
from pathlib import Path

import pytest

from classroom.launch import read_codes, start, stop, wait_for_url
from tests.browser.chromium import needs_chromium, shots, whole_page
from topologies.model import classroom

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CHECKED = 180  # seconds a check of the bench may take on a loaded machine

pytestmark = [needs_chromium,
              pytest.mark.skipif(os.geteuid() != 0, reason="a real lab needs root")]


@pytest.fixture
def served(tmp_path):
    """The classroom on a real lab: (model, its URL, the codes of its access sheet)."""
    model = classroom()
    process = start(tmp_path, "--stage", "mail")
    try:
        url, _port, _said = wait_for_url(process, tmp_path / "server.log")
        yield model, url, read_codes(tmp_path)
    finally:
        stop(process)


def log_in(browser, url, code):
    browser.get(url)
    field = browser.find_element(By.ID, "code")
    field.send_keys(code)
    field.send_keys(Keys.ENTER)


def screen_text(browser):
    return browser.execute_script(
        "return window.classroomScreenText ? window.classroomScreenText() : '';")


def type_in(browser, line):
    browser.find_element(By.CSS_SELECTOR, ".screen.active").click()  # xterm.js takes the keys
    ActionChains(browser).send_keys(line + "\n").perform()


def run_check(browser):
    """Press Run check; the panel once it shows a check made after the press."""
    made = "var m = document.querySelector('#check .made'); return m ? m.textContent : '';"
    before = browser.execute_script(made)
    button = browser.find_element(By.ID, "run-check")
    button.click()
    WebDriverWait(browser, CHECKED).until(
        lambda b: button.is_enabled() and b.execute_script(made) not in ("", before))


def objective(browser, name):
    return browser.find_element(By.CSS_SELECTOR, f'#check [data-objective="{name}"]')


def open_hint(browser, name, step):
    """Click the objective's "Hint STEP of N"; its hints once STEP of them show."""
    button = objective(browser, name).find_element(By.CSS_SELECTOR, "button.next-hint")
    assert button.text.startswith(f"Hint {step} of "), button.text
    button.click()
    WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda b: len(objective(b, name).find_elements(By.CSS_SELECTOR, "li.hint")) == step)
    return [hint.text for hint in objective(browser, name).find_elements(By.CSS_SELECTOR,
                                                                          "li.hint")]


def class_view_cell(browser, bench, name):
    """(the cell's state class, the row's hints opened) of bench's row in the class view,
    as the instructor's page shows it now (it reloads the frame by itself)."""
    browser.switch_to.default_content()
    browser.switch_to.frame(browser.find_element(By.ID, "classview"))
    try:
        rows = browser.find_elements(By.ID, f"bench-{bench}")
        if not rows:
            return None
        cell = rows[0].find_element(By.XPATH, f'.//td[a[contains(@title, " {name} ")]]')
        state = next(c for c in cell.get_attribute("class").split() if c != "cell")
        return state, rows[0].find_elements(By.CSS_SELECTOR, "td.num")[-1].text
    finally:
        browser.switch_to.default_content()


def test_a_student_breaks_forwarding_and_the_instructor_sees_the_row_change(served, chromium):
    model, url, codes = served
    bench = model.benches[-1]
    server = model.server(bench)
    address = model.instructor.interfaces[0].ip
    student = chromium(window=(1500, 1200))
    wait = WebDriverWait(student, 30)

    log_in(student, url, codes[str(bench)])
    wait.until(expected_conditions.url_contains("/bench"))
    tab = wait.until(expected_conditions.presence_of_element_located(
        (By.CSS_SELECTOR, f'.tab.active[data-host="{server.name}"]')))
    assert tab.text == server.name.upper()
    wait.until(lambda b: f"root@{server.name.upper()}:~#" in screen_text(b))
    type_in(student, f"ping -c 1 {address}")
    wait.until(lambda b: "packet loss" in screen_text(b))
    text = screen_text(student)
    assert f"64 bytes from {address}" in text and "1 received" in text, text

    run_check(student)
    assert "PASS" in objective(student, "routing.forwarding").get_attribute("class").split()
    summary = student.find_element(By.CSS_SELECTOR, "#check .summary").text
    assert summary.startswith(f"Bench {bench}, stage mail:"), summary

    instructor = chromium(window=(1400, 1900))  # the whole page in view: xterm.js draws there
    log_in(instructor, url, codes["instructor"])
    WebDriverWait(instructor, 30).until(expected_conditions.url_contains("/instructor"))
    WebDriverWait(instructor, 30).until(
        lambda b: class_view_cell(b, bench, "routing.forwarding") == ("pass", "0"))

    type_in(student, "echo 0 > /proc/sys/net/ipv4/ip_forward")
    type_in(student, "echo 1 > /proc/sys/net/ip/ip_forward")  # the repair, mistyped
    wait.until(lambda b: "No such file or directory" in screen_text(b))
    run_check(student)
    failing = objective(student, "routing.forwarding")
    assert "FAIL" in failing.get_attribute("class").split()
    assert failing.find_elements(By.CSS_SELECTOR, "pre")  # what check saw
    first = open_hint(student, "routing.forwarding", 1)
    shown = open_hint(student, "routing.forwarding", 2)
    assert shown[0] == first[0] and all(shown), shown
    finding = student.find_element(
        By.CSS_SELECTOR, f'#lint [data-host="{server.name}"] [data-code="sysctl-path"]')
    assert "/root/.bash_history:" in finding.find_element(By.CSS_SELECTOR, ".where").text
    assert "/proc/sys/net/ip/ip_forward" in finding.find_element(By.CSS_SELECTOR, ".what").text
    assert finding.find_element(By.CSS_SELECTOR, ".why").text.startswith("why: ")
    assert finding.find_element(By.CSS_SELECTOR, ".fix").text.startswith("fix: ")

    # the instructor's page, untouched, reloads its class view by itself
    WebDriverWait(instructor, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda b: class_view_cell(b, bench, "routing.forwarding") == ("fail", "2"))

    stp = model.instructor.name
    instructor.find_element(By.CSS_SELECTOR, f'button.open[data-host="{stp}"]').click()
    WebDriverWait(instructor, 30).until(lambda b: f"root@{stp.upper()}:~#" in screen_text(b))
    everyone = instructor.find_element(By.ID, "check-all")
    everyone.click()
    other = model.benches[0]
    WebDriverWait(instructor, CHECKED, ignored_exceptions=(StaleElementReferenceException,)
                  ).until(lambda b: everyone.is_enabled()
                          and class_view_cell(b, other, "routing.forwarding") == ("pass", "0"))
    assert class_view_cell(instructor, bench, "routing.forwarding") == ("fail", "2")

    folder = shots()
    student.execute_script("document.querySelector('aside').scrollTop = 0")
    student.save_screenshot(str(folder / "classroom-student.png"))
    whole_page(instructor, folder / "classroom-instructor.png")
