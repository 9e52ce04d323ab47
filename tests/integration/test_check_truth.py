"""check and lint tell the truth (issue 12, item 5): each mistake the issue names is played
for real into the last bench of a running lab at its last stage, typed in the bench's server
as a student types it (for each class file: every name, address, zone and file comes from
the class model). Each is caught by check (its objective FAILs with its reason) or by lint
(a finding with its code, under its objective), with the expected words in English and in
French. The student's fix (the right path, newaliases, rndc reload, postfix reload) brings
that objective back to where it was, and no other objective changed meanwhile, but for
those BLOCKED BY it. What the student typed stays in the shell's history, as it would."""

import ipaddress
import re
from dataclasses import dataclass

import pytest

from checks.check import check_bench
from checks.lint_live import home_of
from checks.results import BLOCKED, FAIL, PASS


@dataclass(frozen=True)
class Mistake:
    objective: str
    play: tuple              # (host, command, must it succeed): what the student types
    fix: tuple               # the student's fix
    reason: str = ""         # check's: the objective FAILs with this reason
    said: tuple = ()         # (English, French): in that FAIL's last hint
    code: str = ""           # lint's: a finding with this code, under the objective
    found: tuple = ()        # (English, French): in that finding
    restore: tuple = ()      # after the fix, what puts the bench back as it was


def states(result):
    return {o.id: o.state for o in result.outcomes}


def check(lab, lang="en"):
    return check_bench(lab, lab.model.benches[-1], lang)


# --- the bench, from the class model ----------------------------------------------------------

def dots(name):
    return re.escape(name).replace("/", r"\/")


class Bench:
    """The last bench: its server, its zones (one a secondary copies, the bench's own mail
    domain's), the lines of their files as the lab writes them."""

    def __init__(self, model):
        self.model = model
        self.number = model.benches[-1]
        self.server = model.server(self.number).name
        zones = model.zones_on(self.server)
        self.copied = next(z for z in zones if z.secondaries)
        self.own = next(z for z in zones
                        if z.name in model.mail_domains(self.number) and not z.secondaries)
        self.origin = model.mail_origin(self.number)

    def typed(self, *commands):
        return tuple((self.server, command, True) for command in commands)

    def failing(self, command):
        """A command that fails, or may: the student goes on."""
        return ((self.server, command, False),)

    # the bench's own zone: its MX and the name the MX points at
    @property
    def mx(self):
        """(the MX record's data as written, its target as written)"""
        data = self.own.lookup(self.own.origin, "MX")[0]
        return data, data.split()[1]

    @property
    def exchanger(self):
        """The A record the MX points at: (owner as written, address)."""
        target = self.own.absolute(self.mx[1]).lower()
        record = next(r for r in self.own.records if r.rtype == "A"
                      and self.own.absolute(r.owner).lower() == target)
        return record.owner, record.data

    @property
    def same_address(self):
        """Another name of the zone with the exchanger's address (S54, r13)."""
        owner, address = self.exchanger
        return next(r.owner for r in self.own.records
                    if r.rtype == "A" and r.data == address and r.owner != owner)

    def free_label(self):
        owners = {r.owner.lower() for r in self.own.records}
        return next(label for label in ("mail", "courrier", "relais") if label not in owners)

    def edit_own(self, sed):
        return f"sed -i {sed} {self.own.file} && rndc reload {self.own.name}"

    def mx_to(self, target, written=None):
        """sed: the MX's target (as written, else `written`) becomes `target`."""
        data, as_written = self.mx
        return (f"'s/\\( MX  *{data.split()[0]}  *\\){dots(written or as_written)}$/"
                f"\\1{target}/'")


def serial_to(zone, old, new):
    return f"'s/^\\( *\\){old}\\( *; Serial\\)/\\1{new}\\2/' {zone.file}"


