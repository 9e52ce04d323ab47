"""The instructor's view of a class (checks/report.py): results/class.html, .csv and .json
from a ClassResult, the page rendered again from its JSON, and `make report`.

The class is tests/unit/class_view_fixture.py: 30 benches of the real class model, objectives
of issue 12 at their stages, the report's mistakes spread over the benches. The page shows
one row a bench and one column an objective under its stage, a colour and a symbol a state,
"Common mistakes" first (most benches first), the rows grouped by their first failure; every
text of it is in the ClassResult's language and everything from the benches is escaped.
The browser's side is tests/browser/test_class_view_browser.py."""

import csv
import io
import json
import re
import socket
import subprocess
import sys
import urllib.request
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checks.report import (
    FILES,
    SYMBOLS,
    class_csv,
    class_page,
    common_mistakes,
    main,
    row_groups,
    when,
    write_class_view,
)
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
from tests.helpers import refused_in_one_line
from tests.unit.class_view_fixture import MISTAKES, OBJECTIVES, class_result

REPO = Path(__file__).resolve().parents[2]
IDS = [objective[0] for objective in OBJECTIVES]


@pytest.fixture(scope="module")
def english():
    return class_result("en")


@pytest.fixture(scope="module")
def french():
    return class_result("fr")


class Cells(HTMLParser):
    """The grid as a browser sees it: each row's bench and its cells' classes and links;
    every id of the page; every tag with its attributes."""

    def __init__(self, page):
        super().__init__()
        self.rows, self.ids, self.tags, self.text = [], set(), [], []
        self._row = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "tr" and attrs.get("id", "").startswith("bench-"):
            self._row = {"bench": int(attrs["id"][6:]), "cells": []}
            self.rows.append(self._row)
        elif tag == "td" and self._row is not None and "cell" in attrs.get("class", "").split():
            self._row["cells"].append({"class": attrs["class"].split()[1], "link": None})
        elif tag == "a" and self._row is not None and self._row["cells"] \
                and self._row["cells"][-1]["link"] is None and "data-detail" in attrs:
            self._row["cells"][-1]["link"] = attrs["data-detail"]
            self._row["cells"][-1]["title"] = attrs["title"]

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None

    def handle_data(self, data):
        self.text.append(data)


# --- the page -----------------------------------------------------------------------------

def test_one_row_a_bench_one_cell_an_objective_a_class_a_state(english):
    grid = Cells(class_page(english))
    assert sorted(row["bench"] for row in grid.rows) == list(range(1, 31))
    names = {PASS: "pass", FAIL: "fail", NOT_YET: "notyet", BLOCKED: "blocked"}
    for row in grid.rows:
        bench = next(b for b in english.benches if b.bench == row["bench"])
        assert [c["class"] for c in row["cells"]] == [names[bench.outcome(i).state] for i in IDS]
        assert all(c["link"] in grid.ids for c in row["cells"])  # each opens its details


def test_every_state_has_its_symbol_and_the_legend_names_them_all(english):
    page = class_page(english)
    for state, css in ((PASS, "pass"), (FAIL, "fail"), (NOT_YET, "notyet"),
                       (BLOCKED, "blocked")):
        assert f'<span class="badge {css}">{SYMBOLS[state]} {state}</span>' in page
        assert re.search(rf'<td class="cell {css}( start)?"><a [^>]*>{SYMBOLS[state]}</a>', page)
    assert len(set(SYMBOLS.values())) == 4


def test_the_columns_follow_the_objectives_under_their_stages(english):
    page = class_page(english)
    stages = re.findall(r'<th colspan="(\d+)" scope="colgroup" class="stage">([^<]+)</th>', page)
    assert stages == [("2", "routing"), ("2", "dns"), ("8", "mail"), ("1", "dns-server"),
                      ("2", "done")]
    titles = re.findall(r'<th scope="col" class="objective[^"]*" title="[^"]*\(([^)]+)\)"', page)
    assert titles == IDS


