"""`sudo make classroom`: the class and its web server, in one process.

    main(argv)   python3 -m classroom [--class F] [--benches B] [--no-part2] [--stage S]
                 [--bench N|all] [--listen ADDRESS:PORT] [--results DIR]
                 Checks everything before it starts anything (the class file, the stage,
                 LISTEN: a busy port or an address the machine lacks is one line, exit 2),
                 builds the lab, writes the access sheet (DIR/classroom-access.html and .csv,
                 mode 0600), serves until Ctrl-C or SIGTERM, then stops every terminal's
                 shell by PID, the server, and the lab.
"""

import asyncio
import ipaddress
import logging
import os
import signal
import sys

from aiohttp import web

from checks.i18n import language, translator
from classroom.access import Access, write_sheet
from classroom.listen import DEFAULT, bind, parse_listen, public_url, url_of
from classroom.server import Classroom, make_app
from lab.base.errors import UsageError
from lab.command.compose import build_lab, enter_runtime, guarded
from lab.command.options import add_class_options, add_stage_options, class_from, plan_from
from lab.command.parsing import OneLineParser
from topologies.model import ClassFileError

PROG = "classroom"


def parser():
    found = OneLineParser(prog="python3 -m classroom", description=__doc__.splitlines()[0])
    add_class_options(found)
    add_stage_options(found)
    found.add_argument("--listen", default=os.environ.get("LISTEN") or DEFAULT,
                       help=f"ADDRESS:PORT the web server listens on (default: $LISTEN or "
                            f"{DEFAULT}; port 0: a free one)")
    found.add_argument("--results", default=os.environ.get("RESULTS") or "results",
                       help="where the access sheet goes and captures and hand-ins are "
                            "(default: results)")
    return found


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        model, overrides = class_from(args)
        plan = plan_from(args, model)
        address, port = parse_listen(args.listen)
    except (ClassFileError, UsageError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    enter_runtime(PROG, argv=argv)
    try:
        sock = bind(address, port)
    except UsageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    return guarded(PROG, lambda: serve(model, overrides, plan, sock, args.results))


def serve(model, overrides, plan, sock, results):
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="classroom: %(message)s")
    url, students = url_of(sock), public_url(sock)
    translate = translator(language(None))
    with sock, build_lab(model, overrides, plan=plan) as lab:
        from classroom.door import LabDoor
        door = LabDoor(lab, results)
        door.fence_hosts()
        access = Access(model.benches)
        sheet = write_sheet(access, students, model, results, translate)
        room = Classroom(door, access, results,
                         on_rotate=lambda: write_sheet(access, students, model, results,
                                                       translate))
        print(f"*** The classroom: {url}   ({lab.plan.summary()})")
        if students != url:
            print(f"*** Students open {students} (the access sheet says so)")
        print(f"*** Access sheet (one code a bench, one for you; keep it private): "
              f"{sheet[0]}, {sheet[1]}")
        print(exposure(sock))
        print("*** Ctrl-C stops the server, every terminal and the lab", flush=True)
        try:
            stopped_by = asyncio.run(run_server(room, sock))
        finally:
            for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(number, signal.SIG_IGN)  # the teardown runs to its end
            room.close()
    if stopped_by is not None:
        print(f"{PROG}: stopped by {signal.Signals(stopped_by).name}; every terminal, "
              "the server and the lab are stopped", file=sys.stderr)
        return 128 + stopped_by
    return 0


def exposure(sock):
    address = ipaddress.ip_address(sock.getsockname()[0])
    if address.is_loopback:
        return "*** Listening on this machine only (LISTEN=0.0.0.0:8054 opens it to a classroom)"
    return ("*** LISTEN is not loopback: every machine that reaches this port can try codes "
            "(rate-limited), and plain HTTP carries codes and terminals unencrypted: use it "
            "on the classroom's own network only")


async def run_server(room, sock):
    runner = web.AppRunner(make_app(room), access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock, shutdown_timeout=5.0).start()
    loop = asyncio.get_running_loop()
    stop, got = asyncio.Event(), []
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(number, lambda n=number: (got.append(n), stop.set()))
    await stop.wait()
    opened = list(room.terminals.open_ones)
    for terminal in opened:
        room.terminals.detach(terminal)
    await asyncio.gather(*(room.blocking(room.terminals.finish, t) for t in opened))
    await runner.cleanup()
    return got[0] if got and got[0] != signal.SIGINT else None
