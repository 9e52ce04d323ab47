"""Hand-in: what a student changed on each machine of their bench since its stage, and the
commands they typed; and the instructor's replay of it onto a fresh class.

A host's student layer (lab/runtime/machine.py) holds exactly the files the student
changed or made; a deleted file is a whiteout there (a 0/0 character device), a
directory deleted and made again is "opaque". One archive per bench (tar.gz):

    handin.json               class file, benches, part 2, the bench, each host's stage
    HOST/files.tar            the files changed or made, owners and modes kept
    HOST/deleted.txt          the paths deleted (a directory: all it held below the stage)
    HOST/history.txt          the commands typed in the host's shells, with their times

    write_handin(lab, bench, folder)  -> the archive's path (lab: a Lab or an AttachedLab)
    read_handin(path, model=None)     -> Handin: .meta, .hosts {host: (files.tar, deleted)},
                                         .model(), .plan(model); UsageError names a file
                                         that is not a hand-in (or whose paths leave a
                                         host's own files, or name a host not in the class)
    load_into(host, files_tar, deleted)  replays one host's work inside it
"""

import io
import json
import os
import stat
import subprocess
import tarfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from shlex import quote

from lab.base.errors import HostCommandError, UsageError
from lab.runtime.machine import OVERLAID

FORMAT = "classlab-handin/1"
# what the daemons write by themselves as they run: not the student's work
RUNTIME = ("var/spool/postfix/pid/", "var/lib/postfix/", "var/cache/bind/managed-keys",
           "var/lib/dovecot/", "var/cache/debconf/config.dat-old",
           "var/cache/debconf/templates.dat-old", "var/cache/debconf/passwords.dat-old",
           "var/cache/ldconfig/", "var/lib/sudo/",
           "usr/")  # maintainer scripts copy binaries up (dpkg-statoverride); deletions count
HISTORIES = ("root/.bash_history",)


@dataclass
class Handin:
    meta: dict
    hosts: dict  # host -> (files tar bytes, [deleted paths])
    path: str = ""

    def model(self):
        """The class it was made in: the same class file, benches and part 2."""
        from topologies.model import ClassSpec
        if not Path(self.meta["class_file"]).is_file():
            raise UsageError(f"HANDIN: {self.path} was made with {self.meta['class_file']}, "
                             "which is not here")
        model = ClassSpec(self.meta["class_file"]).model(tuple(self.meta["benches"]),
                                                         part2=self.meta["part2"])
        _known_hosts(self.path, self.hosts, model)
        return model

    def plan(self, model):
        """Its bench at the stage it was handed in at (each host at its own)."""
        from topologies.stages import StagePlan
        stages = self.meta["stages"]
        server = model.server(self.meta["bench"]).name
        try:
            return StagePlan(model, stages[server], (self.meta["bench"],),
                             {h: s for h, s in stages.items() if s != stages[server]})
        except KeyError as error:
            raise UsageError(f"HANDIN: {self.path}: {error.args[0]}") from None


def write_handin(lab, bench, folder="results"):
    if bench not in lab.model.benches:
        raise UsageError(f"handin: bench {bench} is not in the class "
                         f"({', '.join(str(b) for b in lab.model.benches)})")
    state = lab.rundir.read_state()
    names = [h.name for h in lab.model.hosts if h.bench == bench]
    plan_stage = _stages(lab, names)
    meta = {"format": FORMAT, "class_file": state.get("class_file"),
            "benches": list(lab.model.benches), "part2": lab.model.part2, "bench": bench,
            "stages": plan_stage, "made": datetime.now().isoformat(timespec="seconds"),
            "hosts": names}
    Path(folder).mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = Path(folder) / f"handin-{bench}-{stamp}.tar.gz"
    again = 1
    while path.exists():  # two hand-ins in one second: the second gets a number
        again += 1
        path = Path(folder) / f"handin-{bench}-{stamp}-{again}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        _add(archive, "handin.json", json.dumps(meta, indent=1).encode())
        for name in names:
            layer = Path(lab.rundir.hosts_dir) / name / "student"
            files, deleted = layer_archive(layer)
            _add(archive, f"{name}/files.tar", files)
            _add(archive, f"{name}/deleted.txt", "".join(f"{d}\n" for d in deleted).encode())
            _add(archive, f"{name}/history.txt", history_text(layer).encode())
    return path


def _stages(lab, names):
    from topologies.stages import StagePlan
    plan = StagePlan.from_state(lab.model, lab.rundir.read_state())
    return {name: plan.stage_of(lab.model.host(name)).name for name in names}


def _add(archive, name, data):
    member = tarfile.TarInfo(name)
    member.size, member.mtime, member.mode = len(data), time.time(), 0o644
    archive.addfile(member, io.BytesIO(data))


