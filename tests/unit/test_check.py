"""check's pure parts, without root or a lab: the objectives of each class and their stages,
the states (PASS, FAIL, NOT YET, BLOCKED) from what the probes saw, the probing order, the
record of what was reached and the hints shown, the text in French and English, the JSON
round trip, the command's bad input, and the mail agent's mailbox surgery."""

import json
import os
from pathlib import Path

import pytest

from checks import check as check_module
from checks import agent as mailagent
from checks.check import CheckError, Probing, check_bench, check_class
from checks.check_cli import benches_of, check_command, check_parser, chosen_language
from checks.findings import _
from checks.i18n import translator
from checks.objectives import LINT, Roles, due, objectives, stage_of
from checks.probes_dns import _records, dig_text, expected, normal, records_of
from checks.probes_net import _address_problem
from checks.record import CheckRecord
from checks.render import bench_text, hint_text
from checks.results import BLOCKED, FAIL, NOT_YET, PASS, ClassResult, Evidence
from checks.states import Verdict, decide, gates
from topologies.model import classroom
from topologies.stages import StagePlan

IUT = classroom()
CAMPUS = classroom(path=Path(__file__).resolve().parents[2] / "topologies/classes/campus.toml")
MODELS = pytest.mark.parametrize("model", (IUT, CAMPUS), ids=("iut", "campus"))


# --- the objectives -----------------------------------------------------------------------

@MODELS
def test_objectives_follow_the_report_and_the_class_s_stages(model):
    defs = objectives(model)
    ids = [d.id for d in defs]
    assert ids[:4] == ["routing.addresses", "routing.forwarding", "dns.resolver", "dns.answers"]
    assert ids[-1] == LINT and len(set(ids)) == len(ids)
    assert {"mail.postfix", "mail.local", "mail.neighbour", "mail.bounce", "mail.relay",
            "dns.zones", "dns.secondary", "dns.access"} <= set(ids)
    indexes = [stage_of(model, d).index for d in defs]
    assert indexes == sorted(indexes), "columns stay grouped under their stages"
    for d in defs:  # a prerequisite comes first
        assert all(ids.index(r) < ids.index(d.id) for r in d.requires), d.id
        assert len(d.hints) == 2


def test_each_objective_sits_at_the_stage_doing_its_items():
    stages = {d.id: stage_of(IUT, d).name for d in objectives(IUT)}
    assert stages["routing.addresses"] == IUT.stages[0].name
    by_item = {item: s.name for s in IUT.stages for item in s.does}
    assert stages["routing.forwarding"] == by_item["forwarding"]
    assert stages["dns.answers"] == by_item["resolver"]
    assert stages["mail.bounce"] == by_item["postfix"]
    assert stages["dns.zones"] == next(v for k, v in by_item.items() if k.startswith("named@s"))
    assert stages["dns.secondary"] == IUT.stages[-1].name
    campus = {d.id: stage_of(CAMPUS, d).name for d in objectives(CAMPUS)}
    assert campus["routing.forwarding"] == campus["dns.resolver"] == CAMPUS.stages[1].name


def test_without_part2_there_is_no_secondary_to_compare():
    ids = [d.id for d in objectives(classroom(part2=False))]
    assert "dns.secondary" not in ids and "dns.zones" in ids


def test_due_follows_the_plan_of_the_bench():
    defs = {d.id: d for d in objectives(IUT)}
    bench = IUT.benches[-1]
    first = StagePlan(IUT, IUT.stages[0].name, (bench,))
    assert due(defs["routing.addresses"], IUT, first, bench)
    assert not due(defs["routing.forwarding"], IUT, first, bench)
    assert due(defs["routing.forwarding"], IUT, first, IUT.benches[0])  # the others are done
    done = StagePlan(IUT)
    assert all(due(d, IUT, done, bench) for d in defs.values())


@MODELS
def test_the_roles_come_from_the_model(model):
    roles = Roles(model, model.benches[-1])
    outside = roles.outside_mynetworks()
    assert outside is not None and outside.bench == roles.bench  # a part-2 host of the bench
    assert roles.secondary is not None and roles.copied and roles.restricted
    assert roles.server_address_for(roles.seat) == model.address(
        roles.bench, roles.server_key, on=roles.seat_key)
    without = Roles(classroom(part2=False, path=model.source), model.benches[-1])
    assert without.outside_mynetworks().bench != roles.bench  # a client of another bench


