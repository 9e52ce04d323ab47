"""`reset HOST [STAGE]`: a host back to its stage, daemons included, whatever the student did
there (files made, deleted, edited, a daemon killed, routes and forwarding changed, the shell
elsewhere); to another stage on request; from the lab's own process (lab.reset), from another
terminal (`python3 -m lab reset`, `make reset HOST=...`), and with no lab at all. On each class
file, the played bench at the first stage."""

import re

import pytest

from lab.base.errors import UsageError
from lab.base.waiting import wait_until
from lab.command import teaching
from tests.helpers import refused_in_one_line
from tests.integration.conftest import (PYTHON, another_terminal, class_files, gateway,
                                        lab_lines)
from tests.integration.stagecheck import (DEBIAN_ALIASES, SMTP, banner, commands,
                                          done_items, exists, forwarding,
                                          has_account, nameservers, played, postfix_running,
                                          reaches, running_staged_lab, soa, stage_doing)
from topologies.model import classroom



def named_answers(lab, host):
    return soa(lab, host, "localhost").authoritative


def test_reset_with_no_lab_running_says_so():
    server = played(classroom(path=class_files()[0])).server.name
    for argv in ([PYTHON, "-m", "lab", "reset", server],
                 ["make", "--no-print-directory", "reset", f"HOST={server}"]):
        code, out, err = another_terminal(*argv)
        assert code == 2, (argv, out, err)
        assert lab_lines(err) == ["lab reset: no lab is running (start one with: sudo make lab)"]
        assert out == ""