def test_a_cell_s_title_says_bench_objective_state_and_why(english):
    grid = Cells(class_page(english))
    row = next(r for r in grid.rows if r["bench"] == 3)
    assert row["cells"][1]["title"] == "Bench 3 · routing.forwarding — FAIL (forwarding-off)"
    assert row["cells"][2]["title"] == "Bench 3 · dns.resolver — BLOCKED (routing.forwarding)"


def test_common_mistakes_most_benches_first(english):
    found = [(m.objective.id, m.reason, m.benches) for m in common_mistakes(english)]
    assert found == [("routing.forwarding", "forwarding-off", (3, 11, 16, 22, 29)),
                     ("mail.aliases", "aliases-typo", (4, 12, 18, 25)),
                     ("mail.postfix", "mydestination-trailing-dot", (13, 21, 26)),
                     ("mail.aliases", "aliases-db-stale", (5, 19)),  # ties: objectives' order
                     ("zones.serial", "serial-not-raised", (14, 27)),
                     ("dns.resolver", "resolver-missing", (17,)),
                     ("zones.check", "ptr-in-forward-zone", (23,))]
    # bench 7 wrote the wrong ip_forward too, but started at "start": NOT YET, not counted
    assert MISTAKES[7][0] == "routing.forwarding"


def test_the_common_mistakes_come_first_and_link_to_each_bench_s_failure(english):
    page = class_page(english)
    assert page.index("Common mistakes") < page.index('<table class="grid">')
    table = page[page.index('<table class="mistakes">'):page.index('<table class="grid">')]
    counts = re.findall(r'<td class="count">(\d+)</td>', table)
    assert counts == ["5", "4", "3", "2", "2", "1", "1"]
    grid = Cells(page)
    first = re.findall(r'data-detail="([^"]+)">(\d+)</a>', table)[:5]
    assert [int(bench) for _target, bench in first] == [3, 11, 16, 22, 29]
    assert all(target in grid.ids for target, _bench in first)
    assert first[0][0] == next(r for r in grid.rows if r["bench"] == 3)["cells"][1]["link"]


def test_rows_are_grouped_by_their_first_failure_the_largest_group_first(english):
    groups = [(m and (m.objective.id, m.reason), [b.bench for b in benches])
              for m, benches in row_groups(english)]
    assert groups[0] == (("routing.forwarding", "forwarding-off"), [3, 11, 16, 22, 29])
    assert groups[1] == (("mail.aliases", "aliases-typo"), [4, 12, 18, 25])
    assert groups[-1] == (None, [1, 2, 6, 7, 8, 9, 10, 15, 20, 24, 28, 30])
    assert [len(b) for _m, b in groups[:-1]] == sorted((len(b) for _m, b in groups[:-1]),
                                                       reverse=True)
    grid = Cells(class_page(english))
    assert [r["bench"] for r in grid.rows] == [b for _m, benches in groups for b in benches]
    page = class_page(english)
    assert page.count('<tr class="group">') == len(groups)


def test_a_bench_is_grouped_by_its_first_failure_and_counted_for_each():
    objectives = [Objective("a.one", "One", "first"), Objective("b.two", "Two", "second")]

    def bench(number, one, two):
        return BenchResult(number, "second", [Outcome("a.one", one[0], reason=one[1]),
                                              Outcome("b.two", two[0], reason=two[1])])
    result = ClassResult("C", "c.toml", "2026-11-30T10:00:00", "en", objectives, [
        bench(1, (PASS, ""), (FAIL, "late")), bench(2, (FAIL, "early"), (FAIL, "late")),
        bench(3, (PASS, ""), (FAIL, "late")), bench(4, (PASS, ""), (PASS, ""))])
    assert [(m.objective.id, m.reason, m.benches) for m in common_mistakes(result)] == [
        ("b.two", "late", (1, 2, 3)), ("a.one", "early", (2,))]
    assert [(m and m.reason, [b.bench for b in benches]) for m, benches in row_groups(result)] \
        == [("late", [1, 3]), ("early", [2]), (None, [4])]


