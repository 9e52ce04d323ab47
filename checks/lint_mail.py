"""Lint rules for mail: /etc/aliases and Postfix's main.cf.

    lint(files) -> [Note]   files: a HostFiles

    aliases-typo          an alias name one or two typing slips away from an RFC 2142 name
                          (postamster -> postmaster) or from one the class file declares
    aliases-duplicate     the same alias name twice (newaliases keeps one, warns)
    aliases-syntax        a line that is not "name: destination"
    aliases-stale         the aliases file newer than the database Postfix reads
    aliases-not-compiled  no database at all (main.cf present)
    maincf-syntax         a main.cf line that is not "name = value"
    maincf-duplicate      a parameter set twice: the last one wins
    maincf-unknown        a parameter name Postfix does not know (postconf -n warns)
    mydestination-trailing-dot   "example.org." in mydestination: no address ends with a dot
    mydestination-missing        a domain whose MX points at this server is not local
    mynetworks-open       a network in mynetworks wider than the lab's: an open relay
"""

import ipaddress

from checks.aliases import read_aliases
from checks.findings import Note, _
from checks.hostfiles import MAIN_CF
from checks.maincf import list_items
from checks.postfix_names import transport_suffixes
from checks.spelling import closest

# RFC 2142's mailbox names, those long enough for a slip to be told from another word
RFC2142 = ("postmaster", "hostmaster", "webmaster", "abuse", "security", "support",
           "marketing", "sales", "usenet")
DATABASE_SUFFIX = {"hash": ".db", "btree": ".db", "lmdb": ".lmdb", "cdb": ".cdb"}
DEFAULT_ALIAS_DATABASE = "hash:/etc/aliases"
DEFAULT_MYDESTINATION = "$myhostname, localhost.$mydomain, localhost"


def lint(files):
    return alias_notes(files) + main_cf_notes(files)


# --- /etc/aliases ------------------------------------------------------------------------

def alias_sources(main_cf):
    """[(aliases file, its database or None)]: alias_database and the alias_maps it feeds."""
    written = DEFAULT_ALIAS_DATABASE if main_cf is None else " ".join(
        main_cf.value(name, DEFAULT_ALIAS_DATABASE if name == "alias_database" else "")
        for name in ("alias_database", "alias_maps"))
    sources = []
    for item in list_items(written):
        kind, colon, path = item.partition(":")
        if colon and kind in DATABASE_SUFFIX and path.startswith("/"):
            entry = (path, path + DATABASE_SUFFIX[kind] if main_cf is not None else None)
            if entry not in sources:
                sources.append(entry)
    return sources


def alias_notes(files):
    notes = []
    for source, database in alias_sources(files.main_cf):
        text = files.text(source)
        if text is None:
            continue
        aliases = read_aliases(text)
        notes += _alias_lines(files, source, aliases)
        if database and files.can_stat and aliases.entries:
            notes += _compiled(files, source, database)
    return notes


def _alias_names(files):
    declared = [name for name, _target in files.model.aliases]
    return sorted(set(RFC2142) | set(declared))


def _alias_lines(files, source, aliases):
    notes, first = [], {}
    names = _alias_names(files)
    fine = set(names) | {files.model.student.name, "root"}
    for line in aliases.bad_lines:
        notes.append(Note(source, line, "aliases-syntax",
                          _("this line is not an alias: 'name: destination' expected"),
                          _("newaliases skips a line without a colon after the name, with a "
                            "warning that is easy to miss: this alias does not exist."),
                          _("Write the alias name, a colon, then where its mail goes (man 5 "
                            "aliases). A line that continues the one above starts with a space.")))
    for alias in aliases.entries:
        if alias.name in first:
            notes.append(Note(source, alias.line, "aliases-duplicate",
                              _("the alias {name} is defined again (first on line {first})",
                                name=alias.name, first=first[alias.name]),
                              _("newaliases keeps only one of the two lines and warns about "
                                "the other: the file no longer says what it seems to say."),
                              _("Keep one line for this name; to send its mail to several "
                                "places, list them on that line, separated by commas.")))
            continue
        first[alias.name] = alias.line
        slip = _slip(alias.name, names) if alias.name not in fine else None
        if slip:
            notes.append(Note(source, alias.line, "aliases-typo",
                              _("the alias {key} looks like a misspelling of {name}",
                                key=alias.name, name=slip),
                              _("{name} is one of the addresses every mail domain must answer "
                                "(RFC 2142). Under a misspelt name the alias is of no use: mail "
                                "to {name} never finds it.", name=slip),
                              _("Read the name letter by letter and correct it, then run "
                                "newaliases so that Postfix sees the change.")))
    return notes


