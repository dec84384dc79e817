"""skafu-tui: the terminal operations dashboard for the Skafu platform."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("skafu-tui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