def mistakes(model):
    b = Bench(model)
    own, copied = b.own, b.copied
    mx_target = b.mx[1]
    relative = own.absolute(mx_target).rstrip(".")  # the final dot forgotten
    owner, address = b.exchanger
    serial = copied.soa.serial
    record = next(r for r in copied.records if r.rtype == "A")
    other = ".".join(record.data.split(".")[:3] + [str(int(record.data.split(".")[3]) % 250 + 2)])
    free = b.free_label()
    ns_name = own.absolute(own.lookup(own.origin, "NS")[0])
    domain = model.mail_domains(b.number)[-1]
    wide = str(ipaddress.ip_network(f"{model.seat(b.number).ip}/8", strict=False))
    aliases = "/etc/aliases"
    main_cf = "/etc/postfix/main.cf"
    local = "/etc/bind/named.conf.local"
    own_serial = own.soa.serial
    return {
        "forwarding-off": Mistake(
            "routing.forwarding",
            b.typed("echo 0 > /proc/sys/net/ipv4/ip_forward"),
            b.typed("echo 1 > /proc/sys/net/ipv4/ip_forward"),
            reason="forwarding-off", said=("does not forward", "ne route pas")),
        "sysctl-path": Mistake(  # the report's: fails (No such file or directory), unnoticed
            "routing.forwarding",
            b.failing("echo 1 > /proc/sys/net/ip/ip_forward"),
            b.typed("echo 1 > /proc/sys/net/ipv4/ip_forward"),
            code="sysctl-path", found=("/proc/sys/net/ip/ip_forward: no such kernel setting",
                                       "/proc/sys/net/ip/ip_forward : ce paramètre du noyau "
                                       "n'existe pas")),
        "postamster": Mistake(
            "mail.aliases",
            b.typed(f"echo 'postamster: root' >> {aliases}"),
            b.typed(f"sed -i '/^postamster:/d' {aliases} && newaliases"),
            reason="aliases-stale", said=("was changed after", "a été modifié après"),
            code="aliases-typo", found=("the alias postamster looks like a misspelling of "
                                        "postmaster", "l'alias postamster ressemble à une "
                                        "faute de frappe pour postmaster")),
        "aliases-stale": Mistake(
            "mail.aliases",
            b.typed(f"echo 'webmaster: root' >> {aliases}"),
            b.typed("newaliases"),
            reason="aliases-stale", said=("was changed after", "a été modifié après"),
            code="aliases-stale", found=(f"{aliases} is newer than {aliases}.db",
                                         f"{aliases} est plus récent que {aliases}.db"),
            restore=b.typed(f"sed -i '/^webmaster:/d' {aliases} && newaliases")),
        "serial-not-bumped": Mistake(
            "dns.secondary",
            b.typed(f"sed -i 's/ {dots(record.data)}$/ {other}/' {copied.file} && "
                    f"rndc reload {copied.name}"),
            b.typed(f"sed -i 's/ {dots(other)}$/ {record.data}/' {copied.file} && "
                    f"sed -i {serial_to(copied, serial, serial + 1)} && "
                    f"rndc reload {copied.name}"),
            reason="serial-not-bumped",
            said=("without raising its serial", "sans augmenter son numéro de série")),
        "zone-not-reloaded": Mistake(  # the file changed after the serial named loaded
            "dns.zones",
            b.typed(f"echo '{free} IN A {address}' >> {own.file} && "
                    f"sed -i {serial_to(own, own_serial, own_serial + 1)}"),
            b.typed(f"rndc reload {own.name}"),
            reason="zone-not-reloaded", said=("the change is not loaded",
                                              "la modification n'est pas chargée"),
            code="zone-not-reloaded", found=("named still serves serial",
                                             "named sert toujours le"),
            restore=b.typed(f"sed -i '/^{free} IN A /d' {own.file} && "
                            f"sed -i {serial_to(own, own_serial + 1, own_serial)} && "
                            f"rndc reload {own.name}")),
        "ptr-in-forward-zone": Mistake(  # the report's 1 IN PTR S54.etudiant541.iut.
            "dns.zones",
            b.typed(f"echo '1 IN PTR {ns_name}' >> {own.file} && rndc reload {own.name}"),
            b.typed(b.edit_own("'/^1 IN PTR /d'")),
            code="ptr-in-forward-zone",
            found=(f"PTR record in the forward zone {own.name}",
                   f"enregistrement PTR dans la zone directe {own.name}")),
        "forwarders-in-master": Mistake(  # the report's forwarders { 0.0.0.0; };
            "dns.zones",
            b.typed(f"sed -i '/^zone \"{dots(own.name)}\"/a\\    forwarders {{ 0.0.0.0; }};' "
                    f"{local} && rndc reconfig"),
            b.typed(f"sed -i '/forwarders {{ 0.0.0.0; }};/d' {local} && rndc reconfig"),
            code="forwarders-in-master",
            found=(f"forwarders in the master zone {own.name}",
                   f"forwarders dans la zone master {own.name}")),
        "relative-name": Mistake(  # smtp.etudiant541.iut.etudiant541.iut.
            "dns.zones",
            b.typed(b.edit_own(b.mx_to(relative))),
            b.typed(b.edit_own(b.mx_to(mx_target, relative))),
            reason="answers-differ", said=(f"answers {own.name}. MX with",
                                           f"pour {own.name}. MX"),
            code="relative-name", found=("the final dot is missing", "il manque le point final")),
        "mx-no-address": Mistake(
            "dns.zones",
            b.typed(b.edit_own(b.mx_to(f"{free}.{own.name}."))),
            b.typed(b.edit_own(b.mx_to(mx_target, f"{free}.{own.name}."))),
            reason="answers-differ", said=(f"answers {own.name}. MX with",
                                           f"pour {own.name}. MX"),
            code="mx-no-address", found=(f"MX {free}.{own.name}: this name has no address",
                                         f"MX {free}.{own.name} : ce nom n'a pas d'adresse")),
        "ns-no-address": Mistake(
            "dns.zones",
            b.typed(f"echo '@ IN NS {free}.{own.name}.' >> {own.file}")
            + b.failing(f"rndc reload {own.name}"),  # named refuses it, keeps the old one
            b.typed(b.edit_own(f"'/^@ IN NS {free}\\./d'")),
            reason="zone-error", said=("named-checkzone", "named-checkzone"),
            code="ns-no-address", found=(f"NS {free}.{own.name}: this name has no address",
                                         f"NS {free}.{own.name} : ce nom n'a pas d'adresse")),
        "mx-cname": Mistake(
            "dns.zones",
            b.typed(b.edit_own(f"'s/^{dots(owner)}\\( *IN  *\\)A  *{dots(address)}$/"
                               f"{owner}\\1CNAME {b.same_address}/'")),
            b.typed(b.edit_own(f"'s/^{dots(owner)}\\( *IN  *\\)CNAME {dots(b.same_address)}$/"
                               f"{owner}\\1A     {address}/'")),
            reason="answers-differ", said=("answers", "répond"),
            code="mx-cname", found=("this name is an alias (CNAME)",
                                    "ce nom est un alias (CNAME)")),
        "mydestination-trailing-dot": Mistake(  # the report's tp541.iut.
            "mail.postfix",
            b.typed(f"sed -i '/^mydestination =/s/ {dots(b.origin)},/ {b.origin}.,/' {main_cf} "
                    "&& postfix reload"),
            b.typed(f"sed -i '/^mydestination =/s/ {dots(b.origin)}\\.,/ {b.origin},/' {main_cf} "
                    "&& postfix reload"),
            reason="mydestination-trailing-dot", said=(f"{b.origin}. with a final dot",
                                                       f"{b.origin}. avec un point final"),
            code="mydestination-trailing-dot",
            found=(f"{b.origin}. in mydestination ends with a dot",
                   f"{b.origin}. se termine par un point dans mydestination")),
        "mydestination-missing": Mistake(
            "mail.postfix",
            b.typed(f"sed -i '/^mydestination =/s/ {dots(domain)},//' {main_cf} "
                    "&& postfix reload"),
            b.typed(f"sed -i '/^mydestination =/s/ {dots(b.origin)},/ {b.origin}, {domain},/' "
                    f"{main_cf} && postfix reload"),
            reason="mydestination-missing", said=(f"mydestination does not hold {domain}",
                                                  f"mydestination ne contient pas {domain}"),
            code="mydestination-missing",
            found=(f"mydestination does not list {domain}",
                   f"mydestination ne contient pas {domain}")),
        "mynetworks-open": Mistake(
            "mail.relay",
            b.typed(f"sed -i '/^mynetworks =/s|$| {wide}|' {main_cf} && postfix reload"),
            b.typed(f"sed -i '/^mynetworks =/s| {dots(wide)}$||' {main_cf} && postfix reload"),
            reason="open-relay", said=("anyone could send mail anywhere",
                                       "n'importe qui pourrait envoyer du courrier partout"),
            code="mynetworks-open", found=(f"mynetworks holds {wide}, wider than the lab",
                                           f"mynetworks contient {wide}, plus large que")),
        "maincf-unknown": Mistake(
            "mail.postfix",
            b.typed(f"echo 'inet_interface = all' >> {main_cf} && postfix reload"),
            b.typed(f"sed -i '/^inet_interface = /d' {main_cf} && postfix reload"),
            code="maincf-unknown", found=("inet_interface is not a Postfix parameter",
                                          "inet_interface n'est pas un paramètre de Postfix")),
    }


