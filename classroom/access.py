"""Who may come in: one unguessable code a bench and one for the instructor, and the access
sheet the instructor prints and hands out.

    CODE_BYTES               16 random bytes a code (128 bits; the issue asks for 64 at least)
    new_code()               a fresh code: secrets.token_urlsafe(CODE_BYTES)
    Access(benches)          .codes {bench: code}, .instructor (code); .who(code) ->
                             ("bench", n), ("instructor", None) or None, comparing with every
                             code in constant time; .rotate(bench) -> the bench's new code
                             (rotate(None): the instructor's)
    sheet_rows(access, url)  [(who, code, url)]: the instructor first, then each bench
    sheet_csv(access, url)   the CSV of those rows
    sheet_html(access, url, model, translate)   the printable page: one card a bench
    write_sheet(access, url, model, folder, translate)  folder/classroom-access.html and .csv,
                             mode 0600 (the codes open the benches): their paths
"""

import csv
import hmac
import html
import io
import os
import secrets
from pathlib import Path

from checks.findings import _

CODE_BYTES = 16
SHEET = "classroom-access"
INSTRUCTOR = "instructor"


def new_code():
    return secrets.token_urlsafe(CODE_BYTES)


class Access:

    def __init__(self, benches, instructor=None):
        self.codes = {int(bench): new_code() for bench in benches}
        self.instructor = instructor or new_code()

    def who(self, code):
        """Whose code this is; every stored code is compared, in constant time each."""
        given = str(code or "").strip().encode()
        found = None
        if hmac.compare_digest(given, self.instructor.encode()):
            found = (INSTRUCTOR, None)
        for bench, known in self.codes.items():
            if hmac.compare_digest(given, known.encode()):
                found = ("bench", bench)
        return found if given else None

    def rotate(self, bench=None):
        if bench is None:
            self.instructor = new_code()
            return self.instructor
        if bench not in self.codes:
            raise KeyError(bench)
        self.codes[bench] = new_code()
        return self.codes[bench]


def sheet_rows(access, url):
    return [(INSTRUCTOR, access.instructor, url)] + [
        (str(bench), code, url) for bench, code in sorted(access.codes.items())]


def sheet_csv(access, url, translate):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Bench").render(translate), _("Code").render(translate), "URL"])
    writer.writerows(sheet_rows(access, url))
    return out.getvalue()


def sheet_html(access, url, model, translate):
    def say(text):
        return html.escape(text.render(translate))
    cards = []
    for bench, code in sorted(access.codes.items()):
        hosts = ", ".join(h.name.upper() for h in model.hosts if h.bench == bench)
        cards.append(f'<section class="card"><h2>{say(_("Bench"))} {bench}</h2>'
                     f'<p class="hosts">{html.escape(hosts)}</p>'
                     f'<p>{say(_("Open"))} <code>{html.escape(url)}</code></p>'
                     f'<p>{say(_("Your code:"))} <code class="code">{html.escape(code)}</code></p>'
                     f'<p class="note">{say(_("Keep it to yourself: it opens your bench."))}</p>'
                     "</section>")
    head = (f'<section class="card teacher"><h2>{say(_("Instructor"))}</h2>'
            f'<p>{say(_("Open"))} <code>{html.escape(url)}</code></p>'
            f'<p>{say(_("Your code:"))} <code class="code">{html.escape(access.instructor)}'
            f'</code></p><p class="note">{say(_("It opens every bench: do not hand it out."))}'
            "</p></section>")
    style = ("body{font-family:'DejaVu Sans',sans-serif;margin:1cm}"
             ".card{border:1px dashed #666;padding:.4cm;margin:0 0 .4cm;break-inside:avoid}"
             ".teacher{border:2px solid #000}.code{font-size:1.2em;font-weight:bold}"
             "h2{margin:0 0 .2cm}.hosts,.note{color:#444;font-size:.9em}"
             "@media print{.card{page-break-inside:avoid}}")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
            f'{say(_("Classroom access sheet"))}</title><style>{style}</style></head><body>'
            f'<h1>{say(_("Classroom access sheet"))}</h1>{head}{"".join(cards)}</body></html>\n')


def write_private(path, text):
    """Write text to path, readable by its owner alone (mode 0600, also if it existed)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
        file.write(text)


def write_sheet(access, url, model, folder, translate):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    page, table = folder / f"{SHEET}.html", folder / f"{SHEET}.csv"
    write_private(page, sheet_html(access, url, model, translate))
    write_private(table, sheet_csv(access, url, translate))
    return page, table
