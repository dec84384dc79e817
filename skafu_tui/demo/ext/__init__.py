"""Handlers that fill moto's gaps; :func:`install_all` registers every one present."""

from __future__ import annotations

import importlib

MODULES = (
    "guardduty",
    "configservice",
    "cloudtrail",
    "costexplorer",
    "cost_anomalies",
    "budgets",
    "backup",
    "health",
    "cloudwatch",
    "elbv2",
)
"""Extension modules, registered by importing them (their decorators fill base's registries)."""


def install_all() -> list[str]:
    """Import every extension module that exists; returns the names installed."""
    installed = []
    for name in MODULES:
        qualified = f"{__name__}.{name}"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            # Modules written by other helpers may not exist yet; a missing dependency still fails.
            if exc.name != qualified:
                raise
            continue
        install = getattr(module, "install", None)
        if callable(install):  # modules that patch moto's classes do it here, not on import
            install()
        installed.append(name)
    return installed
