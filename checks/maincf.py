"""Postfix's main.cf as Postfix reads it (postconf(5)), with the line of each parameter.

    read_main_cf(text) -> MainCf
    MainCf.entries      every Param(name, value, line) in order, repeats included
          .params       {name: Param}: the last definition wins, as in Postfix
          .bad_lines    the line numbers that hold no "name = value"
          .value(name, default)   a parameter's value, $name and ${name} expanded
    list_items(value)   the items of a list value, split at commas and spaces
"""

import re
from dataclasses import dataclass, field

REFERENCE = re.compile(r"\$(?:\{(\w+)(?:[?:][^}]*)?\}|\((\w+)\)|(\w+))")


@dataclass(frozen=True)
class Param:
    name: str
    value: str
    line: int


@dataclass
class MainCf:
    entries: list = field(default_factory=list)
    bad_lines: list = field(default_factory=list)

    @property
    def params(self):
        return {p.name: p for p in self.entries}

    def value(self, name, default=None):
        param = self.params.get(name)
        raw = param.value if param else default
        return None if raw is None else self.expand(raw)

    def expand(self, value, depth=0):
        params = self.params

        def replace(match):
            name = next(g for g in match.groups() if g)
            if name not in params or depth > 10:
                return match.group(0)
            return self.expand(params[name].value, depth + 1)
        return REFERENCE.sub(replace, value)

    def references(self):
        """The names written as $name or ${name} in any value."""
        return {next(g for g in m.groups() if g) for p in self.entries
                for m in REFERENCE.finditer(p.value)}


def read_main_cf(text):
    main_cf = MainCf()
    logical = None  # [first line, text]

    def close():
        if logical is None:
            return
        first, body = logical
        name, equals, value = body.partition("=")
        if not equals or len(name.split()) != 1:
            main_cf.bad_lines.append(first)
        else:
            main_cf.entries.append(Param(name.strip(), " ".join(value.split()), first))

    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0] in " \t":
            if logical is None:
                main_cf.bad_lines.append(number)
            else:
                logical[1] += " " + stripped
            continue
        close()
        logical = [number, stripped]
    close()
    return main_cf


def list_items(value):
    return [item for item in re.split(r"[\s,]+", value or "") if item]
