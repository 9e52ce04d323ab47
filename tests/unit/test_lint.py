"""lint (checks/): the report's own mistakes found in its own files, at the right file and
line; the lab's own configuration (both class files, every host, every stage) found clean;
and one case per further rule. Pure: files are dicts, nothing runs."""

import pytest

from checks.lint import RULES, lint_host, lint_notes
from services import services_for
from services.postfix import DEBIAN_ALIASES
from tests.unit.lint_report import (
    ADDED_ALIASES,
    ALIASES,
    ALIASES_DATES,
    DB_ETUDIANT531,
    DB_ETUDIANT541,
    HISTORY,
    LOCAL,
    MAIN_CF_PART1,
    MAIN_CF_PART2,
    NAMED_CONF_LOCAL,
    ZONE_531,
    ZONE_541,
    line_of,
)
from topologies.classfile import CLASSES
from topologies.model import classroom
from topologies.stages import StagePlan

IUT = classroom(path=CLASSES / "iut.toml")
CAMPUS = classroom(path=CLASSES / "campus.toml")
MAIN_CF = "/etc/postfix/main.cf"
HISTORY_FILE = "/root/.bash_history"
DEBIAN_NAMED_CONF = ('include "/etc/bind/named.conf.options";\n'
                     'include "/etc/bind/named.conf.local";\n'
                     'include "/etc/bind/named.conf.default-zones";\n')


def host_files(model, name, stage=None):
    """What the lab writes on host `name` at `stage` (its bench at that stage)."""
    spec = model.host(name)
    plan = StagePlan(model, stage, (spec.bench,) if spec.bench is not None else ())
    files = {}
    for service in services_for(model):
        if spec not in service.hosts(model):
            continue
        chosen = service if plan.configured(spec, service.name) else service.installed()
        if chosen is not None:
            files.update(chosen.files(model, spec))
    return files


def compiled_dates(files):
    """Every file dated 100, each aliases database 200: newaliases ran after the last edit."""
    dates = {path: 100.0 for path in files}
    dates.update({path + ".db": 200.0 for path in files if path.endswith("aliases")})
    return dates


def local_domains(model=IUT):
    """A last main.cf line that makes every mail domain of the last bench local."""
    return f"mydestination = {', '.join(model.mail_domains(model.benches[-1]))}\n"


def lint(files, host="s54", history="", dates=None, model=IUT, **options):
    return lint_host(model, host, files.get, history, stat=(dates or {}).get, lang="en",
                     **options)


def found(findings):
    return sorted((f.code, f.file, f.line) for f in findings)


def codes(findings):
    return sorted(f.code for f in findings)


# --- the report's mistakes, in the report's files -------------------------------------------

def test_the_rebuilt_aliases_have_the_size_the_report_s_ls_shows():
    """`ls -l /etc/aliases` in the report: 68 bytes, Debian's file and the typo's line."""
    assert len((DEBIAN_ALIASES + ADDED_ALIASES.splitlines(True)[0]).encode()) == 68
    assert ALIASES == DEBIAN_ALIASES + ADDED_ALIASES


def report_part1():
    return {"/etc/aliases": ALIASES, MAIN_CF: MAIN_CF_PART1}


def report_part2():
    """S54 at the end of the report: its named.conf.local and zones; the three zone files
    the report does not show are the lab's own."""
    lab = host_files(IUT, "s54")
    files = {"/etc/aliases": ALIASES, MAIN_CF: MAIN_CF_PART2, LOCAL: NAMED_CONF_LOCAL,
             ZONE_541: DB_ETUDIANT541, ZONE_531: DB_ETUDIANT531}
    for path in lab:
        if path.startswith("/etc/bind/meszones/") and path not in files:
            files[path] = lab[path]
    return files


def test_the_report_s_first_page_and_part_one_each_mistake_at_its_line():
    findings = lint(report_part1(), history=HISTORY, dates=ALIASES_DATES)
    assert found(findings) == sorted([
        ("aliases-typo", "/etc/aliases", 3),
        ("aliases-stale", "/etc/aliases", None),
        ("mydestination-trailing-dot", MAIN_CF, line_of(MAIN_CF_PART1, "mydestination =")),
        ("sysctl-path", HISTORY_FILE, line_of(HISTORY, "ip_forward")),
    ])


