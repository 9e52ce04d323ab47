"""The TP's objectives, in the report's order, derived from the class model.

    ObjectiveDef     id (stable), title, items (what the class file's stages `do` that it
                     needs: ("forwarding", server key), ("postfix", server key) ...), requires
                     (ids), speculative (its dependents may be probed while it is), hints
                     (steps 1 and 2: where to look, which file or command; step 3, what
                     exactly is wrong, comes from the probe)
    objectives(model)          [ObjectiveDef] of this class (a class without a secondary DNS
                               server has no dns.secondary ...)
    stage_of(model, defn)      the class's stage where the report does it (a Stage); lint's
                               is the last (it rereads every file of the TP)
    due(defn, model, plan, bench)   is it done, at the stage the bench's hosts stand at?
                               (lint: always)
    as_objective(model, defn, translate)   the results.Objective (title in the reader's words)
    roles(model, bench)        Roles: the bench's server, seat, secondary and neighbour

Nothing here names a stage: an objective belongs to the first stage that does its items
(named@KEY or named), or to the first stage when no stage names them.
"""

import ipaddress
from dataclasses import dataclass
from functools import cached_property

from checks.findings import _
from checks.results import Objective

LINT = "lint"


@dataclass(frozen=True)
class ObjectiveDef:
    id: str
    title: object
    items: tuple = ()
    requires: tuple = ()
    speculative: bool = False
    hints: tuple = ()
    last: bool = False  # shown under the class's last stage (lint: the whole TP's files)


class Roles:
    """Who does what on a bench, from the class model."""

    def __init__(self, model, bench):
        self.model, self.bench = model, bench
        self.server, self.seat = model.server(bench), model.seat(bench)
        self.server_key, self.seat_key = self.server.key, self.seat.key
        self.neighbour = model.neighbour(bench)

    @property
    def hosts(self):
        return [h for h in self.model.hosts if h.bench == self.bench]

    @cached_property
    def zones(self):
        return self.model.zones_on(self.server.name)

    @cached_property
    def copied(self):
        """The server's zones a secondary of the bench copies."""
        return [z for z in self.zones if z.secondaries]

    @property
    def secondary(self):
        return self.model.host(self.copied[0].secondaries[0]) if self.copied else None

    @cached_property
    def restricted(self):
        return [z for z in self.zones if z.allow_query]

    def server_address_for(self, host):
        """The server's address as `host` reaches it: on host's LAN, else its backbone one."""
        if host.bench == self.bench and host.key != self.server_key:
            return self.model.address(self.bench, self.server_key, on=host.key)
        return self.server.ip

    def outside_mynetworks(self):
        """A host outside the bench's trusted networks that reaches the server: one of the
        bench's own (its LAN), else a client of another bench; None if there is none."""
        trusted = [ipaddress.ip_network(p) for p in self.model.trusted_networks(self.bench)]
        def outside(host):
            return not any(ipaddress.ip_address(i.ip) in net for i in host.interfaces
                           for net in trusted)
        own = [h for h in self.hosts if h.key != self.server_key and outside(h)]
        others = [h for h in self.model.hosts if h.bench not in (None, self.bench)
                  and h.key != self.server_key and not h.services and outside(h)]
        return (own or others or [None])[0]

    @property
    def postfix(self):
        return "postfix" in self.server.services

    @property
    def named(self):
        return "named" in self.server.services and bool(self.zones)


def objectives(model):
    roles = Roles(model, model.benches[-1])
    s, seat = roles.server_key, roles.seat_key
    student = model.student.name
    alias = next((name for name, target in model.aliases if target == student), student)
    found = [
        ObjectiveDef("routing.addresses", _("Addresses and routes of the bench's machines"), (), (),
                     hints=(_("Each machine of the bench has an address on each of its links, "
                              "and a default route: the clients' goes to the server, the "
                              "server's to the instructor's server."),
                            _("On each machine, ip -4 addr and ip route show what it has; "
                              "/root/init_machine.sh shows what it was given."))),
        ObjectiveDef("routing.forwarding", _("The server forwards packets, proven by a packet"),
                     (("forwarding", s),), ("routing.addresses",),
                     hints=(_("A router forwards packets only when its kernel is told to: "
                              "the setting lives under /proc/sys/net."),
                            _("On the server, read the forwarding setting with cat; from a "
                              "client, ping the instructor's server and compare the TTL of "
                              "the replies (64 minus the routers crossed)."))),
        ObjectiveDef("dns.resolver", _("Every machine asks the class's DNS server"),
                     (("resolver", seat),), ("routing.addresses",),
                     hints=(_("A machine sends its DNS queries to the server its resolver "
                              "configuration names."),
                            _("Read /etc/resolv.conf on each machine: a line nameserver "
                              "ADDRESS; dig then shows on its SERVER line who answered."))),
        ObjectiveDef("dns.answers", _("DNS answers of part 1: the aa flag, the records, NS "
                                      "and MX"),
                     (("forwarding", s), ("resolver", seat)), ("routing.forwarding", "dns.resolver"),
                     hints=(_("Compare what dig prints (flags, ANSWER, AUTHORITY) with the "
                              "class's zones: a server answering with authority sets the "
                              "aa flag."),
                            _("From the client, dig a machine's name and dig the neighbour's "
                              "domain MX; read the flags and every section."))),
    ]
    if roles.postfix:
        found += _mail(s, student, alias, roles)
    if roles.named:
        found += _zones(model, roles)
    found.append(ObjectiveDef(LINT, _("The configuration files, reread (lint)"), (), (),
                              hints=(_("lint rereads the configuration files and the shell "
                                       "history, and names what looks wrong."),
                                     _("Each finding names a file and a line: open it there, "
                                       "read why, then what to do.")), last=True))
    return found


