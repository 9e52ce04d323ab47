"""Lint rules for the system: kernel settings written where none exists.

    lint(files, history, history_file) -> [Note]   history: the host's shell history

    sysctl-path   a write to a /proc/sys path that does not exist and looks like one of the
                  settings the TP uses (echo 1 > /proc/sys/net/ip/ip_forward), in the shell
                  history, or a key of /etc/sysctl.conf (net.ip.ip_forward = 1). A write in
                  the history is no longer reported once a later line writes the setting it
                  was meant for (the student found the right path)
"""

import posixpath
import re

from checks.findings import Note, _
from checks.spelling import closest

SYSCTL_CONF = "/etc/sysctl.conf"
PROC_SYS = "/proc/sys/"
# the kernel settings a networking TP writes (paths under /proc/sys)
SETTINGS = ("net/ipv4/ip_forward", "net/ipv4/conf/all/forwarding",
            "net/ipv4/conf/default/forwarding", "net/ipv6/conf/all/forwarding",
            "net/ipv4/icmp_echo_ignore_all", "net/ipv4/icmp_echo_ignore_broadcasts",
            "net/ipv4/ip_default_ttl", "net/ipv4/conf/all/rp_filter",
            "net/ipv4/conf/all/accept_redirects", "net/ipv4/conf/all/send_redirects",
            "net/ipv6/conf/all/disable_ipv6", "net/ipv6/conf/default/disable_ipv6")
PER_INTERFACE = re.compile(r"net/ipv[46]/conf/[^/]+/(forwarding|rp_filter|accept_redirects|"
                           r"send_redirects|disable_ipv6|proxy_arp)")
WRITE = re.compile(r"(?:>>?|\btee\b(?:\s+-a)?)\s*(/proc/sys/[^\s;|&)<>]+)")
SYSCTL_SET = re.compile(r"\bsysctl\b(?:\s+-\w+)*\s+([\w./-]+)\s*=")
TIMESTAMP = re.compile(r"#\d+\s*$")


def lint(files, history, history_file):
    notes = _history(files, history, history_file)
    conf = files.text(SYSCTL_CONF) or ""
    for number, line in enumerate(conf.splitlines(), 1):
        key, equals, _value = line.partition("=")
        if equals and not line.lstrip().startswith(("#", ";")):
            notes += _setting(files, SYSCTL_CONF, number, key.strip())
    return notes


def _history(files, history, history_file):
    """The wrong writes of the history, but those a later line corrected."""
    pending = []  # (Note, the setting it was meant for)
    for number, line in enumerate((history or "").splitlines(), 1):
        if TIMESTAMP.match(line):
            continue
        for written in WRITE.findall(line) + SYSCTL_SET.findall(line):
            path = setting_path(written)
            pending = [(note, meant) for note, meant in pending if meant != path]
            pending += [(note, _meant(path))
                        for note in _setting(files, history_file, number, written)]
    return [pair[0] for pair in pending]


def setting_path(written):
    """The /proc/sys path of "net.ipv4.ip_forward" or "/proc/sys/net/ipv4/ip_forward"."""
    if written.startswith(PROC_SYS):
        return written[len(PROC_SYS):].strip("/")
    return written.replace(".", "/").strip("/") if "/" not in written else written.strip("/")


def _setting(files, where, number, written):
    path = setting_path(written)
    if path in SETTINGS or PER_INTERFACE.fullmatch(path):
        return []
    near = _meant(path)
    if near is None or files.text(PROC_SYS + path) is not None:
        return []  # not one of the TP's settings, or it exists on this host
    common = posixpath.commonpath([path, near])
    folder = PROC_SYS + common if common else PROC_SYS.rstrip("/")
    return [Note(where, number, "sysctl-path",
                 _("{written}: no such kernel setting", written=written),
                 _("Kernel settings exist only where the kernel puts them: writing to a path "
                   "that does not exist fails (No such file or directory, easy to miss), and "
                   "the setting you meant keeps its old value."),
                 _("See what exists with ls {folder}, or search with sysctl -a | grep {leaf}; "
                   "then write the right path and read it back with cat.",
                   folder=folder, leaf=posixpath.basename(near)))]


def _meant(path):
    """The TP setting `path` was probably meant to be: same last part, or a slip away."""
    leaf = posixpath.basename(path)
    same_leaf = [s for s in SETTINGS if posixpath.basename(s) == leaf]
    found = closest(path, same_leaf or SETTINGS)
    if found and (same_leaf or found[0] <= 3):
        return found[1]
    return None