# --- states -------------------------------------------------------------------------------

def defs_of(*rows):
    """rows: (id, requires, stage index)"""
    from checks.objectives import ObjectiveDef
    return [ObjectiveDef(i, _("x"), (), tuple(r)) for i, r, _s in rows], \
        {i: s for i, _r, s in rows}


CHAIN = (("a", (), 0), ("b", ("a",), 1), ("c", ("b",), 2), ("d", (), 2))


def test_a_failing_objective_of_the_bench_s_stage_fails_and_blocks_what_needs_it():
    defs, stages = defs_of(*CHAIN)
    verdicts = {"a": Verdict(True), "b": Verdict(False), "c": None, "d": Verdict(True)}
    due = {"a": True, "b": True, "c": True, "d": True}
    states = decide(defs, verdicts, due, set(), stages)
    assert states == {"a": (PASS, ""), "b": (FAIL, ""), "c": (BLOCKED, "b"), "d": (PASS, "")}


def test_later_objectives_read_not_yet_and_so_do_those_waiting_on_them():
    defs, stages = defs_of(*CHAIN)
    verdicts = {"a": Verdict(True), "b": Verdict(False), "c": None, "d": Verdict(False)}
    due = {"a": True, "b": False, "c": False, "d": False}
    states = decide(defs, verdicts, due, set(), stages)
    assert [states[i][0] for i in "abcd"] == [PASS, NOT_YET, NOT_YET, NOT_YET]
    assert states["c"] == (NOT_YET, "b")  # waits for b


def test_an_objective_skipped_while_a_later_one_was_reached_fails():
    defs, stages = defs_of(*CHAIN)
    verdicts = {"a": Verdict(True), "b": Verdict(False), "c": None, "d": Verdict(False)}
    due = {"a": True, "b": False, "c": False, "d": False}
    states = decide(defs, verdicts, due, {"d"}, stages)  # d held once, at a later stage
    assert states["b"] == (FAIL, "") and states["c"] == (BLOCKED, "b")
    # reached at the same stage only does not make it due
    assert decide(defs, verdicts, due, {"b"}, stages)["b"] == (NOT_YET, "")


def test_blocked_by_names_the_objective_that_fails_not_the_one_between():
    defs, stages = defs_of(*CHAIN)
    verdicts = {"a": Verdict(False), "b": None, "c": None, "d": Verdict(True)}
    states = decide(defs, verdicts, dict.fromkeys("abcd", True), set(), stages)
    assert states["b"] == (BLOCKED, "a") and states["c"] == (BLOCKED, "a")


def test_speculative_objectives_let_their_dependents_be_probed_alongside():
    found = {d.id: d for d in objectives(IUT)}
    needed = gates(objectives(IUT))
    assert found["mail.local"].speculative
    assert "mail.local" not in needed["mail.neighbour"]
    assert set(needed["mail.neighbour"]) == {"mail.postfix", "mail.account", "mail.aliases",
                                             "dns.resolver"}
    assert set(needed["mail.bounce"]) == set(needed["mail.neighbour"])
    assert needed["dns.answers"] == ("routing.forwarding", "dns.resolver")


# --- a bench checked with stand-in probes --------------------------------------------------

class FakeRunDir:
    def __init__(self, path):
        self.path = path

    def read_state(self):
        return {}


class FakeLab:
    def __init__(self, model, tmp_path, stage=None):
        self.model, self.rundir = model, FakeRunDir(tmp_path)
        self.plan = StagePlan(model, stage)

    def host(self, name):
        return name


