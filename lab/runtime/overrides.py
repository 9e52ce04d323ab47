"""Files a user supplies to replace or add to what the lab writes inside its hosts.

    DIR/<host>/<path inside the host>
    e.g. my-class/<server>/<zone.file> replaces that server's file of that zone

The lab writes them after the host is up and before any service's checks, so a
broken override stops the lab with the checker's message (named-checkconf,
postfix check).

    read_overrides(directory, model)   {host: {path: text}}; UsageError names a bad entry
"""

from pathlib import Path

from lab.base.errors import UsageError


def read_overrides(directory, model):
    if not directory:
        return {}
    root = Path(directory)
    if not root.is_dir():
        raise UsageError(f"overrides: {directory} is not a directory")
    overrides = {}
    for host_dir in sorted(root.iterdir()):
        if host_dir.name not in model.names():
            raise UsageError(f"overrides: {host_dir} names no host of this class "
                             f"({', '.join(model.names())})")
        files = {"/" + str(f.relative_to(host_dir)): _read_text(f)
                 for f in sorted(host_dir.rglob("*")) if f.is_file()}
        overrides[host_dir.name] = files
    return overrides


def _read_text(path):
    try:
        return path.read_text()
    except UnicodeDecodeError:
        raise UsageError(f"overrides: {path} is not a text file") from None
