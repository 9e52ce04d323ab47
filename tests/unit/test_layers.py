"""Imports point down: topologies <- services <- lab.runtime <- checks, scenarios, bench <- command line
(lab.command, and classroom: the web pages of `make classroom`).

Every import of every module (at the top or inside a function) is read with `ast`; a module
may import only from the layers below its own.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("topologies", "services", "lab", "scenarios", "evidence", "bench", "checks",
            "classroom")

# a module (by prefix) -> the prefixes it must never import
FORBIDDEN = {
    "topologies": ("lab", "services", "scenarios", "evidence", "bench", "checks", "classroom",
                   "mininet.net",
                   "mininet.node", "mininet.nodelib", "mininet.link", "mininet.cli"),
    "lab.base": ("lab.runtime", "lab.command", "topologies", "services", "scenarios", "evidence",
                 "bench", "checks", "mininet", "classroom"),
    "services": ("lab.runtime", "lab.command", "scenarios", "evidence", "bench", "checks", "mininet",
                 "classroom"),
    "lab.runtime": ("lab.command", "services", "scenarios", "evidence", "bench", "checks",
                    "classroom"),
    "evidence": ("lab.runtime", "lab.command", "scenarios", "bench", "classroom"),
    "lab.command": ("classroom",),
    "lab.command.compose": ("scenarios", "bench", "evidence"),
    "lab.command.options": ("scenarios", "bench", "evidence"),
    "scenarios": ("lab.command.cli", "bench"),
    "bench": ("lab.command.cli", "scenarios"),
    # the teaching checks (lint): pure, over the model and the services' renderings
    "checks": ("lab.command", "scenarios", "bench", "mininet", "classroom"),
    # the classroom's web server: the command-line level, above lab.runtime and checks
    "classroom": ("scenarios", "bench"),
}


def modules():
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts)
            yield name.removesuffix(".__init__"), path


def imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _under(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def test_every_module_is_read():
    names = [name for name, _ in modules()]
    assert "topologies.model" in names and "lab.command.cli" in names and "services.named" in names


@pytest.mark.parametrize("name, path", list(modules()), ids=lambda value: str(value))
def test_imports_point_down(name, path):
    rules = [forbidden for prefix, forbidden in FORBIDDEN.items() if _under(name, prefix)]
    upward = [f"{path.relative_to(REPO)}:{line} imports {target}"
              for line, target in imports(path)
              for forbidden in rules for prefix in forbidden if _under(target, prefix)]
    assert not upward, "; ".join(upward)
