"""Reading a class file (TOML): its tables, their keys and types, and errors that say where.

    DEFAULT_CLASS          topologies/classes/iut.toml, the report's class
    ClassFileError         one line: "FILE:LINE: [table] key: what is wrong" (exit code 2)
    ClassFile(path)        the parsed file; .table(name), .zones(), .fail(table, key, what)

The shape of each table (its keys, which are required, their types) is declared here once;
what the values mean (addresses, names, zones) is checked by topologies/model.py.
"""

import re
import tomllib
from pathlib import Path

CLASSES = Path(__file__).resolve().parent / "classes"
DEFAULT_CLASS = CLASSES / "iut.toml"

STR, INT, BOOL, STRS, PAIRS = "text", "number", "true or false", "list of texts", "list of pairs"

# table -> {key: (type, required)}
SHAPES = {
    "class": {"title": (STR, False), "benches": (STR, True), "bench_range": ("range", True),
              "neighbour": ("rule", True)},
    "backbone": {"lan": (STR, True), "prefix": (STR, True)},
    "instructor": {"name": (STR, True), "address": (STR, True), "dns_name": (STR, True),
                   "role": (STR, True), "forwarding": (BOOL, False)},
    "bench": {"server": (STR, True), "seat": (STR, True), "routes": (STRS, False),
              "resolver": (STR, True), "hosts": ("tables", True)},
    "bench.hosts.*": {"name": (STR, True), "role": (STR, True), "backbone": (STR, False),
                      "lan": (STR, False), "address": (STR, False), "gateway": (STR, False),
                      "forwarding": (BOOL, False), "part2": (BOOL, False)},
    "services": {"*": (STRS, False)},
    "mail": {"origin": (STR, True), "trusted": (STRS, True)},
    "accounts": {"student": (STR, True), "student_uid": (INT, True),
                 "student_password": (STR, True), "aliases": (PAIRS, True)},
    "zone": {"name": (STR, True), "primary": (STR, True), "secondaries": (STRS, False),
             "allow_query": (STRS, False), "file": (STR, True), "comment": (STR, False),
             "ttl": (INT, True), "soa": (STR, True), "records": (STRS, True),
             "each_bench": (STRS, False)},
    "stage": {"name": (STR, True), "says": ("says", False), "does": (STRS, False)},
}
TOP = ("class", "backbone", "instructor", "bench", "services", "mail", "accounts", "zone", "stage")
OPTIONAL = ("services", "stage")
LISTS = ("zone", "stage")  # tables written [[name]], one table each


class ClassFileError(ValueError):
    """A class file that cannot describe a class; str() is the one line the user reads."""
    exit_code = 2


