"""Every scenario's steps, built for each class file without a lab: the hosts they run on
exist, nothing of the other class leaks in, and what they expect is what the class's zones,
mail paths and accounts say. For the report's class the checks pass on the report's own
transcripts; for the campus class on transcripts of its own."""

import importlib
import re

import pytest

from checks.findings import Text
from checks.i18n import translator
from scenarios import (bounce, class_mail, connectivity, deferred_queue, dns_lookup,
                       dns_server, local_mail, mx_delivery)
from scenarios.__main__ import known
from scenarios.runner import _seated_at, verdict_line
from scenarios.steps import StepResult, english, render
from topologies.classfile import CLASSES
from topologies.model import classroom

IUT, CAMPUS = CLASSES / "iut.toml", CLASSES / "campus.toml"
CLASS_FILES = [IUT, CAMPUS]
SCENARIOS = [importlib.import_module(f"scenarios.{name}") for name in known()]
by_class = pytest.mark.parametrize("class_file", CLASS_FILES, ids=lambda path: path.stem)

# --- the report's transcripts (seed: lab report, bench 54, neighbour 53) ---------------------
REPORT_PING_DIRECT = """PING 10.54.1.1 (10.54.1.1) 56(84) bytes of data.
64 bytes from 10.54.1.1: icmp_seq=1 ttl=64 time=0.265 ms
64 bytes from 10.54.1.1: icmp_seq=2 ttl=64 time=0.190 ms
64 bytes from 10.54.1.1: icmp_seq=3 ttl=64 time=0.326 ms

--- 10.54.1.1 ping statistics ---

3 packets transmitted, 3 received, 0% packet loss, time 2031ms
"""
REPORT_PING_STP = REPORT_PING_DIRECT.replace("10.54.1.1", "10.254.0.254").replace("ttl=64", "ttl=63")
REPORT_DIG = """;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 48719
;; flags: qr aa rd ra; QUERY: 1, ANSWER: 2, AUTHORITY: 1, ADDITIONAL: 2

;; QUESTION SECTION:
;s54.tp541.iut.         IN  A

;; ANSWER SECTION:
s54.tp541.iut.      86400   IN  A   10.254.54.1
s54.tp541.iut.      86400   IN  A   10.54.1.1

;; AUTHORITY SECTION:
tp541.iut.      86400   IN  NS  stp.iut.

;; ADDITIONAL SECTION:
stp.iut.        15  IN  A   10.254.0.254

;; Query time: 0 msec
"""
REPORT_LOCAL_LOG = ("Nov  7 15:10:33 s54 postfix/local[235990]: 487538062A: to=<etudiant@tp541.iut>, "
                    "orig_to=<root@s54>, relay=local, delay=0.29, delays=0.26/0.01/0/0.03, "
                    "dsn=2.0.0, status=sent (delivered to mailbox)\n")
REPORT_LABEL = """From root@s54  Mon Nov  7 15:47:40 2022
To: <etudiant@s54>
Subject: TEST54
From: Thomas <root@s54>

azerty
"""
REPORT_PART2_LOG = ("Nov 15 15:06:26 s54 postfix/smtp[11084]: C9C2E8062F: to=<etudiant@etudiant531.iut>, "
                    "relay=smtp.etudiant531.iut[10.254.53.1]:25, delay=0.38, "
                    "delays=0.23/0.01/0.07/0.06, dsn=2.0.0, "
                    "status=sent (250 2.0.0 Ok: queued as 6E1A08053D)\n")

# --- the campus class's (bench 13 writes to 12: the "previous" rule) -------------------------
CAMPUS_DIG = """;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1472
;; flags: qr aa rd ra; QUERY: 1, ANSWER: 2, AUTHORITY: 1, ADDITIONAL: 2

;; ANSWER SECTION:
r13.groupe13.lan.	3600	IN	A	192.168.100.13
r13.groupe13.lan.	3600	IN	A	172.16.13.1

;; AUTHORITY SECTION:
groupe13.lan.		3600	IN	NS	ns.ecole.lan.

;; ADDITIONAL SECTION:
ns.ecole.lan.		30	IN	A	192.168.100.250

;; Query time: 0 msec
"""
CAMPUS_RELAY_LOG = ("Nov 29 16:30:01 r13 postfix/smtp[101]: 4A1B2C3D4E: to=<eleve@groupe12.lan>, "
                    "relay=mail.groupe12.lan[192.168.100.12]:25, delay=0.1, delays=0/0/0.05/0.05, "
                    "dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 5F6A7B8C9D)\n")


