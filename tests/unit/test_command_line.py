"""Bad input on the command line, for either class file: one line naming the problem, exit
code 2, refused before anything starts (these never reach root's part, so they start no lab)."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import refused_in_one_line

REPO = Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"
CAMPUS = "topologies/classes/campus.toml"


def run(*argv, **environment):
    env = {key: value for key, value in os.environ.items() if key not in ("CLASS", "BENCHES")}
    return subprocess.run([PYTHON, *argv], cwd=REPO, capture_output=True, text=True,
                          timeout=60, env={**env, **environment}, stdin=subprocess.DEVNULL)


def refused(result, named):
    refused_in_one_line(result.returncode, result.stdout, result.stderr, says=named)


@pytest.mark.parametrize("benches, named", [
    ("0", "bench 0 is out of range 1-253"),
    ("254", "bench 254 is out of range"),
    ("abc", "bench 'abc' in 'abc' is not a number"),
    ("53,53", "bench 53 appears twice"),
    ("", "empty bench list"),
])
def test_lab_refuses_bad_benches(benches, named):
    refused(run("-m", "lab", "run", "--benches", benches), named)


def test_the_other_class_has_its_own_bench_range():
    refused(run("-m", "lab", "run", "--class", CAMPUS, "--benches", "100"),
            "lab run: bench 100 is out of range 1-99")
    refused(run("-m", "lab", "run", "--benches", "100", CLASS=CAMPUS),
            "lab run: bench 100 is out of range 1-99")


def test_scenario_refuses_a_bench_outside_the_class():
    result = run("scenarios/connectivity.py", "--bench", "99")
    refused(result, "")
    assert result.stderr.strip() == ("scenarios/connectivity.py: --bench 99 is not a bench "
                                     "of this class (53, 54)")
    refused(run("scenarios/connectivity.py", "--class", CAMPUS, "--bench", "54"),
            "scenarios/connectivity.py: --bench 54 is not a bench of this class (11, 12, 13)")


def test_scenario_refuses_a_seat_of_the_other_class():
    refused(run("scenarios/dns_lookup.py", "--class", CAMPUS, "--client", "d54"),
            "--client d54: no such host in this class")


def test_scenario_refuses_an_unknown_language_in_the_reader_s():
    english = {"LANG": "C.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
    refused(run("scenarios/connectivity.py", "--lang", "xx", **english),
            "scenarios/connectivity.py: --lang xx: no such language (known: en, fr)")
    refused(run("scenarios/mx_delivery.py", "--lang", "de", **{**english, "LANG": "fr_FR.UTF-8"}),
            "scenarios/mx_delivery.py: --lang de : langue inconnue (connues : en, fr)")
    refused(run("-m", "scenarios", "dns_lookup", "--lang", "", **english), "--lang : no such")


def test_scenario_refuses_bad_benches_before_anything_starts():
    refused(run("scenarios/connectivity.py", "--benches", "1-300"), "bench 300 is out of range")


@pytest.mark.parametrize("argv", [["-m", "lab", "run"], ["-m", "lab", "picture"],
                                  ["scenarios/connectivity.py"], ["scenarios/mx_delivery.py"]],
                         ids=["lab run", "lab picture", "connectivity", "mx_delivery"])
def test_every_entry_point_names_a_bad_class_file(argv, tmp_path):
    bad = tmp_path / "bad.toml"
    text = (REPO / CAMPUS).read_text()
    bad.write_text(text.replace('neighbour = "previous"', "neighbour = 99"))
    line = next(i for i, t in enumerate(bad.read_text().splitlines(), 1) if "neighbour =" in t)
    refused(run(*argv, "--class", str(bad)),
            f"class file {bad}:{line}: [class] neighbour: 99 names no bench of the class")
    refused(run(*argv, "--class", str(tmp_path / "none.toml")),
            f"class file {tmp_path}/none.toml: no such file")
    refused(run(*argv, CLASS=str(tmp_path)), f"class file {tmp_path}: cannot be read")


def test_unknown_command_is_refused():
    refused(run("-m", "lab", "start"), "invalid choice: 'start'")
