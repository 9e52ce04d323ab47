"""The classroom's pages, in French or English: the login, a wrong code, a refusal, the
student's page and the instructor's. Every value written into a page is HTML-escaped; the
script and the style are files of their own (templates/), so the pages run under a
Content-Security-Policy with no inline script.

    pick_language(cookie, accept_language)   "fr" or "en": the reader's choice (cookie),
                                             else the browser's first of fr/en, else en
    login_page(lang, message=None)
    refusal_page(lang, status, text)         a clear page for a refused request
    student_page(lang, model, bench, stage_text)
    instructor_page(lang, model)
    words(lang)                              the texts the script shows, translated
"""

import html
import json
from pathlib import Path
from string import Template

from checks.findings import _
from checks.i18n import LANGUAGES, translator

TEMPLATES = Path(__file__).resolve().parent / "templates"
LINT_INTRO = _("The files of your bench's machines, reread at each check: where, what, why, "
               "what to do.")


def pick_language(cookie, accept_language):
    if cookie in LANGUAGES:
        return cookie
    ranked = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _sep, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().split("-")[0].lower()))
    for _quality, _position, code in sorted(ranked):
        if code in LANGUAGES:
            return code
    return "en"


def esc(value):
    return html.escape(str(value), quote=True)


def say(lang, text):
    return esc(text.render(translator(lang)))


def words(lang):
    texts = {
        "reset": _("Reset {host}"),
        "capture": _("Capture 10 s on {host}"),
        "capturing": _("Capturing on {host}…"),
        "captured": _("{name}: {text} frame(s)"),
        "resetAsk": _("Put {host} back at its stage? What you changed on it is lost."),
        "resetDone": _("{host} is back at its stage."),
        "handin": _("Hand in my work"),
        "handinDone": _("Your work is handed in: {name}"),
        "ended": _("The shell ended (exit, or a reset). Click to open a new one."),
        "refused": _("Refused: {reason}"),
        "failed": _("It failed: {reason}"),
        "noCheck": _("No check of your bench yet: Run check."),
        "runCheck": _("Run check"),
        "checking": _("Checking your bench…"),
        "nextHint": _("Hint {step} of {steps}"),
        "otherLanguage": _("This check ran in another language: run it again to read it in "
                           "yours."),
        "why": _("why: {text}"),
        "fix": _("fix: {text}"),
        "captures": _("Captures"),
        "handins": _("Hand-ins"),
        "none": _("None yet."),
        "rotate": _("New code"),
        "rotateAsk": _("Give this bench a new code? Its students are logged out."),
        "rotated": _("New code: {name}"),
        "checked": _("Checked: {text}"),
    }
    translate = translator(lang)
    return {key: translate(text.msgid) for key, text in texts.items()}  # {values}: the script's


def _switch(lang):
    other = "en" if lang == "fr" else "fr"
    return (f'<a class="lang" href="/lang/{other}" hreflang="{other}">'
            f'{"English" if other == "en" else "Français"}</a>')


def _page(lang, title, body, role="", extra=""):
    switch = "" if role else f'<div class="switch">{_switch(lang)}</div>'
    skeleton = Template((TEMPLATES / "page.html").read_text(encoding="utf-8"))
    return skeleton.substitute(lang=esc(lang), title=esc(title), role=esc(role), switch=switch,
                               words=esc(json.dumps(words(lang), ensure_ascii=False)),
                               body=body, extra=extra)


def login_page(lang, message=None):
    note = f'<p class="error" role="alert">{say(lang, message)}</p>' if message else ""
    body = (f'<main class="login"><h1>{say(lang, _("The classroom"))}</h1>{note}'
            f'<form method="post" action="/login"><label for="code">'
            f'{say(lang, _("Your code (on the access sheet):"))}</label>'
            f'<input id="code" name="code" autocomplete="off" autofocus required maxlength="200">'
            f'<button type="submit">{say(lang, _("Log in"))}</button></form></main>')
    return _page(lang, _("The classroom").render(translator(lang)), body)


def refusal_page(lang, status, text):
    body = (f'<main class="login"><h1>{esc(status)}</h1><p class="error" role="alert">'
            f'{say(lang, text)}</p><p><a href="/">{say(lang, _("Back to the login page"))}'
            f'</a></p></main>')
    return _page(lang, str(status), body)