@pytest.fixture
def stand_in(monkeypatch):
    """PROBES replaced: each id -> a Verdict from `holding` (default: holds); lint finds
    nothing. Returns (holding dict, probed list)."""
    holding, probed = {}, []

    def probe_for(objective_id):
        def probe(_ctx):
            probed.append(objective_id)
            return holding.get(objective_id, Verdict(True, [Evidence("h", "cmd", "out")]))
        return probe
    monkeypatch.setattr(check_module, "PROBES", {k: probe_for(k) for k in check_module.PROBES})
    monkeypatch.setattr(check_module, "lint_live", lambda ctx, host, lang: [])
    monkeypatch.setattr(Probing, "read_first", lambda self: None)
    return holding, probed


def test_a_done_bench_passes_everything(stand_in, tmp_path):
    lab = FakeLab(IUT, tmp_path)
    result = check_bench(lab, IUT.benches[-1], "en")
    assert {o.state for o in result.outcomes} == {PASS}
    assert all(o.now and o.ever for o in result.outcomes)
    assert result.stage == IUT.stages[-1].name


def test_a_failing_probe_blocks_its_dependents_and_they_are_not_probed(stand_in, tmp_path):
    holding, probed = stand_in
    holding["mail.postfix"] = Verdict(False, [Evidence("s", "postfix check", "fatal: x")],
                                      "postfix-check", _("postfix check says: {text}", text="x"))
    result = check_bench(FakeLab(IUT, tmp_path), IUT.benches[-1], "en")
    states = {o.id: (o.state, o.blocked_by) for o in result.outcomes}
    assert states["mail.postfix"] == (FAIL, "")
    for dependent in ("mail.local", "mail.neighbour", "mail.bounce", "mail.relay"):
        assert states[dependent] == (BLOCKED, "mail.postfix"), dependent
        assert dependent not in probed
    failing = result.outcome("mail.postfix")
    assert failing.reason == "postfix-check" and len(failing.hints) == 3
    assert failing.hints[2] == "postfix check says: x"
    assert result.outcome("mail.local").evidence == []


def test_one_after_another_gives_the_same_result(stand_in, tmp_path):
    lab = FakeLab(IUT, tmp_path)
    together = check_bench(lab, IUT.benches[-1], "en")
    alone = check_bench(lab, IUT.benches[-1], "en", workers=1)
    assert [(o.id, o.state) for o in together.outcomes] == [(o.id, o.state) for o in alone.outcomes]


def test_a_probe_that_crashes_is_a_fail_with_its_reason_not_a_crash(stand_in, monkeypatch,
                                                                    tmp_path):
    def broken(_ctx):
        raise ValueError("no such thing")
    monkeypatch.setitem(check_module.PROBES, "dns.zones", broken)
    result = check_bench(FakeLab(IUT, tmp_path), IUT.benches[-1], "en")
    outcome = result.outcome("dns.zones")
    assert outcome.state == FAIL and outcome.reason == "probe-error"
    assert "no such thing" in outcome.evidence[0].output


def test_reached_objectives_are_remembered_and_hints_shown_counted(stand_in, tmp_path):
    holding, _probed = stand_in
    lab = FakeLab(IUT, tmp_path, IUT.stages[0].name)
    record = CheckRecord(tmp_path / "check.json")
    bench = IUT.benches[-1]
    check_bench(lab, bench, "en", record)  # at the first stage, every probe holds
    holding["routing.forwarding"] = Verdict(False, [], "forwarding-off",
                                            _("postfix check says: {text}", text="x"))
    result = check_bench(lab, bench, "en", record, shown=True)
    outcome = result.outcome("routing.forwarding")
    assert (outcome.state, outcome.now, outcome.ever) == (FAIL, False, True)
    assert outcome.hints_shown == 1  # the first hint shown with the FAIL
    assert record.next_hint(bench, "routing.forwarding") == 2
    assert record.next_hint(bench, "routing.forwarding") == 3
    assert record.next_hint(bench, "routing.forwarding") == 3
    assert record.bench(bench)[1]["routing.forwarding"] == 3


def test_a_class_is_checked_a_thread_a_bench_and_round_trips_as_json(stand_in, tmp_path):
    result = check_class(FakeLab(IUT, tmp_path), list(IUT.benches), "fr")
    assert [b.bench for b in result.benches] == list(IUT.benches)
    assert result.lang == "fr" and result.objectives[0].title.startswith("Adresses")
    again = ClassResult.from_json(result.to_json())
    assert again == result


