"""The CLI's live views on a real lab (lab/command/lab_cli.py), on a display of its own (Xvfb):
`wireshark SERVER` shows the seat's DNS query and its answer (a screenshot lands in
results/live-view/wireshark-dns.png; docs/screenshots/wireshark-dns.png is a copy of one),
`xterm SERVER` opens a window titled SERVER whose shell runs inside SERVER, `capture SERVER`
writes a pcapng until stopped. Bad input: one line, nothing left. The CLI itself, through a
pseudo-terminal: Ctrl-C stops a capture (not the lab), `exit` stops every view, and `make
clean` stops them after the lab was killed. About the machine itself: the first class file
only; the seat, the server and the name the seat asks for come from the class model.

The tests without the module's `lab` fixture come first: they start labs of their own, and
the module's lab (built for the first test that asks for it) runs until the module ends."""

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pexpect
import pytest

from evidence.dissect import count_frames, fields
from lab.base.errors import LabError, UsageError
from lab.base.processes import (ProcessRecord, children_of, is_running, record_process,
                                stop_process)
from lab.base.waiting import wait_until
from lab.command.lab_cli import LabCLI, LiveViews, Target
from lab.runtime.rundir import RunDir
from tests.integration.conftest import PYTHON, REPO, leftovers, one_class
from topologies.model import classroom

class_file = one_class()

PROMPT = "mininet> "
TOOLS = ("Xvfb", "xdotool", "import", "xwininfo", "xterm", "wireshark", "dumpcap")
RESULTS = REPO / "results" / "live-view"


class Played:
    """The seat and the server of the class's last bench, and the name the seat asks for:
    the server's name in the bench's mail domain (an A record of the class's zones)."""

    def __init__(self, model):
        bench = model.benches[-1]
        self.seat, self.server = model.seat(bench), model.server(bench)
        self.interface = self.server.interfaces[0].name  # the backbone: the seat's DNS crosses it
        self.name = f"{self.server.name}.{model.mail_origin(bench)}"
        self.addresses = model.lookup(self.name, "A")
        assert self.addresses, self.name
        self.title = self.server.name.upper()


def played_for(path):
    return Played(classroom(path=path))


@pytest.fixture(scope="module")
def played(class_file):
    return played_for(class_file)


@pytest.fixture(scope="module")
def display():
    """An X server of the tests' own (Xvfb) on the first free display; stopped by its PID."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: sudo make deps (tools/install-deps)")
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"], pass_fds=(write,), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()  # written once it accepts clients
    assert number.isdigit(), "Xvfb did not start"
    try:
        yield f":{number}"
    finally:
        stop_process(record_process("machine", "Xvfb", xvfb.pid))
        xvfb.wait()


@pytest.fixture(scope="module")
def desktop(display, tmp_path_factory):
    """The environment the lab's views get: the display, and a home of the tests' own (where
    Wireshark keeps its profile, the CLI its history), not root's."""
    return {**os.environ, "DISPLAY": display, "HOME": str(tmp_path_factory.mktemp("home"))}


def x(display, *argv, **kwargs):
    return subprocess.run(list(argv), env={**os.environ, "DISPLAY": display},
                          capture_output=True, timeout=30, **kwargs)


def window(display, title):
    """The id of the window named exactly `title`, once there is one."""
    def found():
        ids = x(display, "xdotool", "search", "--name", f"^{re.escape(title)}$").stdout.split()
        return ids[0].decode() if ids else None
    return wait_until(found, f"a window '{title}' on {display}", 30)


def pcapng_in(directory):
    files = sorted(Path(directory).glob("*.pcapng"))
    return files[0] if files else None


def answered(pcap, name):
    """The A records of the DNS answer about `name` in a capture file (its answer section:
    the first dns.count.answers of the A records, which the additional section follows)."""
    rows = fields(pcap, f'dns.flags.response == 1 && dns.qry.name == "{name}"',
                  "dns.count.answers", "dns.a")
    if not rows:
        return []
    count, addresses = rows[0]
    return sorted(addresses.split(",")[:int(count)])