def _mail(s, student, alias, roles):
    mail = (("postfix", s),)
    found = [
        ObjectiveDef("mail.postfix", _("Postfix configured: postfix check, mydestination, "
                                       "mynetworks, inet_interfaces"), mail, ("routing.addresses",),
                     hints=(_("Postfix reads /etc/postfix/main.cf: mydestination says which "
                              "domains are delivered here, mynetworks which machines may send "
                              "mail anywhere, inet_interfaces where it listens."),
                            _("Run postfix check, then postconf mydestination mynetworks "
                              "inet_interfaces; after a change, postfix reload."))),
        ObjectiveDef("mail.account", _("The account {user}", user=student), mail, (),
                     hints=(_("Mail for a user is delivered to an account of the server."),
                            _("getent passwd {user} shows the account; useradd -m creates it "
                              "with its home, passwd gives it a password.", user=student))),
        ObjectiveDef("mail.aliases", _("Aliases compiled and current (newaliases)"), mail, (),
                     hints=(_("Postfix never reads /etc/aliases itself, only its compiled "
                              "copy, /etc/aliases.db."),
                            _("Compare ls -l /etc/aliases /etc/aliases.db, and ask the "
                              "compiled copy: postalias -q NAME hash:/etc/aliases."))),
        ObjectiveDef("mail.label", _("A label on the accounts (GECOS)"), mail, ("mail.account",),
                     hints=(_("The name a mail's From: line shows is the fifth field of the "
                              "account's line in /etc/passwd (GECOS)."),
                            _("grep the account in /etc/passwd; chfn -f changes that field."))),
        ObjectiveDef("mail.local", _("Local delivery: mail to {alias} reaches {user}'s "
                                     "mailbox", alias=alias, user=student), mail,
                     ("mail.postfix", "mail.account", "mail.aliases"), speculative=True,
                     hints=(_("Follow a local mail: the mail log names each step with the "
                              "message's queue ID."),
                            _("Send with mail, then tail /var/log/mail.log: the line with "
                              "status= says where the mail went and why; the mailbox is "
                              "/var/mail/ACCOUNT."))),
        ObjectiveDef("mail.neighbour", _("Mail to the neighbour and back, through the MX"),
                     mail, ("mail.local", "dns.resolver"), speculative=True,
                     hints=(_("Mail for another domain goes to the server its MX record "
                              "names: the DNS decides where it goes."),
                            _("dig DOMAIN MX, then the mail log: relay= names the server the "
                              "mail was handed to, status= what it answered."))),
        ObjectiveDef("mail.bounce", _("An unknown recipient: the mail comes back to its "
                                      "sender"), mail, ("mail.neighbour",),
                     hints=(_("When the receiving server refuses a recipient, the sending "
                              "server writes back to the sender (Undelivered Mail Returned "
                              "to Sender)."),
                            _("In the mail log: status=bounced, and the refusal the other "
                              "server gave (said: 550 ...); the notice lands in the sender's "
                              "mailbox."))),
    ]
    if roles.outside_mynetworks() is not None:
        found.append(ObjectiveDef(
            "mail.relay", _("No open relay for machines outside mynetworks"), mail,
            ("mail.postfix",),
            hints=(_("permit_mynetworks lets every machine of mynetworks send mail anywhere "
                     "through the server: mynetworks must hold the class's networks, no "
                     "more."),
                   _("postconf mynetworks smtpd_relay_restrictions; from a machine outside "
                     "mynetworks, RCPT TO an outside domain must be refused (Relay access "
                     "denied)."))))
    return found


def _zones(model, roles):
    named = (("named", roles.server_key),)
    found = [ObjectiveDef(
        "dns.zones", _("The server's zones: named-checkzone, the serial loaded, the answers"),
        named, ("routing.addresses",),
        hints=(_("named serves a zone from its file only when the file is correct, and as it "
                 "was the last time named loaded it."),
               _("named-checkzone ZONE FILE checks a file; rndc zonestatus ZONE shows the "
                 "serial named serves; rndc reload after each change.")))]
    if roles.restricted or roles.copied:
        found.append(ObjectiveDef(
            "dns.access", _("allow-query and allow-transfer enforced"), named, ("dns.zones",),
            hints=(_("allow-query says who may ask a zone, allow-transfer who may copy it "
                     "whole: named applies them zone by zone (named.conf.local)."),
                   _("From an allowed machine and from another one: dig @SERVER NAME, and "
                     "dig @SERVER ZONE AXFR; status: REFUSED or Transfer failed is a "
                     "refusal."))))
    if roles.secondary is not None:
        found.append(ObjectiveDef(
            "dns.secondary", _("The secondary holds the same zones: serial and records"),
            named + (("named", roles.secondary.key),), ("dns.zones",),
            hints=(_("A secondary copies a zone again only when the primary's serial is "
                     "higher than the one it holds."),
                   _("Compare rndc zonestatus ZONE on both servers (its serial: line), and "
                     "dig @SERVER ZONE SOA on each."))))
    return found


def stage_of(model, defn):
    if defn.last:
        return model.stages[-1]
    index = 0
    for item, key in defn.items:
        for stage in model.stages:
            if item in stage.does or f"{item}@{key}" in stage.does:
                index = max(index, stage.index)
                break
    return model.stages[index]


def due(defn, model, plan, bench):
    """Done at the stage its hosts stand at (what no stage names is done from the start)."""
    return all(plan.done(model.bench_host(bench, key), item) for item, key in defn.items)


def as_objective(model, defn, translate):
    return Objective(defn.id, defn.title.render(translate), stage_of(model, defn).name,
                     tuple(defn.requires))
