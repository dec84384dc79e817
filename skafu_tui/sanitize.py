"""Make untrusted text inert before it enters a model.

Everything AWS returns (finding titles, event payloads, tag values, error messages) may carry
terminal escapes, C1 controls or bidi overrides that restyle or move a terminal's cursor even
when rendered as plain Rich ``Text``. They are replaced here, once, at the boundary where AWS
data becomes a model; the UI then renders strings with markup disabled.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

MAX_TEXT = 16_384
"""Longest string kept from AWS; a 100 KB finding description is cut with a visible marker."""

# C0 except tab and newline, DEL, C1, bidi embedding/override/isolate marks, zero-width and
# invisible formatting characters, BOM, line/paragraph separators (they break row layout).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


def _visible(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    if code == 0x1B:
        return "␛"
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ … ␟
    return f"<U+{code:04X}>"


def inert(value: object, max_len: int = MAX_TEXT) -> str:
    """Return ``value`` as a string safe to print: controls made visible, length bounded."""
    text = value if isinstance(value, str) else str(value)
    text = _UNSAFE.sub(_visible, text)
    if len(text) > max_len:
        more = len(text) - max_len
        text = f"{text[:max_len]}… ({more} more characters)"
    return text


def inert_line(value: object, max_len: int = 512) -> str:
    """Like :func:`inert` but on one line: newlines and tabs become spaces (for table cells)."""
    return inert(value, max_len).replace("\n", " ").replace("\t", " ").replace("\r", " ")


SafeStr = Annotated[str, BeforeValidator(inert)]
"""A model field type: any value assigned is made inert on the way in."""
