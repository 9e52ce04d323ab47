"""DNS queries made with dnspython from inside a lab host, parsed back in the test.

The test process lives in the machine's namespace, which has no lab address (by
design), so the query runs in the host (`python3 -c` through host.popen) and sends
its answer back on stdout as wire format.

    ask(lab, host, server, name, rdtype, recurse=True)  -> dns.message.Message
    ask_many(lab, host, server, [(name, rdtype)...])     -> [Message], in one process
    transfer(lab, host, server, zone)                    -> ("NOERROR", [names]) or (rcode, [])
"""

import subprocess

import dns.message

ASK = """
import sys, dns.flags, dns.message, dns.query
server, recurse, *queries = sys.argv[1:]
for name, rdtype in zip(queries[::2], queries[1::2]):
    query = dns.message.make_query(name, rdtype, use_edns=0)
    if recurse == "no":
        query.flags &= ~dns.flags.RD
    print(dns.query.udp(query, server, timeout=3).to_wire().hex())
"""

TRANSFER = """
import sys, dns.query, dns.zone, dns.xfr, dns.exception
server, zone = sys.argv[1:]
try:
    names = sorted(str(n) for n in dns.zone.from_xfr(dns.query.xfr(server, zone, timeout=5)).nodes)
    print("NOERROR", *names)
except dns.xfr.TransferError as refusal:
    print(dns.rcode.to_text(refusal.rcode))
except (dns.exception.FormError, EOFError, ConnectionError) as error:
    print("FAILED", type(error).__name__)
"""


def _run_in(lab, host, code, *args):
    process = lab.host(host).popen(["/usr/bin/python3", "-c", code, *args],
                                   stdin=subprocess.DEVNULL)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err.decode()
    return out.decode()


def ask_many(lab, host, server, queries, recurse=True):
    words = [word for query in queries for word in query]
    wires = _run_in(lab, host, ASK, server, "yes" if recurse else "no", *words).split()
    return [dns.message.from_wire(bytes.fromhex(wire)) for wire in wires]


def ask(lab, host, server, name, rdtype="A", recurse=True):
    [answer] = ask_many(lab, host, server, [(name, rdtype)], recurse)
    return answer


def transfer(lab, host, server, zone):
    status, *names = _run_in(lab, host, TRANSFER, server, zone).split()
    return status, names
