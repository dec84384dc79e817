"""A minimal terminal screen: enough of VT100 to know what Textual's frames put on screen.

Textual paints with absolute cursor moves (``CSI row;col H``), text, SGR and ``CR LF``; styles,
modes and OSC strings change nothing a reader sees as text, so they are skipped. Wide characters
(East Asian wide/fullwidth) take two cells. The benchmarks ask questions of the text only: "is
the Health pane's title on screen, and no 'waiting for data…' left?".
"""

from __future__ import annotations

import re
import unicodedata

_CSI = re.compile(rb"\x1b\[([0-9;?<>=$ ]*)([@-~])")
_OSC = re.compile(rb"\x1b\].*?(?:\x07|\x1b\\)", re.S)
_OTHER_ESC = re.compile(rb"\x1b[()][0-9A-Za-z]|\x1b[=>78DEHMc]")


class Screen:
    """Rows of text, updated by :meth:`feed` with complete frames."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.cells = [[" "] * cols for _ in range(rows)]
        self.row = 0
        self.col = 0

    def feed(self, data: bytes) -> None:
        data = _OSC.sub(b"", data)
        pos = 0
        for m in _CSI.finditer(data):
            self._text(data[pos : m.start()])
            self._csi(m.group(1), m.group(2))
            pos = m.end()
        self._text(data[pos:])

    def _csi(self, params: bytes, final: bytes) -> None:
        if final in (b"H", b"f") and not params.startswith(b"?"):
            parts = [int(p) if p.isdigit() else 1 for p in params.split(b";")] if params else [1, 1]
            row, col = [*parts, 1, 1][:2]
            self.row = min(max(row, 1), self.rows) - 1
            self.col = min(max(col, 1), self.cols) - 1
        elif final == b"J" and params in (b"2", b"3"):
            self.cells = [[" "] * self.cols for _ in range(self.rows)]

    def _text(self, raw: bytes) -> None:
        if not raw:
            return
        raw = _OTHER_ESC.sub(b"", raw)
        for ch in raw.decode("utf-8", errors="replace"):
            if ch == "\r":
                self.col = 0
            elif ch == "\n":
                self.row = min(self.row + 1, self.rows - 1)
            elif ch in "\x07\x1b" or ord(ch) < 32:
                continue
            else:
                width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
                if self.col < self.cols:
                    self.cells[self.row][self.col] = ch
                    if width == 2 and self.col + 1 < self.cols:
                        self.cells[self.row][self.col + 1] = ""
                self.col = min(self.col + width, self.cols)

    def line(self, row: int) -> str:
        return "".join(self.cells[row])

    @property
    def text(self) -> str:
        return "\n".join(self.line(r) for r in range(self.rows))

    def has(self, needle: str) -> bool:
        return any(needle in self.line(r) for r in range(self.rows))

    def row_starting(self, prefix: str, skip: int = 0) -> int | None:
        """First row (from ``skip``) whose text, left-stripped, starts with ``prefix``."""
        for r in range(skip, self.rows):
            if self.line(r).lstrip().startswith(prefix):
                return r
        return None


_MOVE = re.compile(rb"\x1b\[(\d+);\d+H")


def bytes_by_row(data: bytes) -> dict[int, int]:
    """Bytes of ``data`` attributed to the screen row (1-based) each cursor move sends them to:
    which lines a stream of frames keeps repainting. Bytes before the first move count as row 0."""
    out: dict[int, int] = {}
    row, start = 0, 0
    for m in _MOVE.finditer(data):
        out[row] = out.get(row, 0) + m.start() - start
        row, start = int(m.group(1)), m.start()
    out[row] = out.get(row, 0) + len(data) - start
    return {r: n for r, n in out.items() if n}
