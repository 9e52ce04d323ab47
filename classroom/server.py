"""The classroom's web server (aiohttp): pages, terminals over websockets, the bench's tools.

    Limits                  how many guesses, terminals and openings are allowed
    Classroom(door, access, results, clock, limits, on_rotate)   what the server serves:
                            door (classroom/door.py: the running lab, or a stand-in in the
                            unit tests), the codes, the sessions, the terminals, the checks
                            (classroom/checking.py)
    make_app(classroom)     the aiohttp Application

Routes (every one checks the session's fence: classroom/fence.py)
    GET  /                           the login page (or the session's own page)
    POST /login, /logout             a code -> an HttpOnly, SameSite=Strict cookie (a random
                                     session id); a wrong code: 401 and a clear page
    GET  /lang/fr|en                 the reader's language (a cookie)
    GET  /bench, /instructor         the student's page, the instructor's page
    GET  /terminal/HOST              websocket: a login shell inside HOST on a real PTY;
                                     binary frames both ways, text {"resize": [cols, rows]}
    GET  /api/state                  files; a student's check panel; the instructor's stages
                                     and the checks' version (the class view changed)
    POST /api/reset {host}, /api/handin {bench}, /api/capture {host, seconds},
         /api/check {bench|"all"}        check (checks/check.py) on the session's bench, or on
                                     one or every bench (instructor: "all" also writes
                                     results/class.html, .csv and .json, as make check does)
         /api/hint {objective}       the next hint step of the bench's last check, recorded
         /api/rotate {bench} (instructor)
    GET  /files/capture/HOST/NAME, /files/handin/BENCH/NAME   downloads (listed files only)
    GET  /picture/BENCH.svg, /instructor/class-view, /static/NAME
Refusals: 400 bad input, 401 no live session, 403 not yours (or another origin), 404 no such
thing, 413 a body or a frame too large (a frame: websocket close 1009), 429 too many;
each is logged on one line (who, what, why) and answers a short text naming nothing the
client did not send.
"""

import asyncio
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from aiohttp import WSMsgType, web

from checks.findings import _
from checks.i18n import translator
from checks.report import class_page, write_class_view
from classroom import pages, xterm
from classroom.checking import Checks
from classroom.fence import (Refused, check_bench, check_file, check_host, files_for,
                             hosts_for)
from classroom.sessions import INSTRUCTOR, Sessions, Window
from classroom.terminals import Terminals
from lab.base.errors import UsageError

LOG = logging.getLogger("classroom")
COOKIE = "classroom"
LANG_COOKIE = "lang"
MAX_BODY = 16 * 1024       # bytes of a request body (a code, a host name: small)
MAX_FRAME = 64 * 1024      # bytes of a websocket message (a paste)
TEMPLATES = Path(__file__).resolve().parent / "templates"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; "
       "form-action 'self'; base-uri 'none'")
CLASS_VIEW_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                  "img-src data:; frame-ancestors 'self'; base-uri 'none'")


@dataclass
class Limits:
    guesses_per_address: int = 10   # wrong codes from one address a minute
    guesses_total: int = 100        # wrong codes from everyone a minute
    guess_window: float = 60.0
    terminals_per_student: int = 12
    terminals_per_instructor: int = 64
    capture_seconds: int = 60       # the longest capture a student asks for
    captures_total: int = 8         # captures running at once, in all
    terminals_total: int = 600
    openings_per_minute: int = 30   # terminals a session opens a minute


