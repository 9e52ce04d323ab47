"""What turns a Mininet namespace into a small machine (pure text, testable without root).

Inside its own mount and UTS namespaces, an emulated host gets:
  - copy-on-write /etc, /var, /usr, /root and /home (overlayfs) in two layers, both in the
    lab's run dir: the stage's (what the lab wrote: topologies/stages.py) and above it
    the student's (what changed since). While the host is built, the stage layer is the
    upper one; `seal` puts the student's on top. A student's work is exactly that layer:
    `reset` empties it, `handin` archives it. /root and /home start empty (the
    machine's own are never seen);
  - private, empty /run and /tmp (tmpfs);
  - a policy-rc.d of its own: maintainer scripts may restart its daemons;
  - the machine's other files, and the kernel's settings but its network's, read-only;
  - its own hostname, /etc/hostname and /etc/hosts.
`useradd`, `chfn`, edits of /etc/aliases, mail spools: all stay in that host.

    private_views_script(name, host_dir)  -> the views, the stage layer on top (a boot)
    seal_script(host_dir)                 -> the student's layer on top of the stage's
    reset_script(host_dir, rebuild, name) -> the student's layer emptied (rebuild: the
                                             stage's too, on top again, with the host's
                                             identity), /run and /tmp
                                             emptied; run once the host's processes are gone
    KILL_ALL                              -> every process of the host but its PID 1
    layer_dirs(host_dir, top)             -> (stage, student) upper dirs of /top
    files_archive(files)                  -> a tar archive of {path: text}, for `tar -x -C /`
                                             inside the host
"""

import io
import tarfile
import time

SETTLED = 2  # seconds: Postfix re-reads main.cf, 0.3 s at a time, while it is younger

# each copy-on-write view, and what lies under it: the machine's /etc and /var; nothing
# for /root and /home
OVERLAID = {"etc": "/etc", "var": "/var", "usr": "/usr", "root": "EMPTY", "home": "EMPTY"}
LAZY = ("etc", "var", "usr", "root", "home")  # in use by the script that unmounts them (its
                                # sh and libc), or by the host's shell (its cwd: `cd /etc/bind`
                                # before `reset`): detached, then gone
TMPFS_MODES = {"/run": "0755", "/tmp": "1777"}
MODES = {"root": "0700", "home": "0755"}
KILL_ALL = "kill -KILL -1 2>/dev/null; true"  # in a PID namespace: all of it but PID 1
SHELL_TO_HOME = "kill -USR1 1"  # the host's shell traps it: cd /root (lab/runtime/host.py)

# Maintainer scripts (`dpkg-reconfigure postfix`, apt) restart the host's own daemons, on
# this machine (whose /usr/sbin/policy-rc.d refuses every start) as on a fresh Debian
# (which has none): the host gets a policy-rc.d of its own that allows them.
POLICY_RC_D = ["printf '#!/bin/sh\\n# this host allows its daemons to start\\nexit 0\\n' "
               "> /usr/sbin/policy-rc.d",  # in the host's own /usr (copy-on-write)
               "chmod 755 /usr/sbin/policy-rc.d"]


def _run_top(host_dir):
    """The first directory under /run on the way to host_dir (kept by reset)."""
    parts = host_dir.split("/")
    return "/".join(parts[:3]) if host_dir.startswith("/run/") else "/run/.none"


def layer_dirs(host_dir, top):
    return f"{host_dir}/stage/{top}", f"{host_dir}/student/{top}"


def _mounts(host_dir, sealed):
    lines = [f"mkdir -p {host_dir}/empty"]
    for top, lower in OVERLAID.items():
        lower = f"{host_dir}/empty" if lower == "EMPTY" else lower
        stage, student = layer_dirs(host_dir, top)
        if sealed:
            upper, work, lower = student, f"{host_dir}/student-work/{top}", f"{stage}:{lower}"
        else:
            upper, work = stage, f"{host_dir}/stage-work/{top}"
        lines.append(f"mkdir -p {upper} {work}")
        lines.append(f"mount -t overlay overlay -o lowerdir={lower},upperdir={upper},"
                     f"workdir={work} /{top}")
    lines += [f"chmod {mode} /{top}" for top, mode in MODES.items()]
    return lines


