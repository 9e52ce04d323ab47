"""named.conf as BIND reads it, enough for lint: statements, their blocks, and their lines.

    read_conf(text) -> [Statement]   ConfError(kind, line) when the braces or the semicolons
                                     do not balance (kind: "unclosed", "unopened", "semicolon")
    Statement(words, block, line)    words before its block, quotes removed ('zone',
                                     'etc.example.', ...); block: [Statement] or None
    ZoneDecl                         a zone statement: name, type, file, forwarders and the
                                     lines of each; zone_decls(statements, path)
    includes(statements) / directory(statements)   include paths; the options' directory
"""

from dataclasses import dataclass


class ConfError(ValueError):
    def __init__(self, kind, line):
        super().__init__(f"{kind} at line {line}")
        self.kind, self.line = kind, line


@dataclass(frozen=True)
class Statement:
    words: tuple
    block: tuple | None
    line: int

    @property
    def keyword(self):
        return self.words[0].lower() if self.words else ""

    def find(self, keyword):
        return [s for s in self.block or () if s.keyword == keyword]


@dataclass(frozen=True)
class ZoneDecl:
    name: str
    type: str
    file: str | None
    line: int
    file_line: int | None
    forwarders: tuple
    forwarders_line: int | None
    conf: str  # the named.conf file that declares it


def tokens(text):
    """(token, line): words, quoted strings (as ("str", text)), and { } ;"""
    i, line, size = 0, 1, len(text)
    while i < size:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif c == "#" or text.startswith("//", i):
            while i < size and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = size if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
        elif c in "{};":
            yield c, line
            i += 1
        elif c == '"':
            end = i + 1
            while end < size and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            yield ("str", text[i + 1:end]), line
            line += text.count("\n", i, end)
            i = end + 1
        else:
            start = i
            while i < size and not text[i].isspace() and text[i] not in '{};"#':
                i += 1
            yield text[start:i], line


def read_conf(text):
    stream = list(tokens(text))
    return _block(stream, 0, None)[0]


def _block(stream, position, opened):
    """Statements up to the matching }, from stream[position]; opened: the { line or None."""
    statements, words, block, start = [], [], None, None
    while position < len(stream):
        token, line = stream[position]
        position += 1
        if token == "}":
            if opened is None:
                raise ConfError("unopened", line)
            if words or block is not None:
                raise ConfError("semicolon", line)
            return statements, position
        if token == ";":
            if words or block is not None:
                statements.append(Statement(tuple(words), block, start))
            words, block, start = [], None, None
        elif token == "{":
            if block is not None:
                raise ConfError("semicolon", line)
            block, position = _block(stream, position, line)
            block = tuple(block)
            start = start or line
        else:
            if block is not None:
                raise ConfError("semicolon", line)
            words.append(token[1] if isinstance(token, tuple) else token)
            start = start or line
    if opened is not None:
        raise ConfError("unclosed", opened)
    if words or block is not None:
        raise ConfError("semicolon", start)
    return statements, position


def zone_decls(statements, conf):
    zones = []
    for statement in statements:
        if statement.keyword != "zone" or len(statement.words) < 2:
            continue
        kind = _value(statement, "type")
        file = _value(statement, "file")
        forwarders = (statement.find("forwarders") or [None])[0]
        addresses = tuple(s.words[0] for s in (forwarders.block or ()) if s.words) \
            if forwarders else ()
        zones.append(ZoneDecl(
            name=statement.words[1], type=(kind[0] or "").lower(), file=file[0],
            line=statement.line, file_line=file[1], forwarders=addresses,
            forwarders_line=forwarders.line if forwarders else None, conf=conf))
    return zones


def _value(statement, keyword):
    found = statement.find(keyword)
    if found and len(found[0].words) > 1:
        return found[0].words[1], found[0].line
    return None, None


def includes(statements):
    return [s.words[1] for s in statements if s.keyword == "include" and len(s.words) > 1]


def directory(statements):
    for options in (s for s in statements if s.keyword == "options"):
        value = _value(options, "directory")[0]
        if value:
            return value
    return None
