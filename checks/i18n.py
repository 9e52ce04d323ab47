"""French and English through gettext: the catalogs under locale/, the reader's language.

    LANGUAGES                  ("en", "fr"): the catalogs shipped
    DOMAIN                     "classlab": locale/<lang>/LC_MESSAGES/classlab.po
    language(choice, environ)  "fr" or "en": an explicit choice (--lang), else the first of
                               LANGUAGE, LC_ALL, LC_MESSAGES, LANG set (fr_FR.UTF-8 -> fr);
                               English for any other language; LanguageError for a bad choice
    translator(lang)           msgid -> the text in that language (gettext)
    read_po(text)              {msgid: msgstr} of a .po file (fuzzy entries left out)
    mo_bytes(catalog)          the .mo file of a catalog, as msgfmt writes it

The .po files are the source a translator edits. The .mo beside one is used when it is newer
(`python3 -m checks.catalog` compiles them with msgfmt); otherwise the .po is compiled in
memory, so a fresh checkout works without msgfmt.
"""

import ast
import gettext
import io
import os
import struct
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "fr")
DOMAIN = "classlab"
LOCALE = Path(__file__).resolve().parent / "locale"
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class LanguageError(ValueError):
    pass


def language(choice=None, environ=None):
    if choice is not None:
        if choice not in LANGUAGES:
            raise LanguageError(choice)
        return choice
    environ = os.environ if environ is None else environ
    for variable in ENVIRONMENT:
        value = environ.get(variable, "")
        if value:
            first = value.split(":")[0]  # LANGUAGE may list several
            code = first.split(".")[0].split("@")[0].split("_")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


def po_path(lang):
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translator(lang):
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle).gettext
    data = mo_bytes(read_po(po.read_text(encoding="utf-8")))
    return gettext.GNUTranslations(io.BytesIO(data)).gettext


def read_po(text):
    """{msgid: msgstr}; the header is the entry of msgid ""."""
    catalog, entry, field, fuzzy = {}, {}, None, False

    def close():
        nonlocal entry, field, fuzzy
        if "msgid" in entry and not fuzzy:
            catalog[entry["msgid"]] = entry.get("msgstr", "")
        entry, field, fuzzy = {}, None, False

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("#"):
            if "msgstr" in entry:
                close()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
        elif line.startswith("msgid "):
            if "msgstr" in entry:
                close()
            field = "msgid"
            entry[field] = _po_string(line[6:].strip(), number)
        elif line.startswith("msgstr "):
            field = "msgstr"
            entry[field] = _po_string(line[7:].strip(), number)
        elif line.startswith('"') and field:
            entry[field] += _po_string(line, number)
        else:
            raise ValueError(f"line {number}: not a .po line this catalog uses: {line[:40]}")
    close()
    return catalog


def _po_string(token, number):
    if not (len(token) >= 2 and token.startswith('"') and token.endswith('"')):
        raise ValueError(f"line {number}: expected a quoted string")
    return ast.literal_eval(token)


def mo_bytes(catalog):
    """GNU .mo: magic, revision 0, the sorted msgids and their translations."""
    ids = sorted(catalog)
    keys = [i.encode("utf-8") for i in ids]
    values = [catalog[i].encode("utf-8") for i in ids]
    count = len(ids)
    start = 7 * 4 + 16 * count
    key_table, value_table, blob = [], [], b""
    for key in keys:
        key_table += [len(key), start + len(blob)]
        blob += key + b"\0"
    for value in values:
        value_table += [len(value), start + len(blob)]
        blob += value + b"\0"
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0)
    return (header + struct.pack(f"{2 * count}i", *key_table)
            + struct.pack(f"{2 * count}i", *value_table) + blob)