# --- the text -------------------------------------------------------------------------------

def failing_result(tmp_path, monkeypatch, lang):
    holding = {"mail.aliases": Verdict(False, [Evidence("s54", "ls -l /etc/aliases",
                                                        "-rw-r--r-- 1 root root 68 /etc/aliases")],
                                       "aliases-stale", _("{path} was changed after {database} "
                                                          "was compiled: its last change is not "
                                                          "in effect", path="/etc/aliases",
                                                          database="/etc/aliases.db"))}
    monkeypatch.setattr(check_module, "PROBES", {
        k: (lambda k: lambda _ctx: holding.get(k, Verdict(True)))(k) for k in check_module.PROBES})
    monkeypatch.setattr(check_module, "lint_live", lambda ctx, host, lang: [])
    monkeypatch.setattr(Probing, "read_first", lambda self: None)
    return check_class(FakeLab(IUT, tmp_path), [IUT.benches[-1]], lang)


@pytest.mark.parametrize("lang, words", [
    ("en", ("PASS", "FAIL", "BLOCKED", "(blocked by mail.aliases)", "hint 1/3:",
            "next hint: check", "--hint mail.aliases", "Bench")),
    ("fr", ("RÉUSSI", "ÉCHEC", "BLOQUÉ", "(bloqué par mail.aliases)", "indice 1/3 :",
            "indice suivant : check", "Banc"))])
def test_the_text_says_each_objective_on_a_line_and_explains_a_fail(tmp_path, monkeypatch,
                                                                    lang, words):
    result = failing_result(tmp_path, monkeypatch, lang)
    translate = translator(lang)
    server = IUT.server(IUT.benches[-1]).name
    text = bench_text(result.benches[0], result.objectives, translate, server)
    for word in words:
        assert word in text, (word, text)
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if " mail.aliases " in line)
    assert lines[row + 1].strip() == f"{server}# ls -l /etc/aliases"
    hint = result.benches[0].outcome("mail.aliases")
    assert hint.hints[0] in text and hint.hints[2] not in text  # step 1 shown, not step 3
    hint.hints_shown = 3
    shown = hint_text(result.benches[0], result.objectives, "mail.aliases", translate, server)
    assert "3/3" in shown and "/etc/aliases.db" in shown


# --- the command's input --------------------------------------------------------------------

def test_bad_input_is_one_line(tmp_path):
    lab = FakeLab(IUT, tmp_path)
    translate = translator("en")
    assert benches_of(lab, None, translate) == [IUT.benches[-1]]
    assert benches_of(lab, "all", translate) == list(IUT.benches)
    seat = IUT.seat(IUT.benches[0])
    assert benches_of(lab, seat.name, translate) == [IUT.benches[0]]
    for target, says in [("999", "no bench 999"), ("nobody", "no bench or host nobody"),
                         (IUT.instructor.name, "belongs to no bench")]:
        with pytest.raises(CheckError, match=says) as caught:
            benches_of(lab, target, translate)
        assert "\n" not in str(caught.value)
    with pytest.raises(CheckError, match="--lang xx: no such language"):
        chosen_language("xx")
    with pytest.raises(CheckError, match="unrecognized arguments"):
        check_parser().parse_args(["54", "55"])
    with pytest.raises(CheckError, match="no objective nothing"):
        check_command(lab, ["--hint", "nothing"])
    assert not (tmp_path / "check.json").exists()  # nothing recorded


# --- the probes' pure helpers ---------------------------------------------------------------

def test_expected_records_come_from_the_class_s_zones():
    bench = IUT.benches[-1]
    zone = IUT.zone(IUT.mail_origin(bench))
    name = next(zone.absolute(r.owner) for r in zone.records if r.rtype == "A")
    assert expected(IUT, name, "A") == set(IUT.lookup(name, "A"))
    target, _address = IUT.mail_exchanger(zone.name)
    assert any(v.endswith(target + ".") for v in expected(IUT, zone.name, "MX"))
    assert normal("MX", "10 Smtp.Example.Org.") == "10 smtp.example.org."
    assert normal("NS", "ns", "example.org.") == "ns.example.org."


