"""A ClassResult as `check` would write it for a class of 30 benches, for the class view's
tests: the benches, hosts, addresses and stages come from the real class model
(topologies/model.py classroom(benches="1-30")); the objectives are plausible ones of
issue 12, in the report's order, each at its stage of the class file.

    OBJECTIVES            (id, stage, requires, English title, French title)
    MISTAKES              {bench: (objective id, reason)}: what each bench got wrong
    class_result(lang)    the ClassResult, texts in that language
    objectives_of(lang)   [Objective]
    bench_result(model, bench, stage, objectives, lang, mistake=None)
"""

from checks.results import (
    BLOCKED,
    FAIL,
    NOT_YET,
    PASS,
    BenchResult,
    ClassResult,
    Evidence,
    Objective,
    Outcome,
)
from topologies.model import classroom

MADE = "2026-11-30T10:42:07+01:00"

OBJECTIVES = (
    ("routing.addresses", "routing", (), "Addresses and routes",
     "Adresses et routes"),
    ("routing.forwarding", "routing", ("routing.addresses",),
     "S{n} forwards, proven with a packet", "S{n} route les paquets (preuve par un paquet)"),
    ("dns.resolver", "dns", ("routing.forwarding",), "The resolver (resolv.conf)",
     "Le résolveur (resolv.conf)"),
    ("dns.answers", "dns", ("dns.resolver",), "Part-1 answers: aa, records, NS, MX",
     "Réponses de la partie 1 : aa, enregistrements, NS, MX"),
    ("mail.postfix", "mail", (), "postfix check and main.cf for this bench",
     "postfix check et main.cf pour ce banc"),
    ("mail.account", "mail", (), "The etudiant account", "Le compte etudiant"),
    ("mail.aliases", "mail", ("mail.account",), "Aliases compiled and current",
     "Alias compilés et à jour"),
    ("mail.gecos", "mail", ("mail.account",), "The GECOS label", "Le libellé GECOS"),
    ("mail.local", "mail", ("mail.postfix", "mail.aliases"), "Local delivery",
     "Distribution locale"),
    ("mail.neighbour", "mail", ("mail.local", "dns.answers"),
     "Mail to the neighbour and back", "Courrier vers le voisin et retour"),
    ("mail.bounce", "mail", ("mail.local",), "Bounce for an unknown user",
     "Rejet d'un destinataire inconnu"),
    ("mail.relay", "mail", ("mail.postfix",), "No open relay", "Pas de relais ouvert"),
    ("zones.check", "dns-server", (), "named-checkzone on S{n}'s zones",
     "named-checkzone sur les zones de S{n}"),
    ("zones.serial", "done", ("zones.check",), "SOA serial: file, S{n} and NS{n}",
     "Numéro de série SOA : fichier, S{n} et NS{n}"),
    ("zones.access", "done", ("zones.check",), "allow-query and allow-transfer",
     "allow-query et allow-transfer"),
)

# Each bench's stage (where it started) and its mistake; benches not named are at "done"
# and right. Six write /proc/sys/net/ip/ip_forward (bench 7 is at "start": NOT YET for it),
# four type postamster, ...
STAGES = {1: "routing", 2: "dns", 3: "dns", 4: "mail", 5: "mail", 6: "dns-server", 7: "start",
          8: "start", 9: "routing", 10: "mail"}
MISTAKES = {
    3: ("routing.forwarding", "forwarding-off"), 7: ("routing.forwarding", "forwarding-off"),
    11: ("routing.forwarding", "forwarding-off"), 16: ("routing.forwarding", "forwarding-off"),
    22: ("routing.forwarding", "forwarding-off"), 29: ("routing.forwarding", "forwarding-off"),
    4: ("mail.aliases", "aliases-typo"), 12: ("mail.aliases", "aliases-typo"),
    18: ("mail.aliases", "aliases-typo"), 25: ("mail.aliases", "aliases-typo"),
    5: ("mail.aliases", "aliases-db-stale"), 19: ("mail.aliases", "aliases-db-stale"),
    13: ("mail.postfix", "mydestination-trailing-dot"),
    21: ("mail.postfix", "mydestination-trailing-dot"),
    26: ("mail.postfix", "mydestination-trailing-dot"),
    14: ("zones.serial", "serial-not-raised"), 27: ("zones.serial", "serial-not-raised"),
    17: ("dns.resolver", "resolver-missing"),
    23: ("zones.check", "ptr-in-forward-zone"),
}
HINTS_SHOWN = {3: 2, 11: 1, 12: 3, 14: 1, 22: 3, 26: 2}

