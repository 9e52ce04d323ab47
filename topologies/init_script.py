"""init_machine.sh, rendered from the class model (pure text, no root needed).

The lab report's benches were set up by an `init_machine.sh` per machine. The
testbed writes the same kind of script into each emulated host
(/root/init_machine.sh) and runs it there, so a student can read exactly what
was done: `s54 cat /root/init_machine.sh`. What it does depends on the host's
stage (topologies/stages.py): at `start`, forwarding is off and resolv.conf names
no server.

    render_init_script(spec, forwarding, resolver)  -> the script's text for one HostSpec
    render_network_reset(spec, forwarding)          -> its network part again, after
                                                       flushing what a student changed
                                                       (`reset`)
"""

SCRIPT_PATH = "/root/init_machine.sh"
NO_RESOLVER = "# /etc/resolv.conf: the name servers this host asks (none yet)"


def render_init_script(spec, forwarding=None, resolver=None):
    """forwarding, resolver: the host's at its stage (None: the spec's, as at `done`; a
    resolver "" names none)."""
    forwarding = spec.forwarding if forwarding is None else forwarding
    resolver = spec.resolver if resolver is None else resolver
    lines = ["#!/bin/sh",
             f"# init_machine.sh for {spec.name.upper()}, generated from the class model",
             "set -e"] + _network(spec, forwarding)
    lines.append("rm -f /etc/resolv.conf  # this host's own copy (copy-on-write /etc)")
    if resolver:
        lines.append(f'echo "nameserver {resolver}" > /etc/resolv.conf')
    else:
        lines.append(f'echo "{NO_RESOLVER}" > /etc/resolv.conf')
    return "\n".join(lines) + "\n"


def render_network_reset(spec, forwarding):
    lines = ["set -e"]
    for intf in spec.interfaces:
        lines.append(f"ip link set {intf.name} up")
        lines.append(f"ip -4 addr flush dev {intf.name}")
    lines.append("ip -4 route flush table main")
    return "\n".join(lines + _network(spec, forwarding)) + "\n"


def _network(spec, forwarding):
    lines = ["# IPv4 only, as in the report: no IPv6 chatter in the captures",
             "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"]
    for intf in spec.interfaces:
        lines.append(f"ip addr replace {intf.address} dev {intf.name}")
        lines.append(f"ip link set {intf.name} up")
    for route in spec.routes:
        lines.append(f"ip route replace {route.destination} via {route.via}")
    comment = "  # route between LANs" if forwarding else ""
    lines.append(f"echo {1 if forwarding else 0} > /proc/sys/net/ipv4/ip_forward{comment}")
    return lines
