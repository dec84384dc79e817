"""The header line and the sources bar: what, where, how healthy, how fresh."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from widgets.status import format_age, status_level
from widgets.text import plain

if TYPE_CHECKING:
    from skafu_tui.assess.freshness import SourceFreshness

STATUS_STYLE = {"-ok": "bold green", "-warn": "bold yellow", "-fail": "bold red", "-unknown": "bold", "-stale": "dim"}


def status_text(status: str, *, upper: bool = True) -> Text:
    """A status as symbol and word (never colour alone), styled by severity."""
    level = status_level(status)
    word = status.upper() if upper else status
    return Text(f"{level.symbol} {word}", style=STATUS_STYLE.get(level.css_class, ""))


class HeaderClock(Static):
    """The UTC clock, apart from the status line: each second repaints 12 cells, not a whole row
    (the full-width header re-sent every second was three quarters of the idle bytes over SSH)."""

    DEFAULT_CSS = """
    HeaderClock { width: 14; height: 1; background: $panel; color: $text; text-style: bold;
        padding: 0 1; content-align: right middle; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._last = ""

    def tick(self, now: datetime) -> None:
        text = now.strftime("%H:%M:%S UTC")
        if text != self._last:
            self._last = text
            self.update(text, layout=False)


class StatusHeader(Static):
    """Platform, account, regions, profile, overall status, maintenance window, pause, UTC clock."""

    DEFAULT_CSS = """
    StatusHeader { width: 1fr; height: 1; background: $panel; color: $text; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, platform: str, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.platform = platform
        self.account = ""
        self.regions: tuple[str, ...] = ()
        self.profile = ""
        self.overall = "unknown"
        self.window = ""
        self.paused = False
        self.note = "connecting…"
        self.clock = ""
        self._last: str | None = None

    def set_state(self, **fields: object) -> None:
        for name, value in fields.items():
            setattr(self, name, value)
        self._redraw()

    def tick(self, now: datetime) -> None:
        """Kept for callers; the clock has its own widget so a tick never repaints this line."""

    def _redraw(self) -> None:
        where = " ".join(x for x in (self.account, ",".join(self.regions), self.profile and f"({self.profile})") if x)
        parts = Text(no_wrap=True, overflow="ellipsis")
        parts.append(f"{self.platform} ", style="bold")
        parts.append_text(plain(where or "—"))
        parts.append("  ")
        parts.append_text(status_text(self.overall))
        if self.window:
            parts.append("  ")
            parts.append_text(plain(self.window))
        if self.paused:
            parts.append("  ⏸ PAUSED", style="bold reverse")
        if self.note:
            parts.append("  ")
            parts.append_text(plain(self.note, style="italic"))
        key = parts.plain
        if key != self._last:  # only repaint when the visible text changed
            self._last = key
            # One fixed-height line: no relayout (a relayout each second repaints every scrollbar
            # on screen, ~4 KB a frame for a table's horizontal scrollbar).
            self.update(parts, layout=False)


def coarse_age(seconds: float | None) -> str:
    """An age that changes at most once a minute (a 1 Hz tick must not repaint every second)."""
    if seconds is not None and seconds < 60:
        return "<1m"
    return format_age(seconds)


def _source_word(src: SourceFreshness) -> str:
    return src.status.value if src.has_data or src.status.value != "pending" else "pending"


class SourcesBar(Static):
    """Every source's state and data age: a summary line that names what is not fresh and why."""

    DEFAULT_CSS = """
    SourcesBar { height: auto; max-height: 3; background: $boost; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("sources: connecting…", id=id)
        self._last: str | None = None

    def show(self, sources: tuple[SourceFreshness, ...]) -> None:
        fresh = [s for s in sources if s.ok]
        bad = [s for s in sources if not s.ok]
        line = Text()
        line.append(f"sources {len(fresh)}/{len(sources)} fresh", style="bold")
        if bad:
            line.append(" (s: details)", style="dim")
        for src in bad:
            line.append("  │ ")
            level = status_level(_source_word(src))
            line.append(f"{level.symbol} {src.name}: ", style=STATUS_STYLE.get(level.css_class, ""))
            # The name is already on the line; the cause may already carry the data's age.
            cause = src.cause.removeprefix(f"{src.name}: ") or _source_word(src)
            if src.has_data and src.age_s is not None and " old" not in cause:
                cause += f", data {coarse_age(src.age_s)} old"
            line.append_text(plain(cause, style="dim" if src.has_data else ""))
        key = line.plain
        if key != self._last:
            self._last = key
            self.update(line)
