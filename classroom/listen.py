"""Where the classroom's web server listens: LISTEN=ADDRESS:PORT, checked and bound before
the lab is built (a busy port or an address this machine lacks: one line, exit 2, nothing
started).

    DEFAULT                  127.0.0.1:8054: this machine only
    parse_listen(text)       (address, port); UsageError says what is wrong
    bind(address, port)      a listening socket (port 0: a free one); UsageError says why not
    url_of(sock)             http://ADDRESS:PORT/ as a browser on this machine types it
                             (0.0.0.0: 127.0.0.1)
    public_url(sock)         what the students type (0.0.0.0: the machine's first global
                             address), for the access sheet
"""

import errno
import ipaddress
import socket
import subprocess

from lab.base.errors import UsageError

DEFAULT = "127.0.0.1:8054"


def parse_listen(text):
    text = (text or DEFAULT).strip()
    host, colon, port = text.rpartition(":")
    if not colon or not host:
        raise UsageError(f"LISTEN={text}: expected ADDRESS:PORT, e.g. {DEFAULT}")
    host = host.strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise UsageError(f"LISTEN={text}: {host} is not an IP address "
                         f"(e.g. {DEFAULT}, or 0.0.0.0:8054 for a classroom)") from None
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"LISTEN={text}: the port is a number from 0 to 65535")
    return str(address), int(port)


def bind(address, port):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        where = f"{address}:{port}"
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"LISTEN={where}: port {port} is already in use "
                             "(another server, or another classroom; pick another port)") from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise UsageError(f"LISTEN={where}: this machine has no address {address} "
                             "(ip -brief address lists its addresses)") from None
        if error.errno == errno.EACCES:
            raise UsageError(f"LISTEN={where}: port {port} needs privileges; "
                             "choose one above 1023") from None
        raise UsageError(f"LISTEN={where}: cannot listen: {error.strerror}") from None
    sock.setblocking(False)
    return sock


def url_of(sock):
    address, port = sock.getsockname()[:2]
    if address in ("0.0.0.0", "::"):
        address = "127.0.0.1"
    if ":" in address:
        address = f"[{address}]"
    return f"http://{address}:{port}/"


def machine_addresses(listing=None):
    """The machine's own global IPv4 addresses (`ip -4 -o addr show scope global`)."""
    if listing is None:
        try:
            listing = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"],
                                     capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            listing = ""
    return [word.split("/")[0] for line in listing.splitlines()
            for before, word in zip(line.split(), line.split()[1:]) if before == "inet"]


def public_url(sock, addresses=None):
    """What the students type: the listening address, or for 0.0.0.0 the machine's first
    global address (this machine's browser can use url_of)."""
    address, port = sock.getsockname()[:2]
    if address not in ("0.0.0.0", "::"):
        return url_of(sock)
    found = machine_addresses() if addresses is None else addresses
    return f"http://{found[0]}:{port}/" if found else url_of(sock)
