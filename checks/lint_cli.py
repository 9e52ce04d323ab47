"""python3 -m checks.lint --class FILE HOST DIR: lint a folder holding a host's files.

DIR holds the files at their place in the host: DIR/etc/aliases, DIR/etc/postfix/main.cf,
DIR/etc/bind/named.conf.local and its zone files, DIR/root/.bash_history. Each finding is
one block:

    /etc/aliases:3: the alias postamster looks like a misspelling of postmaster
      why: ...
      fix: ...

Exit 1 when there are findings, 0 when there are none, 2 on bad input (one line).
--lang fr|en (default: $LANG); --benches (default: the class file's).
"""

import argparse
import os
import sys
from pathlib import Path

from checks.findings import _
from checks.i18n import LANGUAGES, LanguageError, language, translator
from checks.lint import HISTORY, lint_host
from topologies.model import BenchError, ClassFileError, ClassSpec

PROG = "lint"
LOOKED_AT = ("etc/aliases", "etc/postfix/main.cf", "etc/bind/named.conf",
             "etc/bind/named.conf.local", "etc/sysctl.conf", HISTORY.lstrip("/"))


class BadInput(Exception):
    """One line for the user, exit 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise BadInput(f"{message} (see --help)")


def parser():
    p = Parser(prog="python3 -m checks.lint", description="Lint a host's files against its "
               "class: file:line, what, why, how to fix.")
    p.add_argument("--class", dest="class_file", default=os.environ.get("CLASS") or None,
                   help="the class file (default: $CLASS or the report's class)")
    p.add_argument("--benches", default=None, help="the class's benches (default: the file's)")
    p.add_argument("--lang", default=None, help=f"{' or '.join(LANGUAGES)} (default: $LANG)")
    p.add_argument("host", help="the host whose files DIR holds, e.g. the bench's server")
    p.add_argument("dir", help="a folder holding the host's files at their place")
    return p


def folder_reader(root):
    """read_file and stat over DIR, as the host would see them: nothing outside DIR."""
    top = root.resolve()

    def inside(path):
        target = (root / path.lstrip("/")).resolve()
        return target if target == top or top in target.parents else None

    def read_file(path):
        target = inside(path)
        return target.read_text(errors="replace") if target and target.is_file() else None

    def stat(path):
        target = inside(path)
        return target.stat().st_mtime if target and target.exists() else None
    return read_file, stat


def render(finding, translate):
    what = f"{finding.where}: {finding.what}"
    return "\n".join([what, "  " + _("why: {text}", text=finding.why).render(translate),
                      "  " + _("fix: {text}", text=finding.fix).render(translate)])


def run(argv):
    args = parser().parse_args(argv)
    try:
        lang = language(args.lang)
    except LanguageError:
        raise BadInput(_("--lang {lang}: no such language (known: {known})", lang=args.lang,
                         known=", ".join(LANGUAGES))) from None
    translate = translator(lang)
    root = Path(args.dir)
    if not root.is_dir():
        raise BadInput(_("{dir} is not a folder", dir=args.dir).render(translate))
    if not any((root / path).is_file() for path in LOOKED_AT):
        raise BadInput(_("{dir} holds none of the files lint reads ({files})", dir=args.dir,
                         files=", ".join(LOOKED_AT)).render(translate))
    try:
        model = ClassSpec(args.class_file).model(args.benches)
    except (ClassFileError, BenchError) as error:
        raise BadInput(str(error)) from None
    if args.host not in model.names():
        raise BadInput(_("no host {host} in this class (hosts: {hosts})", host=args.host,
                         hosts=", ".join(model.names())).render(translate))
    read_file, stat = folder_reader(root)
    history = read_file(HISTORY) or ""
    try:
        findings = lint_host(model, args.host, read_file, history, stat=stat, lang=lang)
    except OSError as error:
        raise BadInput(_("cannot read {path}: {reason}", path=error.filename or args.dir,
                         reason=error.strerror or error).render(translate)) from None
    for finding in findings:
        print(render(finding, translate), end="\n\n" if finding is not findings[-1] else "\n")
    if not findings:
        print(_("{host}: nothing to point out", host=args.host).render(translate))
    return 1 if findings else 0


def main(argv=None):
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except BadInput as error:
        message = error.args[0]
        if not isinstance(message, str):
            message = message.render(translator(language(None)))
        print(f"{PROG}: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
