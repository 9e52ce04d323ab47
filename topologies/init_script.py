"""init_machine.sh, rendered from the class model (pure text, no root needed).

The lab report's benches were set up by an `init_machine.sh` per machine. The
testbed writes the same kind of script into each emulated host
(/root/init_machine.sh) and runs it there, so a student can read exactly what
was done: `s54 cat /root/init_machine.sh`.

    render_init_script(spec)  -> the script's text for one HostSpec
"""

SCRIPT_PATH = "/root/init_machine.sh"


def render_init_script(spec):
    lines = ["#!/bin/sh",
             f"# init_machine.sh for {spec.name.upper()}, generated from the class model",
             "set -e",
             "# IPv4 only, as in the report: no IPv6 chatter in the captures",
             "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"]
    for intf in spec.interfaces:
        lines.append(f"ip addr replace {intf.address} dev {intf.name}")
        lines.append(f"ip link set {intf.name} up")
    for route in spec.routes:
        lines.append(f"ip route replace {route.destination} via {route.via}")
    forwarding = 1 if spec.forwarding else 0
    comment = "  # route between LANs" if spec.forwarding else ""
    lines.append(f"echo {forwarding} > /proc/sys/net/ipv4/ip_forward{comment}")
    lines.append("rm -f /etc/resolv.conf  # this host's own copy (copy-on-write /etc)")
    lines.append(f'echo "nameserver {spec.resolver}" > /etc/resolv.conf')
    return "\n".join(lines) + "\n"
