"""The report kinds of this portal. Each module registers one builder with
:func:`calportal.reports.registry.register`; every module of this package is loaded (so a new
kind is one new module, ``common`` holds what they share)."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "common":
        importlib.import_module(f"{__name__}.{_module.name}")
