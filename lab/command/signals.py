"""SIGTERM and SIGHUP stop a lab the way `exit` does: its teardown runs.

    stop_on_signals()   install the handlers (command-line entry points only)
    Stopped             raised by them; a SystemExit, so Mininet's CLI (which swallows
                        Ctrl-C) lets it through to the lab's teardown
    signal_name(stop)   "SIGTERM", for the one line printed on the way out
"""

import signal


class Stopped(SystemExit):
    pass


def stop_on_signals():
    def stop(signum, _frame):
        raise Stopped(128 + signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)


def signal_name(stop):
    return signal.Signals(stop.code - 128).name
