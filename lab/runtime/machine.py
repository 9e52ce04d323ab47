"""What turns a Mininet namespace into a small machine (pure text, testable without root).

Inside its own mount and UTS namespaces, an emulated host gets:
  - copy-on-write /etc and /var (overlayfs; upper layers in the lab's run dir),
  - private, empty /run, /tmp, /root and /home (tmpfs),
  - a policy-rc.d of its own: maintainer scripts may restart its daemons,
  - its own hostname, /etc/hostname and /etc/hosts.
`useradd`, `chfn`, edits of /etc/aliases, mail spools: all stay in that host.

    private_views_script(name, host_dir)  -> one shell script run inside the host
    files_archive(files)                  -> a tar archive of {path: text}, for `tar -x -C /`
                                             inside the host
"""

import io
import tarfile
import time

SETTLED = 2  # seconds: Postfix re-reads main.cf, 0.3 s at a time, while it is younger

OVERLAID = ("etc", "var")
TMPFS_MODES = {"/run": "0755", "/tmp": "1777", "/root": "0700", "/home": "0755"}


# Maintainer scripts (`dpkg-reconfigure postfix`, apt) restart the host's own daemons, on
# this machine (whose /usr/sbin/policy-rc.d refuses every start) as on a fresh Debian
# (which has none): the host gets a policy-rc.d of its own that allows them.
POLICY_RC_D = ["printf '#!/bin/sh\\n# this host allows its daemons to start\\nexit 0\\n' > /run/policy-rc.d",
               "chmod 755 /run/policy-rc.d",
               "if [ -e /usr/sbin/policy-rc.d ]; then mount --bind /run/policy-rc.d /usr/sbin/policy-rc.d; fi"]


def private_views_script(name, host_dir):
    lines = ["set -e"]
    for top in OVERLAID:
        upper, work = f"{host_dir}/{top}/upper", f"{host_dir}/{top}/work"
        lines.append(f"mkdir -p {upper} {work}")
        lines.append(f"mount -t overlay overlay "
                     f"-o lowerdir=/{top},upperdir={upper},workdir={work} /{top}")
    for path, mode in TMPFS_MODES.items():
        lines.append(f"mount -t tmpfs -o mode={mode},size=64m tmpfs {path}")
    lines.append("mkdir -p /run/lock /run/user")
    lines += POLICY_RC_D
    lines.append(f"hostname {name}")
    lines.append(f"echo {name} > /etc/hostname")
    lines.append("rm -f /etc/hosts")
    lines.append(f"printf '127.0.0.1\\tlocalhost\\n127.0.1.1\\t{name}\\n' > /etc/hosts")
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