class Classroom:

    def __init__(self, door, access, results, clock=time.monotonic, limits=None,
                 on_rotate=lambda: None):
        self.door, self.model, self.access = door, door.model, access
        self.results = Path(results)
        self.limits = limits = limits or Limits()
        self.sessions = Sessions(clock)
        self.guesses = Window(limits.guesses_per_address, limits.guess_window, clock)
        self.all_guesses = Window(limits.guesses_total, limits.guess_window, clock)
        self.openings = Window(limits.openings_per_minute, 60.0, clock)
        self.terminals = Terminals(save=door.save_terminals)
        self.checks = Checks(door)
        self.on_rotate = on_rotate
        self.executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="classroom")
        # checks wait for each other (one of a bench at a time): not in the terminals' pool
        self.checking = ThreadPoolExecutor(max_workers=4, thread_name_prefix="check")
        self.capturing = ThreadPoolExecutor(max_workers=limits.captures_total,
                                            thread_name_prefix="capture")
        self.captures = set()  # the session ids with a capture running
        self._static = None
        self._pictures = {}

    # -- what the server hands out
    def static(self, name):
        if self._static is None:
            self._static = {
                "classroom.js": ((TEMPLATES / "classroom.js").read_text(), "text/javascript"),
                "classroom.css": ((TEMPLATES / "classroom.css").read_text(), "text/css"),
                "xterm.js": (xterm.bundle(), "text/javascript"),
                "xterm.css": (xterm.stylesheet(), "text/css")}
        return self._static.get(name)

    def picture(self, bench):
        if bench not in self._pictures:
            from classroom.picture import bench_svg
            self._pictures[bench] = bench_svg(self.model, bench)
        return self._pictures[bench]

    async def blocking(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    def close(self):
        self.terminals.close_all()
        self.executor.shutdown(wait=True)
        self.checking.shutdown(wait=True)
        self.capturing.shutdown(wait=True)


# --- helpers ------------------------------------------------------------------------------

def language(request):
    return pages.pick_language(request.cookies.get(LANG_COOKIE),
                               request.headers.get("Accept-Language"))


def who_of(request):
    session = request.get("session")
    return session.who() if session else "nobody"


def session_of(request):
    """The request's live session; Refused 401 for none, a forged or an expired one."""
    room = request.app["classroom"]
    given = request.cookies.get(COOKIE)
    session = room.sessions.get(given)
    if session is None:
        why = "no session cookie" if not given else "an unknown or expired session cookie"
        raise Refused(401, why, _("Log in first: your session is unknown or has ended."))
    request["session"] = session
    return session


def instructor_of(request):
    session = session_of(request)
    if not session.instructor:
        raise Refused(403, "an instructor's request from a student's session",
                      _("This is for the instructor."))
    return session


def check_origin(request):
    """A browser says where a request comes from: it must be this server's own page."""
    origin = request.headers.get("Origin")
    expected = f"{request.scheme}://{request.host}"
    if origin != expected:
        shown = (origin or "none")[:80]
        raise Refused(403, f"origin {shown!r} is not {expected!r}",
                      _("Refused: this request does not come from the classroom's own page."))


async def json_body(request):
    try:
        data = json.loads(await request.text() or "{}")
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "a body that is not JSON", _("Bad request.")) from None
    if not isinstance(data, dict):
        raise Refused(400, "a JSON body that is not an object", _("Bad request."))
    return data


def answer(data, status=200):
    return web.json_response(data, status=status)


def redirect(location):
    return web.Response(status=303, headers={"Location": location})


def page(text, status=200):
    return web.Response(text=text, status=status, content_type="text/html")


def refusal(request, status, reason, public):
    LOG.warning("refused %s %s %s from %s (%s): %s", status, request.method,
                request.path[:120], request.remote, who_of(request), reason)
    text = public.render(translator(language(request)))
    if request.path.startswith(("/api/", "/files/", "/terminal/", "/picture/", "/static/")):
        return answer({"error": text}, status)
    return page(pages.refusal_page(language(request), status, public), status)


GENERIC = {400: _("Bad request."), 404: _("No such page."), 405: _("Bad request."),
           413: _("Too large."), 429: _("Too many requests: wait a minute.")}


@web.middleware
async def guard(request, handler):
    try:
        response = await handler(request)
    except Refused as refused:
        response = refusal(request, refused.status, refused.reason, refused.public)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        response = refusal(request, error.status, error.reason,
                           GENERIC.get(error.status, _("Bad request.")))
    if not response.prepared:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"  # no-referrer would make form POSTs say Origin: null
        headers.setdefault("Cache-Control", "no-store")
    return response


# --- pages --------------------------------------------------------------------------------

async def home(request):
    room = request.app["classroom"]
    session = room.sessions.get(request.cookies.get(COOKIE))
    if session is not None:
        return redirect("/instructor" if session.instructor else "/bench")
    return page(pages.login_page(language(request)))


