"""Plotext's ANSI output as Textual ``Content``: foreground colours and bold kept, backgrounds dropped."""

from __future__ import annotations

import re
from functools import lru_cache

from rich.color import Color as RichColor
from textual.content import Content, Span

from widgets.text import inert

__all__ = ["ansi_to_content"]

_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_ANSI_16 = (
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    "bright_black", "bright_red", "bright_green", "bright_yellow",
    "bright_blue", "bright_magenta", "bright_cyan", "bright_white",
)  # fmt: skip


def _colour(number: int) -> str:
    if number < 16:
        return f"ansi_{_ANSI_16[number]}"
    return RichColor.from_ansi(number).get_truecolor().hex


_KEEP = "keep"


@lru_cache(maxsize=256)
def _sgr(params: str) -> tuple[bool, str | None, bool | None]:
    """What one SGR sequence does: (reset first, foreground colour or ``_KEEP``/None, bold or None)."""
    codes = params.split(";")
    reset = False
    colour: str | None = _KEEP
    bold: bool | None = None
    index = 0
    while index < len(codes):
        code = codes[index]
        if code in ("", "0"):
            reset, colour, bold = True, _KEEP, None
        elif code == "1":
            bold = True
        elif code == "22":
            bold = False
        elif code == "39":
            colour = None
        elif code in ("38", "48") and index + 2 < len(codes) and codes[index + 1] == "5":
            if code == "38":
                colour = _colour(int(codes[index + 2]) % 256)
            index += 2
        elif code in ("38", "48") and index + 4 < len(codes) and codes[index + 1] == "2":
            if code == "38":
                red, green, blue = (int(c) % 256 for c in codes[index + 2 : index + 5])
                colour = f"#{red:02x}{green:02x}{blue:02x}"
            index += 4
        elif code.isdigit() and 30 <= int(code) <= 37:
            colour = _colour(int(code) - 30)
        elif code.isdigit() and 90 <= int(code) <= 97:
            colour = _colour(int(code) - 90 + 8)
        index += 1
    return reset, colour, bold


def ansi_to_content(ansi: str) -> Content:
    """Convert plotext's SGR-coloured output to ``Content``, keeping foreground colours and bold.

    Backgrounds are dropped on purpose: plotext paints threshold lines on white, and the widget's CSS
    background should show. Several times faster than ``Text.from_ansi`` for the only escapes plotext emits
    (SGR); any other control character left in the text is made visible.
    """
    chunks: list[str] = []
    spans: list[Span] = []
    offset = 0
    colour: str | None = None
    bold = False
    last = 0
    for match in _SGR.finditer(ansi):
        start = match.start()
        if start > last:
            chunk = inert(ansi[last:start])
            if colour or bold:
                style = f"{colour} bold" if colour and bold else (colour or "bold")
                spans.append(Span(offset, offset + len(chunk), style))
            chunks.append(chunk)
            offset += len(chunk)
        last = match.end()
        reset, new_colour, new_bold = _sgr(match.group(1))
        if reset:
            colour, bold = None, False
        if new_colour != _KEEP:
            colour = new_colour
        if new_bold is not None:
            bold = new_bold
    if last < len(ansi):
        chunks.append(inert(ansi[last:]))
    return Content("".join(chunks), spans)
