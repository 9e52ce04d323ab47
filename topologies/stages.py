"""Stages: the points of the TP a class can start at, declared in the class file ([[stage]]).

A stage holds everything the stages before it did, plus what it `does`:
    forwarding       the bench's hosts marked `forwarding` route between their LANs
    resolver         every bench host's resolv.conf names the class's resolver
    SERVICE          that daemon of [services], configured for the class, on the bench's hosts
    SERVICE@KEY      ... on host KEY of the bench only (named@ns: the secondary DNS)
What no stage names is there from the first stage on (the students receive it). Before
its stage a service is as a fresh Debian leaves it (its `as_installed`, services/base.py).
The instructor's host is always complete; so are the benches not at the stage.

    read_stages(spec)                  -> (Stage, ...) from the class file, checked
    Stage.says_for(bench, lang)        what the stage holds, in that language (a stage's
                                       `says` is one text, or one a language: says.en, says.fr)
    check_stage_items(model, known)    every item names a service found, a host that runs it
    StagePlan(model, stage, benches)   which host is at which stage; what is done on a host
    parse_bench_choice(text, model)    "54" / "all" / None -> the benches at the stage
"""

import re
from dataclasses import dataclass

BUILTIN = ("forwarding", "resolver")
STAGE_NAME = re.compile(r"[a-z][a-z0-9-]{0,30}")
COMPLETE = "done"  # the only stage of a class file that declares none: everything there
LANGUAGES = ("en", "fr")  # those of checks.i18n.LANGUAGES (topologies imports nothing above it)


@dataclass(frozen=True)
class Stage:
    name: str
    says: object = ""  # one text (shown as is), or ((lang, text), ...) from a says table
    does: tuple = ()
    index: int = 0

    def says_for(self, bench, lang=None):
        """What the stage holds, for one bench ("{n}" in the class file is its number), in
        `lang` if the class file says it in that language, else in English, else in the one
        it is said in."""
        text = self.says if isinstance(self.says, str) else _in_language(dict(self.says), lang)
        return text.replace("{n}", str(bench)) if bench is not None else text


def _in_language(texts, lang):
    for wanted in (lang, "en"):
        if wanted in texts:
            return texts[wanted]
    return next(iter(texts.values()), "")


def _read_says(spec, where, says):
    """A says table's languages, checked: ((lang, text), ...); a text stays as it is."""
    if isinstance(says, str):
        return says
    if not says:
        spec.fail(where, "says", 'names no language (e.g. says.en = "...", says.fr = "...")')
    for lang, text in says.items():
        if lang not in LANGUAGES:
            spec.fail(where, f"says.{lang}", f"unknown language (a says table has: "
                                             f"{', '.join(LANGUAGES)})")
        if not isinstance(text, str):
            spec.fail(where, f"says.{lang}", "must be a text")
    return tuple(says.items())


def read_stages(spec):
    tables = spec.file.stages()
    if not tables:
        return (Stage(COMPLETE, "the TP done"),)
    stages, seen_items = [], {}
    for index, table in enumerate(tables, start=1):
        where = f"stage#{index}"
        name = table["name"]
        if not STAGE_NAME.fullmatch(name):
            spec.fail(where, "name", f"'{name}' is not a stage name (lowercase letters, digits "
                                     "and -, starting with a letter)")
        if name in [s.name for s in stages]:
            spec.fail(where, "name", f"stage '{name}' is declared twice")
        for item in table.get("does", []):
            if item in seen_items:
                spec.file.fail(where, "does", f"'{item}' is already done at stage "
                                              f"'{seen_items[item]}'", near=item)
            seen_items[item] = name
        says = _read_says(spec, where, table.get("says", ""))
        stages.append(Stage(name, says, tuple(table.get("does", ())), index - 1))
    return tuple(stages)


def check_stage_items(model, known):
    """Each item is built in, or a service found (`known`) that a host of the bench runs."""
    spec = model.spec
    for stage in model.stages:
        where = f"stage#{stage.index + 1}"
        for item in stage.does:
            if item in BUILTIN:
                continue
            service, _, key = item.partition("@")
            if service not in known:
                spec.file.fail(where, "does", f"'{item}' is neither {' nor '.join(BUILTIN)} nor a "
                                              f"service (services/ has: {', '.join(sorted(known))})",
                               near=item)
            runners = [k for k, h in spec.hosts.items() if service in spec.services.get(h["role"], ())]
            if key and key not in runners or not runners:
                who = (f"host '{key}' of the bench runs no {service}" if key
                       else f"no host of the bench runs {service}")
                spec.file.fail(where, "does", f"'{item}': {who} (it runs on: "
                                              f"{', '.join(runners) or 'none'})", near=item)


class StagePlan:
    """Where each host of a running class stands: `stage` for the hosts of `benches` (and
    for the hosts moved by reset), the last stage for every other host."""

    def __init__(self, model, stage=None, benches=None, moved=None):
        self.model = model
        self.stage = self.named(stage) if stage else model.stages[-1]
        self.benches = tuple(benches if benches is not None else model.benches[-1:])
        self.moved = dict(moved or {})
        for name in self.moved.values():
            self.named(name)

    def named(self, name):
        for stage in self.model.stages:
            if stage.name == name:
                return stage
        raise KeyError(f"unknown stage '{name}' (this class has: {self.stage_names()})")

    def stage_names(self):
        return ", ".join(s.name for s in self.model.stages)

    def stage_of(self, spec):
        if spec.name in self.moved:
            return self.named(self.moved[spec.name])
        if spec.bench is not None and spec.bench in self.benches:
            return self.stage
        return self.model.stages[-1]

    def moved_to(self, host_name, stage_name):
        """The same plan, with one host at another stage (`reset HOST STAGE`)."""
        self.named(stage_name)
        return StagePlan(self.model, self.stage.name, self.benches,
                         {**self.moved, host_name: stage_name})

    def done(self, spec, item):
        """Is `item` (forwarding, resolver, SERVICE) done on this host at its stage? What no
        stage names is always done."""
        if spec.bench is None:
            return True
        named_at = [s for s in self.model.stages
                    if item in s.does or f"{item}@{spec.key}" in s.does]
        return not named_at or named_at[0].index <= self.stage_of(spec).index

    def forwarding(self, spec):
        return spec.forwarding and self.done(spec, "forwarding")

    def resolver(self, spec):
        return spec.resolver if self.done(spec, "resolver") else ""

    def configured(self, spec, service):
        return self.done(spec, service)

    def summary(self):
        """What the user reads: which benches are at which stage."""
        last = self.model.stages[-1].name
        if self.stage.name == last and not self.moved:
            return f"stage {last}"
        benches = ", ".join(str(b) for b in self.benches)
        return f"bench {benches} at stage {self.stage.name}, the others {last}"

    def to_state(self):
        return {"stage": self.stage.name, "stage_benches": list(self.benches), "moved": self.moved}

    @classmethod
    def from_state(cls, model, state):
        return cls(model, state.get("stage"), state.get("stage_benches"), state.get("moved"))


def parse_bench_choice(text, model):
    """BENCH=54 / BENCH=all / unset (the class's last bench): the benches at the stage."""
    if text is None or text == "":
        return model.benches[-1:]
    if text == "all":
        return tuple(model.benches)
    if not text.isdigit() or int(text) not in model.benches:
        raise KeyError(f"bench '{text}' is not in the class (benches: "
                       f"{', '.join(str(b) for b in model.benches)}, or all)")
    return (int(text),)
