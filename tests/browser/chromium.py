"""Headless Chromium for the browser tests: Debian's chromium-driver, driven by python3-selenium.

    needs_chromium          a skip mark for a machine without chromium-driver (sudo make deps)
    start(profile, lang="en-US", window=(1400, 1000))   a headless Chromium (webdriver.Chrome)
                            with its profile in the folder `profile`
    whole_page(driver, path)   the whole page as a PNG, beyond the window (DevTools)
    shots()                 where screenshots go: $SCREENSHOTS when set (`make screenshots`
                            sets docs/screenshots: the README's copies), else results/screenshots/
                            of the checkout (a run never changes files under git)

The fixture `chromium` (tests/browser/conftest.py) opens them in a test and quits them after.
"""

import base64
import os
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW = (1400, 1000)

needs_chromium = pytest.mark.skipif(not Path(CHROMEDRIVER).exists(),
                                    reason="chromium-driver is not installed (sudo make deps)")


def shots():
    folder = Path(os.environ.get("SCREENSHOTS") or REPO / "results" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start(profile, lang="en-US", window=WINDOW):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                     f"--user-data-dir={profile}", f"--lang={lang}",
                     f"--window-size={window[0]},{window[1]}"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def whole_page(driver, path):
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    Path(path).write_bytes(base64.b64decode(shot["data"]))
