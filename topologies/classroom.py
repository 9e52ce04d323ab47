"""The classroom topology for Mininet, built from the class model (topologies/model.py).

                         backbone "bb" 10.254.0.0/16 (a Linux bridge in its own namespace)
     +------------------+-------------------------------+----------- ...
     |                  |                               |
  +-----+         +-----------+                   +-----------+
  | STP |         |    S53    |                   |    S54    |   Sn: 10.254.n.1
  +-----+         +-----------+                   +-----------+   forwards IPv4,
  10.254.0.254    eth1 |    | eth2                eth1 |    | eth2   default via STP
  DNS of .iut    10.53.1.1  10.53.2.1            10.54.1.1  10.54.2.1
  routes 10.n/16       |    |                          |    |
  via 10.254.n.1    +-----+ +-----+                 +-----+ +-----+
                    | G53 | | D53 |                 | G54 | | D54 |
                    +-----+ +-----+                 +-----+ +-----+
                   10.53.1.3 10.53.2.2             10.54.1.3 10.54.2.2

  Part 2 (unless part2=False), two more LANs behind each Sn:
      Sn eth3 10.n.112.254 --- NSn 10.n.112.1   (secondary DNS)
      Sn eth4 10.n.212.1   --- Pn  10.n.212.2   (a client of the 212 network)

The picture is the report's class (topologies/classes/iut.toml); another class file draws
another address plan on the same shape: an instructor on a backbone, a server per bench,
and a point-to-point LAN from the server to each client of its bench.

    ClassroomTopo   the Mininet Topo: hosts, the backbone switch, veth LANs. Pure data: the
                    runtime gives the host and switch classes (Mininet's host=/switch=, or
                    the topo's hopts/sopts/lopts, as lab/runtime/mn_custom.py does for `mn --custom`)
"""

from mininet.topo import Topo

from topologies.model import classroom


class ClassroomTopo(Topo):
    """The instructor and the benches of a ClassModel, as Mininet nodes and links. Each
    host carries its HostSpec (`spec=`) and its first address (`ip=`, for plain Mininet)."""

    def build(self, model=None):
        self.model = model or classroom()
        backbone = self.model.lans[0]
        self.addSwitch(backbone.name, **{**self.sopts, "dpid": "1"})
        for spec in self.model.hosts:
            self.addHost(spec.name, **{**self.hopts, "spec": spec, "ip": spec.interfaces[0].address})
        for lan in self.model.lans:
            self._add_lan(lan)

    def _add_lan(self, lan):
        if lan.bridged:
            for port, member in enumerate(lan.members, start=1):
                intf = self.model.host(member).interface_on(lan.name)
                self.addLink(member, lan.name, **{**self.lopts, "intfName1": intf.name,
                                                  "intfName2": f"{lan.name}-eth{port}"})
            return
        first, second = (self.model.host(name) for name in lan.members)
        self.addLink(first.name, second.name, **{**self.lopts,
                                                  "intfName1": first.interface_on(lan.name).name,
                                                  "intfName2": second.interface_on(lan.name).name})
