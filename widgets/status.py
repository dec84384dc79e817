"""Status words with symbols, and freshness labels that show how old a fact is.

Status is never carried by colour alone (``NO_COLOR`` makes Textual greyscale): every badge shows a symbol and
a word, and colour comes from CSS classes so themes decide it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import NamedTuple

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content
from textual.reactive import var
from textual.widget import Widget

from widgets.text import one_line

__all__ = [
    "STATUS_LEVELS",
    "FreshnessLabel",
    "StatusBadge",
    "StatusLevel",
    "format_age",
    "format_countdown",
    "status_level",
]


class StatusLevel(NamedTuple):
    """How one status name is drawn."""

    symbol: str
    """The glyph shown before the word (carries the meaning without colour)."""
    css_class: str
    """The severity class set on the widget (``-ok``, ``-warn``, ``-fail``, ``-unknown``, ``-stale``)."""


_OK = StatusLevel("●", "-ok")
_WARN = StatusLevel("▲", "-warn")
_FAIL = StatusLevel("✖", "-fail")
_UNKNOWN = StatusLevel("?", "-unknown")
_STALE = StatusLevel("◌", "-stale")

STATUS_LEVELS: dict[str, StatusLevel] = {
    "ok": _OK,
    "healthy": _OK,
    "fresh": _OK,
    "warn": _WARN,
    "warning": _WARN,
    "degraded": _WARN,
    "fail": _FAIL,
    "failed": _FAIL,
    "error": _FAIL,
    "unhealthy": _FAIL,
    "critical": _FAIL,
    "unknown": _UNKNOWN,
    "loading": _UNKNOWN,
    "stale": _STALE,
}
"""Status name (lower case) to symbol and severity class; unlisted names draw as unknown."""

_SEVERITY_CLASSES = ("-ok", "-warn", "-fail", "-unknown", "-stale")


def status_level(status: str) -> StatusLevel:
    """Return the symbol and CSS class for a status name (case-insensitive; unknown names get ``?``)."""
    return STATUS_LEVELS.get(status.strip().lower(), _UNKNOWN)


def format_age(seconds: float | None) -> str:
    """Format an age compactly: ``"12s"``, ``"4m"``, ``"2h"``, ``"3d"``; ``"—"`` when unknown.

    Units are floored so the text changes at most once per unit (a 1 Hz tick repaints a ``4m`` label once a
    minute). Negative ages (clock skew) show as ``"0s"``.
    """
    if seconds is None or math.isnan(seconds):
        return "—"
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h"
    return f"{s // 86400}d"


def format_countdown(seconds: float) -> str:
    """Format time left: ``"14m 05s"``, ``"2h 03m"``, ``"45s"``; past zero ``"-3m overdue"``."""
    if seconds < 0:
        return f"-{format_age(-seconds)} overdue"
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600:02d}h"


class StatusBadge(Widget):
    """A status shown as symbol and word, e.g. ``● healthy``, ``▲ degraded``, ``✖ unhealthy``.

    The severity class (``-ok``, ``-warn``, ``-fail``, ``-unknown``, ``-stale``) is set on the widget so CSS
    picks the colour; the symbol and word carry the meaning without colour.
    """

    DEFAULT_CSS = """
    StatusBadge {
        width: auto;
        height: 1;
        &.-ok { color: $text-success; }
        &.-warn { color: $text-warning; }
        &.-fail { color: $text-error; text-style: bold; }
        &.-unknown { color: $text-muted; }
        &.-stale { color: $text-muted; text-style: italic; }
    }
    """

    status: var[str] = var("unknown")
    """The status name (e.g. ``healthy``); picks the symbol and severity class."""
    label: var[str | None] = var(None)
    """The word shown; ``None`` shows the status name itself."""

    def __init__(
        self,
        status: str = "unknown",
        label: str | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(StatusBadge.status, status)
        self.set_reactive(StatusBadge.label, label)
        self._text = ""
        self._apply()

    @property
    def text(self) -> str:
        """The text shown (symbol and word)."""
        return self._text

    def watch_status(self) -> None:
        self._apply()

    def watch_label(self) -> None:
        self._apply()

    def _apply(self) -> None:
        level = status_level(self.status)
        word = self.status if self.label is None else self.label
        text = f"{level.symbol} {one_line(word)}"
        for css_class in _SEVERITY_CLASSES:
            self.set_class(css_class == level.css_class, css_class)
        if text != self._text:
            width_changed = cell_len(text) != cell_len(self._text)
            self._text = text
            self.refresh(layout=width_changed)

    def render(self) -> RenderResult:
        return Content(self._text)


class FreshnessLabel(Widget):
    """A source's name, state word and data age, e.g. ``● GuardDuty fresh 12s``; dimmed when stale.

    The age comes from ``clock() - updated_at``. With ``tick`` set the label re-reads the clock on that
    interval, but repaints only when its text changes: a ``4m`` label repaints once a minute, not every tick.
    Once the age passes ``stale_after`` the label dims (class ``-stale``, symbol ``◌``) and a good state reads
    ``stale``; an error keeps its ``✖`` and its cause.
    """

    DEFAULT_CSS = """
    FreshnessLabel {
        width: auto;
        height: 1;
        &.-ok { color: $text; }
        &.-warn { color: $text-warning; }
        &.-fail { color: $text-error; }
        &.-unknown { color: $text-muted; }
        &.-stale { color: $text-muted; text-style: dim; }
    }
    """

    source: var[str] = var("")
    """The name shown first (e.g. the data source)."""
    state: var[str] = var("unknown")
    """The state word (``fresh``, ``error``, ``loading``...); a status name from ``STATUS_LEVELS``."""
    detail: var[str] = var("")
    """Optional words after the state, e.g. the cause of an error."""
    updated_at: var[float | None] = var(None)
    """Clock time (as ``clock`` reports it) of the data shown; ``None`` if there is none yet."""
    stale_after: var[float | None] = var(None)
    """Age in seconds past which the data counts as stale; ``None`` never."""

    def __init__(
        self,
        source: str,
        *,
        state: str = "unknown",
        detail: str = "",
        updated_at: float | None = None,
        stale_after: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        tick: float | None = 1.0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._clock = clock
        self._tick = tick
        self._text = ""
        self.render_count = 0
        """How many times the label has rendered (for tests and benchmarks)."""
        self.set_reactive(FreshnessLabel.source, source)
        self.set_reactive(FreshnessLabel.state, state)
        self.set_reactive(FreshnessLabel.detail, detail)
        self.set_reactive(FreshnessLabel.updated_at, updated_at)
        self.set_reactive(FreshnessLabel.stale_after, stale_after)
        self.refresh_age()

    def on_mount(self) -> None:
        if self._tick is not None:
            self.set_interval(self._tick, self.refresh_age, name="freshness-tick")

    @property
    def text(self) -> str:
        """The text shown."""
        return self._text

    @property
    def age(self) -> float | None:
        """Seconds since ``updated_at`` by ``clock``, or ``None`` without data."""
        if self.updated_at is None:
            return None
        return self._clock() - self.updated_at

    @property
    def is_stale(self) -> bool:
        """True once the age passes ``stale_after`` (or the state itself is ``stale``)."""
        age = self.age
        if self.state.lower() == "stale":
            return True
        return age is not None and self.stale_after is not None and age > self.stale_after

    def mark(self, state: str, updated_at: float | None = None, detail: str = "") -> None:
        """Set state, detail and (if given) the data time at once, repainting at most once."""
        self.set_reactive(FreshnessLabel.state, state)
        self.set_reactive(FreshnessLabel.detail, detail)
        if updated_at is not None:
            self.set_reactive(FreshnessLabel.updated_at, updated_at)
        self.refresh_age()

    def _watch_any(self) -> None:
        self.refresh_age()

    watch_source = _watch_any
    watch_state = _watch_any
    watch_detail = _watch_any
    watch_updated_at = _watch_any
    watch_stale_after = _watch_any

    def refresh_age(self) -> None:
        """Recompute the text from the clock; repaint only if it changed."""
        level = status_level(self.state)
        state = self.state
        # Old data dims the label; a failure keeps its own symbol and class, a good state reads "stale",
        # any other state (throttled, loading...) keeps its word.
        if self.is_stale and level.css_class != "-fail":
            if level.css_class == "-ok":
                state = "stale"
            level = status_level("stale")
        parts = [level.symbol, one_line(self.source), one_line(state)]
        if self.detail:
            parts[-1] += ":"
            parts.append(one_line(self.detail))
        age = self.age
        if age is not None:
            parts.append(format_age(age))
        text = " ".join(part for part in parts if part)
        for css_class in _SEVERITY_CLASSES:
            self.set_class(css_class == level.css_class, css_class)
        if text != self._text:
            width_changed = cell_len(text) != cell_len(self._text)
            self._text = text
            self.refresh(layout=width_changed)

    def render(self) -> RenderResult:
        self.render_count += 1
        return Content(self._text)