def layer_archive(layer):
    """(tar of the layer's files, deleted paths), both relative to the host's /."""
    buffer, deleted, kept = io.BytesIO(), [], []
    for top in OVERLAID:
        if (layer / top).is_dir():
            _walk(layer / top, top, deleted, kept)
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for full, relative in kept:
            archive.add(full, arcname=relative, recursive=False)
    return buffer.getvalue(), deleted


def _walk(directory, relative, deleted, kept):
    """Collect what the layer holds under `directory`; True if anything was kept. A
    directory is kept with what it holds, or when the student made it empty."""
    entries = sorted(os.scandir(directory), key=lambda e: e.name)
    mark, found = len(kept), False
    for entry in entries:
        path = f"{relative}/{entry.name}"
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISCHR(info.st_mode) and info.st_rdev == 0:
            deleted.append("/" + path)
        elif any(f"{path}/".startswith(noise) or path.startswith(noise) for noise in RUNTIME):
            continue
        elif stat.S_ISSOCK(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            continue
        elif entry.is_dir(follow_symlinks=False):
            if _opaque(entry.path):
                deleted.append("/" + path)
            at = len(kept)
            if _walk(entry.path, path, deleted, kept) or not any(os.scandir(entry.path)):
                kept.insert(at, (entry.path, path))
                found = True
        else:
            kept.append((entry.path, path))
            found = True
    return found or len(kept) > mark


def _opaque(path):
    try:
        return os.getxattr(path, "trusted.overlay.opaque") == b"y"
    except OSError:
        return False


def history_text(layer):
    """The commands of every shell history in the layer: "TIME  HOST-PATH  COMMAND" lines."""
    lines = []
    candidates = [layer / h for h in HISTORIES] + sorted((layer / "home").glob("*/.bash_history"))
    for path in candidates:
        if path.is_file():
            shown = "/" + str(path.relative_to(layer))
            lines += [(when, f"{when}  {command}    ({shown})")
                      for when, command in parse_history(path.read_text(errors="replace"))]
    # by time alone: commands typed within one second keep the order they were typed in
    return "".join(f"{line}\n" for _, line in sorted(lines, key=lambda entry: entry[0]))


def parse_history(text):
    """[(time, command)] from a bash history written with HISTTIMEFORMAT ("#EPOCH" lines)."""
    entries, when = [], "?"
    for line in text.splitlines():
        if line.startswith("#") and line[1:].isdigit():
            when = datetime.fromtimestamp(int(line[1:])).strftime("%Y-%m-%d %H:%M:%S")
        elif line.strip():
            entries.append((when, line))
    return entries


def read_handin(path, model=None):
    try:
        with tarfile.open(path, "r:gz") as archive:
            meta = json.loads(archive.extractfile("handin.json").read())
            if meta.get("format") != FORMAT:
                raise ValueError("its handin.json is not a classlab hand-in's")
            hosts = {}
            for name in meta["hosts"]:
                files = archive.extractfile(f"{name}/files.tar").read()
                deleted = archive.extractfile(f"{name}/deleted.txt").read().decode().split()
                _own_files_only(name, files, deleted)
                hosts[name] = (files, deleted)
    except FileNotFoundError:
        raise UsageError(f"HANDIN: {path}: no such file") from None
    except (tarfile.TarError, KeyError, ValueError, TypeError, AttributeError, OSError) as error:
        why = " ".join(str(error).split())  # one line, whatever the error says
        raise UsageError(f"HANDIN: {path} is not a hand-in archive ({why})") from None
    if model is not None:
        _known_hosts(path, hosts, model)
    return Handin(meta, hosts, str(path))


def _known_hosts(path, hosts, model):
    unknown = [name for name in hosts if name not in model.names()]
    if unknown:
        raise UsageError(f"HANDIN: {path} names hosts this class does not have: "
                         f"{', '.join(unknown)}")


def _own_files_only(host, files, deleted):
    """A hand-in replays into a host's own files only (its copy-on-write views): a path
    elsewhere, or climbing out with "..", is no hand-in the lab wrote (ValueError). The
    files must be a tar archive (tarfile.TarError)."""
    with tarfile.open(fileobj=io.BytesIO(files), mode="r:") as archive:
        names = archive.getnames()
    for path in names + deleted:
        parts = [part for part in path.split("/") if part not in ("", ".")]
        if not parts or parts[0] not in OVERLAID or ".." in parts:
            raise ValueError(f"{host}: {path} is not in a host's own files "
                             f"(/{', /'.join(OVERLAID)})")


def load_into(host, files, deleted):
    """The student's deletions, then their files, inside the host (its student layer)."""
    if deleted:
        host.run_script("rm -rf -- " + " ".join(quote(p) for p in deleted),
                        "replaying the hand-in's deletions")
    process = host.popen(["tar", "-x", "-p", "--numeric-owner", "-C", "/", "-f", "-"],
                         stdin=subprocess.PIPE)
    out, err = process.communicate(files)
    if process.returncode != 0:
        raise HostCommandError(host.name, "replaying the hand-in's files",
                               (err or out).decode(errors="replace"))

