"""The parameter names Postfix knows, for lint: read once from `postconf -d`, kept in a file.

    known_parameters(path=DATA)   frozenset of the names in data/postfix-parameters.txt
    transport_suffixes(known)     what a master.cf service may prefix with its own name
                                  (smtp_destination_concurrency_limit...): default_X gives X
    write_data(path=DATA)         the file again, from this machine's `postconf -d`

    python3 -m checks.postfix_names    rewrites data/postfix-parameters.txt
"""

import subprocess
import sys
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "postfix-parameters.txt"


@cache
def known_parameters(path=DATA):
    lines = Path(path).read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def transport_suffixes(known):
    return {name[len("default_"):] for name in known if name.startswith("default_")} | {
        "time_limit"}


def write_data(path=DATA):
    output = subprocess.run(["postconf", "-d"], capture_output=True, text=True, check=True,
                            timeout=60).stdout
    names = sorted({line.split("=")[0].strip() for line in output.splitlines() if " = " in line
                    or line.rstrip().endswith(" =")})
    version = next((line.split("=", 1)[1].strip() for line in output.splitlines()
                    if line.startswith("mail_version ")), "?")
    Path(path).write_text(f"# The parameters Postfix {version} knows: `postconf -d`, one name a "
                          "line.\n# Regenerate: python3 -m checks.postfix_names\n"
                          + "\n".join(names) + "\n")
    return len(names), version


if __name__ == "__main__":
    try:
        count, version = write_data()
    except (OSError, subprocess.SubprocessError) as error:
        print(f"checks.postfix_names: postconf -d failed: {error}", file=sys.stderr)
        sys.exit(2)
    print(f"{DATA}: {count} parameters of Postfix {version}")
