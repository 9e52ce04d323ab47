"""check's agent inside a host: one Python process a host a check, that does there what the
probes ask (its source is given to `python3 -B -I -S -c`; standard library only, dnspython
and scapy imported from Debian's packages when first needed). One Python start and one import a host, instead of one
a probe: a class of 30 benches is checked in the time asked.

Requests are JSON lines on stdin, {"id": N, "do": WHAT, ...}; each runs in a thread of its
own and is answered by one JSON line on stdout, {"id": N, "result": ...} or {"id": N,
"error": "..."}. The agent ends when stdin closes. No command it runs reads that stdin
(`script`, for one, would take the next requests as typed input): each gets /dev/null.

    run       {"argv", "timeout"}        -> {"code", "out", "err"} (code 124: timed out)
    postfix_check {"known"?}              -> {"rc", "output", "fingerprint"}: `postfix check`
              under a terminal, or {"cached": true} when the fingerprint of all it looks
              at (stat of its files and folders) is still `known`
    files     {"paths", "folders", "stat_only"} -> {path: [text, mtime, error]}: missing,
              [null, null, null]; a file that is not a regular one carries an error
    zones     {"directory", "zones": [[zone, file]], "status_only"?, "fresh"?} -> {zone: {"text" (rndc
              zonestatus), "file", "check" (named-compilezone: its checks and its dump),
              "rc", "mtime"}}; rndc and named-compilezone run once a zone an agent's life
              (fresh: again)
    dns       {"asks": [...]}            -> one answer an ask: a query to a server, a query
              through the host's resolv.conf ("stub"), a zone transfer ("axfr")
    forward   {"destination", "ident"}   -> scapy: echo requests with TTL 1 and 64; what
              answered each ({ttl: {src, type, summary}}), and scapy's count
    relay     {"address", "helo", "sender", "local", "outside"} -> the SMTP dialogue
              (EHLO, MAIL FROM, RCPT TO local, RCPT TO outside, then RSET: never DATA)
    mail      {"actions": [...]}         -> one result an action, done in order:
        {"do": "snapshot", "mbox": PATH} -> {"exists", "size", "mtime", "atime", "folder"} (ns):
            the mailbox as this agent first saw it
        {"do": "send", "sender", "to", "token", "host", "subject"?}
            /usr/sbin/sendmail -oi -f SENDER -- TO, as `mail` does; the message carries
            the token in its Message-ID and Subject          -> {"rc", "said"}
        {"do": "await", "mboxes": [PATH], "token", "timeout", "snapshots"?: {PATH: snap}}
            waits until a message holding the token is in one of the mailboxes, then
            removes every message holding it from each of them (under the locks Postfix's
            local delivery takes: PATH.lock, then fcntl), leaving the file as it was (its
            dates back when its size is back; removed when it did not exist and is empty)
            and its folder's dates too (snapshots: those given, and those of this list's
            "snapshot" actions)                                -> {"found", "headers"}
        {"do": "log", "token", "timeout", "until"}  the mail log's lines of every queue ID
            the token appears with (and of the bounces they caused), once a line matches
            `until` or the timeout passed                      -> {"lines", "log"}
        {"do": "purge", "token", "if_lost"?}  removes from the queue every message whose
            sender or recipient holds the token (postqueue -j, postsuper -d); with if_lost,
            only when an "await" before it in the list found nothing -> {"removed"}
"""

import email.utils
import fcntl
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
import threading
import time

BOUNDARY = re.compile(rb"(?:\A|(?<=\n\n))From ")
SHOWN = ("return-path", "x-original-to", "delivered-to", "from", "to", "subject")
POLL = 0.02


# --- commands and files ------------------------------------------------------------------

def run(request):
    try:
        done = subprocess.run(request["argv"], capture_output=True, stdin=subprocess.DEVNULL,
                              timeout=request.get("timeout", 5))
    except subprocess.TimeoutExpired as late:
        return {"code": 124, "out": (late.stdout or b"").decode(errors="replace"),
                "err": (late.stderr or b"").decode(errors="replace")}
    except OSError as error:
        return {"code": 127, "out": "", "err": str(error)}
    return {"code": done.returncode, "out": done.stdout.decode(errors="replace"),
            "err": done.stderr.decode(errors="replace")}


