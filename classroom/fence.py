"""What a session may reach: the fence between benches, for hosts and for files.

A student's session reaches the hosts of its own bench, and the files of results/ that
belong to them (captures of its hosts, its bench's hand-ins); the instructor's reaches every
host (its own server included) and every such file. Whatever a URL says is checked here.

    Refused(status, reason, public)   an HTTP status, the reason for the server's log, and
                     the Text the client reads (it names nothing the client did not send)
    hosts_for(model, session)         the host names the session may open, in the class's order
    check_host(model, session, name)  the name if allowed; Refused 404 (no such host) or 403
    check_bench(model, session, text) the bench number if allowed; Refused 404 or 403
    safe_name(text)                   the file name if it is one plain name; Refused 400
    owner_of(model, name)             (kind, host or bench) of a results/ file name: captures
                                      name their host, hand-ins their bench; None otherwise
    files_for(model, session, folder) {"captures": [...], "handins": [...]}: what the session
                                      may download from folder (top level only, no links)
    check_file(model, session, folder, kind, owner, name) -> the Path to send; Refused 400,
                                      403 or 404 (a name not in the listing: 404, whoever has it)
"""

import re
from pathlib import Path

from checks.findings import _

CAPTURE = re.compile(r"^capture-(?P<rest>.+)\.pcapng$")
HANDIN = re.compile(r"^handin-(?P<bench>\d+)-[0-9-]+\.tar\.gz$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


class Refused(Exception):
    def __init__(self, status, reason, public):
        super().__init__(reason)
        self.status, self.reason, self.public = status, reason, public


def hosts_for(model, session):
    if session.instructor:
        return [host.name for host in model.hosts]
    return [host.name for host in model.hosts if host.bench == session.bench]


def check_host(model, session, name):
    known = {host.name: host for host in model.hosts}
    if name not in known:
        raise Refused(404, f"no host {name!r} in the class", _("No such machine."))
    if not session.instructor and known[name].bench != session.bench:
        raise Refused(403, f"{name} is not on bench {session.bench}",
                      _("This machine is not on your bench."))
    return name


def check_bench(model, session, text):
    if not str(text).isdigit() or int(text) not in model.benches:
        raise Refused(404, f"no bench {str(text)[:40]!r} in the class", _("No such bench."))
    if not session.instructor and int(text) != session.bench:
        raise Refused(403, f"bench {text} is not bench {session.bench}",
                      _("This is not your bench."))
    return int(text)


def safe_name(text):
    if not NAME.match(text or "") or ".." in text:
        raise Refused(400, f"not a plain file name: {str(text)[:80]!r}", _("Bad file name."))
    return text


def owner_of(model, name):
    found = CAPTURE.match(name)
    if found:
        # the longest host name that prefixes the rest: a host named like the start of
        # another one (bench 5 and bench 54) is not taken for it
        hosts = [h.name for h in model.hosts if found.group("rest").startswith(h.name + "-")]
        return ("capture", max(hosts, key=len)) if hosts else None
    found = HANDIN.match(name)
    if found and int(found.group("bench")) in model.benches:
        return ("handin", int(found.group("bench")))
    return None


def _reachable(model, session, kind, owner):
    if session.instructor:
        return True
    if kind == "capture":
        return model.host(owner).bench == session.bench
    return owner == session.bench


def files_for(model, session, folder):
    found = {"captures": [], "handins": []}
    folder = Path(folder)
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        if path.is_symlink() or not path.is_file() or not NAME.match(path.name):
            continue
        owner = owner_of(model, path.name)
        if owner and _reachable(model, session, *owner):
            found["captures" if owner[0] == "capture" else "handins"].append(
                {"name": path.name, "owner": str(owner[1]), "size": path.stat().st_size})
    return found


def check_file(model, session, folder, kind, owner, name):
    safe_name(name)
    if kind == "capture":
        check_host(model, session, owner)
    else:
        owner = check_bench(model, session, owner)
    listed = files_for(model, session, folder)["captures" if kind == "capture" else "handins"]
    if not any(item["name"] == name and item["owner"] == str(owner) for item in listed):
        raise Refused(404, f"{name} is not among the files of {owner}", _("No such file."))
    return Path(folder) / name
