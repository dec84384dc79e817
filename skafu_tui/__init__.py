"""skafu-tui: a read-only terminal operations dashboard for the Skafu platform on AWS."""

from __future__ import annotations

__all__ = ["__version__"]


def _version() -> str:
    # importlib.metadata costs ~30 ms to import: only `--version` (and whoever asks) pays it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("skafu-tui")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def __getattr__(name: str) -> str:
    if name == "__version__":
        value = _version()
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