async def login(request):
    room = request.app["classroom"]
    check_origin(request)
    address = request.remote or "?"
    if not room.guesses.allow(address, count=False) or not room.all_guesses.allow("all",
                                                                                  count=False):
        raise Refused(429, "too many wrong codes", _("Too many wrong codes: wait a minute."))
    form = await request.post()
    found = room.access.who(str(form.get("code", ""))[:200])
    if found is None:
        room.guesses.allow(address)
        room.all_guesses.allow("all")
        LOG.warning("refused 401 POST /login from %s: a wrong code", address)
        lang = language(request)
        return page(pages.login_page(lang, _("This code opens no bench. Check it on your "
                                             "access sheet, or ask the instructor.")), 401)
    role, bench = found
    session = room.sessions.open(role, bench)
    LOG.info("login of %s from %s", session.who(), address)
    response = redirect("/instructor" if role == INSTRUCTOR else "/bench")
    response.set_cookie(COOKIE, session.id, httponly=True, samesite="Strict", path="/",
                        secure=request.secure)
    return response


async def logout(request):
    room = request.app["classroom"]
    check_origin(request)
    session = room.sessions.get(request.cookies.get(COOKIE))
    if session is not None:
        room.sessions.end(session.id)
    response = redirect("/")
    response.del_cookie(COOKIE, path="/")
    return response


async def choose_language(request):
    code = request.match_info["code"]
    if code not in ("en", "fr"):
        raise Refused(404, f"no language {code[:20]!r}", _("No such page."))
    response = redirect("/")
    response.set_cookie(LANG_COOKIE, code, httponly=True, samesite="Strict", path="/",
                        max_age=365 * 86400)
    return response


def stage_text(room, bench, lang):
    name, says = room.door.stage_of(bench, lang)
    return _("stage {name}: {text}", name=name, text=says).render(translator(lang))


async def bench_page(request):
    room = request.app["classroom"]
    session = session_of(request)
    if session.instructor:
        return redirect("/instructor")
    lang = language(request)
    return page(pages.student_page(lang, room.model, session.bench,
                                   stage_text(room, session.bench, lang)))


async def instructor_page(request):
    room = request.app["classroom"]
    instructor_of(request)
    return page(pages.instructor_page(language(request), room.model))


def class_view_html(room, lang):
    """The class view (checks/report.py) of each bench's last check; a line before any."""
    result = room.checks.class_result(lang)
    if result is None:
        text = _("No check yet: Run check, above, or a student's check fills this view.")
        return (f'<!DOCTYPE html><html lang="{lang}"><meta charset="utf-8"><body>'
                f'<p>{pages.say(lang, text)}</p></body></html>')
    return class_page(result)


async def class_view(request):
    room = request.app["classroom"]
    instructor_of(request)
    lang = language(request)
    response = page(await room.blocking(class_view_html, room, lang))
    response.headers["Content-Security-Policy"] = CLASS_VIEW_CSP
    return response


async def no_icon(_request):
    return web.Response(status=204)


async def static(request):
    found = request.app["classroom"].static(request.match_info["name"])
    if found is None:
        raise Refused(404, "no such static file", _("No such page."))
    text, kind = found
    return web.Response(text=text, content_type=kind)


async def picture(request):
    room = request.app["classroom"]
    session = session_of(request)
    bench = check_bench(room.model, session, request.match_info["bench"])
    svg = await room.blocking(room.picture, bench)
    return web.Response(text=svg, content_type="image/svg+xml")


# --- the API ------------------------------------------------------------------------------

async def state(request):
    room = request.app["classroom"]
    session = session_of(request)
    lang = language(request)
    # file listings and the run dir's state: read off the event loop (polled every few seconds)
    data = {"files": await room.blocking(files_for, room.model, session, room.results)}
    if session.instructor:
        stages = await room.blocking(room.door.stages)
        data["stages"] = {str(b): name for b, name in stages.items()}
        data["version"] = room.checks.version
    else:
        room.checks.heard(session.bench, lang)
        data["check"] = await room.blocking(room.checks.panel, session.bench, lang)
        data["hosts"] = hosts_for(room.model, session)
    return answer(data)


