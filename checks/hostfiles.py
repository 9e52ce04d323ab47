"""One host's files as the host sees them, read once and parsed once, for the lint rules.

    HostFiles(model, host_name, read_file, stat=None, known_parameters=None, zone_loads=None)
        read_file(path) -> text or None (no such file), path as the host sees it; stat(path)
        -> modification time or None; zone_loads: {zone name: (serial, time)} what the
        host's named has loaded (rndc zonestatus), when known; model.host(host_name) must
        exist (KeyError)
      .text(path), .mtime(path)
      .main_cf            MainCf of /etc/postfix/main.cf, or None
      .master_cf          (service names, $names referenced) of /etc/postfix/master.cf
      .named              NamedConf: named.conf and what it includes, parsed
      .served_zones       [ServedZone(decl, path, zone)]: the master zones named.conf
                          declares, each with its file read (zone None: unreadable)
      .known_parameters   the Postfix parameter names (postfix_names, unless given)
"""

import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property

from checks.bindconf import ConfError, directory, includes, read_conf, zone_decls
from checks.maincf import REFERENCE, read_main_cf
from checks.postfix_names import known_parameters
from checks.zonefile import read_zone

MAIN_CF = "/etc/postfix/main.cf"
MASTER_CF = "/etc/postfix/master.cf"
NAMED_CONF = "/etc/bind/named.conf"
# Debian's named.conf includes these three; its default zones are Debian's, not the student's
DEBIAN_INCLUDES = ("/etc/bind/named.conf.options", "/etc/bind/named.conf.local")
DEBIAN_ZONES = "named.conf.default-zones"
MASTER_TYPES = ("master", "primary")


@dataclass
class NamedConf:
    files: list = field(default_factory=list)    # [(path, [Statement])]
    errors: list = field(default_factory=list)   # [(path, ConfError)]
    zones: list = field(default_factory=list)    # [ZoneDecl]
    directory: str = "/"

    def masters(self):
        return [z for z in self.zones if z.type in MASTER_TYPES]


@dataclass(frozen=True)
class ServedZone:
    decl: object
    path: str
    zone: object  # ZoneText, or None when the file cannot be read


class HostFiles:
    def __init__(self, model, host_name, read_file, stat=None, known_parameters=None,
                 zone_loads=None):
        self.model = model
        self.zone_loads = {name.rstrip(".").lower(): load
                           for name, load in (zone_loads or {}).items()}
        self.host = model.host(host_name)
        self._read, self._stat = read_file, stat
        self._known = known_parameters
        self._texts = {}

    def text(self, path):
        if path not in self._texts:
            self._texts[path] = self._read(path)
        return self._texts[path]

    def mtime(self, path):
        return self._stat(path) if self._stat else None

    @property
    def can_stat(self):
        return self._stat is not None

    @cached_property
    def known_parameters(self):
        return frozenset(self._known) if self._known is not None else known_parameters()

    @cached_property
    def main_cf(self):
        text = self.text(MAIN_CF)
        return None if text is None else read_main_cf(text)

    @cached_property
    def master_cf(self):
        text = self.text(MASTER_CF) or ""
        services, references = set(), set()
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith("#") and line[0] not in " \t":
                services.add(line.split()[0].split(":")[-1])
        for match in REFERENCE.finditer(text):
            references.add(next(g for g in match.groups() if g))
        references |= set(re.findall(r"-o\s+\{?\s*(\w+)\s*=", text))
        return services, references

    @cached_property
    def named(self):
        conf = NamedConf()
        queue = [NAMED_CONF] if self.text(NAMED_CONF) is not None else list(DEBIAN_INCLUDES)
        seen = set()
        while queue:
            path = queue.pop(0)
            if path in seen or path.endswith(DEBIAN_ZONES):
                continue
            seen.add(path)
            text = self.text(path)
            if text is None:
                continue
            try:
                statements = read_conf(text)
            except ConfError as error:
                conf.errors.append((path, error))
                continue
            conf.files.append((path, statements))
            conf.directory = directory(statements) or conf.directory
            folder = posixpath.dirname(NAMED_CONF)
            queue += [posixpath.join(folder, p) for p in includes(statements)]
        conf.zones = [z for path, statements in conf.files for z in zone_decls(statements, path)]
        return conf

    @cached_property
    def served_zones(self):
        served = []
        for decl in self.named.masters():
            if not decl.file:
                continue
            path = posixpath.join(self.named.directory, decl.file)
            text = self.text(path)
            served.append(ServedZone(decl, path, None if text is None else
                                     read_zone(text, decl.name)))
        return served

    def serves(self, zone_name):
        wanted = zone_name.rstrip(".").lower()
        return any(d.name.rstrip(".").lower() == wanted for d in self.named.masters())
