"""Readiness probes several services share: each runs once inside a host, answers True or False.

    banner(host, address, port, greeting)   a TCP server answers with `greeting` first
                                            (SMTP "220 ", IMAP "* OK", POP3 "+OK"), then
                                            the probe says goodbye (QUIT / LOGOUT)
    soa_answer(host, zone, server)          `dig +norec SOA zone` at server: NOERROR, aa
    zone_loaded(host, zone)                 `rndc zonestatus zone` shows a serial (for a zone
                                            that refuses queries from the host itself)
"""

BANNER_PROBE = """
import socket, sys
address, port, greeting, goodbye = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with socket.create_connection((address, port), timeout=2) as peer:
    first = peer.recv(512).decode(errors="replace")
    peer.sendall(goodbye.encode() + b"\\r\\n")
    peer.recv(512)
sys.exit(0 if first.startswith(greeting) else 1)
"""
GOODBYES = {"220 ": "QUIT", "* OK": "a LOGOUT", "+OK": "QUIT"}


def banner(host, address, port, greeting):
    process = host.popen(["/usr/bin/python3", "-c", BANNER_PROBE, address, str(port), greeting,
                          GOODBYES.get(greeting, "QUIT")])
    process.communicate()
    return process.returncode == 0


def soa_answer(host, zone, server="127.0.0.1"):
    process = host.popen(["dig", f"@{server}", "+norec", "+time=1", "+tries=1", "SOA", zone])
    out, _ = process.communicate()
    text = out.decode(errors="replace")
    return "status: NOERROR" in text and " aa" in text.split("flags:", 1)[-1].split(";", 1)[0]


def zone_loaded(host, zone):
    out, _ = host.popen(["rndc", "zonestatus", zone]).communicate()
    return b"\nserial: " in b"\n" + out