async def reset(request):
    room = request.app["classroom"]
    session = session_of(request)
    check_origin(request)
    host = check_host(room.model, session, str((await json_body(request)).get("host", "")))
    said = await room.blocking(room.door.reset, host, language(request))
    LOG.info("reset of %s by %s", host, session.who())
    return answer({"said": said})


async def handin(request):
    room = request.app["classroom"]
    session = session_of(request)
    check_origin(request)
    bench = check_bench(room.model, session, str((await json_body(request)).get("bench", "")))
    path = await room.blocking(room.door.handin, bench)
    LOG.info("hand-in of bench %s by %s: %s", bench, session.who(), path.name)
    return answer({"name": path.name, "bench": bench})


async def check(request):
    room = request.app["classroom"]
    session = session_of(request)
    check_origin(request)
    data = await json_body(request)
    lang = language(request)
    if not session.instructor:
        benches = [session.bench]
        room.checks.heard(session.bench, lang)
    elif data.get("bench") == "all":
        benches = list(room.model.benches)
    else:
        benches = [check_bench(room.model, session, str(data.get("bench", "")))]
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(room.checking, room.checks.run, benches, lang)
    except UsageError as error:  # a host that stopped, a file it cannot read: one line
        raise Refused(500, f"check of bench(es) {benches} failed: {error}",
                      _("It failed: {reason}", reason=str(error))) from None
    except Exception as error:  # the engine's own failure: logged whole, said in one line
        LOG.exception("check of bench(es) %s failed", benches)
        raise Refused(500, f"check of bench(es) {benches} failed: {error}",
                      _("It failed: {reason}", reason=type(error).__name__)) from None
    LOG.info("check of bench(es) %s by %s", ",".join(map(str, benches)), session.who())
    if not session.instructor:
        return answer({"check": await room.blocking(room.checks.panel, session.bench, lang)})
    if data.get("bench") == "all":
        written = await room.blocking(write_class_view, room.checks.class_result(lang),
                                      room.results)
        LOG.info("class view written: %s", ", ".join(str(path) for path in written))
    return answer({"version": room.checks.version})


async def hint(request):
    room = request.app["classroom"]
    session = session_of(request)
    check_origin(request)
    if session.instructor:
        raise Refused(403, "hints are opened by the bench's students", _("Bad request."))
    objective = str((await json_body(request)).get("objective", ""))
    step = await room.blocking(room.checks.open_hint, session.bench, objective)
    if step is None:
        raise Refused(404, f"no hint to open on {objective[:60]!r} for bench {session.bench}",
                      _("No such objective."))
    LOG.info("hint %s of %s opened by %s", step, objective, session.who())
    lang = language(request)
    return answer({"check": await room.blocking(room.checks.panel, session.bench, lang)})


async def rotate(request):
    room = request.app["classroom"]
    session = instructor_of(request)
    check_origin(request)
    bench = check_bench(room.model, session, str((await json_body(request)).get("bench", "")))
    code = room.access.rotate(bench)
    ended = room.sessions.end_bench(bench)
    for terminal, owner in list(room.terminals.open_ones.items()):
        if not owner.instructor and owner.bench == bench:
            room.terminals.detach(terminal)
            await room.blocking(room.terminals.finish, terminal)
    room.on_rotate()
    LOG.info("new code for bench %s: %d session(s) ended", bench, ended)
    return answer({"bench": bench, "code": code, "ended": ended})


async def capture(request):
    room = request.app["classroom"]
    session = session_of(request)
    check_origin(request)
    data = await json_body(request)
    host = check_host(room.model, session, str(data.get("host", "")))
    seconds = data.get("seconds", 10)
    if not isinstance(seconds, int) or not 1 <= seconds <= room.limits.capture_seconds:
        raise Refused(400, f"a capture of {str(seconds)[:20]} s", _("Bad request."))
    if session.id in room.captures or len(room.captures) >= room.limits.captures_total:
        raise Refused(429, "a capture is running already",
                      _("A capture is running already: wait for it."))
    room.captures.add(session.id)
    try:
        loop = asyncio.get_running_loop()
        path, frames = await loop.run_in_executor(room.capturing, room.door.capture, host,
                                                  seconds)
    finally:
        room.captures.discard(session.id)
    LOG.info("capture in %s by %s: %s, %s frame(s)", host, session.who(), path.name, frames)
    return answer({"name": path.name, "frames": frames, "host": host})


