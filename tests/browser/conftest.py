"""The browser tests' fixture.

    chromium    open(lang="en-US", window=(1400, 1000)) -> a headless Chromium
                (tests/browser/chromium.py), its profile in the test's tmp_path; as many as the
                test opens, each quit at its end (the test is skipped without selenium)
"""

import pytest


@pytest.fixture
def chromium(tmp_path):
    from tests.browser.chromium import WINDOW, start
    opened = []

    def open_one(lang="en-US", window=WINDOW):
        opened.append(start(tmp_path / f"chromium-{len(opened)}", lang, window))
        return opened[-1]
    try:
        yield open_one
    finally:
        for driver in opened:
            driver.quit()
