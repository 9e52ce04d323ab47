"""The daemons of the lab: one folder per service (services/<name>/), found, not listed.

    discover()           {name: [Service classes]}: every folder with an __init__.py whose
                         SERVICES lists its Service classes (services/base.py)
    services_for(model)  the Service instances a class runs ([services] of its class file),
                         bound to it, in start order, each checked against the class file;
                         ClassFileError names an unknown one, or what one needs
    all_services()       one instance of every Service class found (e.g. for package lists)
"""

import importlib
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def discover():
    found = {}
    for folder in sorted(p for p in FOLDER.iterdir() if (p / "__init__.py").is_file()):
        module = importlib.import_module(f"services.{folder.name}")
        found[folder.name] = list(getattr(module, "SERVICES", ()))
    return found


def services_for(model):
    found = discover()
    model.check_services(found)
    wanted = {name for h in model.hosts for name in h.services}
    classes = [cls for name, group in found.items() if name in wanted for cls in group]
    services = [cls(model) for cls in _in_start_order(classes)]
    for service in services:
        service.check(model)
    return services


def all_services():
    return [cls() for group in discover().values() for cls in group]


def _in_start_order(classes):
    """Each class after the classes it needs (those that are in the list)."""
    ordered, pending = [], list(classes)
    while pending:
        ready = [c for c in pending if all(n in ordered or n not in classes for n in c.needs)]
        if not ready:
            return ordered + pending  # a cycle: ServiceRunner names it
        ordered += ready
        pending = [c for c in pending if c not in ready]
    return ordered
