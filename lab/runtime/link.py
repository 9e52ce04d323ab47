"""LabLink: a Mininet veth link whose pair is created from the machine's PID namespace.

Mininet creates a veth pair by typing `ip link add ... netns PID` in the first node's
shell. A lab host has a PID namespace of its own, where the second node's PID means
nothing: the lab runs the same `ip` from the machine's PID namespace, inside the first
node's network namespace (nsenter -n), so the pair is still born inside the two nodes
and never appears in the machine's own network namespace.

    LabLink   mininet.link.Link with that makeIntfPair
"""

from mininet.link import Link
from mininet.util import makeIntfPair, quietRun


class LabLink(Link):

    @classmethod
    def makeIntfPair(cls, intfname1, intfname2, addr1=None, addr2=None,
                     node1=None, node2=None, deleteIntfs=True):
        def in_first_node(command):
            if node1 is None or not node1.inNamespace:
                return quietRun(command)
            return quietRun(f"nsenter -t {node1.pid} -n {command}")
        return makeIntfPair(intfname1, intfname2, addr1, addr2, node1, node2,
                            deleteIntfs=False, runCmd=in_first_node)
