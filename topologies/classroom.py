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

    ClassroomTopo   the Mininet Topo: hosts, the backbone switch, veth LANs (pure data: the
                    runtime passes its own host and switch classes, as `mn --custom` does)
    topos           for `sudo mn --custom topologies/classroom.py --switch lxbr
                    --topo classroom[,53,54]` (the network alone: no services)
"""

import inspect
import sys
from pathlib import Path

# `mn --custom` runs this file with exec(): find the repository without __file__.
_REPO = Path(inspect.getframeinfo(inspect.currentframe()).filename).resolve().parents[1]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from mininet.topo import Topo  # noqa: E402

from topologies.model import ClassFileError, classroom  # noqa: E402


class ClassroomTopo(Topo):
    """The instructor and the benches of a ClassModel, as Mininet nodes and links. Each
    host carries its HostSpec (`spec=`) and its first address (`ip=`, for plain Mininet)."""

    def build(self, model=None):
        self.model = model or classroom()
        backbone = self.model.lans[0]
        self.addSwitch(backbone.name, dpid="1")
        for spec in self.model.hosts:
            self.addHost(spec.name, spec=spec, ip=spec.interfaces[0].address)
        for lan in self.model.lans:
            self._add_lan(lan)

    def _add_lan(self, lan):
        if lan.bridged:
            for port, member in enumerate(lan.members, start=1):
                intf = self.model.host(member).interface_on(lan.name)
                self.addLink(member, lan.name, intfName1=intf.name,
                             intfName2=f"{lan.name}-eth{port}")
            return
        first, second = (self.model.host(name) for name in lan.members)
        self.addLink(first.name, second.name,
                     intfName1=first.interface_on(lan.name).name,
                     intfName2=second.interface_on(lan.name).name)


def _classroom_topo(*benches):
    """`--topo classroom` (the class file's benches) or `--topo classroom,53,54,55`.

    Errors leave through SystemExit: on an exception, `mn` runs its own cleanup,
    which kills processes by name (every Mininet shell, every ping).
    """
    try:
        return ClassroomTopo(model=classroom(benches or None))
    except ClassFileError as error:
        print(f"classroom: {error}", file=sys.stderr)
        raise SystemExit(2) from None


topos = {"classroom": _classroom_topo}