def test_the_typo_names_the_rfc_2142_name_and_the_stale_database():
    findings = {f.code: f for f in lint(report_part1(), history=HISTORY, dates=ALIASES_DATES)}
    assert "postamster" in findings["aliases-typo"].what
    assert "postmaster" in findings["aliases-typo"].what
    assert "RFC 2142" in findings["aliases-typo"].why
    assert "newaliases" in findings["aliases-stale"].fix
    assert "tp541.iut." in findings["mydestination-trailing-dot"].what
    assert "/proc/sys/net/ip/ip_forward" in findings["sysctl-path"].what
    assert "ls /proc/sys/net" in findings["sysctl-path"].fix  # where to look, not the answer


def test_the_report_s_part_two_each_mistake_at_its_line():
    findings = lint(report_part2(), dates={})
    assert found(findings) == sorted([
        ("forwarders-in-master", LOCAL, line_of(NAMED_CONF_LOCAL, "forwarders")),
        ("ptr-in-forward-zone", ZONE_541, 18),
        ("ptr-in-forward-zone", ZONE_531, 16),
        ("aliases-typo", "/etc/aliases", 3),
        # the report's part-2 main.cf drops tp541.iut, whose MX (at STP) still points at S54
        ("mydestination-missing", MAIN_CF, line_of(MAIN_CF_PART2, "mydestination =")),
    ])
    why = {f.code: f.why for f in findings}
    assert "0.0.0.0" in why["forwarders-in-master"]
    assert IUT.mail_origin(54) in next(f.what for f in findings
                                       if f.code == "mydestination-missing")


def test_in_french_too():
    findings = lint_host(IUT, "s54", report_part1().get, HISTORY, stat=ALIASES_DATES.get,
                         lang="fr")
    typo = next(f for f in findings if f.code == "aliases-typo")
    assert typo.what == "l'alias postamster ressemble à une faute de frappe pour postmaster"
    assert "newaliases" in typo.fix and "Relisez" in typo.fix


# --- the lab's own files: no finding -------------------------------------------------------

def every_host_at_every_stage():
    for model in (IUT, CAMPUS):
        bench = model.benches[-1]
        names = [model.instructor.name] + [h.name for h in model.hosts if h.bench == bench]
        for stage in model.stages:
            for name in names:
                yield pytest.param(model, name, stage.name,
                                   id=f"{model.source.rsplit('/', 1)[-1]}-{name}-{stage.name}")


@pytest.mark.parametrize("model, name, stage", list(every_host_at_every_stage()))
def test_the_lab_s_own_files_lint_clean(model, name, stage):
    files = host_files(model, name, stage)
    assert lint(files, name, dates=compiled_dates(files), model=model) == []


@pytest.mark.parametrize("model", (IUT, CAMPUS), ids=("iut", "campus"))
def test_the_lab_s_own_server_lints_clean_through_debian_s_named_conf(model):
    server = model.server(model.benches[-1]).name
    files = {**host_files(model, server), "/etc/bind/named.conf": DEBIAN_NAMED_CONF}
    assert lint(files, server, dates=compiled_dates(files), model=model) == []


def test_the_clean_files_hold_what_the_rules_read():
    files = host_files(IUT, "s54")
    assert {MAIN_CF, "/etc/aliases", LOCAL, ZONE_541} <= set(files)
    lab = lint_notes(IUT, "s54", files.get)
    assert lab == []


# --- aliases --------------------------------------------------------------------------------

def aliases(text, dates=None):
    return lint({"/etc/aliases": text, MAIN_CF: local_domains()}, dates=dates)


def test_alias_typos_of_rfc_2142_names_and_none_of_other_names():
    text = ("webmastre: root\nhostmastr: root\nabuze: root\nroot: etudiant\n"
            "abuse: root\nthomas: root\nsupport: root\nsales: root\n")
    assert [(f.line, f.what.split()[2]) for f in aliases(text)] == [
        (1, "webmastre"), (2, "hostmastr"), (3, "abuze")]


def test_an_alias_twice_and_a_line_without_colon():
    findings = aliases("postmaster: root\nroot etudiant\npostmaster: root\n")
    assert found(findings) == [("aliases-duplicate", "/etc/aliases", 3),
                               ("aliases-syntax", "/etc/aliases", 2)]
    assert "line 1" in next(f.what for f in findings if f.code == "aliases-duplicate")


