"""LabBridge: the backbone's Linux bridge, inside a network namespace of its own.

    LabBridge   mininet.nodelib.LinuxBridge, IPv6 off (no router solicitations or
                MLD reports in captures), and bridged frames kept away from netfilter
                (bridge-nf-call-* = 0, in the bridge's own namespace only: the machine's
                settings are untouched): the lab has no firewall rules to apply to them.
"""

from mininet.nodelib import LinuxBridge
from mininet.moduledeps import pathCheck

IPV6_OFF = "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"
NO_NETFILTER = ("sysctl -qw net.bridge.bridge-nf-call-iptables=0 "
                "net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0")


class LabBridge(LinuxBridge):

    def __init__(self, name, **params):
        params["inNamespace"] = True
        super().__init__(name, **params)

    @classmethod
    def setup(cls):
        pathCheck("brctl", moduleName="bridge-utils")

    def start(self, controllers):
        self.cmd(IPV6_OFF)
        self.cmd(NO_NETFILTER)
        super().start(controllers)
