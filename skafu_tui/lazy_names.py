"""Package attributes imported on first use (PEP 562), so a package's cheap parts stay cheap.

A package lists ``{name: module}`` and sets ``__getattr__ = lazy_names(__name__, where, globals())``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, where: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], object]:
    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # found once: later lookups are plain module attributes
        return value

    return __getattr__