MISTAKES = ("forwarding-off", "sysctl-path", "postamster", "aliases-stale", "serial-not-bumped",
            "zone-not-reloaded", "ptr-in-forward-zone", "forwarders-in-master", "relative-name",
            "mx-no-address", "ns-no-address", "mx-cname", "mydestination-trailing-dot",
            "mydestination-missing", "mynetworks-open", "maincf-unknown")


def play(lab, steps):
    for host, command, succeeds in steps:
        said = lab.cmd(host, f"{command}; echo rc=$?")
        assert said.strip().endswith("rc=0") or not succeeds, (host, command, said)


def findings(outcome, code):
    return [f for f in outcome.lint if f["code"] == code]


def text_of(finding):
    return f"{finding['what']} {finding['why']} {finding['fix']}"


def changed(before, result, objective):
    """The objectives whose state changed, but `objective` and those BLOCKED BY it."""
    return {i: (s, result.outcome(i).reason, result.outcome(i).blocked_by)
            for i, s in states(result).items() if s != before[i] and i != objective
            and not (s == BLOCKED and result.outcome(i).blocked_by == objective)}


def unclean(result):
    return {o.id: (o.state, o.reason, o.hints[-1:], [f["code"] for f in o.lint])
            for o in result.outcomes if o.state != PASS or o.lint}