class ClassFile:

    def __init__(self, path=None):
        self.path = Path(path) if path else DEFAULT_CLASS
        self.name = _shown(self.path)
        try:
            self.text = self.path.read_text()
        except FileNotFoundError:
            raise ClassFileError(f"class file {self.name}: no such file") from None
        except (IsADirectoryError, PermissionError, UnicodeDecodeError) as error:
            raise ClassFileError(f"class file {self.name}: cannot be read ({error})") from None
        try:
            self.data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            line = re.search(r"at line (\d+)", str(error))
            where = f"{self.name}:{line.group(1)}" if line else self.name
            shown = _line_text(self.text, int(line.group(1))) if line else ""
            raise ClassFileError(f"class file {where}: not valid TOML: "
                                 f"{str(error).split(' (at line')[0]}"
                                 f"{f' in: {shown}' if shown else ''}") from None
        self._check_shape()

    def table(self, name):
        return self.data.get(name, {})

    def zones(self):
        return self.data.get("zone", [])

    def stages(self):
        return self.data.get("stage", [])

    def fail(self, table, key, what, near=None):
        """Raise ClassFileError for `key` of `table` ("zone#3" is the third [[zone]]);
        near: a text of the key's value (one line of a list), for that line's number."""
        line = self.line_of(table, key, near)
        where = f"{self.name}:{line}" if line else self.name
        label = f"[[{table.split('#')[0]}]] #{table.split('#')[1]}" if "#" in table else f"[{table}]"
        raise ClassFileError(f"class file {where}: {label}{' ' + key if key else ''}: {what}")

    def line_of(self, table, key, near=None):
        """The line of `key` in `table` (or of the table's header), as the file is written;
        with `near`, the line of the key's value that holds that text, if one does."""
        lines = self.text.splitlines()
        header = _header_line(lines, table)
        if header is None:
            return None
        for wanted in dict.fromkeys((key, key.split(".")[0]) if key else ()):
            for number in range(header + 1, len(lines)):  # says.fr: its line, else says's
                stripped = lines[number].strip()
                if stripped.startswith("["):
                    break
                if re.match(rf"{re.escape(wanted)}\s*[=.]", stripped):  # key = / key.sub =
                    return _line_near(lines, number, near) + 1
        return header + 1

    def _check_shape(self):
        for name in self.data:
            if name not in TOP:
                self.fail(name, "", f"unknown table (a class file has: {', '.join(TOP)})")
        for name in TOP:
            if name not in self.data and name not in OPTIONAL:
                self.fail(name, "", "missing table")
        for name in ("class", "backbone", "instructor", "bench", "services", "mail", "accounts"):
            self._check_table(name, self.table(name), SHAPES[name])
        hosts = self.table("bench").get("hosts", {})
        for key, host in hosts.items():
            self._check_table(f"bench.hosts.{key}", host, SHAPES["bench.hosts.*"])
        for name in LISTS:
            if not isinstance(self.data.get(name, []), list):
                self.fail(name, "", f"{name}s are written [[{name}]], one table each")
            for index, table in enumerate(self.data.get(name, []), start=1):
                self._check_table(f"{name}#{index}", table, SHAPES[name])

    def _check_table(self, name, table, shape):
        if not isinstance(table, dict):
            self.fail(name, "", "must be a table")
        for key, value in table.items():
            kind = shape.get(key, shape.get("*", (None,)))[0]
            if kind is None:
                known = ", ".join(shape)
                self.fail(name, key, f"unknown key (known: {known})")
            if not _has_type(value, kind):
                self.fail(name, key, f"must be {_article(kind)}")
        for key, (_kind, required) in shape.items():
            if required and key not in table:
                self.fail(name, "", f"'{key}' is missing")


def _has_type(value, kind):
    if kind == STR:
        return isinstance(value, str)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == STRS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == PAIRS:
        return isinstance(value, list) and all(
            isinstance(v, list) and len(v) == 2 and all(isinstance(w, str) for w in v) for v in value)
    if kind == "range":
        return (isinstance(value, list) and len(value) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
    if kind == "rule":
        return isinstance(value, (str, int)) and not isinstance(value, bool)
    if kind == "says":
        return isinstance(value, (str, dict))
    if kind == "tables":
        return isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values())
    return False


def _article(kind):
    return {"range": "two numbers, e.g. [1, 253]",
            "rule": "next, previous, pairs or a bench number",
            "tables": "one [bench.hosts.KEY] table per host of a bench",
            "says": 'a text, or one a language (says.en = "...", says.fr = "...")',
            PAIRS: "a list of pairs, e.g. [[\"postmaster\", \"root\"]]",
            INT: "a whole number, 0 or more"}.get(kind, f"a {kind}")


def _header_line(lines, table):
    """Index of the line opening `table` ("zone#2": the second [[zone]])."""
    if "#" in table:
        name, wanted = table.split("#")[0], int(table.split("#")[1])
        seen = 0
        for index, line in enumerate(lines):
            if re.match(rf"\s*\[\[\s*{re.escape(name)}\s*\]\]", line):
                seen += 1
                if seen == wanted:
                    return index
        return None
    for index, line in enumerate(lines):
        if re.match(rf"\s*\[\s*{re.escape(table)}\s*\]", line):
            return index
    return None


def _line_near(lines, start, near):
    """The line from `start` on, within the same key's value, that holds `near`; else start."""
    if near:
        for number in range(start, len(lines)):
            if number > start and re.match(r"\s*(\[|[A-Za-z_][\w-]*\s*=)", lines[number]):
                break
            if f'"{near}"' in lines[number]:
                return number
    return start


def _line_text(text, number):
    lines = text.splitlines()
    return lines[number - 1].strip() if 0 < number <= len(lines) else ""


def _shown(path):
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
