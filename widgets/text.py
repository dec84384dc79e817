"""Literal text: helpers and widgets that never parse Rich or Textual markup.

Textual parses markup in every plain ``str`` handed to ``Label``, ``Static``, ``notify()`` and ``DataTable``
cells: ``"web-01 [/]"`` crashes the app at render time and ``"[@click=app.quit]x[/]"`` turns a click into an
app action. Anything that may carry text from outside goes through :func:`plain` / :func:`literal` (or the
``Safe*`` widgets) instead.

Terminal controls (ESC, C1, bidi overrides) survive even inside ``Text``, so these helpers also make them
visible. Callers should still neutralise untrusted data where it enters their models; this is the last line.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Static

__all__ = ["SafeLabel", "SafeStatic", "inert", "literal", "one_line", "plain"]

# C0 except tab and newline, DEL, C1, zero-width and bidi formatting marks, line/paragraph separators, BOM.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # Control Pictures: ␀ … ␟ (␛ for ESC)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def inert(value: object) -> str:
    """Return ``str(value)`` with terminal controls and invisible formatting marks made visible."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_visible, text)


def one_line(value: object) -> str:
    """Like :func:`inert`, with newlines and tabs turned into spaces (for labels and table cells)."""
    return inert(value).replace("\n", " ").replace("\t", " ")


def plain(value: object, style: str = "") -> Text:
    """Return ``value`` as a Rich ``Text`` shown literally (no markup), with controls made visible.

    A ``Text`` passes through unchanged (it was built deliberately, styles included). ``None`` becomes empty.
    """
    if isinstance(value, Text):
        return value
    if value is None:
        return Text("", style=style, end="")
    return Text(inert(value), style=style, end="")


def literal(value: object) -> Content:
    """Return ``value`` as Textual ``Content`` shown literally (no markup), with controls made visible.

    ``Content`` passes through unchanged; a Rich ``Text`` is converted keeping its styles.
    """
    if isinstance(value, Content):
        return value
    if isinstance(value, Text):
        return Content.from_rich_text(value)
    if value is None:
        return Content("")
    return Content(inert(value))


def _safe_visual(content: VisualType) -> VisualType:
    if isinstance(content, str):
        return literal(content)
    return content


class SafeStatic(Static):
    """A ``Static`` whose strings are always shown literally: markup is never parsed.

    ``update("[b]x[/b]")`` shows the brackets. Pass ``Content`` or ``Text`` for deliberate styling.
    """

    DEFAULT_CSS = """
    SafeStatic {
        height: auto;
    }
    """

    def __init__(
        self,
        content: VisualType = "",
        *,
        expand: bool = False,
        shrink: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            _safe_visual(content),
            expand=expand,
            shrink=shrink,
            markup=False,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Replace the content; a ``str`` is shown literally."""
        super().update(_safe_visual(content), layout=layout)


class SafeLabel(SafeStatic):
    """A label (sized to its content) whose strings are always shown literally: markup is never parsed."""

    DEFAULT_CSS = """
    SafeLabel {
        width: auto;
        height: auto;
    }
    """