def files(request):
    found = {}

    def take(path, read=True):
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            found[path] = [None, None, None]
            return
        except OSError as error:
            found[path] = [None, None, error.strerror]
            return
        if not read or stat.S_ISDIR(info.st_mode):
            found[path] = [None, info.st_mtime, None]
        elif not stat.S_ISREG(info.st_mode):
            found[path] = [None, info.st_mtime, "not a regular file"]
        else:
            try:
                with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOATIME", 0)),
                               "rb") as handle:  # the student's access dates left as they were
                    text = handle.read(1 << 20).decode("utf-8", "replace")
                found[path] = [text, info.st_mtime, None]
            except OSError as error:
                found[path] = [None, info.st_mtime, error.strerror]
    for path in request.get("paths", ()):
        take(path)
    for path in request.get("stat_only", ()):
        take(path, read=False)
    for folder in request.get("folders", ()):
        for top, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(top, name)
                try:
                    small = os.path.getsize(path) <= (256 << 10)
                except OSError:
                    small = False
                take(path, read=small)
    return found


# --- postfix check ----------------------------------------------------------------------------

SPOOL = "/var/spool/postfix"
POSTFIX_TREES = ("/etc/postfix", "/var/lib/postfix")
POSTFIX_FILES = ("/usr/sbin/postqueue", "/usr/sbin/postdrop", "/usr/sbin/sendmail",
                 "/usr/lib/sendmail")
COPIES = ("bin", "etc", "lib", "sbin", "usr")  # the spool's copies of the system's files


def postfix_fingerprint():
    """What `postfix check` looks at, as stat() sees it: its configuration and data trees,
    the queue's folders (not the messages in them), the spool's copies of system files and
    the files they copy, the set-gid commands. Equal fingerprints, equal findings."""
    digest = hashlib.sha1()

    def add(path, whole):
        try:
            info = os.lstat(path)
        except OSError:
            digest.update(f"{path} -\n".encode())
            return
        digest.update(f"{path} {info.st_mode} {info.st_uid} {info.st_gid}".encode())
        if whole and not stat.S_ISDIR(info.st_mode):
            digest.update(f" {info.st_size} {info.st_mtime_ns}".encode())
        digest.update(b"\n")

    def walk(top, counterpart=None):
        add(top, True)
        for folder, dirs, names in os.walk(top):
            dirs.sort()
            for name in sorted(dirs + names):
                path = os.path.join(folder, name)
                add(path, True)
                if counterpart and name in names:
                    add(counterpart + path[len(SPOOL):], True)
    for top in POSTFIX_TREES:
        walk(top)
    try:
        entries = sorted(os.listdir(SPOOL))
    except OSError:
        entries = []
    for name in entries:
        path = os.path.join(SPOOL, name)
        if name in COPIES:
            walk(path, counterpart="")
        elif name == "corrupt":
            walk(path)
        else:
            add(path, False)
    for path in POSTFIX_FILES:
        add(path, True)
    return digest.hexdigest()


def postfix_check(request):
    """`postfix check` (under a terminal: it writes what it finds only to one), unless the
    fingerprint of what it checks is `known`: then {"cached": true}."""
    if request.get("known") and postfix_fingerprint() == request["known"]:
        return {"cached": True, "fingerprint": request["known"]}
    code, said = _ran(["script", "-qec", "postfix check", "/dev/null"], timeout=30)
    return {"rc": code, "output": said.replace("\r", ""), "fingerprint": postfix_fingerprint()}


# --- named's zones --------------------------------------------------------------------------

_CACHE, _CACHE_LOCK = {}, threading.Lock()


def once(key, compute):
    """compute() once in this agent's life (one check): the requests asking the same wait
    for the first one's answer."""
    with _CACHE_LOCK:
        entry = _CACHE.get(key)
        first = entry is None
        if first:
            entry = _CACHE[key] = [threading.Event(), None]
    if first:
        try:
            entry[1] = compute()
        finally:
            entry[0].set()
    else:
        entry[0].wait(30)
    return entry[1]


