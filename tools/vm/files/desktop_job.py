"""Inside the desktop VM, for `make vm-test VARIANT=desktop`: drive the desktop and ask the
host for screenshots.

The host listens on the VM's second serial port (/dev/ttyS1): this script writes
`SHOT name`, the host takes qemu's `screendump` and answers `OK`. Steps:
    1. the desktop is up (the instructor logged in by itself, root may open windows): `desktop`
    2. the lab runs (Mininet CLI through a pseudo-terminal), `xterm s54` opens a window
    3. Wireshark captures in S54 (Mininet's makeTerm, as `xterm s54` does) while D54 runs
       `dig s54.tp541.iut` a few times: `wireshark`
Exit code 0 when every step got there.
"""

import os
import select
import subprocess
import sys
import time

import pexpect

DISPLAY = {"DISPLAY": ":0"}
WIRESHARK = ("py __import__('mininet.term', fromlist=['makeTerm']).makeTerm("
             "s54, title='wireshark s54', term='xterm', "
             "cmd='wireshark -k -i s54-eth0 -o gui.ask_unsaved:FALSE')")


def say(text):
    print(f"desktop_job: {text}", flush=True)


class Flushed:
    """pexpect's log, flushed at once (stdout is a pipe to the console)."""

    def write(self, text):
        sys.stdout.write(text)
        sys.stdout.flush()

    def flush(self):
        sys.stdout.flush()


FAILED = []


def wait_until(what, probe, deadline_s, diagnose=None):
    """True once probe() is; False (noted, the job goes on) after deadline_s."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if probe():
            say(f"{what}: yes")
            return True
        time.sleep(0.5)
    if diagnose:
        diagnose()
    say(f"FAIL {what}: not within {deadline_s} s")
    FAILED.append(what)
    return False


def diagnose_x(lab):
    for command in (["ss", "-ltnp"], ["sh", "-c", "DISPLAY=:0 xhost"],
                    ["sh", "-c", "tail -n 20 /home/instructor/.xsession-errors"]):
        answer = subprocess.run(command, capture_output=True, text=True)
        say(f"{' '.join(command)}: {answer.stdout.strip()} {answer.stderr.strip()}")
    for command in ("s54 ss -ltnp", "s54 ps -ef | grep -E 'xterm|socat|wireshark' | grep -v grep",
                    "s54 xterm -display localhost:0 -e true 2>&1"):
        lab.sendline(command)
        lab.expect("mininet> ")


def x_answers():
    return subprocess.run(["xhost"], env={**os.environ, **DISPLAY},
                          capture_output=True).returncode == 0


def window_names():
    answer = subprocess.run(["xwininfo", "-root", "-tree"], env={**os.environ, **DISPLAY},
                            capture_output=True, text=True)
    return answer.stdout


def terminal_viewable():
    answer = subprocess.run(["xwininfo", "-name", "classlab: cd /opt/classlab && sudo make lab"],
                            env={**os.environ, **DISPLAY}, capture_output=True, text=True)
    return "IsViewable" in answer.stdout


class Host:
    """The host at the other end of /dev/ttyS1."""

    def __init__(self, device="/dev/ttyS1"):
        subprocess.run(["stty", "-F", device, "raw", "-echo", "115200"], check=True)
        self.fd = os.open(device, os.O_RDWR | os.O_NOCTTY)

    def shot(self, name, deadline_s=60):
        os.write(self.fd, f"SHOT {name}\n".encode())
        answer, end = b"", time.monotonic() + deadline_s
        while b"OK" not in answer:
            left = end - time.monotonic()
            if left <= 0:
                raise SystemExit(f"desktop_job: the host did not take screenshot {name}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                answer += os.read(self.fd, 64)
        say(f"screenshot {name} taken")


def main():
    host = Host()
    if not wait_until("the X display answers root (xhost)", x_answers, 600):
        return 1
    wait_until("the instructor's terminal is on screen", terminal_viewable, 300)
    # As in the desktop's terminal: DISPLAY=localhost:0, so Mininet tunnels X to each host.
    lab = pexpect.spawn("/usr/bin/python3", ["-m", "lab", "run"], cwd="/opt/classlab",
                        env={**os.environ, "DISPLAY": "localhost:0", "TERM": "dumb"},
                        encoding="utf-8", timeout=600)
    lab.logfile_read = Flushed()
    lab.expect("mininet> ")
    host.shot("desktop")  # by now the terminal has long been drawn
    # Mininet starts its socat X tunnel and the xterm at the same moment: under software
    # emulation the xterm can lose that race and exit. One more try, as a user would.
    for attempt in (1, 2):
        lab.sendline("xterm s54")
        lab.expect("mininet> ")
        if wait_until(f"xterm s54 has a window (try {attempt})",
                      lambda: '"S54"' in window_names(), 60,
                      diagnose=lambda: diagnose_x(lab)):
            FAILED[:] = []
            break
    lab.sendline(WIRESHARK)
    lab.expect("mininet> ")
    wait_until("Wireshark captures on s54-eth0",
               lambda: "Capturing from s54-eth0" in window_names(), 300,
               diagnose=lambda: (say(window_names()), diagnose_x(lab)))
    for _ in range(3):
        lab.sendline("d54 dig s54.tp541.iut")
        lab.expect("mininet> ")
    host.shot("wireshark")
    lab.sendline("exit")
    lab.expect(pexpect.EOF, timeout=120)
    if FAILED:
        say(f"lab stopped; failed: {', '.join(FAILED)}")
        return 1
    say("lab stopped; every step passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