def test_aliases_compiled_current_stale_or_missing():
    text = "postmaster: root\n"
    assert aliases(text, {"/etc/aliases": 10, "/etc/aliases.db": 10}) == []
    assert codes(aliases(text, {"/etc/aliases": 11, "/etc/aliases.db": 10})) == ["aliases-stale"]
    assert codes(aliases(text, {"/etc/aliases": 10})) == ["aliases-not-compiled"]
    assert aliases(text, None) == []  # no dates given: nothing to compare


def test_the_database_follows_alias_database():
    main_cf = ("alias_maps = lmdb:/etc/postfix/aliases\n"
               "alias_database = lmdb:/etc/postfix/aliases\n" + local_domains())
    files = {"/etc/postfix/aliases": "postmaster: root\n", MAIN_CF: main_cf}
    stale = lint(files, dates={"/etc/postfix/aliases": 2, "/etc/postfix/aliases.lmdb": 1})
    assert [(f.code, f.file) for f in stale] == [("aliases-stale", "/etc/postfix/aliases")]
    assert "/etc/postfix/aliases.lmdb" in stale[0].what


def test_without_main_cf_the_aliases_are_still_read_but_not_compared():
    files = {"/etc/aliases": ALIASES}
    assert codes(lint(files, dates=ALIASES_DATES)) == ["aliases-typo"]


# --- main.cf ----------------------------------------------------------------------------------

def main_cf(text, **options):
    return lint({MAIN_CF: text + local_domains()}, **options)


def test_unknown_parameter_names_with_the_close_known_name_as_a_hint():
    findings = main_cf("mydestinaton = s54\nmy_own = x\nrelay_domains = $my_own\n")
    assert found(findings) == [("maincf-unknown", MAIN_CF, 1)]
    assert "mydestination" in findings[0].fix


def test_a_service_s_own_parameters_are_known_from_master_cf():
    master = "maildrop  unix  -       n       n       -       -       pipe\n"
    main_cf = "maildrop_destination_recipient_limit = 1\nfoo_bar = 1\n" + local_domains()
    files = {MAIN_CF: main_cf,
             "/etc/postfix/master.cf": master}
    assert found(lint(files)) == [("maincf-unknown", MAIN_CF, 2)]


def test_a_fixed_list_of_known_parameters_may_be_given():
    known = {"myhostname", "mydestination"}
    findings = main_cf("myhostname = x\nbiff = no\n", known_parameters=known)
    assert found(findings) == [("maincf-unknown", MAIN_CF, 2)]


def test_a_parameter_twice_and_a_line_that_is_no_parameter():
    findings = main_cf("biff = no\nthis is wrong\n  continued\nbiff = yes\n")
    assert found(findings) == [("maincf-duplicate", MAIN_CF, 4), ("maincf-syntax", MAIN_CF, 2)]


def test_mydestination_missing_a_domain_whose_mx_points_here():
    domains = IUT.mail_domains(54)
    local = ", ".join(d for d in domains if d != IUT.mail_origin(54))
    findings = lint({MAIN_CF: f"myhostname = s54\nmydestination = $myhostname, {local}\n"})
    assert [(f.code, f.line) for f in findings] == [("mydestination-missing", 2)]
    assert IUT.mail_exchanger(IUT.mail_origin(54))[0] in findings[0].why


def test_mydestination_asks_for_a_zone_of_this_host_only_once_named_serves_it():
    """At the mail stage S54 serves no zone yet: its own zone's domain is not asked for."""
    origin = IUT.mail_origin(54)
    text = f"myhostname = s54\nmydestination = $myhostname, {origin}\n"
    assert lint({MAIN_CF: text}) == []
    files = {MAIN_CF: text, LOCAL: host_files(IUT, "s54")[LOCAL]}
    files.update({p: t for p, t in host_files(IUT, "s54").items() if "meszones" in p})
    assert codes(lint(files)) == ["mydestination-missing"]


def test_mydestination_expands_its_variables():
    origin = IUT.mail_origin(54)
    assert lint({MAIN_CF: f"mydomain = {origin}\nmydestination = $mydomain, ${{mydomain}}\n"}) == []


