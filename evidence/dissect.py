"""Reading captures with tshark, Wireshark's own dissector, in the lab report's style.

    count_frames(pcap, display_filter)   how many frames match
    dissection(pcap, protocol, filter)   `tshark -O protocol`, kept to the depth the report
                                         shows: one summary line per layer, the protocol's
                                         fields and records ("Frame 1: 96 bytes on wire ...")
    flow(pcap, display_filter)           [(time, source, destination, info)]: Wireshark's
                                         Info column, frame by frame
    ladder_text(rows, names)             the flow as a readable ladder for a terminal
    fields(pcap, display_filter, *names) tshark -T fields, one tuple per frame

tshark reads files only: it never captures or sends anything.
"""

import re
import subprocess

BIT_LINE = re.compile(r"^[01.]{4} [01.]{4}")
TCP_SEGMENT = re.compile(r"^\d+ → \d+ (\[[^\]]+\])")
DNS_MESSAGE = re.compile(r"^Standard query (response )?0x[0-9a-f]+ (\w+) (\S+)(.*)$")



def _tshark(*arguments):
    result = subprocess.run(["tshark", "-n", *arguments], capture_output=True, text=True)
    if result.returncode != 0 and "appears to have been cut short" not in result.stderr:
        raise RuntimeError(f"tshark {' '.join(arguments)}: {result.stderr.strip()}")
    return result.stdout


def fields(pcap, display_filter, *names):
    arguments = ["-r", str(pcap), "-Y", display_filter, "-T", "fields", "-E", "separator=\t"]
    for name in names:
        arguments += ["-e", name]
    return [tuple(line.split("\t")) for line in _tshark(*arguments).splitlines() if line]


def count_frames(pcap, display_filter):
    try:
        return len(fields(pcap, display_filter, "frame.number"))
    except RuntimeError:
        return 0


def dissection(pcap, protocol, display_filter=None):
    text = _tshark("-2", "-r", str(pcap), "-Y", display_filter or protocol, "-O", protocol)
    return "\n".join(line for line in text.splitlines() if _shown(line))


def _shown(line):
    """Two levels deep, without the flag bit lines ("    .... ...1 .... .... = Recursion ...")."""
    depth = (len(line) - len(line.lstrip(" "))) // 4
    return depth <= 2 and not BIT_LINE.match(line.strip())


def flow(pcap, display_filter):
    rows = fields(pcap, display_filter, "frame.time_relative", "ip.src", "ip.dst",
                  "_ws.col.Info", "tcp.payload")
    return [(float(time), source, destination, _short_info(info) + _pipelined_quit(payload))
            for time, source, destination, info, *payload in rows]


def _pipelined_quit(payload):
    """Postfix sends QUIT in the same segment as the message's last line: tshark shows that
    segment as the message (IMF) only, so the QUIT is named here."""
    tail = bytes.fromhex(payload[0].replace(":", "")) if payload and payload[0] else b""
    return " | C: QUIT" if tail.endswith(b"\r\nQUIT\r\n") else ""


def _short_info(info):
    """A bare TCP segment reads as its flags ("[SYN, ACK]"), a DNS message as what it asks
    or answers ("query MX DOMAIN", "answer MX 0 EXCHANGER NS SERVER ..."); SMTP lines
    stay whole."""
    segment = TCP_SEGMENT.match(info)
    if segment:
        return segment.group(1)
    dns = DNS_MESSAGE.match(info)
    if dns:
        response, rdtype, name, records = dns.groups()
        records = records.replace(" OPT", "").strip()
        return f"answer {records}" if response else f"query {rdtype} {name}"
    return info.strip()


def ladder_text(rows, names=None):
    """One line per frame: time, who talks to whom (an arrow), what (the Info column)."""
    names = names or {}
    actors = []
    for _, source, destination, _ in rows:
        for address in (source, destination):
            if address not in actors:
                actors.append(address)
    label = {a: f"{names.get(a, '')} {a}".strip() for a in actors}
    width = max((len(v) for v in label.values()), default=0)
    lines = []
    for time, source, destination, info in rows:
        left_to_right = actors.index(source) <= actors.index(destination)
        arrow = "------>" if left_to_right else "<------"
        first, second = (source, destination) if left_to_right else (destination, source)
        lines.append(f"{time:10.6f}  {label[first]:>{width}} {arrow} {label[second]:<{width}}  {info}")
    return "\n".join(lines)
