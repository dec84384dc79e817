"""skafu-tui: a read-only terminal operations dashboard for the Skafu platform on AWS."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("skafu-tui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
