"""The physical limit, for comparison: the same named and Postfix binaries, minimal
configurations, bare network namespaces, no Mininet, started by this small module.

    RawClass(model)     every host of the class model that runs named or Postfix (the
                        instructor, each bench's server and secondary), each in a bare
                        namespace (`ip netns`) with its model address on a veth inside it
        .start()        all at once; returns once every named answers SOA and every
                        Postfix says 220
        .stop()         Postfix by `postfix stop` in its own mount namespace, named by PID,
                        namespaces deleted
    RawMailPair(model, bench)   two Postfix instances in two namespaces joined by one veth:
                        the bench's server and its neighbour's, at their backbone addresses

Everything lives in namespaces named raw-* and in /run/classlab-raw; addresses stay inside.
If a benchmark is killed, `make clean` removes them (remove_leftovers).
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

from lab.base.processes import record_process, stop_process
from lab.base.waiting import wait_until
from lab.runtime.machine import SETTLED

ROOT = Path("/run/classlab-raw")
NAMED_CONF = """options {{ directory "{home}"; pid-file "{home}/named.pid";
  session-keyfile "{home}/session.key"; listen-on {{ {address}; }}; listen-on-v6 {{ none; }};
  recursion no; dnssec-validation no; }};
controls {{ }};
zone "raw" {{ type master; file "{home}/db.raw"; }};
"""
ZONE = "$TTL 60\n@ IN SOA ns. root.ns. ( 1 60 60 60 60 )\n@ IN NS ns.\nns IN A {address}\n"
MAIN_CF = """compatibility_level = 3.6
myhostname = {name}
mydestination = {name}, localhost
mynetworks = {networks}
inet_interfaces = {address}
inet_protocols = ipv4
alias_maps =
maillog_file = /var/spool/postfix/mail.log
"""
BANNER = ("import socket,sys\nwith socket.create_connection((sys.argv[1],25),2) as s:\n"
          " print(s.recv(64).decode())")


def run(*command, check=True):
    return subprocess.run(command, capture_output=True, text=True, check=check).stdout


def in_netns(name, *command, check=True):
    return run("ip", "netns", "exec", f"raw-{name}", *command, check=check)


class RawHost:
    """One bare namespace with its address, running named and/or Postfix."""

    def __init__(self, name, interface, networks, named=True, postfix=False):
        """interface: its address with prefix ("a.b.c.d/len"); networks: mynetworks."""
        self.name, self.interface = name, interface
        self.address, self.networks = interface.split("/")[0], networks
        self.home = ROOT / name
        self.named, self.postfix = named, postfix
        self.records = []

    def create(self, link=True):
        self.home.mkdir(parents=True, exist_ok=True)
        run("ip", "netns", "add", f"raw-{self.name}")
        in_netns(self.name, "ip", "link", "set", "lo", "up")
        if link:
            in_netns(self.name, "ip", "link", "add", "raw0", "type", "veth", "peer", "name", "raw1")
            in_netns(self.name, "ip", "addr", "add", self.interface, "dev", "raw0")
            in_netns(self.name, "ip", "link", "set", "raw0", "up")
            in_netns(self.name, "ip", "link", "set", "raw1", "up")

    def launch(self):
        processes = []
        if self.named:
            (self.home / "named.conf").write_text(NAMED_CONF.format(home=self.home, address=self.address))
            (self.home / "db.raw").write_text(ZONE.format(address=self.address))
            shutil.chown(self.home, "bind", "bind")
            processes.append(subprocess.Popen(["ip", "netns", "exec", f"raw-{self.name}", "named",
                                               "-u", "bind", "-n", "1", "-c", str(self.home / "named.conf")]))
        if self.postfix:
            processes.append(self._launch_postfix())
        return processes

    def _launch_postfix(self):
        """Its own /etc/postfix, spool (a copy of the machine's empty one) and data directory
        in a private mount namespace; quick-start: no checks, the daemon alone."""
        private = {"/etc/postfix": "postfix", "/var/spool/postfix": "spool",
                   "/var/lib/postfix": "lib", "/var/mail": "mail"}
        for source, copy in private.items():
            run("cp", "-a", source, str(self.home / copy))
        main_cf = self.home / "postfix" / "main.cf"
        main_cf.write_text(MAIN_CF.format(name=self.name, address=self.address,
                                          networks=self.networks))
        settled = time.time() - SETTLED
        os.utime(main_cf, (settled, settled))
        (self.home / "spool" / "quick-start").touch()
        mounts = " && ".join(f"mount --bind {self.home / copy} {target}"
                             for target, copy in private.items())
        script = (f"{mounts} && postfix start >/dev/null 2>&1"
                  " && cat /var/spool/postfix/pid/master.pid")
        return subprocess.Popen(["ip", "netns", "exec", f"raw-{self.name}", "unshare", "-m",
                                 "--propagation", "private", "sh", "-c", script],
                                stdout=subprocess.PIPE, text=True)

    def ready(self):
        if self.named and "status: NOERROR" not in in_netns(
                self.name, "dig", f"@{self.address}", "+norec", "+time=1", "+tries=1", "SOA", "raw",
                check=False):
            return False
        if self.postfix and not in_netns(self.name, "/usr/bin/python3", "-c", BANNER, self.address,
                                         check=False).startswith("220"):
            return False
        return True

    def remember(self, postfix_pid=None):
        if self.named:
            pid = int((self.home / "named.pid").read_text())
            self.records.append(record_process(self.name, "named", pid))
        if postfix_pid:
            self.master = int(postfix_pid)
            self.records.append(record_process(self.name, "postfix", self.master))

    def stop(self):
        if self.postfix and getattr(self, "master", None):
            run("nsenter", "-t", str(self.master), "-m", "-n", "postfix", "stop", check=False)
        pid_file = self.home / "named.pid"
        if self.named and not self.records and pid_file.exists():
            self.records.append(record_process(self.name, "named", int(pid_file.read_text())))
        for record in self.records:
            stop_process(record)
        run("ip", "netns", "del", f"raw-{self.name}", check=False)


def remove_leftovers():
    """What a killed benchmark left: processes in raw-* namespaces (by PID), the namespaces,
    /run/classlab-raw. Returns what it did."""
    done = []
    for line in run("ip", "netns", "list", check=False).splitlines():
        name = line.split()[0] if line.strip() else ""
        if not name.startswith("raw-"):
            continue
        for pid in run("ip", "netns", "pids", name, check=False).split():
            try:
                stop_process(record_process(name, "process", int(pid)))
                done.append(f"stopped process {pid} of the benchmark's {name}")
            except ProcessLookupError:
                continue
        run("ip", "netns", "del", name, check=False)
        done.append(f"removed the benchmark's namespace {name}")
    if ROOT.exists():
        shutil.rmtree(ROOT, ignore_errors=True)
        done.append(f"removed {ROOT}")
    return done


def _pid(output, host):
    if not output.strip():
        raise RuntimeError(f"raw {host.name}: postfix did not start")
    return output.split()[-1]


def raw_host(model, spec, named=True, postfix=False):
    """The RawHost of a HostSpec: its first address, the class's networks trusted."""
    return RawHost(spec.name, spec.interfaces[0].address, " ".join(model.lab_networks()),
                   named=named, postfix=postfix)


class RawClass:

    def __init__(self, model):
        self.hosts = [raw_host(model, spec, named="named" in spec.services,
                               postfix="postfix" in spec.services)
                      for spec in model.hosts if {"named", "postfix"} & set(spec.services)]

    def start(self):
        for host in self.hosts:
            host.create()
        launched = [(host, host.launch()) for host in self.hosts]
        for host, processes in launched:
            outputs = [p.communicate()[0] for p in processes]
            host.remember(postfix_pid=_pid(outputs[-1], host) if host.postfix else None)
        for host in self.hosts:
            wait_until(host.ready, f"raw {host.name}", 30)

    def stop(self):
        for host in self.hosts:
            host.stop()
        shutil.rmtree(ROOT, ignore_errors=True)


class RawMailPair:
    """Two Postfix instances in two namespaces joined by one veth: the bench's server sends
    to its neighbour's, backbone address to backbone address."""

    def __init__(self, model, bench):
        sender, receiver = model.server(bench), model.server(model.neighbour(bench))
        if sender == receiver:
            raise ValueError(f"bench {bench} has no neighbour to send to: give two benches")
        self.sender = raw_host(model, sender, named=False, postfix=True)
        self.receiver = raw_host(model, receiver, named=False, postfix=True)

    def start(self):
        for host in (self.sender, self.receiver):
            host.create(link=False)
        run("ip", "link", "add", "raw-a", "netns", f"raw-{self.sender.name}", "type", "veth",
            "peer", "name", "raw-b", "netns", f"raw-{self.receiver.name}")
        for host, intf in ((self.sender, "raw-a"), (self.receiver, "raw-b")):
            in_netns(host.name, "ip", "addr", "add", host.interface, "dev", intf)
            in_netns(host.name, "ip", "link", "set", intf, "up")
        for host in (self.sender, self.receiver):
            [process] = host.launch()
            host.remember(postfix_pid=_pid(process.communicate()[0], host))
        for host in (self.sender, self.receiver):
            wait_until(host.ready, f"raw {host.name}", 30)

    def stop(self):
        for host in (self.sender, self.receiver):
            host.stop()
        shutil.rmtree(ROOT, ignore_errors=True)


