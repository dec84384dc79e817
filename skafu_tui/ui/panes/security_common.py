"""Pieces the security, cost and capacity panes share: the freshness title line, text blocks that
repaint only when their text changed, status words, money and number formats, and the
side-by-side / stacked layout switch.

(Named ``security_*`` only because of file ownership while several people edit the tree; nothing
here is security-specific.)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events

from skafu_tui.assess.common import Level
from skafu_tui.snapshot import SourceStatus
from skafu_tui.ui.header import coarse_age, status_text
from skafu_tui.ui.panes.base import Pane
from widgets.keyed_table import KeyedTable
from widgets.status import status_level
from widgets.text import SafeStatic, literal, plain

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment
    from skafu_tui.assess.checks import Check
    from skafu_tui.snapshot import Snapshot

WIDE_AT = 120
"""Pane width (cells) from which columns sit side by side; narrower panes stack them."""

CELL_MAX = 48
"""Longest text put in a table cell; longer text ends in ``…`` (the full text is one key away)."""


class TextBlock(SafeStatic):
    """A literal text block that repaints only when its text (or styling) changed."""

    DEFAULT_CSS = """
    TextBlock { height: auto; width: 1fr; }
    """

    def __init__(self, content: str | Text = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(plain(content), id=id, classes=classes)
        self._shown: tuple[str, list[tuple[int, int, str] | str]] | None = None

    @property
    def text(self) -> str:
        """The plain text shown."""
        return self._shown[0] if self._shown is not None else str(self.render())

    def show(self, text: Text | str) -> bool:
        """Show ``text`` (a str is literal); return False when it equals what is shown.

        A relayout repaints every scrollbar on the screen (measured: a table's horizontal scrollbar
        costs ~4 KB a frame), so the block asks for one only when its wrapped height changes.
        """
        value = plain(text)
        styles: list[tuple[int, int, str] | str] = [(s.start, s.end, str(s.style)) for s in value.spans]
        key = (value.plain, [*styles, str(value.style)])
        if key == self._shown:
            return False
        self._shown = key
        content = literal(value)
        width, height = self.size
        same_height = width > 0 and height > 0 and content.get_height(self.styles.get_rules(), width) == height
        self.update(content, layout=not same_height)
        return True


class Section(SafeStatic):
    """A section heading inside a pane."""

    DEFAULT_CSS = """
    Section { height: 1; width: 1fr; text-style: bold; color: $text-accent; margin-top: 1; }
    """


class ColumnsPane(Pane):
    """A pane whose ``.columns`` container lays its ``.column`` children side by side when wide.

    Its ``.pane-title`` (name and sources' freshness) is docked: scrolling never hides how fresh
    the data is.
    """

    DEFAULT_CSS = """
    ColumnsPane .columns { height: auto; width: 1fr; layout: vertical; }
    ColumnsPane .column { height: auto; width: 1fr; }
    ColumnsPane.-wide .columns { layout: horizontal; }
    ColumnsPane.-wide .column { width: 1fr; }
    ColumnsPane.-wide .column.-left { margin-right: 2; }
    ColumnsPane KeyedTable { height: auto; }
    ColumnsPane > .pane-title { dock: top; background: $surface; }
    """

    _last_draw: tuple[Assessment, Snapshot, datetime] | None = None

    _drawn_width = 0

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= WIDE_AT, "-wide")
        if event.size.width != self._drawn_width and self._last_draw is not None and self._drawn is not None:
            # What fits in a cell depends on the width: draw again (unchanged rows and text cost nothing).
            self.draw(*self._last_draw)

    @property
    def pane_width(self) -> int:
        """The pane's outer width (what Resize reports), or the screen's while hidden (panes fill it)."""
        if self.outer_size.width:
            return self.outer_size.width
        return self.app.size.width if self.is_attached else 0

    def draw(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        if not self.is_attached or not self.query_children(TextBlock):
            # Not (or no longer) composed: the app also draws hidden panes from a timer, which can
            # fire while the app exits. Forget the draw so the next show draws again.
            self._drawn = None
            return
        self._drawn_width = self.pane_width
        self.set_class(self._drawn_width >= WIDE_AT, "-wide")
        self.draw_pane(assessment, snapshot, now)

    def draw_pane(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        raise NotImplementedError

    def show_data(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        self._last_draw = (assessment, snapshot, now)
        super().show_data(assessment, snapshot, now)

    @property
    def wide(self) -> bool:
        return self.has_class("-wide")

    def focus_first(self) -> None:
        # Without scrolling: focusing the table must not scroll the pane's title off screen.
        for table in self.query(KeyedTable):
            if table.focusable:
                self.screen.set_focus(table, scroll_visible=False)  # now: see Pane.focus_first
                return


# --- words ------------------------------------------------------------------------------------


def level_text(level: Level | str, word: str | None = None) -> Text:
    """``✖ FAIL`` (or ``✖ <word>``): symbol and word, styled by severity, never colour alone."""
    value = level.value if isinstance(level, Level) else level
    text = status_text(value)
    if word is not None:
        symbol = status_level(value).symbol
        text = Text(f"{symbol} {word}", style=text.style)
    return text


def clip(value: object, limit: int = CELL_MAX) -> str:
    """``value`` as one line of at most ``limit`` cells, ending in ``…`` when cut."""
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def duration_words(seconds: float) -> str:
    """A cadence in words: ``30 s``, ``15 min``, ``6 h``, ``2 days``."""
    if seconds < 90:
        return f"{seconds:g} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:g} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:g} h"
    return f"{seconds / 86400:g} days"


def money(value: float | None, unit: str = "USD", digits: int = 2) -> str:
    """``$9,937.78`` for USD, ``9,937.78 EUR`` otherwise; ``n/a`` when unknown."""
    if value is None or math.isnan(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    amount = f"{abs(value):,.{digits}f}"
    return f"{sign}${amount}" if unit == "USD" else f"{sign}{amount} {unit}"


def compact(value: float | None) -> str:
    """A number short enough for a table cell: ``1,014``, ``15.4M``, ``2.1B``."""
    if value is None or math.isnan(value):
        return "n/a"
    size = abs(value)
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}"
    if size >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def when(ts: datetime | None) -> str:
    """A UTC time as ``MM-DD HH:MM`` (stable between polls, unlike an age)."""
    return "—" if ts is None else ts.strftime("%m-%d %H:%M")


# --- the title line -----------------------------------------------------------------------------


_SOURCE_SYMBOL = {
    SourceStatus.OK: status_level("unknown").symbol,  # ok without data: nothing to judge yet
    SourceStatus.PENDING: status_level("unknown").symbol,
    SourceStatus.STALE: status_level("stale").symbol,
}
"""Every other state (denied, throttled, expired credentials, …) is a failure: ✖."""


def freshness_line(title: str, assessment: Assessment, sources: Sequence[str]) -> Text:
    """``Security & compliance  guardduty, acm <1m · config 5m · ◌ logs: stale (25 min old)``.

    Fresh sources are grouped by data age (short and steady: a title that changes length each poll
    re-wraps and repaints the whole pane); a source that is not fresh is dimmed, with a symbol and its
    cause in words (``✖ guardduty: access denied (guardduty:ListFindings); data 3 min old``), so the
    pane never looks fresher than its data.
    """
    line = Text()
    line.append(title, style="bold")
    line.append("  ")
    groups: dict[str, list[str]] = {}
    order: dict[str, float] = {}
    parts: list[Text] = []
    for name in sources:
        src = assessment.source(name)
        if src is None:
            parts.append(Text(f"? {name}: unknown source", style="dim"))
        elif src.ok:
            age = coarse_age(src.age_s)
            groups.setdefault(age, []).append(name)
            order.setdefault(age, src.age_s or 0.0)
        else:
            symbol = _SOURCE_SYMBOL.get(src.status, "✖")
            cause = src.cause.removeprefix(f"{name}: ") or src.status.value
            parts.append(plain(f"{symbol} {name}: {cause}", style="dim"))
    fresh = [Text(f"{', '.join(names)} {age}") for age, names in sorted(groups.items(), key=lambda g: order[g[0]])]
    for index, part in enumerate(fresh + parts):
        if index:
            line.append(" · ", style="dim")
        line.append_text(part)
    return line


def check_lines(checks: Iterable[Check]) -> Text:
    """One line per daily check: ``✖ FAIL  Title: evidence`` (evidence shown literally)."""
    text = Text()
    for index, check in enumerate(checks):
        if index:
            text.append("\n")
        text.append_text(level_text(check.status))
        text.append(f" {check.title}: ", style="bold")
        text.append_text(plain(check.evidence))
    return text


def table_key(*parts: object) -> str:
    """A row key from parts (AWS ids may repeat across regions)."""
    return "\x1f".join(str(p) for p in parts)