def all_sections(model, scenario):
    return [section for bench in model.benches for section in scenario.sections(model, bench)]


def steps_of(scenario, model, bench):
    return [step for section in scenario.sections(model, bench) for step in section.steps]


def step(scenario, model, bench, command):
    """The one step of the scenario whose command starts with `command`."""
    found = [s for s in steps_of(scenario, model, bench) if s.command.startswith(command)]
    assert len(found) == 1, f"{len(found)} steps '{command}...' in {scenario.__name__}: " + \
        ", ".join(s.command[:40] for s in steps_of(scenario, model, bench))
    return found[0]


def step_claiming(scenario, model, bench, words):
    found = [s for s in steps_of(scenario, model, bench) if words in s.claim]
    assert len(found) == 1, f"{len(found)} steps claiming '{words}' in {scenario.__name__}"
    return found[0]


def texts(model):
    """Every title, command and claim the scenarios show for this class."""
    for scenario in SCENARIOS:
        for section in all_sections(model, scenario):
            yield section.title
            for each in section.steps:
                yield each.command
                yield each.claim


def own_words(model):
    """Names and addresses that belong to one class: hosts, domains, addresses, its student."""
    words = {h.name for h in model.hosts} | {i.ip for h in model.hosts for i in h.interfaces}
    words |= {z.name for z in model.zones if "." in z.name.strip(".")}
    words |= {z.absolute(r.owner).rstrip(".") for z in model.zones for r in z.records
              if "." in z.absolute(r.owner).strip(".")}
    return words | {model.student.name, model.dns_name}


# --- every class ------------------------------------------------------------------------------

def test_the_scenarios_of_the_report_are_all_found():
    names = [s.__name__ for s in SCENARIOS]
    for scenario in (bounce, class_mail, connectivity, deferred_queue, dns_lookup, dns_server,
                     local_mail, mx_delivery):
        assert scenario.__name__ in names


@by_class
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__.split(".")[-1])
def test_steps_and_captures_run_on_hosts_of_the_class(class_file, scenario):
    model = classroom(path=class_file)
    for section in all_sections(model, scenario):
        assert section.steps, section.title
        for each in section.steps:
            assert each.host in model.names(), f"{section.title}: {each.host}"
        if section.capture:
            host = model.host(section.capture.host)
            assert section.capture.interface in [i.name for i in host.interfaces]


@by_class
def test_nothing_of_the_other_class_shows(class_file):
    model = classroom(path=class_file)
    other = classroom(path=CAMPUS if class_file == IUT else IUT)
    foreign = sorted(own_words(other) - own_words(model), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, foreign)) + r")(?![\w-])",
                         re.IGNORECASE)
    leaks = {m.group(1) for text in texts(model) for m in pattern.finditer(text)}
    assert leaks == set()


@by_class
def test_every_title_and_claim_reads_in_french(class_file):
    """Each Text renders in French, other than its English; a plain str (the report's own
    French headings, a record as dig prints it) is the same in both."""
    model = classroom(path=class_file)
    french = translator("fr")
    for scenario in SCENARIOS:
        assert render(scenario.TITLE, french) != english(scenario.TITLE)
        for section in all_sections(model, scenario):
            for text in [section.heading] + [each.said for each in section.steps]:
                shown = render(text, french)
                assert "{" not in shown
                if isinstance(text, Text):
                    assert shown != english(text), english(text)
                else:
                    assert shown == text


def test_the_pass_fail_lines_in_either_language():
    model = classroom(path=IUT)
    direct = step(connectivity, model, 54, "ping -c 3 10.54.1.1")
    passed = StepResult(direct, REPORT_PING_DIRECT, direct.check(REPORT_PING_DIRECT))
    failed = StepResult(direct, REPORT_PING_STP, direct.check(REPORT_PING_STP))
    en, fr = translator("en"), translator("fr")
    assert verdict_line(passed, en) == \
        "PASS  D54 reaches S54 itself, nothing forwarded: 3 replies, ttl=64"
    assert verdict_line(passed, fr) == \
        "RÉUSSI  D54 joint S54 lui-même, sans routage : 3 réponses, ttl=64"
    assert verdict_line(failed, en) == ("FAIL  D54 reaches S54 itself, nothing forwarded: "
                                        "3 replies, ttl=64: expected ttl=64 on every reply, "
                                        "saw ttl [63]")
    assert verdict_line(failed, fr) == ("ÉCHEC  D54 joint S54 lui-même, sans routage : "
                                        "3 réponses, ttl=64 : ttl=64 attendu sur chaque "
                                        "réponse, vu ttl [63]")


