"""The class's DNS data as values: zones, their records, their text (pure, no root needed).

    Record(owner, ttl, rtype, data)    one line of a zone file; parse_record("s54 A 10.254.54.1")
    Soa                                the SOA's names and timers; parse_soa(text)
    Zone                               a zone of the class: who serves it, who copies it,
                                       who may ask it, its records; .text is its zone file
                                       in the report's layout, .lookup(name, type) its data
    absolute(name, origin)             a name as DNS reads it in that zone ("@", "smtp", "x.")
"""

import ipaddress
from dataclasses import dataclass

TYPES = ("A", "AAAA", "NS", "MX", "PTR", "CNAME", "TXT")
NAME_DATA = {"NS": 0, "CNAME": 0, "PTR": 0, "MX": 1}  # which word of the data is a name


class RecordError(ValueError):
    pass


@dataclass(frozen=True)
class Record:
    owner: str
    ttl: int | None
    rtype: str
    data: str

    def target(self, origin):
        """The name an NS, MX, CNAME or PTR record points at, absolute; else None."""
        if self.rtype not in NAME_DATA:
            return None
        words = self.data.split()
        return absolute(words[NAME_DATA[self.rtype]], origin) if len(words) > NAME_DATA[self.rtype] else None


def parse_record(line):
    words = line.split()
    if len(words) < 3:
        raise RecordError(f"'{line}' is not a record (owner [ttl] TYPE data)")
    owner, rest = words[0], words[1:]
    ttl = None
    if rest[0].isdigit():
        ttl, rest = int(rest[0]), rest[1:]
    if rest and rest[0].upper() == "IN":
        rest = rest[1:]
    if not rest or rest[0].upper() not in TYPES:
        raise RecordError(f"'{line}': unknown record type '{rest[0] if rest else ''}' "
                          f"(known: {', '.join(TYPES)})")
    rtype, data = rest[0].upper(), " ".join(rest[1:])
    if not data:
        raise RecordError(f"'{line}': {rtype} record without data")
    if rtype == "MX" and not (len(rest) == 3 and rest[1].isdigit()):
        raise RecordError(f"'{line}': an MX record is 'name MX PREFERENCE target'")
    if rtype in ("A", "AAAA") and not _is_address(data, 4 if rtype == "A" else 6):
        raise RecordError(f"'{line}': '{data}' is not an IPv{4 if rtype == 'A' else 6} address")
    return Record(owner, ttl, rtype, data)


def _is_address(text, version):
    try:
        return ipaddress.ip_address(text).version == version
    except ValueError:
        return False


@dataclass(frozen=True)
class Soa:
    mname: str
    rname: str
    serial: int
    refresh: int
    retry: int
    expire: int
    minimum: int

    def data(self):
        return (f"{self.mname} {self.rname} {self.serial} {self.refresh} {self.retry} "
                f"{self.expire} {self.minimum}")


def parse_soa(text):
    words = text.split()
    if len(words) != 7 or not all(w.isdigit() for w in words[2:]):
        raise RecordError(f"soa '{text}' must be: MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM")
    return Soa(words[0], words[1], *(int(w) for w in words[2:]))


@dataclass(frozen=True)
class Zone:
    """primary and secondaries are host names; masters is the primary's address the
    secondaries pull from; copy: a bench's copy of another bench's zone (not delegated)."""
    name: str
    bench: int | None
    primary: str
    file: str
    ttl: int
    soa: Soa
    records: tuple
    comment: str = ""
    secondaries: tuple = ()
    transfer_to: tuple = ()
    masters: str | None = None
    allow_query: tuple = ()
    copy: bool = False
    table: str = ""  # where the class file declares it ("zone#3"), for errors

    @property
    def origin(self):
        return "." if self.name == "." else self.name.rstrip(".") + "."

    def absolute(self, name):
        return absolute(name, self.origin)

    def lookup(self, name, rtype):
        """The data of the records of `name` (absolute) and `rtype` in this zone."""
        wanted = name.lower().rstrip(".") + "."
        if rtype == "SOA" and wanted == self.origin.lower():
            return [self.soa.data()]
        return [r.data for r in self.records
                if r.rtype == rtype and self.absolute(r.owner).lower() == wanted]

    @property
    def text(self):
        soa = self.soa
        lines = [f"$ORIGIN {self.origin}"]
        lines += [f"; {line}" for line in (self.comment or f"zone {self.name}").splitlines()]
        lines += [";", f"$TTL    {self.ttl}",
                  f"@   IN  SOA {soa.mname} {soa.rname} (",
                  f"{soa.serial:>19}     ; Serial",
                  f"{soa.refresh:>19}     ; Refresh",
                  f"{soa.retry:>19}     ; Retry",
                  f"{soa.expire:>19}     ; Expire",
                  f"{soa.minimum:>19} )   ; Negative Cache TTL", ";"]
        for record in self.records:
            ttl = f" {record.ttl}" if record.ttl is not None else ""
            lines.append(f"{self._relative(record.owner) + ttl:<7} IN  {record.rtype:<5} {record.data}")
        return "\n".join(lines) + "\n"

    def _relative(self, owner):
        if owner.endswith(".") and self.origin != "." and owner.lower().endswith("." + self.origin.lower()):
            return owner[:-len(self.origin) - 1]
        return owner


def absolute(name, origin):
    if name == "@":
        return origin
    if name.endswith("."):
        return name
    return name + "." if origin == "." else f"{name}.{origin}"