# ---- the CLI through a pseudo-terminal (labs of their own) -------------------------------

def as_in_a_terminal():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn_lab(desktop, class_file):
    child = pexpect.spawn(PYTHON, ["-m", "lab", "run", "--class", str(class_file)], cwd=str(REPO),
                          encoding="utf-8", timeout=120, dimensions=(50, 250),
                          env=desktop, preexec_fn=as_in_a_terminal)
    child.expect(PROMPT)
    return child


def type_in(child, line, timeout=60):
    child.sendline(line)
    child.expect(PROMPT, timeout=timeout)
    return child.before.replace("\r\n", "\n")


def views_recorded():
    return [ProcessRecord(**entry) for entry in RunDir().read_state().get("views", [])]


def in_host(host, *argv):
    """Run argv inside a host of the running lab, as `make shell` enters it."""
    shells = {entry["host"]: entry["pid"] for entry in RunDir().read_state()["shells"]}
    return subprocess.run(["nsenter", "-n", "-m", "-u", "-p", "-t", str(shells[host]), "--",
                           *argv], capture_output=True, text=True, timeout=30)


def test_the_cli_captures_until_ctrl_c_opens_views_and_exit_stops_them(desktop, class_file):
    played, display = played_for(class_file), desktop["DISPLAY"]
    child = spawn_lab(desktop, class_file)
    try:
        child.sendline("help")  # its examples hold the prompt: read up to its last line
        child.expect("Every program they start stops with the lab")
        assert f"mininet> wireshark {played.server.name}" in child.before
        child.expect(PROMPT)
        child.sendline(f"capture {played.server.name} udp port 53")
        child.expect("Ctrl-C stops it")
        assert in_host(played.seat.name, "dig", played.name).returncode == 0
        child.sendintr()  # Ctrl-C: stops the capture, not the lab
        child.expect(PROMPT)
        said = child.before.replace("\r\n", "\n")
        path = Path(REPO / re.search(r"(results/capture-\S+\.pcapng): (\d+) frame", said).group(1))
        assert answered(path, played.name) == sorted(played.addresses), said
        path.unlink()
        assert views_recorded() == []
        shown = type_in(child, f"xterm {played.server.name}")
        assert f"'{played.title}' on {display}" in shown
        (xterm,) = [r for r in views_recorded() if r.what == "xterm"]
        assert is_running(xterm)
        refused = type_in(child, f"wireshark {played.server.name} nope")
        assert refused.strip().endswith(f"has no interface 'nope' (its interfaces: "
                                        f"{', '.join(i.name for i in played.server.interfaces)}"
                                        f", any, lo)")
        child.sendline("exit")
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert not is_running(xterm)
    assert leftovers() == []


def test_make_clean_stops_the_views_of_a_killed_lab(desktop, class_file):
    played = played_for(class_file)
    child = spawn_lab(desktop, class_file)
    try:
        type_in(child, f"wireshark {played.server.name}")
        views = views_recorded()
        assert {"wireshark", "dumpcap"} <= {r.what for r in views}, views
        os.kill(child.pid, signal.SIGKILL)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    cleaned = subprocess.run([PYTHON, "-m", "lab", "clean"], cwd=REPO, capture_output=True,
                             text=True, timeout=120)
    assert cleaned.returncode == 0, cleaned.stderr
    assert "stopped wireshark of" in cleaned.stdout
    assert not any(is_running(record) for record in views)
    assert leftovers() == []


# ---- the views themselves, on the module's lab ------------------------------------------

@pytest.fixture
def cli(lab, desktop):
    """LabCLI on the module's lab, as `make lab` opens it but fed no input: the tests call its
    commands (onecmd); close() stops what they started, as `exit` does."""
    with open(os.devnull) as nothing:
        cli = LabCLI(lab, results=RESULTS, environ=desktop,
                     stdin=nothing, script=os.devnull)
        try:
            yield cli
        finally:
            cli.close()
    assert lab.rundir.read_state().get("views") == []


