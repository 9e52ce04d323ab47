"""lint: a host's files, read as the host sees them, against the class model (issue 12).

    lint_host(model, host_name, read_file, history="", *, stat=None, known_parameters=None,
              zone_loads=None, lang=None, history_file="/root/.bash_history") -> [Finding]
        read_file(path) -> text, or None when the host has no such file (a dict's .get in
        tests; a reader inside a live host later); stat(path) -> modification time or None
        (without it, aliases.db is not compared with /etc/aliases); history: the host's
        shell history; known_parameters: Postfix's parameter names (default: the list
        taken from `postconf -d`); zone_loads: {zone: (serial, time loaded)} from the host's
        named (rndc zonestatus), when known; lang: "fr" or "en" (default: $LANG).
        KeyError for a host the class does not have; LanguageError for another language.
    lint_notes(...)   the same, before translation: [Note] with their msgids
    RULES             every finding's code, by module

    python3 -m checks.lint --class FILE HOST DIR   (checks/lint_cli.py)

Each Finding has file, line (None: the whole file), code (stable: "aliases-typo"), what,
why and fix: what the file says, why it matters, and where to look to fix it.
"""

import sys

from checks import lint_dns, lint_mail, lint_system
from checks.hostfiles import HostFiles
from checks.i18n import language, translator

HISTORY = "/root/.bash_history"
RULES = {
    "mail": ("aliases-typo", "aliases-duplicate", "aliases-syntax", "aliases-stale",
             "aliases-not-compiled", "maincf-syntax", "maincf-duplicate", "maincf-unknown",
             "mydestination-trailing-dot", "mydestination-missing", "mynetworks-open"),
    "dns": ("namedconf-syntax", "forwarders-in-master", "zone-file-missing", "zone-syntax",
            "out-of-zone", "ptr-in-forward-zone", "relative-name", "ns-no-address",
            "mx-no-address", "ns-cname", "mx-cname", "serial-not-bumped", "zone-not-reloaded"),
    "system": ("sysctl-path",),
}


def lint_notes(model, host_name, read_file, history="", *, stat=None, known_parameters=None,
               zone_loads=None, history_file=HISTORY):
    files = HostFiles(model, host_name, read_file, stat, known_parameters, zone_loads)
    return (lint_mail.lint(files) + lint_dns.lint(files)
            + lint_system.lint(files, history, history_file))


def lint_host(model, host_name, read_file, history="", *, stat=None, known_parameters=None,
              zone_loads=None, lang=None, history_file=HISTORY):
    translate = translator(language(lang))
    notes = lint_notes(model, host_name, read_file, history, stat=stat,
                       known_parameters=known_parameters, zone_loads=zone_loads,
                       history_file=history_file)
    return [note.finding(translate) for note in notes]


if __name__ == "__main__":
    from checks.lint_cli import main
    sys.exit(main())
