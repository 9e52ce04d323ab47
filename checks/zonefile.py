"""A zone file as named reads it, each record with its line: dnspython's tokenizer and rdata
parsers (parentheses, comments, $ORIGIN, $TTL, names made absolute), driven line by line.

    read_zone(text, origin) -> ZoneText
    ZoneText.records   [ZoneRecord(line, owner, rdtype, rdata, written)]: owner a
                       dns.name.Name, absolute; rdtype "NS", "MX"...; rdata dnspython's;
                       written: the owner as the file writes it (None: the line above's)
            .errors    [(line, message)]: what dnspython could not read (the rest is read on)
    soa(zone)          the zone's SOA record at its origin (ZoneRecord), or None
    names_in(record)   [(role, name)] of the names a record's data holds: ("target", ...)
                       for NS, MX, CNAME, PTR, SRV; ("mname"/"rname", ...) for SOA
"""

from dataclasses import dataclass, field

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.tokenizer
import dns.ttl

TARGETS = {"NS": "target", "CNAME": "target", "PTR": "target", "DNAME": "target",
           "MX": "exchange", "SRV": "target"}


@dataclass(frozen=True)
class ZoneRecord:
    line: int
    owner: dns.name.Name
    rdtype: str
    rdata: object
    written: str | None


@dataclass
class ZoneText:
    origin: dns.name.Name
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def read_zone(text, origin):
    try:
        zone = ZoneText(dns.name.from_text(origin))
    except dns.exception.DNSException as error:
        return ZoneText(dns.name.root, errors=[(1, f"{origin}: {error}")])
    reader = _Reader(dns.tokenizer.Tokenizer(text), zone)
    reader.read()
    return zone


class _Reader:
    def __init__(self, tok, zone):
        self.tok, self.zone = tok, zone
        self.current, self.last_owner = zone.origin, zone.origin

    def read(self):
        while True:
            try:
                token = self.tok.get(want_leading=True)
            except dns.exception.DNSException as error:
                self.zone.errors.append((self.tok.line_number, str(error)))
                return
            if token.is_eof():
                return
            if token.is_eol():
                continue
            line = self.tok.line_number
            try:
                self._line(token, line)
            except Exception as error:  # noqa: BLE001 - as dnspython's reader: any rdata error
                self.zone.errors.append((line, str(error) or type(error).__name__))
                if not self._skip_line():
                    return

    def _skip_line(self):
        try:
            while not self.tok.get().is_eol_or_eof():
                pass
            return True
        except dns.exception.DNSException:
            return False

    def _line(self, token, line):
        if token.is_whitespace():
            token = self.tok.get()
            if token.is_eol_or_eof():
                return
            self.tok.unget(token)
            owner, written = self.last_owner, None
        elif token.value.startswith("$"):
            self._directive(token.value.upper())
            return
        else:
            owner, written = self.tok.as_name(token, self.current), token.value
            self.last_owner = owner
        token = self.tok.get()
        for _ in range(2):  # TTL and class, in either order
            if token.is_identifier() and (_is_ttl(token.value)
                                          or token.value.upper() in ("IN", "CH", "HS")):
                token = self.tok.get()
        if not token.is_identifier():
            raise dns.exception.SyntaxError("a record needs a type (A, NS, MX...)")
        try:
            rdtype = dns.rdatatype.from_text(token.value)
        except dns.rdatatype.UnknownRdatatype:
            raise dns.exception.SyntaxError(f"unknown record type '{token.value}'") from None
        rdata = dns.rdata.from_text(dns.rdataclass.IN, rdtype, self.tok, self.current,
                                    relativize=False)
        self.zone.records.append(ZoneRecord(line, owner, dns.rdatatype.to_text(rdtype),
                                            rdata, written))

    def _directive(self, name):
        if name == "$ORIGIN":
            self.current = self.tok.get_name(self.current)
            self.tok.get_eol()
        elif name == "$TTL":
            dns.ttl.from_text(self.tok.get_identifier())
            self.tok.get_eol()
        elif name in ("$INCLUDE", "$GENERATE"):
            self._skip_line()  # what they add is not read here
        else:
            raise dns.exception.SyntaxError(f"unknown directive {name}")


def _is_ttl(text):
    try:
        dns.ttl.from_text(text)
        return True
    except dns.ttl.BadTTL:
        return False


def soa(zone):
    return next((r for r in zone.records if r.rdtype == "SOA" and r.owner == zone.origin), None)


def names_in(record):
    if record.rdtype == "SOA":
        return [("mname", record.rdata.mname), ("rname", record.rdata.rname)]
    attribute = TARGETS.get(record.rdtype)
    return [("target", getattr(record.rdata, attribute))] if attribute else []