def _slip(word, names):
    """The name `word` is one or two typing slips away from (two for long names), or None."""
    found = closest(word, [n for n in names if len(n) >= 5])
    if found and 0 < found[0] <= (1 if len(found[1]) < 8 else 2):
        return found[1]
    return None


def _compiled(files, source, database):
    changed, compiled = files.mtime(source), files.mtime(database)
    if changed is None:
        return []
    if compiled is None:
        return [Note(source, None, "aliases-not-compiled",
                     _("{database} does not exist: the aliases of {source} are not compiled",
                       database=database, source=source),
                     _("Postfix never reads {source} itself, only its compiled copy "
                       "{database}: without it, local mail waits in the queue with 'alias "
                       "database unavailable'.", database=database, source=source),
                     _("Run newaliases, then check with ls -l that {database} exists.",
                       database=database))]
    if changed > compiled:
        return [Note(source, None, "aliases-stale",
                     _("{source} is newer than {database}: the last change is not compiled",
                       database=database, source=source),
                     _("Postfix never reads {source} itself, only its compiled copy "
                       "{database}, which still holds the aliases from before your last "
                       "edit.", database=database, source=source),
                     _("After each change of {source}, run newaliases, then compare the dates "
                       "of both files with ls -l.", source=source))]
    return []


# --- main.cf -------------------------------------------------------------------------------

def main_cf_notes(files):
    main_cf = files.main_cf
    if main_cf is None:
        return []
    notes = [Note(MAIN_CF, line, "maincf-syntax",
                  _("this line is not 'parameter = value'"),
                  _("Postfix stops at a main.cf line it cannot read: postfix check names it."),
                  _("Write the parameter's name, '=', then its value. A line that continues "
                    "the value above starts with a space or a tab."))
             for line in main_cf.bad_lines]
    notes += _parameter_names(files, main_cf)
    notes += _mydestination(files, main_cf)
    notes += _mynetworks(files, main_cf)
    return sorted(notes, key=lambda note: note.line or 0)


def _parameter_names(files, main_cf):
    notes, first = [], {}
    known = files.known_parameters
    services, master_references = files.master_cf
    suffixes = transport_suffixes(known)
    used = main_cf.references() | master_references
    for param in main_cf.entries:
        name = param.name
        if name in first:
            notes.append(Note(MAIN_CF, param.line, "maincf-duplicate",
                              _("{name} is set again (first on line {first}): the last one "
                                "wins", name=name, first=first[name]),
                              _("Postfix keeps only the last value: a change made to the "
                                "first line has no effect, which is confusing to debug."),
                              _("Keep one line for {name}: delete the other, then run "
                                "postconf {name} to see the value Postfix uses.", name=name)))
            continue
        first[name] = param.line
        service, _sep, suffix = name.partition("_")
        if name in known or name in used or (service in services and suffix in suffixes):
            continue
        near = closest(name, known)
        fix = (_("A known parameter has a close name: {near}. Compare the two, correct the "
                 "name, then postconf -n must print no warning.", near=near[1])
               if near and near[0] <= 3 else
               _("Look for the right name with postconf -d | grep followed by a part of the "
                 "name; then postconf -n must print no warning."))
        notes.append(Note(MAIN_CF, param.line, "maincf-unknown",
                          _("{name} is not a Postfix parameter", name=name),
                          _("Postfix ignores a parameter it does not know (postconf -n warns "
                            "about it): the setting you meant is not applied, and the real "
                            "parameter keeps its default value."),
                          fix))
    return notes


