"""LabBridge: the backbone's Linux bridge, inside a network namespace of its own.

    LabBridge   mininet.nodelib.LinuxBridge, IPv6 off (no router solicitations or
                MLD reports in captures), no warning about the machine's
                bridge-nf-call-* sysctls: the bridge's namespace has no firewall rules.
"""

from mininet.nodelib import LinuxBridge
from mininet.moduledeps import pathCheck

IPV6_OFF = "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"


class LabBridge(LinuxBridge):

    def __init__(self, name, **params):
        params["inNamespace"] = True
        super().__init__(name, **params)

    @classmethod
    def setup(cls):
        pathCheck("brctl", moduleName="bridge-utils")

    def start(self, controllers):
        self.cmd(IPV6_OFF)
        super().start(controllers)