@pytest.mark.parametrize("name", MISTAKES)
def test_a_mistake_is_caught_in_both_languages_and_its_fix_passes(lab, name):
    mistake = mistakes(lab.model)[name]
    assert mistake.reason or mistake.code
    before = check(lab)
    assert unclean(before) == {}, "the bench is not clean before this mistake"
    before = states(before)
    play(lab, mistake.play)
    try:
        caught = {lang: check(lab, lang) for lang in ("en", "fr")}
    finally:
        play(lab, mistake.fix)
    for (lang, result), said, found in zip(caught.items(), mistake.said or ("", ""),
                                           mistake.found or ("", "")):
        outcome = result.outcome(mistake.objective)
        if mistake.reason:
            assert (outcome.state, outcome.reason) == (FAIL, mistake.reason), (
                lang, outcome.state, outcome.reason, outcome.hints[-1:])
            assert said in outcome.hints[-1], (lang, outcome.hints[-1])
            assert outcome.evidence and outcome.evidence[0].output
        else:
            assert outcome.state == before[mistake.objective], (lang, outcome)
        if mistake.code:
            assert home_of(mistake.code, set(before)) == mistake.objective
            hits = findings(outcome, mistake.code)
            assert hits, (lang, [(f["code"], f["what"]) for o in result.outcomes
                                 for f in o.lint])
            assert any(found in text_of(f) for f in hits), (lang, [text_of(f) for f in hits])
        assert changed(before, result, mistake.objective) == {}, lang
    fixed = check(lab)
    assert states(fixed) == before, unclean(fixed)
    assert unclean(fixed) == {}
    if mistake.restore:
        play(lab, mistake.restore)
        assert unclean(check(lab)) == {}
