"""What a bench should show, derived from the class model (no name or address of its own).

    records(model, name, rtype)   [(owner, ttl, type, data)] as the lab's DNS answers them: from
                                  the deepest zone holding the name (copies aside), each TTL
                                  the record's own or its zone's
    first_a_owner(zone)           the first name with an A record in a zone, absolute
    answered_with_authority(model, asker, zone)  True when asker's resolver serves the zone
    host_at(model, address)       the HostSpec with that address on one of its interfaces
    on_backbone(model, address)   True for an address on the class's backbone
    relay(model, domain)          "target[address]:25": where a domain's mail goes (mail.log)
    alias_chains(aliases)         "postmaster -> root -> <student>" from the alias pairs
    alias_of(model, user)         the alias whose mail goes to user ("root" for the student)
    own_mail_domain(model, bench) the bench's mail domain served by its own server (part 2)
"""


def records(model, name, rtype):
    zone = _deepest_zone(model, name)
    if zone is None:
        return []
    wanted = name.lower().rstrip(".") + "."
    return [(zone.absolute(r.owner), zone.ttl if r.ttl is None else r.ttl, r.rtype, r.data)
            for r in zone.records
            if r.rtype == rtype and zone.absolute(r.owner).lower() == wanted]


def _deepest_zone(model, name):
    absolute = name.lower().rstrip(".") + "."
    holding = [z for z in model.zones if not z.copy and _under(absolute, z.origin.lower())]
    return max(holding, key=lambda z: len(z.origin), default=None)


def _under(name, origin):
    return origin == "." or name == origin or name.endswith("." + origin)


def first_a_owner(zone):
    return next(zone.absolute(r.owner) for r in zone.records if r.rtype == "A")


def answered_with_authority(model, asker, zone):
    """asker's resolver is the zone's primary: its answers carry the aa flag."""
    resolver = host_at(model, asker.resolver)
    return resolver is not None and resolver.name == zone.primary


def host_at(model, address):
    return next((h for h in model.hosts for i in h.interfaces if i.ip == address), None)


def on_backbone(model, address):
    backbone = next(lan.name for lan in model.lans if lan.bridged)
    host = host_at(model, address)
    return any(i.ip == address and i.lan == backbone for i in host.interfaces)


def relay(model, domain):
    target, address = model.mail_exchanger(domain)
    return f"{target}[{address}]:25"


def alias_chains(aliases):
    """Each chain of aliases from a name no alias points at: "postmaster -> root -> <student>"."""
    target = dict(aliases)
    chains = []
    for name, _ in aliases:
        if name in target.values():
            continue
        chain = [name]
        while chain[-1] in target and target[chain[-1]] not in chain:
            chain.append(target[chain[-1]])
        chains.append(" -> ".join(chain))
    return ", ".join(chains)


def alias_of(model, user):
    return next(name for name, target in model.aliases if target == user)


def own_mail_domain(model, bench):
    """The mail domain the bench's server is primary for (the report's part-2 domain)."""
    served = {z.name for z in model.zones_on(model.server(bench).name) if not z.copy}
    return next(d for d in model.mail_domains(bench) if d in served)