def test_a_seat_moved_by_client_moves_in_the_claims_in_either_language():
    model = classroom(path=IUT)
    moved = _seated_at(connectivity.sections(model, 54), "d54", "g54")
    first = moved[0].steps[0]
    assert first.host == "g54"
    assert first.claim == "G54 reaches S54 itself, nothing forwarded: 3 replies, ttl=64"
    assert render(first.said, translator("fr")).startswith("G54 joint S54 lui-même")


def test_the_machines_speak_c_whatever_the_reader_s_language(monkeypatch):
    """The hosts inherit the scenario's environment: their programs must say what the checks
    read (English, C.UTF-8), a French reader's LANG notwithstanding; it is back afterwards."""
    import os

    from scenarios.runner import _machines_locale
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.setenv("LC_MESSAGES", "fr_FR.UTF-8")
    monkeypatch.setenv("LANGUAGE", "fr")
    with _machines_locale():
        assert {k: v for k, v in os.environ.items() if k.startswith(("LANG", "LC_"))} == \
            {"LANG": "C.UTF-8"}
    assert (os.environ["LANG"], os.environ["LC_MESSAGES"], os.environ["LANGUAGE"]) == \
        ("fr_FR.UTF-8", "fr_FR.UTF-8", "fr")


@by_class
def test_dns_server_part_two_names_its_zones_hosts_and_serials(class_file):
    model = classroom(path=class_file)
    bench = model.benches[-1]
    server, seat = model.server(bench), model.seat(bench)
    primary_zones = model.zones_on(server.name)
    commands = [s.command for s in steps_of(dns_server, model, bench)]
    for zone in primary_zones:
        if zone.copy or zone.name in model.mail_domains(bench):
            assert f"named-checkzone {zone.name} {zone.file}" in commands
    restricted = next(z for z in primary_zones if z.allow_query)
    refused = step_claiming(dns_server, model, bench, "REFUSED")
    allowed = step_claiming(dns_server, model, bench, "may query")
    assert refused.host == seat.name and allowed.host != seat.name
    assert allowed.command.endswith(model.host(allowed.host).ip)
    assert all(q in refused.claim for q in restricted.allow_query)
    secondary = model.zones_copied_by(next(z for z in primary_zones if z.secondaries).secondaries[0])
    transfer = step_claiming(dns_server, model, bench, "transfer the zone")
    assert transfer.command == f"dig @{secondary[0].masters} {secondary[0].name} AXFR"


@by_class
def test_class_mail_writes_to_every_other_bench(class_file):
    model = classroom(path=class_file)
    sends = steps_of(class_mail, model, model.benches[0])[:len(model.benches)]
    for each, bench in zip(sends, model.benches):
        assert each.host == model.server(bench).name
        for other in model.benches:
            wanted = f"sendmail {model.student.name}@{model.mail_origin(other)}"
            assert (wanted in each.command) == (other != bench), (bench, other)


# --- the report's class: its transcripts pass ---------------------------------------------------

def test_iut_connectivity_is_the_report_s():
    model = classroom(path=IUT)
    direct = step(connectivity, model, 54, "ping -c 3 10.54.1.1")
    through = step(connectivity, model, 54, "ping -c 3 10.254.0.254")
    assert direct.host == through.host == "d54"
    assert direct.check(REPORT_PING_DIRECT) == [] and through.check(REPORT_PING_STP) == []
    assert direct.check(REPORT_PING_STP) != []
    assert [s.title for s in connectivity.sections(model, 54)][0] == \
        "Test de connectivité, remise directe, puis STP"


def test_iut_dig_is_the_report_s():
    model = classroom(path=IUT)
    resolver = step(dns_lookup, model, 54, "cat /etc/resolv.conf")
    assert resolver.check("nameserver 10.254.0.254\n") == []
    dig = step(dns_lookup, model, 54, "dig s54.tp541.iut")
    assert dig.host == "d54" and dig.command == "dig s54.tp541.iut"
    assert dig.check(REPORT_DIG) == []
    assert dig.check(REPORT_DIG.replace("stp.iut.        15", "stp.iut.        86400")) != []
    assert dig.check(REPORT_DIG.replace("qr aa rd ra", "qr rd ra")) != []
    assert dig.check(REPORT_DIG.replace("s54.tp541.iut.      86400   IN  A   10.54.1.1", "")) != []
    mx = step(dns_lookup, model, 54, "dig tp531.iut MX")
    assert mx.host == "s54" and "MX 0 smtp.tp531.iut." in mx.claim