def stopped(view):
    return not any(is_running(record) for record in view.records) and not view.directory.exists()


def still_picture(display, window_id):
    """The window's pixels once two screenshots in a row are the same (Wireshark redraws its
    list a few times a second while packets come)."""
    last = [None]

    def settled():
        pixels = x(display, "import", "-window", window_id, "ppm:-").stdout
        same, last[0] = pixels == last[0], pixels
        return same
    wait_until(settled, "Wireshark's window to settle", 30)


def test_wireshark_shows_the_seats_dns_query_and_its_answer(cli, lab, display, played):
    cli.onecmd(f"wireshark {played.server.name}")
    (view,) = cli.views.views
    assert {"wireshark", "dumpcap"} <= {record.what for record in view.records}
    window_id = window(display, f"Capturing from {played.interface}")
    x(display, "xdotool", "windowmove", window_id, "0", "0")
    x(display, "xdotool", "windowsize", window_id, "1280", "800")
    dig = lab.cmd(played.seat.name, f"dig {played.name}")
    assert "status: NOERROR" in dig and all(a in dig for a in played.addresses)
    # Wireshark's dumpcap writes its temporary file in the view's own directory
    pcap = wait_until(lambda: pcapng_in(view.directory), "Wireshark's capture file", 10)
    wait_until(lambda: answered(pcap, played.name), "the answer in Wireshark's capture", 10)
    assert answered(pcap, played.name) == sorted(played.addresses)
    assert count_frames(pcap, f'dns.flags.response == 0 && dns.qry.name == "{played.name}"') == 1
    # select the answer, as a student clicks it: its details show under the list
    x(display, "xdotool", "windowfocus", "--sync", window_id, "key", "ctrl+End")
    still_picture(display, window_id)
    RESULTS.mkdir(parents=True, exist_ok=True)
    shot = RESULTS / "wireshark-dns.png"
    assert x(display, "import", "-window", window_id, "-strip", str(shot)).returncode == 0
    assert shot.stat().st_size > 10_000
    cli.close()
    assert stopped(view) and cli.views.views == []


def test_wireshark_over_a_tcp_display_reads_dumpcap_through_a_pipe(cli, lab, display, played):
    view = cli.views.wireshark(Target(played.server.name, played.interface), piped=True)
    assert [r.what for r in view.records[:2]] == ["dumpcap", "wireshark"]
    window(display, "Capturing from -")
    assert "status: NOERROR" in lab.cmd(played.seat.name, f"dig {played.name}")
    pcap = wait_until(lambda: pcapng_in(view.directory), "Wireshark's capture file", 10)
    wait_until(lambda: answered(pcap, played.name), "the answer in Wireshark's capture", 10)
    cli.close()
    assert stopped(view)


def test_xterm_opens_a_shell_inside_the_host(cli, lab, display, played):
    host = lab.host(played.server.name)
    cli.onecmd(f"xterm {played.server.name}")
    (view,) = cli.views.views
    window_id = window(display, played.title)
    xterm = view.records[0]
    assert xterm.what == "xterm"
    shell = wait_until(lambda: below(xterm.pid, "bash"), "the xterm's shell", 10)
    for namespace in ("net", "mnt", "uts", "pid"):
        assert os.readlink(f"/proc/{shell}/ns/{namespace}") == \
            os.readlink(f"/proc/{host.pid}/ns/{namespace}"), namespace
    assert os.readlink(f"/proc/{view.records[0].pid}/ns/net") == os.readlink("/proc/self/ns/net")  # the machine's
    x(display, "xdotool", "windowfocus", "--sync", window_id)
    # a relative path: the shell's working directory must be the host's /root
    x(display, "xdotool", "type", "--delay", "10", 'echo "$(hostname) $PWD $PS1" > seen\n')
    try:
        seen = wait_until(lambda: lab.cmd(played.server.name, "cat /root/seen 2>/dev/null"),
                          "the xterm's shell to write /root/seen inside the host", 20)
        assert seen.strip() == f"{played.server.name} /root root@{played.title}:\\w#"
    finally:
        wrong = Path("/root/seen")  # the machine's /root: the shell must not write there
        if wrong.exists():
            wrong.unlink()
            pytest.fail("the xterm's shell wrote into the machine's /root")
    x(display, "import", "-window", window_id, "-strip", str(RESULTS / "xterm.png"))
    cli.close()
    assert stopped(view)
    assert x(display, "xdotool", "search", "--name", f"^{played.title}$").stdout == b""


