"""An aliases file as newaliases reads it (aliases(5)), with the line of each alias.

    read_aliases(text) -> Aliases
    Aliases.entries     every Alias(name, targets, line) in order; names in lowercase, as
                        postalias stores them
           .bad_lines   the line numbers that hold no "name: destination"
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Alias:
    name: str
    targets: str
    line: int


@dataclass
class Aliases:
    entries: list = field(default_factory=list)
    bad_lines: list = field(default_factory=list)


def read_aliases(text):
    aliases = Aliases()
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or line[0] in " \t":
            continue  # blank, comment, or more destinations of the alias above
        name, colon, targets = _split(stripped)
        if not colon or not name:
            aliases.bad_lines.append(number)
        else:
            aliases.entries.append(Alias(name.lower(), targets.strip(), number))
    return aliases


def _split(text):
    if text.startswith('"'):
        end = text.find('"', 1)
        if end > 0 and text[end + 1:end + 2] == ":":
            return text[1:end], ":", text[end + 2:]
    name, colon, rest = text.partition(":")
    return name.strip(), colon, rest
