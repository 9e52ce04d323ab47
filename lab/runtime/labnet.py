"""LabNet: the Mininet network of a lab.

    LabNet   mininet.net.Mininet that reports its progress, boots every host at once,
             and gives a host back its routes when a link comes up again
"""

from mininet.net import Mininet

from lab.runtime.host import LabHost
from topologies.init_script import SCRIPT_PATH


class LabNet(Mininet):
    """Mininet, with three differences: it tells how far the build is (every quarter of
    the hosts and links), every host boots at once (configHosts), and `link HOST SWITCH up`
    gives back what init_machine.sh set: Mininet's `link ... down` sets interfaces
    administratively down, which makes the kernel drop their routes; a pulled cable
    plugged back in would not lose them."""

    def __init__(self, *args, say=None, **kwargs):
        self.say = say or (lambda _line: None)
        super().__init__(*args, **kwargs)

    def buildFromTopo(self, topo=None):
        self._wanted = {"hosts": len(topo.hosts()), "links": len(topo.links())}
        self._done = {"hosts": 0, "links": 0}
        super().buildFromTopo(topo)

    def addHost(self, name, cls=None, **params):
        host = super().addHost(name, cls, **params)
        self._count("hosts")
        return host

    def addLink(self, node1, node2, port1=None, port2=None, cls=None, **params):
        link = super().addLink(node1, node2, port1, port2, cls, **params)
        self._count("links")
        return link

    def _count(self, kind):
        wanted = getattr(self, "_wanted", {}).get(kind)
        if not wanted:
            return
        self._done[kind] += 1
        done = self._done[kind]
        if wanted >= 20 and done * 4 // wanted != (done - 1) * 4 // wanted:
            self.say(f"*** {kind}: {done}/{wanted}")

    def configHosts(self):
        for host in self.hosts:
            if isinstance(host, LabHost):
                host.begin_boot()
        super().configHosts()

    def configLinkStatus(self, src, dst, status):
        super().configLinkStatus(src, dst, status)
        if status == "up":
            for name in (src, dst):
                node = self.nameToNode.get(name)
                if isinstance(node, LabHost) and node.spec is not None:
                    node.run_script(f"sh {SCRIPT_PATH}", SCRIPT_PATH)
