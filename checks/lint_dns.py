"""Lint rules for BIND: named.conf (and what it includes) and the master zones' files.

    lint(files) -> [Note]   files: a HostFiles

    namedconf-syntax      braces or semicolons that do not balance: named reads nothing
    forwarders-in-master  forwarders in a master zone (forwarders { 0.0.0.0; })
    zone-file-missing     a master zone whose file cannot be read
    zone-syntax           what dnspython cannot read in a zone file (as named-checkzone)
    out-of-zone           a record whose name lies outside the zone
    ptr-in-forward-zone   a PTR record in a zone that is not under in-addr.arpa or ip6.arpa
    relative-name         a full name written without its final dot, so the origin was added
                          (smtp.example.org in example.org: smtp.example.org.example.org.)
    ns-no-address, mx-no-address   NS or MX pointing at a name with no A record, in the
                          zones the host serves, or (outside them) in the class's DNS
    ns-cname, mx-cname    NS or MX pointing at an alias (CNAME): RFC 2181, 10.3
    serial-not-bumped     the file changed after named loaded it, with the same serial: the
                          secondaries keep their old copy (needs zone_loads, from a live host)
    zone-not-reloaded     the file changed, serial raised, but named still has the old one
"""

import ipaddress

import dns.name

from checks.findings import Note, _
from checks.zonefile import names_in, soa

REVERSE = (dns.name.from_text("in-addr.arpa."), dns.name.from_text("ip6.arpa."))


def lint(files):
    named = files.named
    notes = [_syntax_note(path, error) for path, error in named.errors]
    notes += [_forwarders_note(decl) for decl in named.masters() if decl.forwarders]
    index = ZoneIndex(files)
    tlds = top_labels(files.model)
    for served in files.served_zones:
        if served.zone is None:
            notes.append(_missing_note(served))
            continue
        notes += [Note(served.path, line, "zone-syntax",
                       _("zone {zone}: {detail}", zone=served.decl.name.rstrip("."),
                         detail=detail),
                       _("named refuses to load a zone file with an error: none of the zone's "
                         "names is answered."),
                       _("Run named-checkzone with the zone's name and its file: it names the "
                         "line and what it expected there."))
                  for line, detail in served.zone.errors]
        for record in served.zone.records:
            notes += record_notes(served, record, index, tlds)
        notes += _load_notes(files, served)
    return notes


def top_labels(model):
    """The class's top-level labels ("iut", "arpa"): a relative name ending with one was
    meant as a full name."""
    return {zone.name.rstrip(".").rsplit(".", 1)[-1].lower() for zone in model.zones
            if zone.name != "."} | {"arpa"}


def _syntax_note(path, error):
    what = {"unclosed": _("the block opened on this line is never closed"),
            "unopened": _("this closing brace closes no block"),
            "semicolon": _("a semicolon is missing before this point")}[error.kind]
    return Note(path, error.line, "namedconf-syntax", what,
                _("named reads none of its configuration when one file has an error: no "
                  "zone is answered, not even the correct ones."),
                _("Run named-checkconf: it names the first line it cannot read. Every "
                  "statement ends with a semicolon, a block too, after its closing brace."))


def _forwarders_note(decl):
    zone = decl.name.rstrip(".")
    unspecified = [a for a in decl.forwarders if _is_unspecified(a)]
    why = (_("named answers this zone from its own file and never forwards its names; and "
             "{address} is no server's address: a query forwarded there would go nowhere.",
             address=unspecified[0]) if unspecified else
           _("named answers a master zone from its own file: forwarders there only serve "
             "subzones delegated to other servers, so this line does not do what it seems "
             "to do."))
    return Note(decl.conf, decl.forwarders_line, "forwarders-in-master",
                _("forwarders in the master zone {zone}", zone=zone), why,
                _("Delete this line: a master zone needs no forwarders. To stop forwarding "
                  "for a zone, an empty list (nothing between the braces) says so; forwarding "
                  "for the whole server belongs in the options (named.conf.options)."))


def _is_unspecified(address):
    try:
        return ipaddress.ip_address(address).is_unspecified
    except ValueError:
        return False


def _missing_note(served):
    decl = served.decl
    return Note(decl.conf, decl.file_line or decl.line, "zone-file-missing",
                _("zone {zone}: its file {path} cannot be read",
                  zone=decl.name.rstrip("."), path=served.path),
                _("named loads no zone without its file: the zone is not answered, and "
                  "named-checkconf -z fails."),
                _("Compare the path written here with ls -l of that folder: the same "
                  "spelling, a full path from /."))


def _load_notes(files, served):
    """The file against what named loaded: (serial, time) from rndc zonestatus, if known."""
    name = served.decl.name.rstrip(".").lower()
    record, changed = soa(served.zone), files.mtime(served.path)
    if name not in files.zone_loads or record is None or changed is None:
        return []
    loaded, loaded_at = files.zone_loads[name]
    written = record.rdata.serial
    if changed <= loaded_at:
        return []
    values = {"zone": served.decl.name.rstrip("."), "serial": loaded, "written": written}
    if written <= loaded:
        return [Note(served.path, record.line, "serial-not-bumped",
                     _("zone {zone}: the file changed after named loaded serial {serial}, and "
                       "its serial is still {written}", **values),
                     _("A secondary copies the zone again only when the serial grows: with the "
                       "same serial it keeps serving the old records (named logs 'zone serial "
                       "unchanged')."),
                     _("Raise the serial in the SOA at each change (many write the date, "
                       "YYYYMMDDnn), then rndc reload; rndc zonestatus shows the serial loaded."))]
    return [Note(served.path, record.line, "zone-not-reloaded",
                 _("zone {zone}: the file has serial {written}, named still serves serial "
                   "{serial}", **values),
                 _("named reads a zone file at start and at rndc reload only: your change is "
                   "not served yet."),
                 _("Run rndc reload, then check the serial with rndc zonestatus or with "
                   "dig SOA at this server."))]


