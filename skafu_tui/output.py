"""Writing what a command produced: to stdout, or atomically to a file.

A reader never sees half a report, and an interrupted run leaves the previous file intact.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same directory and a rename, so a reader
    never sees half a report and an interrupted run leaves the previous report intact."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        # mkstemp makes the file 0600; give the report the mode a plain open() would have.
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise



def emit(text: str, output: Path | None, say: Callable[[str], None]) -> bool:
    """Write ``text`` to ``output`` (atomically) or stdout; False after saying why it could not."""
    try:
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_atomic(output, text)
    except OSError as error:
        say(f"cannot write {output or 'stdout'}: {error.strerror or error}")
        return False
    return True
