"""Probes of the network: each bench host's addresses and routes, and the server's
forwarding proven with a packet (scapy, from the seat).

    addresses(ctx)    every bench host carries the class's address on each interface, and
                      its routes (`ip -4 -o addr`, `ip -4 route` in the host)
    forwarding(ctx)   from the seat, an echo request with TTL 1 to the instructor's server
                      gets an ICMP time-exceeded from the server (it forwards, so it
                      decrements the TTL), and one with TTL 64 reaches the instructor
                      (scapy, in the seat's agent: checks/agent.py forward). When the
                      far one is answered and the TTL-1 one is not, it is asked again: once
                      its burst is spent, the kernel sends a host at most one ICMP error a
                      second (net.ipv4.icmp_ratelimit), and checks run back to back spend it
"""

import re
from concurrent.futures import ThreadPoolExecutor

from checks.context import seen
from checks.findings import _
from checks.inside import Ran, SLOW, ask, run
from checks.states import Verdict

FORWARD_SETTING = "/proc/sys/net/ipv4/ip_forward"

TIME_EXCEEDED, ECHO_REPLY = 11, 0
# asks in all when only the TTL-1 probe goes unanswered: each waits 1.5 s for its answers,
# longer than the rate limiter takes to allow one more time-exceeded
ASKS = 3


def addresses(ctx):
    hosts = ctx.roles.hosts
    with ThreadPoolExecutor(len(hosts)) as pool:
        shown = list(pool.map(lambda h: _show(ctx.host(h.name)), hosts))
    for host, ran in zip(hosts, shown):
        have, _sep, routes = ran.out.partition("@@")
        problem = _address_problem(host, have, routes)
        if problem:
            reason, detail = problem
            return Verdict(False, [seen(host.name, "ip -4 -o addr show; ip -4 route show",
                                        _tidy(ran.text.replace("@@\n", "")), 12)],
                           reason, detail)
    return Verdict(True, [seen(h.name, "ip -4 -o addr show", _tidy(r.out.partition("@@")[0]), 4)
                          for h, r in zip(hosts, shown)][:2])


def _tidy(text):
    """`ip -o` lines without their lifetimes: '2: s-eth0    inet 192.0.2.1/24 ... scope global'."""
    return "\n".join(line.split("\\")[0].rstrip() for line in text.splitlines())


def _show(host):
    """`ip -4 -o addr show` and `ip -4 route show`, as one Ran cut by @@."""
    have, routes = run(host, ["ip", "-4", "-o", "addr", "show"]), run(host, ["ip", "-4", "route",
                                                                              "show"])
    return Ran(have.code or routes.code, f"{have.out}@@\n{routes.out}", have.err + routes.err)


def _address_problem(host, have, routes):
    for interface in host.interfaces:
        if not re.search(rf"\s{re.escape(interface.name)}(@\S+)?\s+inet\s+"
                         rf"{re.escape(interface.address)}\s",
                         have):
            return "address-missing", _("{host}: {interface} does not carry {address}",
                                        host=host.name, interface=interface.name,
                                        address=interface.address)
    for route in host.routes:
        if not re.search(rf"^{re.escape(route.destination)}\s+via\s+{re.escape(route.via)}\s",
                         routes, re.M):
            return "route-missing", _("{host}: no route {destination} via {gateway}",
                                      host=host.name, destination=route.destination,
                                      gateway=route.via)
    return None


def forwarding(ctx):
    roles = ctx.roles
    seat, server = roles.seat, roles.server
    target = ctx.model.instructor.ip
    ours = {i.ip for i in server.interfaces}
    for _attempt in range(ASKS):
        said = ask(ctx.host(seat.name), "forward", SLOW, destination=target, ident=23130)
        if "error" in said or not _rate_limited(said["seen"], ours, target):
            break
    command = (f"scapy: sr([IP(dst='{target}', ttl=1)/ICMP(), "
               f"IP(dst='{target}', ttl=64)/ICMP()])")
    if "error" in said:
        return Verdict(False, [seen(seat.name, command, said["error"])], "probe-failed",
                       _("the probe could not run on {host}: {text}", host=seat.name,
                         text=said["error"]))
    data = said["seen"]
    lines = [f"ttl={ttl}: {data[ttl]['summary']}" if ttl in data else f"ttl={ttl}: -"
             for ttl in ("1", "64")] + [said["said"]]
    evidence = [seen(seat.name, command, "\n".join(lines))]
    first, far = data.get("1"), data.get("64")
    if not (first and first["type"] == TIME_EXCEEDED and first["src"] in ours):
        setting = run(ctx.host(server.name), ["cat", FORWARD_SETTING])
        evidence.append(seen(server.name, f"cat {FORWARD_SETTING}", setting.text))
        if setting.out.strip() == "0":
            return Verdict(False, evidence, "forwarding-off",
                           _("{server} does not forward: {path} reads 0, so a packet for "
                             "another network is dropped", server=server.name,
                             path=FORWARD_SETTING))
        return Verdict(False, evidence, "no-time-exceeded",
                       _("a packet with TTL 1 sent from {host} to {address} got no ICMP "
                         "time-exceeded from {server}: it is not the router on the way",
                         host=seat.name, address=target, server=server.name))
    if not (far and far["type"] == ECHO_REPLY and far["src"] == target):
        return Verdict(False, evidence, "no-return",
                       _("{server} forwards, but no reply from {address} comes back: a route "
                         "is missing on the way there or back (ip route on {server})",
                         server=server.name, address=target))
    return Verdict(True, evidence)


def _rate_limited(data, ours, target):
    """The far probe answered, the TTL-1 one not: maybe the server's ICMP rate limit."""
    first, far = data.get("1"), data.get("64")
    return (not (first and first["type"] == TIME_EXCEEDED and first["src"] in ours)
            and bool(far) and far["type"] == ECHO_REPLY and far["src"] == target)
