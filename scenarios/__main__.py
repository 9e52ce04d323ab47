"""`python3 -m scenarios NAME [options]` (what `make scenario NAME=...` calls), or `all`.

    python3 -m scenarios mx_delivery --capture
    python3 -m scenarios all            every scenario, one after the other; exit 1 if one failed
"""

import importlib
import sys
from pathlib import Path

from lab.command.preflight import require_lab_runtime
from scenarios.runner import run_scenario

FOLDER = Path(__file__).resolve().parent
NOT_SCENARIOS = {"__init__", "__main__", "runner", "steps", "checks", "derive", "dig", "mail",
                 "recording"}


def known():
    return sorted(p.stem for p in FOLDER.glob("*.py") if p.stem not in NOT_SCENARIOS)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(f"usage: python3 -m scenarios NAME|all [options]; scenarios: {', '.join(known())}")
        return 0 if argv else 2
    name, options = argv[0], argv[1:]
    names = known() if name == "all" else [name]
    unknown = [n for n in names if n not in known()]
    if unknown:
        print(f"scenarios: unknown scenario '{unknown[0]}' (known: {', '.join(known())})",
              file=sys.stderr)
        return 2
    if len(names) > 1:  # under another interpreter, re-run all of them, not the first one
        require_lab_runtime("scenarios", module="scenarios", argv=argv)
    codes = [_run(n, options) for n in names]
    if len(names) > 1:
        failed = [n for n, code in zip(names, codes) if code]
        print(f"=== {len(names) - len(failed)}/{len(names)} scenarios passed"
              + (f"; failed: {', '.join(failed)}" if failed else "") + " ===")
    return max(codes)


def _run(name, options):
    module = importlib.import_module(f"scenarios.{name}")
    if hasattr(module, "default_options"):  # a scenario's own defaults (tp_by_hand: its stage)
        options = module.default_options(options)
    return run_scenario(str(FOLDER / f"{name}.py"), module.TITLE, module.sections, options)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