HINTS = {
    "en": {
        "forwarding-off": [
            "Where to look: does S{n} pass packets between its LANs? Try ping from D{n} "
            "to 10.254.0.254 and look at the TTL.",
            "Which file: the kernel setting net.ipv4.ip_forward, under /proc/sys/net/ipv4/.",
            "What is wrong: /proc/sys/net/ip/ip_forward does not exist; the setting is still 0."],
        "aliases-typo": [
            "Where to look: who receives mail for postmaster on S{n}?",
            "Which file: /etc/aliases, then newaliases.",
            "What is wrong: line 3 reads postamster, not postmaster."],
        "aliases-db-stale": [
            "Where to look: Postfix reads /etc/aliases.db, not /etc/aliases.",
            "What is wrong: /etc/aliases changed after newaliases last ran."],
        "mydestination-trailing-dot": [
            "Where to look: postconf mydestination.",
            "What is wrong: tp{n}1.iut. ends with a dot, Postfix compares names without one."],
        "serial-not-raised": [
            "Where to look: the SOA of the zone on S{n} and on NS{n}.",
            "What is wrong: the zone changed but its serial did not."],
        "resolver-missing": ["Where to look: /etc/resolv.conf on D{n}."],
        "ptr-in-forward-zone": [
            "Where to look: named-checkzone's message.",
            "What is wrong: a PTR record inside a forward zone."],
    },
    "fr": {
        "forwarding-off": [
            "Où regarder : S{n} fait-il passer les paquets entre ses réseaux ? Essayez un ping "
            "de D{n} vers 10.254.0.254 et regardez le TTL.",
            "Quel fichier : le paramètre du noyau net.ipv4.ip_forward, sous /proc/sys/net/ipv4/.",
            "Ce qui ne va pas : /proc/sys/net/ip/ip_forward n'existe pas ; le paramètre vaut "
            "toujours 0."],
        "aliases-typo": [
            "Où regarder : qui reçoit le courrier de postmaster sur S{n} ?",
            "Quel fichier : /etc/aliases, puis newaliases.",
            "Ce qui ne va pas : la ligne 3 dit postamster, pas postmaster."],
        "aliases-db-stale": [
            "Où regarder : Postfix lit /etc/aliases.db, pas /etc/aliases.",
            "Ce qui ne va pas : /etc/aliases a changé depuis le dernier newaliases."],
        "mydestination-trailing-dot": [
            "Où regarder : postconf mydestination.",
            "Ce qui ne va pas : tp{n}1.iut. finit par un point ; Postfix compare les noms "
            "sans."],
        "serial-not-raised": [
            "Où regarder : le SOA de la zone sur S{n} et sur NS{n}.",
            "Ce qui ne va pas : la zone a changé, pas son numéro de série."],
        "resolver-missing": ["Où regarder : /etc/resolv.conf sur D{n}."],
        "ptr-in-forward-zone": [
            "Où regarder : le message de named-checkzone.",
            "Ce qui ne va pas : un enregistrement PTR dans une zone directe."],
    },
}


def objectives_of(lang):
    french = lang == "fr"
    return [Objective(oid, (fr if french else en).replace("{n}", "n"), stage, requires)
            for oid, stage, requires, en, fr in OBJECTIVES]


