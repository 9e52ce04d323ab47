"""The messages of checks/ and their catalogs: what the code says, what the .po files hold.

    used_msgids(folder)    {msgid: [file:line]} of every _("...") call in checks/*.py,
                           classroom/*.py and scenarios/*.py (or in folder's), read
                           with ast; NotLiteral names a _() whose message is no plain string
    catalog(lang)          {msgid: msgstr} of locale/<lang>/LC_MESSAGES/classlab.po
    problems(lang)         what is wrong with that catalog: a used message missing or left
                           untranslated, an unused one, a {value} that differs
    compile_catalogs()     the .mo beside each .po, written by msgfmt --check (the .po stays
                           the source a translator edits)

    python3 -m checks.catalog   checks both catalogs, then compiles them (msgfmt)
"""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

from checks.i18n import LANGUAGES, po_path, read_po

FOLDER = Path(__file__).resolve().parent
# the classroom's pages (classroom/), the scenarios' PASS/FAIL lines (scenarios/) and the
# teaching commands reset and handin (lab/command/teaching.py) speak
# through the same catalogs (read as files: checks imports neither)
FOLDERS = (FOLDER, FOLDER.parent / "classroom", FOLDER.parent / "scenarios",
           FOLDER.parent / "lab" / "command")
FIELD = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


class NotLiteral(ValueError):
    pass


def used_msgids(folder=None):
    used = {}
    tops = (folder,) if folder else FOLDERS
    paths = [path for top in tops for path in sorted(Path(top).rglob("*.py"))]
    for path in paths:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    raise NotLiteral(f"{path.name}:{node.lineno}: _() needs a plain string")
                used.setdefault(first.value, []).append(f"{path.name}:{node.lineno}")
    return used


def catalog(lang):
    return read_po(po_path(lang).read_text(encoding="utf-8"))


def problems(lang, used=None):
    used = used_msgids() if used is None else used
    entries = {k: v for k, v in catalog(lang).items() if k}
    found = []
    for msgid, where in used.items():
        if msgid not in entries:
            found.append(f"{lang}: missing ({where[0]}): {msgid}")
        elif not entries[msgid]:
            found.append(f"{lang}: untranslated ({where[0]}): {msgid}")
        elif set(FIELD.findall(entries[msgid])) != set(FIELD.findall(msgid)):
            found.append(f"{lang}: other {{values}} than the msgid ({where[0]}): {msgid}")
    found += [f"{lang}: unused: {msgid}" for msgid in entries if msgid not in used]
    return found


def compile_catalogs():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise FileNotFoundError("msgfmt (Debian package gettext) is not installed")
    written = []
    for lang in LANGUAGES:
        po = po_path(lang)
        subprocess.run([msgfmt, "--check", "-o", str(po.with_suffix(".mo")), str(po)],
                       check=True, capture_output=True, text=True, timeout=60)
        written.append(po.with_suffix(".mo"))
    return written


if __name__ == "__main__":
    found = [p for lang in LANGUAGES for p in problems(lang)]
    for problem in found:
        print(problem)
    if found:
        sys.exit(1)
    try:
        for path in compile_catalogs():
            print(f"compiled {path}")
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"checks.catalog: {getattr(error, 'stderr', '') or error}", file=sys.stderr)
        sys.exit(2)