def _unmounts():
    return [f"umount {'-l ' if top in LAZY else ''}/{top}" for top in OVERLAID]


def private_views_script(name, host_dir):
    lines = ["set -e"] + _mounts(host_dir, sealed=False)
    # the layers stay reachable inside the host (seal, reset) once /run is its own
    lines.append(f"mount -t tmpfs -o mode={TMPFS_MODES['/tmp']},size=64m tmpfs /tmp")
    lines.append(f"mkdir /tmp/.layers && mount --bind {host_dir} /tmp/.layers")
    lines.append(f"mount -t tmpfs -o mode={TMPFS_MODES['/run']},size=64m tmpfs /run")
    lines.append(f"mkdir -p {host_dir} && mount --move /tmp/.layers {host_dir} && rmdir /tmp/.layers")
    lines.append("mkdir -p /run/lock /run/user")
    lines += read_only_machine(host_dir)
    lines.append(f"hostname {name}")
    return "\n".join(lines + identity(name)) + "\n"


def identity(name):
    """What the stage layer holds of every host, whatever its stage: its name in /etc and
    its policy-rc.d (written again when `reset` rebuilds that layer)."""
    return POLICY_RC_D + [f"echo {name} > /etc/hostname", "rm -f /etc/hosts",
                          f"printf '127.0.0.1\\tlocalhost\\n127.0.1.1\\t{name}\\n' > /etc/hosts"]


def read_only_machine(host_dir):
    """The machine's other files are read-only in the host (`rm /dev/null` typed there
    changes nothing; /usr is copy-on-write, for dpkg's maintainer scripts), and so are the kernel's settings but those of the host's
    own network (`echo 1 > /proc/sys/net/ipv4/ip_forward` works); /dev/shm is the host's."""
    writable = "|".join(["/etc", "/var", "/usr", "/root", "/home", "/run", "/run/*", "/tmp", "/proc",
                         "/proc/*", "/dev/pts", "/dev/shm", "/dev/mqueue", f"{host_dir}*"])
    return [f"mount -t tmpfs -o mode=1777,size=64m tmpfs /dev/shm",
            "for point in $(awk '{print $5}' /proc/self/mountinfo | sort -u); do",
            f"  case $point in {writable}) ;; *) mount -o remount,bind,ro $point 2>/dev/null || true ;; esac",
            "done",
            "if [ -d /proc/sys/kernel ]; then mount --bind /proc/sys /proc/sys && "
            "mount -o remount,bind,ro /proc/sys && mount --bind /proc/sys/net /proc/sys/net && "
            "mount -o remount,bind,rw /proc/sys/net; fi",
            "if [ -e /proc/sysrq-trigger ]; then mount --bind /proc/sysrq-trigger "
            "/proc/sysrq-trigger && mount -o remount,bind,ro /proc/sysrq-trigger; fi"]


def seal_script(host_dir):
    lines = ["set -e"] + _unmounts() + _mounts(host_dir, sealed=True) + [SHELL_TO_HOME]
    return "\n".join(lines) + "\n"


def reset_script(host_dir, rebuild=False, name=None):
    layers = "student student-work" + (" stage stage-work" if rebuild else "")
    kept = _run_top(host_dir)
    lines = (["set -e"] + _unmounts()
             + [f"cd {host_dir} && rm -rf {layers} && cd /"]
             + ["find /tmp /run -mindepth 1 -maxdepth 1 "
                f"! -path {kept} -exec rm -rf {{}} +",
                "mkdir -p /run/lock /run/user"]
             + _mounts(host_dir, sealed=not rebuild)
             + (identity(name) if rebuild else [SHELL_TO_HOME]))
    return "\n".join(lines) + "\n"


def files_archive(files, now=None):
    """A tar of text files, root-owned, mode 644 (755 for scripts: a "#!" first line), dated
    SETTLED seconds ago: a daemon that waits for a file to stop changing reads it at once."""
    buffer = io.BytesIO()
    stamp = (now or time.time()) - SETTLED
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for path, text in files.items():
            data = text.encode()
            member = tarfile.TarInfo(path.lstrip("/"))
            member.size, member.mtime = len(data), stamp
            member.mode = 0o755 if text.startswith("#!") else 0o644
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()