def test_a_class_with_no_failure_says_so():
    result = ClassResult("C", "c.toml", "2026-11-30T10:00:00", "fr",
                         [Objective("a.one", "Un", "first")],
                         [BenchResult(1, "first", [Outcome("a.one", PASS, now=True)])])
    page = class_page(result)
    assert "Aucun banc n&#x27;est en échec." in page
    assert [m for m, _b in row_groups(result)] == [None]


def test_a_cell_opens_evidence_hints_and_lint(english):
    page = class_page(english)
    grid = Cells(page)
    target = next(r for r in grid.rows if r["bench"] == 12)["cells"][IDS.index("mail.aliases")]
    block = page[page.index(f'id="{target["link"]}"'):]
    block = block[:block.index("</section>")]
    assert "Bench 12 · mail" in block and "mail.aliases" in block and "aliases-typo" in block
    assert "grep -n master /etc/aliases" in block and "3:postamster: root" in block
    assert re.findall(r'<li class="(opened|closed)">', block) == ["opened"] * 3
    assert "/etc/aliases:3</code> the alias postamster looks like a misspelling" in block
    assert "why: mail to postmaster@ is required (RFC 5321) &amp; bounces now" in block
    assert "fix: write postmaster, then run newaliases" in block
    three = next(r for r in grid.rows if r["bench"] == 3)["cells"][1]["link"]
    hidden = page[page.index(f'id="{three}"'):]
    hidden = hidden[:hidden.index("</section>")]
    assert re.findall(r'<li class="(opened|closed)">', hidden) == ["opened", "opened", "closed"]


def test_a_blocked_cell_names_what_blocks_it(english):
    page = class_page(english)
    grid = Cells(page)
    link = next(r for r in grid.rows if r["bench"] == 3)["cells"][2]["link"]
    block = page[page.index(f'id="{link}"'):]
    block = block[:block.index("</section>")]
    assert "<dt>Blocked by</dt><dd>S" in block and "<code>routing.forwarding</code>" in block
    assert "No evidence recorded." in block


def test_everything_from_the_benches_is_escaped(english):
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    first = english.benches[0]
    evil = replace(first, outcomes=[replace(first.outcomes[0], state=FAIL, reason=hostile,
                                            hints=[hostile], evidence=[Evidence(
                                                hostile, hostile, "a < b && c > d\n" + hostile)],
                                            lint=[{"file": hostile, "line": 1, "what": hostile,
                                                   "why": hostile, "fix": hostile}])]
                   + first.outcomes[1:])
    objectives = [replace(english.objectives[0], title=hostile)] + english.objectives[1:]
    result = replace(english, title=hostile, class_file=hostile, objectives=objectives,
                     benches=[evil] + english.benches[1:])
    page = class_page(result)
    assert page.count("<script>") == 1 and "<img" not in page and "onerror=alert" in page
    assert "a &lt; b &amp;&amp; c &gt; d" in page
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # and the mail.log lines of a real bench keep their <addresses> as text
    assert "orig_to=&lt;root@s30&gt;" in class_page(english)
    assert "<script>alert('x')</script>" not in class_page(english)


