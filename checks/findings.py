"""Findings, and words kept apart from the language they are read in.

    _(msgid, **values)   a Text: an English msgid (the catalogs' key; the unit tests extract
                         every _() call of checks/ with ast) and its {name} values
    Text                 .render(translate) -> str: translated, then its values filled in
    Note                 a finding as a rule makes it: file, line, code and three Texts
    Finding              file, line (None: the whole file), code, what, why, fix: strings
                         in the reader's language
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    msgid: str
    values: tuple = ()

    def render(self, translate):
        return translate(self.msgid).format(**dict(self.values))


def _(msgid, **values):
    return Text(msgid, tuple(sorted(values.items())))


@dataclass(frozen=True)
class Finding:
    file: str
    line: int | None
    code: str
    what: str
    why: str
    fix: str

    @property
    def where(self):
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Note:
    """What a rule found; code is a stable id ("aliases-typo") that tools may rely on."""
    file: str
    line: int | None
    code: str
    what: Text
    why: Text
    fix: Text

    def finding(self, translate):
        return Finding(self.file, self.line, self.code, self.what.render(translate),
                       self.why.render(translate), self.fix.render(translate))