def test_iut_local_mail_is_the_report_s():
    model = classroom(path=IUT)
    log = step_claiming(local_mail, model, 54, "orig_to=<root@s54>")
    assert log.check(REPORT_LOCAL_LOG) == []
    assert log.check(REPORT_LOCAL_LOG.replace("orig_to=<root@s54>", "orig_to=<etudiant@s54>")) != []
    label = step_claiming(local_mail, model, 54, "From: Thomas <root@s54>")
    assert label.command.endswith("/var/mail/etudiant") and label.check(REPORT_LABEL) == []
    account = step(local_mail, model, 54, "tail -n 1 /etc/passwd")
    assert account.check("etudiant:x:1001:1001::/home/etudiant:/bin/sh\n") == []
    aliases = step(local_mail, model, 54, "grep -E '^(postmaster|root):' /etc/aliases")
    assert aliases.check("postmaster:    root\nroot: etudiant\n") == []
    assert aliases.check("postamster: root\nroot: etudiant\n") != []
    assert aliases.claim == "aliases: postmaster -> root -> etudiant"


def test_iut_mx_delivery_relays_as_the_report_says():
    model = classroom(path=IUT)
    part2 = step_claiming(mx_delivery, model, 54, "smtp.etudiant531.iut[10.254.53.1]:25")
    assert part2.host == "s54" and part2.check(REPORT_PART2_LOG) == []
    part1 = step_claiming(mx_delivery, model, 54, "relayed to smtp.tp531.iut[10.254.53.1]:25")
    assert part1.check(REPORT_PART2_LOG) != []
    back = step_claiming(mx_delivery, model, 54, "relayed to smtp.tp541.iut[10.254.54.1]:25")
    assert back.host == "s53"


# --- the campus class: its own names, TTLs and neighbour rule -----------------------------------

def test_campus_dig_expects_the_campus_ttls():
    model = classroom(path=CAMPUS)
    dig = step(dns_lookup, model, 13, "dig r13.groupe13.lan")
    assert dig.host == "pc13b"
    assert dig.check(CAMPUS_DIG) == []
    assert dig.check(CAMPUS_DIG.replace("ns.ecole.lan.		30", "ns.ecole.lan.		3600")) != []
    assert step(dns_lookup, model, 13, "cat /etc/resolv.conf").check(
        "nameserver 192.168.100.250\n") == []
    assert step(dns_lookup, model, 13, "dig groupe12.lan MX").host == "r13"


def test_campus_mx_delivery_writes_to_the_previous_bench():
    model = classroom(path=CAMPUS)
    relayed = step_claiming(mx_delivery, model, 13, "relayed to mail.groupe12.lan[192.168.100.12]:25")
    assert relayed.host == "r13" and relayed.check(CAMPUS_RELAY_LOG) == []
    assert relayed.check(CAMPUS_RELAY_LOG.replace("192.168.100.12", "192.168.100.11")) != []
    part2 = step_claiming(mx_delivery, model, 13, "relayed to mx.site12.lan[192.168.100.12]:25")
    assert part2.command == "grep -F 'to=<eleve@site12.lan>' /var/log/mail.log"
    assert step_claiming(mx_delivery, model, 12, "relayed to mail.groupe11.lan").host == "r12"


def test_campus_accounts_and_aliases():
    model = classroom(path=CAMPUS)
    account = step(local_mail, model, 13, "tail -n 1 /etc/passwd")
    assert account.check("eleve:x:2001:2001::/home/eleve:/bin/sh\n") == []
    assert account.check("etudiant:x:1001:1001::/home/etudiant:/bin/sh\n") != []
    aliases = step(local_mail, model, 13, "grep -E '^(postmaster|abuse|root):' /etc/aliases")
    assert aliases.check("postmaster: root\nabuse: root\nroot: eleve\n") == []
    assert aliases.check("postmaster: root\nroot: eleve\n") != []
    bounced = step_claiming(bounce, model, 13, "receives the bounce")
    assert bounced.host == "r13" and bounced.command.endswith("/var/mail/eleve")
    waiting = step_claiming(deferred_queue, model, 13, "refuses the connection")
    assert waiting.check("to=<eleve@groupe12.lan>, relay=none, status=deferred (connect to "
                         "mail.groupe12.lan[192.168.100.12]:25: Connection refused)") == []