def required_domains(files):
    """[(domain, exchanger)] the DNS sends to this host: the class's mail domains of its
    bench, except a zone this host should serve itself and does not serve yet (a stage)."""
    model, host = files.model, files.host
    if host.bench is None or model.server(host.bench).name != host.name:
        return []
    required = []
    for domain in model.mail_domains(host.bench):
        if model.zone(domain).primary == host.name and not files.serves(domain):
            continue
        required.append((domain, model.mail_exchanger(domain)[0]))
    return required


def _mydestination(files, main_cf):
    param = main_cf.params.get("mydestination")
    line = param.line if param else None
    written = param.value if param else DEFAULT_MYDESTINATION
    notes, dotted = [], set()
    for item in list_items(written):
        if item.endswith(".") and not item.startswith("$"):
            dotted.add(item.rstrip(".").lower())
            notes.append(Note(MAIN_CF, line, "mydestination-trailing-dot",
                              _("{item} in mydestination ends with a dot", item=item),
                              _("Postfix compares the domain of each address with these names "
                                "as they are written, and no address ends with a dot: mail for "
                                "{domain} is not taken as local. The MX brings it to this "
                                "server, which sends it back to itself (mail loops back to "
                                "myself).", domain=item.rstrip(".")),
                              _("The final dot belongs in zone files, where it marks a full "
                                "name; in main.cf domains are written without it. Then run "
                                "postfix reload.")))
    local = {item.lower() for item in list_items(main_cf.expand(written))}
    for domain, exchanger in required_domains(files):
        if domain.lower() not in local and domain.lower() not in dotted:
            notes.append(Note(MAIN_CF, line, "mydestination-missing",
                              _("mydestination does not list {domain}, whose MX points at "
                                "this server", domain=domain),
                              _("The DNS sends mail for {domain} to {exchanger}, this server; "
                                "as Postfix does not take {domain} as local, it refuses that "
                                "mail or bounces it (mail loops back to myself) instead of "
                                "delivering it.", domain=domain, exchanger=exchanger),
                              _("Compare mydestination with the domains whose MX names this "
                                "server (dig DOMAIN MX), then run postfix reload and send a "
                                "test mail.")))
    return notes


def _mynetworks(files, main_cf):
    param = main_cf.params.get("mynetworks")
    if param is None:
        return []
    lab = [ipaddress.ip_network(p) for p in files.model.lab_networks()]
    notes = []
    for item in list_items(main_cf.expand(param.value)):
        network = _network(item)
        if network is None or network.is_loopback or any(
                network.version == n.version and network.subnet_of(n) for n in lab):
            continue
        notes.append(Note(MAIN_CF, param.line, "mynetworks-open",
                          _("mynetworks holds {network}, wider than the lab's networks",
                            network=item),
                          _("Every client inside mynetworks may send mail anywhere through "
                            "this server (permit_mynetworks). With {network}, machines outside "
                            "the lab may too: the server becomes an open relay, the first "
                            "thing spammers look for.", network=item),
                          _("List only the backbone and your bench's networks, each with its "
                            "prefix length (ip addr on the server shows them), then run "
                            "postfix reload.")))
    return notes


def _network(item):
    """An address or network of mynetworks, IPv4-mapped IPv6 as IPv4; None for a table."""
    if item.startswith(("!", "$")):
        return None
    if item.startswith("["):
        item = item[1:].replace("]", "", 1)
    try:
        network = ipaddress.ip_network(item, strict=False)
    except ValueError:
        return None
    mapped = getattr(network.network_address, "ipv4_mapped", None)
    if mapped is not None:
        return ipaddress.ip_network(f"{mapped}/{max(network.prefixlen - 96, 0)}", strict=False)
    return network