def test_mynetworks_wider_than_the_lab_is_an_open_relay():
    lab = " ".join(IUT.trusted_networks(54))
    text = (f"mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 {lab}\n"
            "mynetworks = 0.0.0.0/0, 10.0.0.0/8\n")
    findings = main_cf(text)
    assert [(f.code, f.line) for f in findings] == [("maincf-duplicate", 2),
                                                     ("mynetworks-open", 2),
                                                     ("mynetworks-open", 2)]
    assert "0.0.0.0/0" in findings[1].what and "open relay" in findings[1].why
    assert main_cf(f"mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 {lab}\n") == []


def test_campus_mynetworks_is_checked_against_its_own_lab():
    router = CAMPUS.server(CAMPUS.benches[-1]).name
    wide = CAMPUS.lab_networks()[0].rsplit("/", 1)[0] + "/1"
    findings = lint({MAIN_CF: f"mynetworks = {wide}\n" + local_domains(CAMPUS)}, router,
                    model=CAMPUS)
    assert codes(findings) == ["mynetworks-open"]


# --- named.conf and zones -------------------------------------------------------------------

def zone541(text, extra=None, **options):
    files = {LOCAL: NAMED_CONF_LOCAL.split('zone "etudiant531.iut"')[0], ZONE_541: text}
    files.update({p: t for p, t in report_part2().items()
                  if p.startswith("/etc/bind/meszones/") and p not in (ZONE_541, ZONE_531)})
    files.update(extra or {})
    return [f for f in lint(files, **options) if f.code != "forwarders-in-master"]


GOOD_541 = DB_ETUDIANT541.replace("1   IN  PTR S54.etudiant541.iut.\n", "")


def test_the_report_s_zone_without_its_ptr_is_clean():
    assert zone541(GOOD_541) == []


def test_a_name_without_its_final_dot_became_relative():
    text = GOOD_541.replace("MX  10  smtp.etudiant541.iut.", "MX  10  smtp.etudiant541.iut")
    findings = zone541(text)
    assert found(findings) == [("relative-name", ZONE_541, line_of(text, "MX"))]
    assert "smtp.etudiant541.iut.etudiant541.iut." in findings[0].what


def test_an_owner_without_its_final_dot_became_relative():
    text = GOOD_541 + "www.etudiant541.iut IN A 10.54.1.3\n"
    assert found(zone541(text)) == [("relative-name", ZONE_541, line_of(text, "www"))]


def test_ns_and_mx_pointing_at_names_without_address():
    text = GOOD_541 + "@ IN NS ns2.etudiant541.iut.\n@ IN MX 20 mail.nowhere.iut.\n"
    assert found(zone541(text)) == [("mx-no-address", ZONE_541, line_of(text, "mail.nowhere")),
                                    ("ns-no-address", ZONE_541, line_of(text, "ns2"))]


def test_mx_pointing_at_a_cname():
    text = GOOD_541 + "mail IN CNAME smtp\n@ IN MX 20 mail.etudiant541.iut.\n"
    assert found(zone541(text)) == [("mx-cname", ZONE_541, line_of(text, "MX 20"))]


def test_a_target_outside_the_host_s_zones_is_asked_to_the_class_model():
    exchanger = IUT.mail_exchanger(IUT.mail_origin(53))[0]
    assert zone541(GOOD_541 + f"@ IN MX 20 {exchanger}.\n") == []


def test_records_out_of_the_zone_and_unreadable_lines():
    text = GOOD_541 + "S53.etudiant531.iut. IN A 10.254.53.1\nbad IN AA 10.54.1.3\n"
    assert found(zone541(text)) == [("out-of-zone", ZONE_541, line_of(text, "S53")),
                                    ("zone-syntax", ZONE_541, line_of(text, "AA"))]


def test_a_zone_file_named_conf_cannot_find():
    findings = zone541(GOOD_541, {ZONE_541: None})
    assert found(findings) == [("zone-file-missing", LOCAL,
                                line_of(NAMED_CONF_LOCAL, "db.etudiant541.iut"))]