def test_answers_and_dumps_are_read_as_records():
    answer = {"rcode": "NOERROR", "flags": ["qr", "aa"],
              "answer": ["example.org. 60 IN MX 0 mail.example.org."], "authority": []}
    assert records_of(answer, "answer", "example.org", "MX") == {"0 mail.example.org."}
    assert "ANSWER SECTION" in dig_text(answer) and ";; flags: qr aa" in dig_text(answer)
    dump = ("example.org.\t60 IN SOA\ta. b. 2 1 1 1 1\nns.example.org.\t60 IN A\t192.0.2.1\n"
            "zone example.org/IN: loaded serial 2\nOK")
    assert set(_records(dump)) == {"example.org. 60 in soa a. b. 2 1 1 1 1",
                                   "ns.example.org. 60 in a 192.0.2.1"}


def test_a_missing_address_or_route_is_named():
    host = IUT.seat(IUT.benches[-1])
    interface, route = host.interfaces[0], host.routes[0]
    have = f"2: {interface.name}    inet {interface.address} brd 0 scope global\n"
    routes = f"{route.destination} via {route.via} dev {interface.name}\n"
    assert _address_problem(host, have, routes) is None
    assert _address_problem(host, "", routes)[0] == "address-missing"
    assert _address_problem(host, have, "")[0] == "route-missing"


# --- the mail agent's mailbox surgery -------------------------------------------------------

MBOX = (b"From a@x  Mon Nov  7 15:10:33 2022\nSubject: Test\n\nBonjour\n\n"
        b"From b@x  Mon Nov  7 15:11:33 2022\nSubject: probe TOKEN\nMessage-ID: <TOKEN@x>\n\n"
        b">From the body: Postfix escapes such a line\n\n"
        b"From c@x  Mon Nov  7 15:12:33 2022\nSubject: Test3\n\nOups\n\n")


def test_the_agent_removes_only_its_message_and_restores_the_dates(tmp_path):
    path = tmp_path / "student"
    before = MBOX.replace(MBOX[MBOX.index(b"From b@x"):MBOX.index(b"From c@x")], b"")
    path.write_bytes(before)
    os.utime(path, (1000, 2000))
    snap = mailagent.snapshot(str(path))
    path.write_bytes(MBOX)  # the probe's message arrived
    headers = mailagent.remove(str(path), "TOKEN", snap)
    assert (os.stat(path).st_atime, os.stat(path).st_mtime) == (1000, 2000)
    assert os.stat(tmp_path).st_mtime_ns == snap["folder"][1]
    assert path.read_bytes() == before
    assert "Subject: probe TOKEN" in headers
    assert not (tmp_path / "student.lock").exists()


def test_a_mailbox_the_probe_created_is_removed_with_its_message(tmp_path):
    path = tmp_path / "student"
    snap = mailagent.snapshot(str(path))
    assert snap["exists"] is False
    path.write_bytes(MBOX[MBOX.index(b"From b@x"):MBOX.index(b"From c@x")])
    mailagent.remove(str(path), "TOKEN", snap)
    assert not path.exists()


def test_a_mailbox_someone_holds_is_left_untouched(tmp_path, monkeypatch):
    path = tmp_path / "student"
    path.write_bytes(MBOX)
    (tmp_path / "student.lock").write_text("")  # a mail reader holds Postfix's dot lock
    monkeypatch.setattr(mailagent, "LOCK_WAIT", 0.05)
    assert mailagent.remove(str(path), "TOKEN", None) is None
    assert path.read_bytes() == MBOX and (tmp_path / "student.lock").exists()


def test_the_agent_waits_and_gives_up(tmp_path, monkeypatch):
    path = tmp_path / "student"
    path.write_bytes(MBOX)
    taken = {str(path): {"exists": True, "size": 0, "mtime": 10 ** 9, "atime": 10 ** 9}}

    def no_wait(_delay):
        raise AssertionError("the mail is there already: the agent must not wait")
    with monkeypatch.context() as patched:
        patched.setattr(mailagent, "pause", no_wait)
        found = mailagent.await_mail({"mboxes": [str(path)], "token": "TOKEN", "timeout": 1},
                                     taken)
    assert found["found"] == str(path)
    missing = mailagent.await_mail({"mboxes": [str(path)], "token": "OTHER", "timeout": 0.1}, {})
    assert missing == {"found": None, "headers": []}