def evidence(model, bench, objective_id, reason):
    """What check would quote: real names and addresses of the bench, shell output with
    the characters HTML must escape (<root@s54>, &, quotes)."""
    server, seat = model.server(bench), model.seat(bench)
    instructor = model.instructor.ip
    gateway = next(r.via for r in seat.routes if r.destination == "default")
    if objective_id == "routing.forwarding":
        if reason:
            return [Evidence(seat.name, f"ping -c 1 -W 1 {instructor}",
                             f"PING {instructor} ({instructor}) 56(84) bytes of data.\n\n"
                             f"--- {instructor} ping statistics ---\n"
                             "1 packets transmitted, 0 received, 100% packet loss, time 0ms"),
                    Evidence(server.name, "cat /proc/sys/net/ipv4/ip_forward", "0"),
                    Evidence(server.name, "grep -n ip_forward /root/.bash_history",
                             "12:echo 1 > /proc/sys/net/ip/ip_forward")]
        return [Evidence(seat.name, f"scapy: IP(dst='{instructor}', ttl=1)/ICMP()",
                         f"ttl=1: ICMP time-exceeded from {gateway}; ttl=2: echo-reply from "
                         f"{instructor}")]
    if objective_id == "mail.aliases":
        if reason == "aliases-typo":
            return [Evidence(server.name, "grep -n master /etc/aliases",
                             "3:postamster: root")]
        if reason == "aliases-db-stale":
            return [Evidence(server.name, "ls -l --time-style=+%T /etc/aliases /etc/aliases.db",
                             "-rw-r--r-- 1 root root   151 10:31:02 /etc/aliases\n"
                             "-rw-r--r-- 1 root root 12288 10:12:40 /etc/aliases.db")]
    if objective_id == "mail.local":
        return [Evidence(server.name, "tail -n 2 /var/log/mail.log",
                         f"postfix/local[811]: 4F1C2A: to=<etudiant@{server.name}>, "
                         f"orig_to=<root@{server.name}>, relay=local, status=sent "
                         "(delivered to mailbox)\n"
                         "postfix/qmgr[790]: 4F1C2A: removed")]
    if objective_id == "mail.postfix" and reason:
        return [Evidence(server.name, "postconf mydestination",
                         f"mydestination = $myhostname, tp{bench}1.iut., localhost & co "
                         "\"<script>alert('x')</script>\"")]
    if objective_id == "zones.serial" and reason:
        return [Evidence(server.name, f"dig +short @{server.ip} etudiant{bench}1.iut SOA",
                         f"s{bench}.etudiant{bench}1.iut. root.etudiant{bench}1.iut. "
                         "2026113001 604800 86400 2419200 604800")]
    if objective_id == "dns.resolver" and reason:
        return [Evidence(seat.name, "cat /etc/resolv.conf", "# nothing here yet")]
    if objective_id == "zones.check" and reason:
        return [Evidence(server.name, "named-checkzone etudiant541.iut db.etudiant541",
                         "db.etudiant541:14: PTR record in a forward zone\n"
                         "zone etudiant541.iut/IN: loading from master file failed")]
    return []


def bench_result(model, bench, stage, objectives, lang, mistake=None):
    stages = [s.name for s in model.stages]
    reached = stages.index(stage)
    failing = {}
    if mistake is not None:
        failing[mistake[0]] = mistake[1]
    outcomes = []
    for objective in objectives:
        expected = stages.index(objective.stage) <= reached
        blocked = next((r for r in objective.requires
                        if r in failing or any(o.id == r and o.state == BLOCKED
                                               for o in outcomes)), "")
        reason = failing.get(objective.id, "")
        hints = [h.replace("{n}", str(bench)) for h in HINTS[lang].get(reason, [])]
        if expected and blocked:
            outcome = Outcome(objective.id, BLOCKED, blocked_by=blocked)
            failing.setdefault(objective.id, "")
        elif expected and reason:
            lint = []
            if reason == "aliases-typo":
                lint = [{"file": "/etc/aliases", "line": 3, "code": "aliases-typo",
                         "what": "the alias postamster looks like a misspelling of postmaster",
                         "why": "mail to postmaster@ is required (RFC 5321) & bounces now",
                         "fix": "write postmaster, then run newaliases"}]
            outcome = Outcome(objective.id, FAIL, now=False, ever=bench % 2 == 0,
                              evidence=evidence(model, bench, objective.id, reason),
                              hints=hints, hints_shown=min(HINTS_SHOWN.get(bench, 0), len(hints)),
                              reason=reason, lint=lint)
        elif expected:
            outcome = Outcome(objective.id, PASS, now=True, ever=True,
                              evidence=evidence(model, bench, objective.id, ""))
        else:
            outcome = Outcome(objective.id, NOT_YET)
        outcomes.append(outcome)
    return BenchResult(bench, stage, outcomes, seconds=1.2 + bench % 7 * 0.1)


def class_result(lang="en", benches="1-30"):
    model = classroom(benches=benches)
    objectives = objectives_of(lang)
    results = [bench_result(model, bench, STAGES.get(bench, "done"), objectives, lang,
                            MISTAKES.get(bench)) for bench in model.benches]
    return ClassResult(model.spec.title, str(model.source), MADE, lang, objectives, results,
                       seconds=14.6)