def test_named_conf_with_a_missing_semicolon_or_brace():
    broken = 'zone "x" {\n    type master;\n    file "/etc/bind/db.x"\n};\n'
    assert found(lint({LOCAL: broken})) == [("namedconf-syntax", LOCAL, 4)]
    assert found(lint({LOCAL: 'zone "x" {\n type master;\n'})) == [("namedconf-syntax", LOCAL, 1)]
    assert found(lint({LOCAL: '};\n'})) == [("namedconf-syntax", LOCAL, 1)]


def test_forwarders_an_empty_list_or_in_the_options_are_fine():
    options = "options {\n    forwarders { 10.254.0.254; };\n};\n"
    local = 'zone "x" {\n    type master;\n    file "/etc/bind/db.x";\n    forwarders { };\n};\n'
    zone = "@ 3600 IN SOA x. x. 1 1 1 1 1\n@ IN NS stp.iut.\n"
    files = {"/etc/bind/named.conf.options": options, LOCAL: local, "/etc/bind/db.x": zone}
    assert lint(files) == []
    other = local.replace("{ };", "{ 10.254.0.254; };")
    findings = lint({**files, LOCAL: other})
    assert codes(findings) == ["forwarders-in-master"] and "0.0.0.0" not in findings[0].why


def test_a_zone_edited_without_raising_its_serial():
    """What named loaded (rndc zonestatus: serial, time) against the file and its date."""
    soa_line = line_of(GOOD_541, "SOA")
    loaded = {"etudiant541.iut": (2, 1000.0)}

    def run(text, changed):
        return found(zone541(text, dates={ZONE_541: changed}, zone_loads=loaded))
    assert run(GOOD_541, 1001.0) == [("serial-not-bumped", ZONE_541, soa_line)]
    bumped = GOOD_541.replace("  2     ; Serial", "  3     ; Serial")
    assert run(bumped, 1001.0) == [("zone-not-reloaded", ZONE_541, soa_line)]
    assert run(GOOD_541, 999.0) == []
    assert zone541(GOOD_541) == []  # nothing known of what named loaded: nothing to compare


# --- the shell history and sysctl.conf ------------------------------------------------------

def test_kernel_settings_written_where_none_exists():
    history = ("#1700000000\necho 1 > /proc/sys/net/ipv4/ip_forward\n"
               "sysctl -w net.ip.ip_forward=1\necho 1 | tee /proc/sys/net/ipv4/ip_forwarding\n"
               "echo 1 > /proc/sys/net/ipv4/conf/s54-eth0/forwarding\n"
               "echo s54 > /proc/sys/kernel/hostname\n")
    findings = lint({}, history=history)
    assert [(f.code, f.line) for f in findings] == [("sysctl-path", 3), ("sysctl-path", 4)]


def test_a_wrong_path_the_student_then_wrote_right_is_no_longer_reported():
    wrong = "echo 1 > /proc/sys/net/ip/ip_forward\n"
    right = "echo 1 > /proc/sys/net/ipv4/ip_forward\n"
    assert lint({}, history=wrong + "ping -c 1 stp\n" + right) == []
    assert [(f.code, f.line) for f in lint({}, history=right + wrong)] == [("sysctl-path", 2)]
    other = "echo 1 > /proc/sys/net/ipv4/icmp_echo_ignore_al\n"  # meant another setting
    assert [(f.code, f.line) for f in lint({}, history=other + right)] == [("sysctl-path", 1)]


def test_sysctl_conf_keys():
    files = {"/etc/sysctl.conf": "# routing\nnet.ipv4.ip_forward = 1\nnet.ip.ip_forward=1\n"}
    assert found(lint(files)) == [("sysctl-path", "/etc/sysctl.conf", 3)]


def test_a_path_the_host_has_is_not_reported():
    files = {"/proc/sys/net/ip/ip_forward": "0\n"}  # a live host that has it after all
    assert lint(files, history="echo 1 > /proc/sys/net/ip/ip_forward\n") == []


# --- the interface ------------------------------------------------------------------------

def test_every_code_found_is_declared_and_stable():
    declared = {code for group in RULES.values() for code in group}
    assert len(declared) == sum(len(group) for group in RULES.values())
    seen = {f.code for f in lint(report_part1(), history=HISTORY, dates=ALIASES_DATES)}
    seen |= {f.code for f in lint(report_part2())}
    assert seen <= declared


def test_an_unknown_host_is_a_key_error():
    with pytest.raises(KeyError):
        lint_host(IUT, "nobody", {}.get)
