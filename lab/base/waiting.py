"""The one place the lab waits: poll a probe until it answers, or fail at a deadline.

    wait_until(probe, what, timeout)  -> the probe's first truthy answer, or NotReadyError
"""

import time

from lab.base.errors import NotReadyError


def wait_until(probe, what, timeout=10.0, retry_on=()):
    """Call probe() until it returns something truthy and return that.

    `what` names the thing awaited ("named on HOST answers SOA for ZONE"): it is
    the message of the NotReadyError raised when `timeout` seconds pass first.
    Exceptions listed in retry_on count as "not yet".
    """
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            answer = probe()
        except retry_on:
            answer = None
        if answer:
            return answer
        if time.monotonic() >= deadline:
            raise NotReadyError(f"{what}: not ready after {timeout:g} s")
        time.sleep(delay)  # wait_until's polling interval, growing to 0.1 s
        delay = min(delay * 2, 0.1)