def test_capture_writes_a_pcapng_until_stopped(lab, played):
    views = LiveViews(lab, results=RESULTS, environ={}, say=lambda _line: None)

    def dig_then_stop():  # what the user does before Ctrl-C
        assert "status: NOERROR" in lab.cmd(played.seat.name, f"dig {played.name}")
        recorded = lab.rundir.read_state()["views"]
        assert [entry["what"] for entry in recorded] == ["dumpcap"]
        wait_until(lambda: count_frames(views.views[0].path, "dns.flags.response == 1"),
                   "the answer in the file", 10)

    path, frames = views.capture(Target(played.server.name, played.interface, "udp port 53"),
                                 until=dig_then_stop)
    assert path.parent == RESULTS and path.name.startswith(
        f"capture-{played.server.name}-{played.interface}-") and path.suffix == ".pcapng"
    assert frames == 2  # the query, the answer: the filter kept ARP out
    assert answered(path, played.name) == sorted(played.addresses)
    assert views.views == [] and lab.rundir.read_state()["views"] == []
    path.unlink()


def test_a_capture_stopped_by_ctrl_c_stops_dumpcap(lab, played):
    views = LiveViews(lab, results=RESULTS, environ={}, say=lambda _line: None)
    recorded = []

    def interrupted():
        recorded.extend(ProcessRecord(**e) for e in lab.rundir.read_state()["views"])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        views.capture(Target(played.server.name, played.interface), until=interrupted)
    assert recorded and not any(is_running(record) for record in recorded)
    assert views.views == [] and lab.rundir.read_state()["views"] == []
    for path in RESULTS.glob(f"capture-{played.server.name}-*.pcapng"):
        path.unlink()


def bad(call, *words):
    with pytest.raises(LabError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message and all(word in message for word in words), message
    return caught.value


def test_bad_input_is_one_line_and_leaves_nothing(lab, desktop, played):
    before = set(RESULTS.glob("*.pcapng")) if RESULTS.exists() else set()
    server, interface = played.server.name, played.interface
    views = LiveViews(lab, results=RESULTS, environ=desktop, say=lambda _line: None)
    bad(lambda: views.capture(Target(server, interface, "udp prot 53")),
        "Invalid capture filter", "udp prot 53", "syntax error")
    bad(lambda: views.capture(Target(server, "nope")), "no device named", "nope")
    bad(lambda: views.xterm("nohost"), "no host 'nohost'")
    without = LiveViews(lab, results=RESULTS, environ={"PATH": os.environ["PATH"]})
    assert isinstance(bad(lambda: without.wireshark(Target(server, interface)),
                          "no display", f"capture {server}"), UsageError)
    bad(lambda: without.xterm(server), "no display", f"make shell HOST={server}")
    assert views.views == [] and without.views == []
    assert lab.rundir.read_state().get("views", []) == []
    assert (set(RESULTS.glob("*.pcapng")) if RESULTS.exists() else set()) == before
    host_net = os.readlink(f"/proc/{lab.host(server).pid}/ns/net")
    assert not [pid for pid in os.listdir("/proc") if pid.isdigit()
                and _net_of(pid) == host_net and _comm(pid) == "dumpcap"]


def below(pid, command):
    """The PID of a process named `command` among pid's descendants, or None."""
    for child in children_of(pid):
        if _comm(child) == command:
            return child
        found = below(child, command)
        if found:
            return found
    return None


def _net_of(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/net")
    except OSError:
        return None


def _comm(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None