class TestReset:

    @pytest.fixture(scope="class")
    def first(self, class_file):
        with running_staged_lab(class_file) as lab:
            yield lab, played(classroom(path=class_file))

    def test_reset_undoes_what_the_student_did(self, first, record_property):
        lab, bench = first
        server, seat = bench.server.name, bench.seat.name
        before = {"routes": lab.cmd(server, "ip -4 route"), "addresses": lab.cmd(server, "ip -4 -o addr"),
                  "aliases": lab.cmd(server, "cat /etc/aliases"),
                  "etc": lab.cmd(server, "ls -A /etc")}
        assert exists(lab, server, "/etc/motd") and named_answers(lab, server)
        to_seat = bench.server.interface_on(bench.seat.interfaces[0].lan).name
        # what a student types in the host's own shell (named stopped by its own command)
        for typed in ("touch /etc/student-was-here", "rm /etc/motd",
                      f"echo 'root: {bench.student}' >> /etc/aliases",
                      "service named stop", "ip route del default", f"ip link set {to_seat} down",
                      f"ip addr add 192.0.2.54/24 dev {to_seat}",
                      "echo 1 > /proc/sys/net/ipv4/ip_forward", "cd /etc"):
            lab.cmd(server, typed)
        wait_until(lambda: "named" not in [c for _, c in commands(lab, server)], "named gone", 10)
        assert lab.cmd(server, "pwd").strip() == "/etc" and forwarding(lab, server)
        assert not reaches(lab, seat, gateway(bench.seat), attempts=1)

        took = lab.reset(server)
        record_property("reset_seconds", round(took, 3))
        print(f"\nreset {server} at {lab.model.stages[0].name}: {took:.3f} s")

        assert not exists(lab, server, "/etc/student-was-here")
        assert exists(lab, server, "/etc/motd")
        assert lab.cmd(server, "cat /etc/aliases") == before["aliases"] == DEBIAN_ALIASES
        assert lab.cmd(server, "ls -A /etc") == before["etc"]
        assert named_answers(lab, server)  # Debian's named, started again, answers
        assert lab.cmd(server, "ip -4 route") == before["routes"]
        assert lab.cmd(server, "ip -4 -o addr") == before["addresses"]
        assert not forwarding(lab, server)
        assert reaches(lab, seat, gateway(bench.seat))
        assert lab.cmd(server, "pwd").strip() == "/root"

    def test_reset_touches_no_other_host(self, first):
        lab, bench = first
        seat, server = bench.seat.name, bench.server.name
        lab.cmd(seat, "touch /etc/seat-keeps-this")
        neighbour_named = [p for p, c in commands(lab, bench.neighbour.server.name) if c == "named"]
        lab.reset(server)
        assert exists(lab, seat, "/etc/seat-keeps-this")
        assert [p for p, c in commands(lab, bench.neighbour.server.name) if c == "named"] == neighbour_named
        lab.cmd(seat, "rm /etc/seat-keeps-this")

    def test_reset_to_another_stage_and_back(self, first, record_property):
        lab, bench = first
        server, seat = bench.server.name, bench.seat.name
        first_stage = lab.model.stages[0].name
        mail = stage_doing(lab.model, "postfix").name
        took = {"to": lab.reset(server, mail)}
        assert lab.cmd(server, "cat /etc/hostname").strip() == server  # still itself
        assert f"\t{server}" in lab.cmd(server, "cat /etc/hosts")
        assert postfix_running(lab, server) and exists(lab, server, "/etc/postfix/main.cf")
        assert banner(lab, seat, gateway(bench.seat), SMTP).startswith("220 ")
        assert has_account(lab, server, bench.student)
        assert forwarding(lab, server) == ("forwarding" in done_items(lab.model, mail))
        assert nameservers(lab, server) == ([bench.server.resolver]
                                            if "resolver" in done_items(lab.model, mail) else [])
        assert nameservers(lab, seat) == []  # the seat stays at its stage
        # a plain reset now keeps the host at the stage it was moved to
        lab.cmd(server, "touch /etc/student-was-here; postfix stop")
        took["again"] = lab.reset(server)
        assert not exists(lab, server, "/etc/student-was-here")
        wait_until(lambda: postfix_running(lab, server), f"postfix on {server}", 10)
        assert banner(lab, seat, gateway(bench.seat), SMTP).startswith("220 ")
        took["back"] = lab.reset(server, first_stage)
        assert not postfix_running(lab, server)
        assert not exists(lab, server, "/etc/postfix/main.cf")
        assert not has_account(lab, server, bench.student)
        assert lab.cmd(server, "cat /etc/aliases") == DEBIAN_ALIASES
        assert not forwarding(lab, server) and named_answers(lab, server)
        assert lab.cmd(server, "cat /etc/hostname").strip() == server
        record_property("reset_stage_seconds", {k: round(v, 3) for k, v in took.items()})
        print(f"\nreset {server} to {mail}, at {mail}, back to {first_stage}: "
              + ", ".join(f"{k} {v:.3f} s" for k, v in took.items()))

    def test_an_unknown_host_or_stage_is_one_line(self, first):
        lab, bench = first
        server = bench.server.name
        lab.cmd(server, "touch /etc/student-was-here")
        for words, named in ((["nohost"], "reset: no host 'nohost' in this class (hosts: "),
                             ([server, "nope"], "reset: unknown stage 'nope' (this class has: "
                                                + ", ".join(s.name for s in lab.model.stages)),
                             ([], "reset: usage: reset HOST [STAGE]")):
            with pytest.raises(UsageError) as refused:
                teaching.reset(lab, words, say=lambda _line: pytest.fail("said something"))
            assert str(refused.value).startswith(named) and "\n" not in str(refused.value)
        assert exists(lab, server, "/etc/student-was-here")  # nothing was reset
        assert lab.plan.stage_of(bench.server).name == lab.model.stages[0].name
        for words, named in ((["nohost"], "no host 'nohost'"), ([server, "nope"], "unknown stage 'nope'")):
            refused_in_one_line(*another_terminal(PYTHON, "-m", "lab", "reset", *words),
                                says=named)
        assert exists(lab, server, "/etc/student-was-here")
        lab.cmd(server, "rm /etc/student-was-here")

    @pytest.mark.parametrize("how", ["python3 -m lab reset", "make reset"])
    def test_reset_from_another_terminal(self, first, how):
        lab, bench = first
        server = bench.server.name
        # a student's typing, in the server's own shell (named stopped by its own command)
        lab.cmd(server, "touch /etc/student-was-here; service named stop")
        wait_until(lambda: not named_answers(lab, server), "named gone", 10)
        argv = ([PYTHON, "-m", "lab", "reset", server] if how.startswith("python3")
                else ["make", "--no-print-directory", "reset", f"HOST={server}"])
        code, out, err = another_terminal(*argv)
        assert code == 0 and err == "", (out, err)
        [line] = out.splitlines()
        assert re.fullmatch(rf"\*\*\* {server} is back at stage {lab.model.stages[0].name} "
                            r"\(.+\): \d+\.\d\d s", line), line
        assert not exists(lab, server, "/etc/student-was-here")
        assert named_answers(lab, server)
        assert lab.cmd(server, "pwd").strip() == "/root"