def _ran(argv, timeout=5):
    done = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return done.returncode, (done.stdout + done.stderr).decode(errors="replace").strip()


def _zone_format(path):
    """"raw" for a secondary's copy in named's raw format, else "text"."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
    except OSError:
        return "text"
    return "raw" if b"\0" in head else "text"


def zones(request):
    """For each [zone, file]: what rndc zonestatus says and the file it names (relative to
    named's directory); unless "status_only", named-compilezone's output on that file (its
    checks, as named-checkzone's, and its dump: one full line a record), exit code, date.
    {zone: {"text", "file", "check", "rc", "mtime"}}; each zone once an agent's life."""
    folder = request.get("directory") or "/"
    # "fresh": asked again (a secondary's copy, while a transfer may be on its way)
    remembered = (lambda key, compute: compute()) if request.get("fresh") else once

    def one(zone, file):
        _code, status = remembered(("rndc", zone), lambda: _ran(["rndc", "zonestatus", zone]))
        named = re.search(r"^files: (\S+)", status, re.M)
        file = named.group(1) if named else file
        if request.get("status_only"):
            return zone, {"text": status, "file": file, "rc": 0, "check": "", "mtime": None}
        path = file if file.startswith("/") else os.path.join(folder, file)
        code, checked = remembered(("compile", zone, path), lambda: _ran([
            "named-compilezone", "-f", _zone_format(path), "-o", "-", zone, path]))
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            mtime = None
        return zone, {"text": status, "file": file, "rc": code, "check": checked,
                      "mtime": mtime}
    found, threads = {}, []
    for zone, file in request["zones"]:
        thread = threading.Thread(target=lambda z=zone, f=file: found.__setitem__(*one(z, f)))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return found


# --- DNS ---------------------------------------------------------------------------------

def site_packages():
    """Debian's packages (dnspython, scapy): the agent starts without site (python3 -I -S)."""
    for folder in ("/usr/local/lib/python3/dist-packages", "/usr/lib/python3/dist-packages"):
        if folder not in sys.path and os.path.isdir(folder):
            sys.path.append(folder)


def dns_asks(request):
    site_packages()
    import dns.exception
    import dns.flags
    import dns.message
    import dns.name
    import dns.query
    import dns.rcode
    import dns.rdatatype
    import dns.resolver
    import dns.xfr
    import dns.zone

    def lines(rrsets):
        return [f"{rr.name} {rr.ttl} IN {dns.rdatatype.to_text(rr.rdtype)} {rd.to_text()}"
                for rr in rrsets for rd in rr]

    def message(response, **more):
        return {"rcode": dns.rcode.to_text(response.rcode()),
                "flags": dns.flags.to_text(response.flags).lower().split(),
                "answer": lines(response.answer), "authority": lines(response.authority),
                "additional": lines(response.additional), **more}
    out = []
    for ask in request["asks"]:
        kind, wait = ask.get("kind", "query"), ask.get("timeout", 1.5)
        try:
            if kind == "query":
                query = dns.message.make_query(ask["name"], ask["type"], use_edns=0)
                if not ask.get("rd", True):
                    query.flags &= ~dns.flags.RD
                out.append(message(dns.query.udp(query, ask["server"], timeout=wait)))
            elif kind == "stub":
                resolver = dns.resolver.Resolver()
                resolver.lifetime = wait
                answer = resolver.resolve(ask["name"], ask["type"], raise_on_no_answer=False)
                out.append(message(answer.response, server=str(answer.nameserver)))
            else:
                origin = dns.name.from_text(ask["zone"])
                zone = dns.zone.from_xfr(dns.query.xfr(ask["server"], origin, timeout=wait,
                                                       lifetime=wait, relativize=False),
                                         relativize=False)
                out.append({"rcode": "NOERROR", "answer": sorted(
                    f"{name} {ttl} IN {dns.rdatatype.to_text(rd.rdtype)} {rd.to_text()}"
                    for name, ttl, rd in zone.iterate_rdatas())})
        except dns.xfr.TransferError as refusal:
            out.append({"rcode": dns.rcode.to_text(refusal.rcode)})
        except dns.resolver.NXDOMAIN:
            out.append({"rcode": "NXDOMAIN"})
        except dns.resolver.NoResolverConfiguration:
            out.append({"error": "no nameserver in /etc/resolv.conf"})
        except dns.exception.Timeout:
            out.append({"error": "timed out"})
        except Exception as error:
            out.append({"error": f"{type(error).__name__}: {error}".splitlines()[0]})
    return out


# --- a packet, with scapy ----------------------------------------------------------------

def forward(request):
    site_packages()
    from scapy.config import conf
    conf.verb = 0
    from scapy.layers.inet import ICMP, IP
    from scapy.sendrecv import sr
    destination, ident = request["destination"], int(request["ident"])
    probes = [IP(dst=destination, ttl=1) / ICMP(id=ident, seq=1),
              IP(dst=destination, ttl=64) / ICMP(id=ident, seq=2)]
    answered, unanswered = sr(probes, timeout=request.get("timeout", 1.5), verbose=0)
    seen = {}
    for sent, got in answered:
        seen[str(sent[IP].ttl)] = {"src": got[IP].src, "type": int(got[ICMP].type),
                                   "summary": got.summary()}
    return {"seen": seen, "said": f"Received {len(answered)} answers, "
                                  f"{len(unanswered)} unanswered"}


# --- SMTP, no DATA -------------------------------------------------------------------------

def relay(request):
    import smtplib
    said = []
    try:
        smtp = smtplib.SMTP(local_hostname=request["helo"], timeout=3)
        code, text = smtp.connect(request["address"], 25)
        said.append(["S", f"{code} {text.decode(errors='replace')}"])
        code, text = smtp.ehlo(request["helo"])
        said += [["C", f"EHLO {request['helo']}"],
                 ["S", f"{code} {text.decode(errors='replace').splitlines()[0]}"]]
        for verb, argument in (("MAIL FROM", request["sender"]), ("RCPT TO", request["local"]),
                               ("RCPT TO", request["outside"])):
            command = f"{verb}:<{argument}>"
            code, text = smtp.docmd(command)
            said += [["C", command], ["S", f"{code} {text.decode(errors='replace')}"]]
        smtp.docmd("RSET")
        smtp.quit()
    except (OSError, smtplib.SMTPException) as error:
        said.append(["!", f"{type(error).__name__}: {error}"])
    return said


# --- mail ----------------------------------------------------------------------------------

_FIRST, _FIRST_LOCK = {}, threading.Lock()


def first_snapshot(mbox):
    """The mailbox as this agent first saw it (its life is one check): probes running side
    by side put it back as it was before any of them, the last one done restoring it."""
    with _FIRST_LOCK:
        if mbox not in _FIRST:
            _FIRST[mbox] = snapshot(mbox)
        return _FIRST[mbox]


def snapshot(mbox):
    try:
        folder = os.stat(os.path.dirname(mbox))
        times = {"folder": [folder.st_atime_ns, folder.st_mtime_ns]}
    except OSError:
        times = {}
    try:
        info = os.stat(mbox)
    except FileNotFoundError:
        return {"exists": False, "size": 0, "mtime": None, "atime": None, **times}
    return {"exists": True, "size": info.st_size, "mtime": info.st_mtime_ns,
            "atime": info.st_atime_ns, **times}


def send(action):
    token, host = action["token"], action["host"]
    message = (f"From: classlab check <{action['sender']}>\n"
               f"To: <{action['to']}>\n"
               f"Subject: {action.get('subject') or 'classlab check'} {token}\n"
               f"Message-ID: <{token}@{host}>\n"
               f"Date: {email.utils.formatdate(localtime=True)}\n"
               f"X-Classlab-Check: {token}\n\n"
               f"classlab check {token}: removed once seen.\n")
    done = subprocess.run(["/usr/sbin/sendmail", "-oi", "-f", action["sender"], "--",
                           action["to"]], input=message.encode(), capture_output=True,
                          timeout=10)
    return {"rc": done.returncode, "said": (done.stdout + done.stderr).decode(errors="replace")}


def _read_quietly(path):
    """A mailbox's bytes, read without touching its access date (which mail readers take
    for "read since the last mail"); FileNotFoundError when there is none."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOATIME", 0))
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def _messages(data):
    starts = [m.start() for m in BOUNDARY.finditer(data)]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    return [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)])]


def _headers(message):
    head = message.split(b"\n\n", 1)[0].decode(errors="replace").splitlines()
    return [line for line in head[1:] if line.split(":", 1)[0].lower() in SHOWN]


LOCK_WAIT = 3.0  # seconds: how long a probe waits for a mailbox's locks


class Busy(Exception):
    """Someone else holds the mailbox (a mail reader, a delivery): it is left untouched."""


def _locked(mbox):
    """Postfix's order: the dot lock, then fcntl, within LOCK_WAIT, else Busy. (fd, dot)"""
    dot, deadline = mbox + ".lock", time.monotonic() + LOCK_WAIT
    while True:
        try:
            os.close(os.open(dot, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            break
        except FileExistsError:
            if time.monotonic() > deadline:
                raise Busy(mbox) from None
            time.sleep(POLL)
    try:
        fd = os.open(mbox, os.O_RDWR | getattr(os, "O_NOATIME", 0))
    except OSError:
        os.unlink(dot)
        raise
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd, dot
        except OSError:
            if time.monotonic() > deadline:
                os.close(fd)
                os.unlink(dot)
                raise Busy(mbox) from None
            time.sleep(POLL)


def remove(mbox, token, snap):
    """Every message holding the token out of mbox; the headers of the first one."""
    snap = snap or {}
    try:
        if token.encode() not in _read_quietly(mbox):
            return None  # not here: no lock taken (a lock file would date the folder)
        fd, dot = _locked(mbox)
    except (FileNotFoundError, Busy):
        return None  # busy: never rewritten without Postfix's locks (the mail stays)
    try:
        data = b""
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            data += chunk
        messages = _messages(data)
        mine = [m for m in messages if token.encode() in m]
        kept = b"".join(m for m in messages if token.encode() not in m)
        if not mine:
            kept = data
        if mine:
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, kept)
            os.ftruncate(fd, len(kept))
            os.fsync(fd)
        # still under the locks: a delivery waiting for them finds the file as it was
        if not kept and snap.get("exists") is False:
            os.unlink(mbox)
        elif snap.get("exists") and len(kept) == snap["size"]:
            os.utime(fd, ns=(snap["atime"], snap["mtime"]))
    finally:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        os.close(fd)
        os.unlink(dot)
    if snap.get("folder") and os.path.exists(mbox) == snap["exists"]:
        os.utime(os.path.dirname(mbox), ns=tuple(snap["folder"]))  # lock files came and went
    return _headers(mine[0]) if mine else None


def pause(delay):
    """Sleep, then the next delay: 5 ms growing to 100 ms (a class checked at once waits
    without spinning)."""
    time.sleep(delay)
    return min(delay * 1.5, 0.1)


def await_mail(action, taken):
    token, deadline = action["token"].encode(), time.monotonic() + action["timeout"]
    snaps, found, delay = {**taken, **action.get("snapshots", {})}, None, 0.005
    while found is None:
        for mbox in action["mboxes"]:
            try:
                if token in _read_quietly(mbox):
                    found = mbox
                    break
            except FileNotFoundError:
                continue
        if found is None:
            if time.monotonic() > deadline:
                break
            delay = pause(delay)
    headers = []
    for mbox in action["mboxes"]:
        taken_out = remove(mbox, action["token"], snaps.get(mbox))
        if mbox == found and taken_out:
            headers = taken_out
    return {"found": found, "headers": headers}


def log_file():
    return once(("maillog_file",), _log_file)


def _log_file():
    try:
        said = subprocess.run(["postconf", "-xh", "maillog_file"], capture_output=True,
                              timeout=5, stdin=subprocess.DEVNULL).stdout.decode().strip()
    except (OSError, subprocess.TimeoutExpired):
        said = ""
    return said or "/var/log/mail.log"


def log_lines(action):
    """Only the log's end is read: from a little before the token's first line (the line
    naming the queue ID comes just before), then what was added since."""
    path, token = log_file(), action["token"]
    until = re.compile(action["until"]) if action.get("until") else None
    deadline = time.monotonic() + action.get("timeout", 0)
    start, text, delay = None, b"", 0.005
    while True:
        try:
            with open(path, "rb") as handle:
                if start is None:
                    data = handle.read()
                    first = data.find(token.encode())
                    start = len(data) if first < 0 else max(0, data.rfind(b"\n", 0, max(
                        0, first - 8192)) + 1)
                    text = data[start:]
                else:
                    handle.seek(start + len(text))
                    text += handle.read()
        except FileNotFoundError:
            return {"lines": [], "log": None}
        lines = _token_lines(text.decode(errors="replace").splitlines(), token)
        if until is None or any(until.search(line) for line in lines) \
                or time.monotonic() > deadline:
            return {"lines": lines, "log": path}
        delay = pause(delay)


QUEUE_ID = re.compile(r"\]: ([0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}): ")


def _token_lines(lines, token):
    """The lines of each queue ID the token appears with, and of the bounces they caused."""
    ids = []
    for line in lines:
        found = QUEUE_ID.search(line)
        if found and token in line and found.group(1) not in ids:
            ids.append(found.group(1))
    for line in lines:
        found = QUEUE_ID.search(line)
        notice = re.search(r"non-delivery notification: (\S+)$", line)
        if found and found.group(1) in ids and notice and notice.group(1) not in ids:
            ids.append(notice.group(1))
    return [line for line in lines
            if (lambda m: m and m.group(1) in ids)(QUEUE_ID.search(line))]


def purge(action):
    token, removed = action["token"], []
    try:
        listed = subprocess.run(["postqueue", "-j"], capture_output=True, timeout=5,
                                stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {"removed": []}
    for line in listed.decode(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        addresses = [entry.get("sender", "")] + [r.get("address", "")
                                                 for r in entry.get("recipients", [])]
        if any(token in address for address in addresses):
            subprocess.run(["postsuper", "-d", entry["queue_id"]], capture_output=True,
                           timeout=5, stdin=subprocess.DEVNULL)
            removed.append(entry["queue_id"])
    return {"removed": removed}


def mail(request):
    results, taken = [], {}  # taken: the snapshots of this list, for "await"
    actions = {"snapshot": lambda a: taken.setdefault(a["mbox"], first_snapshot(a["mbox"])),
               "send": send, "await": lambda a: await_mail(a, taken), "log": log_lines,
               "purge": purge}
    for action in request["actions"]:
        arrived = [r.get("found") for r in results if isinstance(r, dict) and "found" in r]
        if action.get("if_lost") and arrived and all(arrived):
            results.append({"removed": []})  # every mail arrived: nothing is left queued
            continue
        try:
            results.append(actions[action["do"]](action))
        except Exception as error:  # one action's failure is its result; the rest go on
            results.append({"error": f"{type(error).__name__}: {error}"})
    return results


# --- the loop -------------------------------------------------------------------------------

HANDLERS = {"run": run, "files": files, "postfix_check": postfix_check, "zones": zones,
            "dns": dns_asks, "forward": forward, "relay": relay, "mail": mail}


def serve(lines=sys.stdin, out=sys.stdout):
    lock = threading.Lock()

    def answer(request):
        try:
            reply = {"id": request["id"], "result": HANDLERS[request["do"]](request)}
        except Exception as error:
            reply = {"id": request.get("id"), "error": f"{type(error).__name__}: {error}"}
        with lock:
            out.write(json.dumps(reply) + "\n")
            out.flush()
    for line in lines:
        if line.strip():
            threading.Thread(target=answer, args=(json.loads(line),), daemon=True).start()
    for thread in threading.enumerate():  # stdin closed: let the requests in flight end
        if thread is not threading.current_thread():
            thread.join()


if __name__ == "__main__":
    serve()