def _header(lang, title, details=""):
    return (f'<header><h1>{esc(title)}</h1><span class="details">{details}</span>'
            f'{_switch(lang)}<form method="post" action="/logout" class="logout"><button type="submit">'
            f'{say(lang, _("Log out"))}</button></form></header>')


def _tabs(names):
    return "".join(f'<button type="button" class="tab" role="tab" data-host="{esc(name)}">'
                   f'{esc(name.upper())}</button>' for name in names)


def student_page(lang, model, bench, stage_text):
    hosts = [h.name for h in model.hosts if h.bench == bench]
    title = f'{_("Bench").render(translator(lang))} {bench}'
    body = (_header(lang, title, esc(stage_text))
            + f'<main class="student" data-bench="{esc(bench)}"><div class="work">'
            f'<section class="terminals"><nav class="tabs" role="tablist">{_tabs(hosts)}</nav>'
            f'<div class="screens"></div><div class="actions">'
            f'<button type="button" id="reset"></button>'
            f'<button type="button" id="capture"></button>'
            f'<button type="button" id="handin" data-bench="{esc(bench)}"></button>'
            f'<span id="status" role="status"></span></div></section>'
            f'<section class="lint"><h2>lint</h2><p class="intro">{say(lang, LINT_INTRO)}</p>'
            f'<div id="lint"></div></section>'
            f'<section><h2>{say(lang, _("Your bench"))}</h2>'
            f'<a href="/picture/{esc(bench)}.svg" target="_blank" rel="noopener">'
            f'<img class="picture" src="/picture/{esc(bench)}.svg" alt="{esc(title)}"></a>'
            f'</section></div>'
            f'<aside><section class="check"><h2>{say(lang, _("Check"))}</h2>'
            f'<p><button type="button" id="run-check"></button></p><div id="check"></div>'
            f'</section>'
            f'<section><h2>{say(lang, _("Your files"))}</h2><div id="files"></div></section>'
            f'</aside></main>')
    return _page(lang, title, body, role="bench")


def instructor_page(lang, model):
    translate = translator(lang)
    rows = []
    for bench in model.benches:
        hosts = [h.name for h in model.hosts if h.bench == bench]
        buttons = "".join(f'<button type="button" class="open" data-host="{esc(n)}">'
                          f'{esc(n.upper())}</button>' for n in hosts)
        rows.append(f'<tr data-bench="{esc(bench)}"><th scope="row">{esc(bench)}</th>'
                    f'<td class="stage"></td><td>{buttons}</td><td>'
                    f'<button type="button" class="handin" data-bench="{esc(bench)}">'
                    f'{say(lang, _("Hand-in"))}</button> '
                    f'<button type="button" class="rotate" data-bench="{esc(bench)}">'
                    f'{say(lang, _("New code"))}</button></td></tr>')
    instructor = model.instructor.name
    title = _("The classroom: instructor").render(translate)
    body = (_header(lang, title)
            + '<main class="instructor">'
            f'<section class="classview"><h2>{say(lang, _("Class view"))}</h2>'
            f'<p><button type="button" id="check-all">{say(lang, _("Run check"))}</button> '
            f'{say(lang, _("on every bench (a minute for a large class)"))}</p>'
            f'<iframe id="classview" src="/instructor/class-view" title="'
            f'{say(lang, _("Class view"))}"></iframe></section>'
            f'<section class="terminals"><h2>{say(lang, _("Terminals"))}</h2>'
            f'<p><button type="button" class="open" data-host="{esc(instructor)}">'
            f'{esc(instructor.upper())}</button> {say(lang, _("the instructor server"))}</p>'
            f'<nav class="tabs" role="tablist"></nav><div class="screens"></div>'
            f'<div class="actions"><button type="button" id="reset"></button>'
            f'<button type="button" id="capture"></button>'
            f'<span id="status" role="status"></span></div></section>'
            f'<section class="benches"><h2>{say(lang, _("Benches"))}</h2><table><thead><tr>'
            f'<th>{say(lang, _("Bench"))}</th><th>{say(lang, _("Stage"))}</th>'
            f'<th>{say(lang, _("Hosts"))}</th><th></th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>'
            f'<section><h2>{say(lang, _("Files"))}</h2><div id="files"></div></section></main>')
    return _page(lang, title, body, role="instructor")
