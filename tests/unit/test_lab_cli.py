"""The pure parts of the CLI's live views (lab/command/lab_cli.py): what `xterm`, `wireshark`
and `capture` accept and refuse, the command lines they run, where a capture lands; and that
`make clean` stops the programs they record. No root, no lab: host names come from the model."""

import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from lab.base.errors import UsageError
from lab.base.processes import NSENTER, is_running, record_process
from lab.command.lab_cli import (Target, capture_path, dumpcap_complaint, live_help, login_environment,
                                 over_tcp,
                                 parse_hosts, parse_target, program_of, shell_argv,
                                 window_titles, wireshark_argvs, wireshark_title, xterm_argv)
from lab.runtime import cleanup
from lab.runtime.rundir import RunDir
from tests.unit.test_packages import installed_packages
from topologies.model import classroom

MODEL = classroom()
BENCH = MODEL.benches[-1]
SERVER, SEAT = MODEL.server(BENCH), MODEL.seat(BENCH)
HOST = SERVER.name
FIRST, SECOND = SERVER.interfaces[0].name, SERVER.interfaces[1].name
INTERFACES = {h.name: [i.name for i in h.interfaces] for h in MODEL.hosts}


def refused(call, *words):
    with pytest.raises(UsageError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message
    return message


# -- parsing ------------------------------------------------------------------------------

def test_a_host_alone_views_its_first_interface():
    assert parse_target("wireshark", HOST, INTERFACES) == Target(HOST, FIRST, "")
    assert parse_target("capture", f"  {HOST}  ", INTERFACES, with_filter=True) == \
        Target(HOST, FIRST, "")


def test_an_interface_of_the_host_or_any_or_lo_is_taken():
    for interface in (SECOND, "any", "lo"):
        assert parse_target("wireshark", f"{HOST} {interface}", INTERFACES).interface == interface


def test_the_rest_of_a_capture_line_is_its_filter():
    assert parse_target("capture", f"{HOST} {SECOND} udp  port 53", INTERFACES, True) == \
        Target(HOST, SECOND, "udp port 53")
    assert parse_target("capture", f"{HOST} udp port 53", INTERFACES, True) == \
        Target(HOST, FIRST, "udp port 53")
    assert parse_target("capture", f"{HOST} not arp", INTERFACES, True).bpf == "not arp"


def test_no_host_or_an_unknown_host_is_one_line_naming_it():
    refused(lambda: parse_target("wireshark", "", INTERFACES), "usage: wireshark HOST [IFACE]")
    refused(lambda: parse_target("capture", "nohost", INTERFACES, True), "no host 'nohost'", HOST)
    refused(lambda: parse_hosts("xterm", "  ", INTERFACES), "usage: xterm HOST")
    refused(lambda: parse_hosts("xterm", f"{HOST} nohost", INTERFACES), "no host 'nohost'")


def test_a_long_host_list_is_cut_in_the_message():
    many = {f"h{n}": ["h-eth0"] for n in range(40)}
    message = refused(lambda: parse_hosts("xterm", "nohost", many), "h0", "h11, ...")
    assert "h12" not in message


def test_an_interface_the_host_lacks_is_refused_not_taken_for_a_filter():
    other = SEAT.interfaces[0].name  # another host's interface
    refused(lambda: parse_target("capture", f"{HOST} {other}", INTERFACES, True),
            f"{HOST} has no interface '{other}'", FIRST)
    refused(lambda: parse_target("capture", f"{HOST} {HOST}-eth99 port 53", INTERFACES, True),
            f"'{HOST}-eth99'")
    refused(lambda: parse_target("wireshark", f"{HOST} eth0", INTERFACES), "no interface 'eth0'")


def test_wireshark_takes_no_filter():
    refused(lambda: parse_target("wireshark", f"{HOST} {FIRST} port 53", INTERFACES),
            "too many words: 'port 53'")


def test_hosts_for_xterm():
    assert parse_hosts("xterm", f"{HOST} {SEAT.name}", INTERFACES) == [HOST, SEAT.name]


# -- command lines ------------------------------------------------------------------------

def test_the_xterm_runs_on_the_machine_and_its_shell_is_make_shells():
    argv = xterm_argv(HOST, 4242)
    assert argv[:6] == ["xterm", "-T", HOST.upper(), "-n", HOST.upper(), "-e"]
    shell = argv[6:]
    assert shell == shell_argv(HOST, 4242)
    assert shell[:len(NSENTER)] == NSENTER and set("nmup") <= {w[1] for w in NSENTER[1:]}
    assert shell[len(NSENTER):len(NSENTER) + 7] == ["-t", "4242", "--", "env", "-i", "-C", "/root"]
    assert not [word for word in shell if word.startswith(("--wd", "-w"))]  # the machine's /root
    assert f"PS1=root@{HOST.upper()}:\\w# " in shell and shell[-3:] == ["bash", "--norc", "-i"]


def test_a_login_keeps_the_terminal_and_language_but_not_the_callers_frontend():
    kept = login_environment({"TERM": "xterm-256color", "LANG": "fr_FR.UTF-8",
                              "DEBIAN_FRONTEND": "noninteractive", "PATH": "/opt/py/bin"})
    assert "TERM=xterm-256color" in kept and "LANG=fr_FR.UTF-8" in kept
    assert not [word for word in kept if "DEBIAN_FRONTEND" in word or "/opt/py" in word]


def test_the_shell_prompt_is_root_at_the_host_in_its_home(tmp_path):
    prompt = next(w for w in shell_argv(HOST, 1) if w.startswith("PS1="))[4:]
    shown = subprocess.run(["bash", "--norc", "-i", "-c", 'echo "${PS1@P}"'], text=True,
                           env={"PS1": prompt, "HOME": str(tmp_path)}, cwd=tmp_path,
                           capture_output=True).stdout
    assert shown == f"root@{HOST.upper()}:~# \n"  # in its home, as a host's shell starts


def test_wireshark_shows_the_machines_display_and_captures_in_the_hosts_network():
    (argv,) = wireshark_argvs(4242, FIRST, piped=False)
    assert argv == ["nsenter", "--net=/proc/4242/ns/net", "--", "wireshark", "-k", "-i", FIRST]
    assert program_of(argv) == "wireshark"
    assert wireshark_title(FIRST, piped=False) == f"Capturing from {FIRST}"


def test_over_tcp_wireshark_reads_dumpcap_from_a_pipe():
    dumpcap, wireshark = wireshark_argvs(4242, FIRST, piped=True)
    assert dumpcap == ["nsenter", "--net=/proc/4242/ns/net", "--",
                       "dumpcap", "-q", "-i", FIRST, "-w", "-"]
    assert wireshark == ["wireshark", "-k", "-i", "-"]
    assert [program_of(dumpcap), program_of(wireshark)] == ["dumpcap", "wireshark"]
    assert wireshark_title(FIRST, piped=True) == "Capturing from -"


@pytest.mark.parametrize("display, tcp", [
    (":0", False), (":99.0", False), ("unix:1", False), ("/tmp/launch-x/org.xquartz:0", False),
    ("localhost:10.0", True), ("remote:0", True), ("[::1]:0", True), ("::1:0", True),
])
def test_which_displays_a_host_network_cannot_reach(display, tcp):
    assert over_tcp(display) is tcp


def test_a_capture_file_names_host_interface_and_time(tmp_path):
    when = datetime(2024, 3, 5, 14, 7, 9)
    path = capture_path(tmp_path, HOST, FIRST, when)
    assert path == tmp_path / f"capture-{HOST}-{FIRST}-20240305-140709.pcapng"
    path.write_bytes(b"")
    assert capture_path(tmp_path, HOST, FIRST, when).name.endswith("-140709-2.pcapng")


def test_window_titles_from_xwininfo():
    tree = ('xwininfo: Window id: 0x3d7 (the root window) (has no name)\n'
            '  Root window id: 0x3d7 (the root window) (has no name)\n'
            '     2 children:\n'
            '     0x400006 "Capturing from -": ("wireshark" "Wireshark")  750x550+20+20  +20+20\n'
            f'     0x20000c "{HOST.upper()}": ("xterm" "XTerm")  484x316+0+0  +0+0\n'
            '     0x400008 (has no name): ()  1x1+-1+-1  +-1+-1\n')
    assert window_titles(tree) == ["Capturing from -", HOST.upper()]


def test_dumpcap_errors_in_one_line():
    said = ('Capturing on \'x\'\ndumpcap: Invalid capture filter "udp prot 53" for interface '
            "'x'.\n\nThat string isn't a valid capture filter (can't parse filter expression: "
            "syntax error).\nSee the User's Guide for a description of the capture filter syntax.\n")
    assert dumpcap_complaint(said) == ('Invalid capture filter "udp prot 53" for interface \'x\' '
                                       "(can't parse filter expression: syntax error)")
    assert dumpcap_complaint('dumpcap: There is no device named "y".\n(No such device exists)') \
        == 'There is no device named "y" (No such device exists)'
    assert dumpcap_complaint("") == "dumpcap failed"


def test_the_help_names_a_host_of_the_lab():
    text = live_help(HOST, FIRST)
    assert f"xterm {HOST}" in text and f"wireshark {HOST}" in text and f"capture {HOST}" in text
    assert FIRST in text and "Ctrl-C" in text


# -- what a fresh machine installs, what make clean stops --------------------------------

def test_install_deps_installs_what_the_live_views_and_their_tests_run():
    assert {"xterm", "wireshark", "x11-utils", "xvfb", "xdotool", "imagemagick"} <= \
        installed_packages()


def test_make_clean_stops_a_recorded_view_by_pid(tmp_path):
    rundir = RunDir(tmp_path / "run")
    program = subprocess.Popen(["sleep", "60"])
    try:
        record = record_process("host", "xterm", program.pid)
        rundir.write_state({"views": [record.to_dict()]})
        done = cleanup.clean(rundir, say=lambda _line: None)
        program.wait(timeout=10)
        assert not is_running(record)
        assert f"stopped xterm of host (pid {program.pid})" in done
        assert not Path(rundir.state_file).exists()
    finally:
        if program.poll() is None:
            program.kill()
            program.wait()