def test_the_page_is_one_file_with_nothing_from_the_network(english):
    page = class_page(english)
    assert not re.search(r"\b(src|href)=\"(?!#)", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "http://" not in page and "https://" not in page
    assert page.count("<style>") == 1 and page.count("<dialog") == 1


# --- French or English --------------------------------------------------------------------

def test_english_page(english):
    page = class_page(english)
    assert '<html lang="en">' in page
    assert "<title>TP réseaux IUT : routage, DNS, messagerie — Class view</title>" in page
    for words in ("Common mistakes", "First failure:", "Hints opened", "2026-11-30 10:42",
                  "the objective holds now", "No failure", "Evidence", "Hints"):
        assert words in page, words


def test_french_page(french):
    page = class_page(french)
    assert '<html lang="fr">' in page
    for words in ("Vue de la classe", "Erreurs fréquentes", "Premier échec :", "bancs :",
                  "Indices consultés", "30/11/2026 10:42", "l&#x27;objectif est atteint",
                  "RÉUSSI", "ÉCHEC", "PAS ENCORE", "BLOQUÉ", "Aucun échec", "Constats",
                  "Fermer", "Bloqué par", "consulté par l&#x27;étudiant", "pourquoi : "):
        assert words in page, words
    for english_words in ("Common mistakes", "First failure", "Hints opened", "Evidence",
                          "Close", ">PASS<", "Blocked by"):
        assert english_words not in page, english_words


def test_the_time_is_written_as_the_reader_writes_it():
    assert when("2026-11-30T08:05:59+01:00", "fr") == "30/11/2026 08:05"
    assert when("2026-11-30T08:05:59+01:00", "en") == "2026-11-30 08:05"
    assert when("yesterday", "en") == "yesterday"


# --- the gradebook ------------------------------------------------------------------------

def test_csv_one_row_a_bench_one_column_an_objective(english):
    rows = list(csv.reader(io.StringIO(class_csv(english))))
    assert rows[0] == ["Bench", "Stage", *IDS, "Passed", "Hints opened"]
    assert [int(row[0]) for row in rows[1:]] == list(range(1, 31))
    for row in rows[1:]:
        bench = next(b for b in english.benches if b.bench == int(row[0]))
        assert row[1] == bench.stage
        assert row[2:-2] == [bench.outcome(i).state for i in IDS]
        assert int(row[-2]) == row[2:-2].count(PASS)
        assert int(row[-1]) == sum(o.hints_shown for o in bench.outcomes)
    three = next(row for row in rows if row[0] == "3")
    assert three[2:6] == [PASS, FAIL, BLOCKED, BLOCKED] and three[-2:] == ["1", "2"]


def test_csv_in_french(french):
    rows = list(csv.reader(io.StringIO(class_csv(french))))
    assert rows[0][:2] == ["Banc", "Étape"] and rows[0][-2:] == ["Réussis", "Indices consultés"]
    assert rows[0][2:-2] == IDS  # the ids stay: a gradebook's formulas keep working
    assert {cell for row in rows[1:] for cell in row[2:-2]} == {
        "RÉUSSI", "ÉCHEC", "PAS ENCORE", "BLOQUÉ"}


# --- files --------------------------------------------------------------------------------

def test_write_class_view_writes_the_page_the_csv_and_the_json(english, tmp_path):
    paths = write_class_view(english, tmp_path / "results")
    assert [p.name for p in paths] == list(FILES)
    page, table, data = paths
    assert page.read_text() == class_page(english)
    assert table.read_bytes().decode() == class_csv(english)
    assert data.read_text().strip() == english.to_json()
    assert ClassResult.from_json(data.read_text()) == english


def test_the_page_is_rendered_again_from_its_json(french, tmp_path, capsys):
    _page, _table, data = write_class_view(french, tmp_path)
    (tmp_path / "class.html").unlink()
    (tmp_path / "class.csv").write_text("old")
    assert main([str(data)]) == 0
    assert capsys.readouterr().out.splitlines() == [str(tmp_path / "class.html"),
                                                    str(tmp_path / "class.csv")]
    assert (tmp_path / "class.html").read_text() == class_page(french)
    assert (tmp_path / "class.csv").read_bytes().decode() == class_csv(french)


def test_python_m_checks_report(english, tmp_path):
    _page, _table, data = write_class_view(english, tmp_path)
    done = subprocess.run([sys.executable, "-m", "checks.report", str(data)], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, "")


def bad_files(folder, english):
    good = json.loads(english.to_json())
    unknown_state = json.loads(english.to_json())
    unknown_state["benches"][0]["outcomes"][0]["state"] = "MAYBE"
    files = {"none.json": None, "empty.json": "", "text.json": "not json {",
             "list.json": "[]", "short.json": json.dumps({"title": "t"}),
             "state.json": json.dumps(unknown_state),
             "outcome.json": json.dumps({**good, "benches": [{"bench": 1, "stage": "x",
                                                              "outcomes": [{"nope": 1}]}]})}
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(text)
    return [folder / name for name in files]


def test_a_bad_file_is_one_line_and_exit_2(english, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "C.UTF-8")
    for path in bad_files(tmp_path, english):
        refused_in_one_line(main([str(path)]), *capsys.readouterr(), starts="report: ",
                            says=str(path))
    assert not list(tmp_path.glob("*.html"))
    assert "unknown state 'MAYBE'" in (main([str(tmp_path / "state.json")]),
                                       capsys.readouterr().err)[1]
    for argv in ([], ["--bogus"], ["--serve", "--port", "http", str(tmp_path)]):
        refused_in_one_line(main(argv), *capsys.readouterr(), starts="report: ")


def test_bad_input_in_french(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    assert main([str(tmp_path / "none.json")]) == 2
    assert "impossible de lire" in capsys.readouterr().err
    assert main(["--serve", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"report: pas de {tmp_path}/class.json : lancez d'abord "
                                       "sudo make check BENCH=all\n")


# --- serving: python3 -m checks.report --serve, make report --------------------------------

def busy_port():
    """A socket listening on 127.0.0.1 (close it when done) and its port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock, sock.getsockname()[1]


def test_serving_needs_a_class_json(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert main(["--serve", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"report: no {tmp_path}/class.json: run sudo make check "
                                       "BENCH=all first\n")


def test_serving_on_a_busy_port_is_one_line(english, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "C.UTF-8")
    write_class_view(english, tmp_path)
    sock, port = busy_port()
    try:
        assert main(["--serve", "--port", str(port), str(tmp_path)]) == 2
    finally:
        sock.close()
    err = capsys.readouterr().err
    assert err == f"report: cannot serve on 127.0.0.1:{port}: Address already in use\n"


def test_the_server_serves_the_folder_on_loopback_and_renders_a_missing_page(english, tmp_path):
    write_class_view(english, tmp_path)
    (tmp_path / "class.html").unlink()  # check wrote the JSON only: the page is made first
    server = subprocess.Popen([sys.executable, "-m", "checks.report", "--serve", str(tmp_path)],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    try:
        line = server.stdout.readline()
        found = re.fullmatch(r"the class view: (http://127\.0\.0\.1:(\d+)/class\.html) "
                             r"\(Ctrl-C stops\)\n", line)
        assert found, line + server.stderr.read() if server.poll() is not None else line
        with urllib.request.urlopen(found.group(1), timeout=10) as answer:
            assert answer.status == 200
            assert answer.headers["Content-Type"].startswith("text/html")
            assert answer.read().decode() == class_page(english)
        base = found.group(1).rsplit("/", 1)[0]
        with urllib.request.urlopen(f"{base}/class.csv", timeout=10) as answer:
            assert answer.read().decode() == class_csv(english)
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{found.group(2)}"],
                                   capture_output=True, text=True, timeout=10, check=False)
        if listening.returncode == 0:
            assert [l.split()[3] for l in listening.stdout.splitlines()] == \
                [f"127.0.0.1:{found.group(2)}"]
    finally:
        server.terminate()  # by its PID
        server.wait(timeout=10)
        server.stdout.close()
        server.stderr.close()


def make_report(folder, *more):
    return subprocess.run(["make", "-s", "-C", str(REPO), "report", f"RESULTS={folder}", *more],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"})


def test_make_report_without_a_check_says_what_to_run(tmp_path):
    done = make_report(tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[0] == (f"report: no {tmp_path}/class.json: run sudo make "
                                           "check BENCH=all first")


def test_make_report_on_a_busy_port(english, tmp_path):
    write_class_view(english, tmp_path)
    sock, port = busy_port()
    try:
        done = make_report(tmp_path, f"PORT={port}")
    finally:
        sock.close()
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[0] == (f"report: cannot serve on 127.0.0.1:{port}: "
                                           "Address already in use")


def test_install_deps_installs_the_browser_test_s_chromium_and_selenium():
    listing = subprocess.run(["sh", str(REPO / "tools" / "install-deps"), "--list"],
                             capture_output=True, text=True, check=True, timeout=30).stdout
    assert {"chromium", "chromium-driver", "python3-selenium"} <= set(listing.split())