def test_the_agent_follows_a_token_through_the_log():
    lines = ["Nov 29 19:00:00 s postfix/pickup[1]: 1A2B3C4D5E: uid=0 from=<TOKEN@s>",
             "Nov 29 19:00:00 s postfix/cleanup[2]: 1A2B3C4D5E: message-id=<TOKEN@s>",
             "Nov 29 19:00:01 s postfix/smtp[3]: 1A2B3C4D5E: to=<x@y>, relay=m[192.0.2.1]:25, "
             "status=bounced (host m said: 550 5.1.1 unknown)",
             "Nov 29 19:00:01 s postfix/bounce[4]: 1A2B3C4D5E: sender non-delivery notification:"
             " 9F8E7D6C5B",
             "Nov 29 19:00:01 s postfix/local[5]: 9F8E7D6C5B: to=<u@s>, status=sent (delivered)",
             "Nov 29 19:00:02 s postfix/local[5]: 0000000001: to=<v@s>, status=sent (other)"]
    found = mailagent._token_lines(lines, "TOKEN")
    assert found == lines[:5]
    assert json.loads(json.dumps(found)) == found


def test_postfix_check_runs_again_only_when_what_it_checks_changed(monkeypatch):
    ran = []
    monkeypatch.setattr(mailagent, "_ran", lambda argv, timeout=5: ran.append(argv) or (0, ""))
    first = mailagent.postfix_check({})
    assert ran and first["fingerprint"] == mailagent.postfix_fingerprint()
    again = mailagent.postfix_check({"known": first["fingerprint"]})
    assert again == {"cached": True, "fingerprint": first["fingerprint"]} and len(ran) == 1
    assert mailagent.postfix_check({"known": "something else"})["rc"] == 0 and len(ran) == 2


def test_the_agent_purges_only_what_did_not_arrive(tmp_path, monkeypatch):
    purged = []
    monkeypatch.setattr(mailagent, "purge", lambda action: purged.append(action) or {"removed": []})
    path = tmp_path / "student"
    path.write_bytes(MBOX)
    arrived = mailagent.mail({"actions": [
        {"do": "await", "mboxes": [str(path)], "token": "TOKEN", "timeout": 1},
        {"do": "purge", "token": "TOKEN", "if_lost": True}]})
    lost = mailagent.mail({"actions": [
        {"do": "await", "mboxes": [str(path)], "token": "OTHER", "timeout": 0.05},
        {"do": "purge", "token": "OTHER", "if_lost": True}]})
    assert arrived[0]["found"] and lost[0]["found"] is None
    assert [p["token"] for p in purged] == ["OTHER"]


def test_the_agent_answers_requests_side_by_side():
    import io
    requests = io.StringIO("\n".join(json.dumps(r) for r in [
        {"id": 1, "do": "run", "argv": ["sh", "-c", "echo one"]},
        {"id": 2, "do": "nothing"},
        {"id": 3, "do": "files", "paths": ["/nonexistent/file"]}]) + "\n")
    out = io.StringIO()
    mailagent.serve(requests, out)
    replies = {r["id"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert replies[1]["result"]["out"] == "one\n"
    assert "KeyError" in replies[2]["error"]
    assert replies[3]["result"] == {"/nonexistent/file": [None, None, None]}


def test_no_command_the_agent_runs_reads_its_requests():
    """The agent's stdin carries the requests: a command that inherited it (script does read
    its stdin) would swallow the next ones. Each gets /dev/null or its own input."""
    import ast
    tree = ast.parse(Path(mailagent.__file__).read_text())
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and getattr(node.func, "attr", "") in ("run", "Popen", "call", "check_output")
             and getattr(node.func.value, "id", "") == "subprocess"]
    assert len(calls) >= 5
    for call in calls:
        assert {k.arg for k in call.keywords} & {"stdin", "input"}, ast.unparse(call)