# --- one record ----------------------------------------------------------------------------

def record_notes(served, record, index, tlds):
    zone, origin = served.decl.name.rstrip("."), served.zone.origin
    if not record.owner.is_subdomain(origin):
        return [Note(served.path, record.line, "out-of-zone",
                     _("{owner} lies outside the zone {zone}",
                       owner=record.owner.to_text(), zone=zone),
                     _("named ignores a record whose name is not in the zone the file is "
                       "loaded for (named-checkzone says 'ignoring out-of-zone data')."),
                     _("Put the record in the file of the zone that holds this name, or "
                       "check the final dots and $ORIGIN."))]
    notes = []
    if record.rdtype == "PTR" and not any(origin.is_subdomain(r) for r in REVERSE):
        notes.append(Note(served.path, record.line, "ptr-in-forward-zone",
                          _("PTR record in the forward zone {zone}", zone=zone),
                          _("A reverse query asks for a name under in-addr.arpa (the address "
                            "written backwards). Here the PTR's name is {owner}, a name no "
                            "reverse query ever asks for.", owner=record.owner.to_text()),
                          _("Move this record to the reverse zone of the address's network "
                            "(declared in named.conf.local), named by the last byte of the "
                            "address; dig -x ADDRESS then shows whether it answers.")))
    doubled = _doubled(served, record, tlds)
    notes += doubled
    if record.rdtype in ("NS", "MX") and not doubled:
        notes += _target_notes(served, record, index)
    return notes


def _doubled(served, record, tlds):
    """relative-name notes: the owner, or a name in the data, written without its final dot."""
    origin = served.zone.origin
    if origin == dns.name.root:
        return []
    names = [record.owner] if record.written not in (None, "@") and \
        not record.written.endswith(".") else []
    names += [name for _role, name in names_in(record)]
    notes = []
    for name in names:
        if not name.is_subdomain(origin) or name == origin:
            continue
        relative = name.relativize(origin)
        if len(relative) >= 2 and relative.labels[-1].decode().lower() in tlds:
            notes.append(Note(served.path, record.line, "relative-name",
                              _("{written} became {name}: the final dot is missing",
                                written=relative.to_text(), name=name.to_text()),
                              _("In a zone file a name without a final dot is relative: named "
                                "adds the zone's origin ({origin}) after it, which gives a "
                                "name that does not exist.",
                                origin=origin.to_text()),
                              _("End a full name with a dot, or write only what comes before "
                                "the origin; then ask the name with dig to see it answered.")))
    return notes


def _target_notes(served, record, index):
    target = names_in(record)[0][1]
    verdict = index.resolve(target)
    if verdict == "address":
        return []
    values = {"rtype": record.rdtype, "target": target.to_text(omit_final_dot=True),
              "zone": served.decl.name.rstrip(".")}
    if verdict == "cname":
        return [Note(served.path, record.line, f"{record.rdtype.lower()}-cname",
                     _("{rtype} {target}: this name is an alias (CNAME)", **values),
                     _("An {rtype} record must point at the name that holds the address, "
                       "never at an alias (RFC 2181, 10.3): mail servers and resolvers may "
                       "refuse it, and named-checkzone says so.", **values),
                     _("Point the record at the name the CNAME leads to, the one with the A "
                       "record."))]
    why = (_("A mail server that follows this MX needs the address of {target}: without an A "
             "record, mail for {zone} cannot be delivered.", **values)
           if record.rdtype == "MX" else
           _("A resolver that follows this NS needs the address of {target}: without an A "
             "record, the zone's server cannot be reached.", **values))
    return [Note(served.path, record.line, f"{record.rdtype.lower()}-no-address",
                 _("{rtype} {target}: this name has no address", **values), why,
                 _("Give {target} an A record in the zone that holds it, or point the record "
                   "at a name that has one; dig {target} must answer an address.", **values))]


class ZoneIndex:
    """What the host's own zones say about names, and the class's DNS for the others."""

    def __init__(self, files):
        self.model = files.model
        self.addresses, self.aliases, self.cuts, self.origins = set(), set(), set(), []
        for served in files.served_zones:
            if served.zone is None:
                continue
            origin = served.zone.origin
            self.origins.append(origin)
            for record in served.zone.records:
                if record.rdtype in ("A", "AAAA"):
                    self.addresses.add(record.owner)
                elif record.rdtype == "CNAME":
                    self.aliases.add(record.owner)
                elif record.rdtype == "NS" and record.owner != origin:
                    self.cuts.add(record.owner)

    def resolve(self, name):
        """"address", "cname" or "none"."""
        if name in self.aliases:
            return "cname"
        if name in self.addresses:
            return "address"
        inside = [o for o in self.origins if name.is_subdomain(o)]
        if inside:
            zone = max(inside, key=len)
            if not any(name.is_subdomain(cut) and cut.is_subdomain(zone) and cut != zone
                       for cut in self.cuts):
                return "none"
        text = name.to_text()
        if self.model.lookup(text, "CNAME"):
            return "cname"
        return "address" if self.model.addresses_of(text) else "none"