async def download(request):
    room = request.app["classroom"]
    session = session_of(request)
    kind = request.match_info["kind"]
    if kind not in ("capture", "handin"):
        raise Refused(404, f"no kind of file {kind[:20]!r}", _("No such file."))
    path = check_file(room.model, session, room.results, kind, request.match_info["owner"],
                      request.match_info["name"])
    LOG.info("download of %s by %s", path.name, session.who())
    return web.FileResponse(path, headers={
        "Content-Disposition": f'attachment; filename="{path.name}"',
        "Content-Type": "application/octet-stream"})


# --- terminals ----------------------------------------------------------------------------

def terminal_size(request):
    try:
        return int(request.query.get("cols", 80)), int(request.query.get("rows", 24))
    except ValueError:
        raise Refused(400, "a terminal size that is no number", _("Bad request.")) from None


async def terminal(request):
    room = request.app["classroom"]
    session = session_of(request)
    check_origin(request)
    host = check_host(room.model, session, request.match_info["host"])
    cols, rows = terminal_size(request)
    cap = (room.limits.terminals_per_instructor if session.instructor
           else room.limits.terminals_per_student)
    if session.terminals >= cap:
        raise Refused(429, f"{session.terminals} terminals open already (at most {cap})",
                      _("Too many terminals open: close one first."))
    if room.terminals.count() >= room.limits.terminals_total:
        raise Refused(429, "the server holds as many terminals as it allows",
                      _("Too many terminals open: close one first."))
    if not room.openings.allow(session.id):
        raise Refused(429, "too many terminals opened in a minute",
                      _("Too many terminals opened: wait a minute."))
    argv, enters = room.door.shell_argv(host)
    ws = web.WebSocketResponse(max_msg_size=MAX_FRAME, heartbeat=30.0)
    await ws.prepare(request)
    opened = await room.terminals.open(session, host, argv, cols, rows, enters)
    LOG.info("terminal of %s opened by %s (pid %s)", host, session.who(), opened.pid)

    async def closing(_task):
        if not ws.closed:
            await ws.close(code=1000, message=b"the shell ended")
    pump = asyncio.create_task(opened.pump(ws.send_bytes))
    pump.add_done_callback(lambda task: asyncio.ensure_future(closing(task)))
    try:
        async for message in ws:
            if message.type == WSMsgType.BINARY:
                await opened.write(message.data)
            elif message.type == WSMsgType.TEXT:
                size = _resize(message.data)
                if size is None:
                    LOG.warning("refused 400 a terminal message of %s (%s): not a resize",
                                host, session.who())
                    await ws.close(code=1003, message=b"bad message")
                    break
                opened.resize(*size)
            elif message.type == WSMsgType.ERROR:
                LOG.warning("refused 413 a terminal frame of %s (%s): %s", host, session.who(),
                            ws.exception())
                break
    finally:
        room.terminals.detach(opened)
        pump.cancel()
        await room.blocking(room.terminals.finish, opened)
        LOG.info("terminal of %s closed (%s)", host, session.who())
    return ws


def _resize(text):
    try:
        data = json.loads(text)
        cols, rows = data["resize"]
        return int(cols), int(rows)
    except (ValueError, TypeError, KeyError):
        return None


def make_app(room):
    app = web.Application(client_max_size=MAX_BODY, middlewares=[guard])
    app["classroom"] = room
    app.add_routes([
        web.get("/", home), web.post("/login", login), web.post("/logout", logout),
        web.get("/lang/{code}", choose_language),
        web.get("/bench", bench_page), web.get("/instructor", instructor_page),
        web.get("/instructor/class-view", class_view),
        web.get("/static/{name}", static), web.get("/favicon.ico", no_icon), web.get(r"/picture/{bench}.svg", picture),
        web.get("/api/state", state), web.post("/api/reset", reset),
        web.post("/api/handin", handin), web.post("/api/check", check),
        web.post("/api/hint", hint), web.post("/api/rotate", rotate),
        web.post("/api/capture", capture),
        web.get("/files/{kind}/{owner}/{name}", download),
        web.get("/terminal/{host}", terminal),
    ])
    return app
