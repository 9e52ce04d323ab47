"""ServiceRunner's order and bookkeeping, with stand-in hosts that run harmless shell
commands on this machine (echo, sleep, true/false): no root, no lab."""

import subprocess

import pytest

from lab.base.errors import ConfigCheckError, HostCommandError
from lab.runtime.services import ServiceRunner
from services.base import Service


class StandInHost:
    def __init__(self, name):
        self.name, self.files = name, {}

    def popen(self, command, **options):
        return subprocess.Popen(command, stdout=subprocess.PIPE, **options)

    def write_files(self, files):
        self.files.update(files)

    def machine_pid(self, pid):
        return pid  # a stand-in host shares the machine's PID namespace

    def run_script(self, script, what):
        return subprocess.run(["sh", "-c", script], check=True, capture_output=True).stdout


class EveryStageDone:
    def configured(self, spec, service):
        return True


class StandInLab:
    def __init__(self, names):
        self.hosts = {name: StandInHost(name) for name in names}
        self.model = self
        self.plan = EveryStageDone()
        self.sealed = False

    def host(self, name):
        return self.hosts[name]

    def seal_hosts(self):
        self.sealed = True


class Spec:
    def __init__(self, name):
        self.name = name


class StandInRunDir:
    def __init__(self):
        self.state = {}

    def read_state(self):
        return dict(self.state)

    def update_state(self, **changes):
        self.state.update(changes)

    def edit_state(self, edit):
        edit(self.state)


def service(name, hosts, start="sleep 30 >/dev/null 2>&1 & echo $!", check="true", needs=(), log=None):
    """A Service whose daemon is a `sleep` (its PID printed last, as the contract asks)."""
    class StandIn(Service):
        def hosts(self, model):
            return [Spec(h) for h in hosts]

        def files(self, model, spec):
            return {f"/etc/{name}.conf": "setting = 1\n"}

        def checks(self, spec):
            return [(f"/etc/{name}.conf", check)]

        def start(self, spec):
            return start

        def ready(self, host, spec):
            log.append((name, host.name))
            return True

        def stop(self, spec):
            return ""
    StandIn.name = name
    StandIn.needs = needs
    return StandIn()


@pytest.fixture
def runner_parts():
    return StandInLab(["a", "b"]), StandInRunDir(), []


def test_files_are_written_then_services_start_in_the_order_their_needs_allow(runner_parts):
    lab, rundir, log = runner_parts
    first = service("first", ["a", "b"], log=log)
    second = service("second", ["a"], needs=(type(first),), log=log)
    runner = ServiceRunner([second, first], rundir, say=lambda _line: None)
    runner.start_all(lab)
    try:
        assert lab.hosts["a"].files == {"/etc/first.conf": "setting = 1\n",
                                        "/etc/second.conf": "setting = 1\n"}
        assert log == [("first", "a"), ("first", "b"), ("second", "a")]
        assert [p["what"] for p in rundir.state["processes"]] == ["first", "first", "second"]
    finally:
        runner.stop_all()
    assert runner.started == []


def test_a_failing_check_stops_everything_before_any_start(runner_parts):
    lab, rundir, log = runner_parts
    broken = service("broken", ["b"], check="echo '/etc/broken.conf:3: unknown option'; false",
                     log=log)
    runner = ServiceRunner([service("fine", ["a"], log=log), broken], rundir, say=lambda _l: None)
    with pytest.raises(ConfigCheckError) as error:
        runner.start_all(lab)
    assert str(error.value) == ("b: broken config /etc/broken.conf failed its check: "
                                "/etc/broken.conf:3: unknown option")
    assert log == [] and runner.started == []


def test_a_host_that_fails_to_start_leaves_the_others_recorded_for_stopping(runner_parts):
    lab, rundir, log = runner_parts
    start = "sleep 30 >/dev/null 2>&1 & echo $!"
    good = service("good", ["a"], start=start, log=log)
    bad = service("bad", ["b"], start="echo 'cannot bind port 25'; false", log=log)
    runner = ServiceRunner([good, bad], rundir, say=lambda _l: None)
    with pytest.raises(HostCommandError, match="b: starting bad failed: cannot bind port 25"):
        runner.start_all(lab)
    assert [record.what for *_, record in runner.started] == ["good"]
    runner.stop_all()
    assert runner.started == []


def test_services_waiting_on_each_other_are_named(runner_parts):
    lab, rundir, log = runner_parts
    first = service("first", ["a"], log=log)
    second = service("second", ["a"], log=log)
    type(first).needs = (type(second),)
    type(second).needs = (type(first),)
    with pytest.raises(Exception, match="services wait on each other: first, second"):
        ServiceRunner([first, second], rundir, say=lambda _l: None).start_all(lab)


class OnlyHostA:
    """A stage plan where host a is done and host b is not."""
    def configured(self, spec, service):
        return spec.name == "a"


def test_a_host_before_the_service_stage_runs_it_as_installed_and_nothing_waits_on_it(runner_parts):
    lab, rundir, log = runner_parts
    lab.plan = OnlyHostA()
    configured = service("mta", ["a", "b"], log=log)
    installed = service("mta", [], start="true", log=log)  # prints nothing: starts nothing
    installed.files = lambda model, spec: {"/etc/aliases": "postmaster: root\n"}
    type(configured).installed = lambda self: installed
    runner = ServiceRunner([configured], rundir, say=lambda _l: None)
    runner.start_all(lab)
    try:
        assert lab.hosts["a"].files == {"/etc/mta.conf": "setting = 1\n"}
        assert lab.hosts["b"].files == {"/etc/aliases": "postmaster: root\n"}
        assert log == [("mta", "a")]  # b's start printed no PID: no readiness to wait for
        assert lab.sealed
        assert [(r.host, r.what) for *_, r in runner.started] == [("a", "mta")]
    finally:
        runner.stop_all()


def test_a_replayed_host_that_fails_to_start_is_said_not_raised(runner_parts):
    lab, rundir, log = runner_parts
    said = []
    bad = service("bad", ["b"], start="echo 'main.cf: line 3: bad'; false", log=log)
    runner = ServiceRunner([bad], rundir, say=said.append)
    runner.lenient.add("b")
    runner.start_all(lab)
    assert "*** b: bad did not start: main.cf: line 3: bad" in said
    assert runner.started == []


def test_a_second_runner_adds_its_daemons_to_the_record_instead_of_replacing_it(runner_parts):
    lab, rundir, log = runner_parts
    first = ServiceRunner([service("first", ["a"], log=log)], rundir, say=lambda _l: None)
    second = ServiceRunner([service("second", ["b"], log=log)], rundir, say=lambda _l: None)
    first.start_all(lab)
    second.start_all(lab)  # as `make reset` from another terminal does
    try:
        assert [p["what"] for p in rundir.state["processes"]] == ["first", "second"]
    finally:
        first.stop_all()
        second.stop_all()
