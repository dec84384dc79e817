"""Run the dashboard's CLI while noting when each AWS library is first imported.

    python -m benchmarks.import_probe LOGFILE [skafu-tui arguments…]

A meta-path finder writes ``<perf_counter> <package>`` to LOGFILE the first time a watched
package is imported by this process (the dashboard forks its poll process, which inherits the
finder: its imports are not the UI's and are not logged). ``perf_counter`` is CLOCK_MONOTONIC,
the clock the pty harness stamps output with, so the startup benchmark can tell whether the
import happened before or after first paint.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import time
from collections.abc import Sequence
from types import ModuleType
from typing import TextIO

WATCHED = ("aiobotocore", "botocore", "boto3", "aiohttp")


class _Watch(importlib.abc.MetaPathFinder):
    def __init__(self, log: TextIO) -> None:
        self.log = log
        self.seen: set[str] = set()
        self.pid = os.getpid()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        top = fullname.partition(".")[0]
        if top in WATCHED and top not in self.seen and os.getpid() == self.pid:
            self.seen.add(top)
            self.log.write(f"{time.perf_counter():.6f} {top}\n")
            self.log.flush()
        return None  # never finds anything: the normal finders import the module


def main(argv: list[str]) -> int:
    log = open(argv[0], "w", encoding="utf-8")
    sys.meta_path.insert(0, _Watch(log))
    from skafu_tui.cli import main as cli_main

    return cli_main(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
