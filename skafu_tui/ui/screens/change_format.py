"""Change facts as styled Rich ``Text`` for tables and headers, and the feed as the app sees it.

Status never rides on colour alone: the window flag reads ``✗ outside`` / ``✓ inside`` and an
operator-set category carries ``✎``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from skafu_tui.changes import EMERGENCY, CategorySource, Change, build_changes
from skafu_tui.ledger import LedgerError
from skafu_tui.ui.incident_service import hub_of
from widgets.text import plain

if TYPE_CHECKING:
    from textual.app import App

    from skafu_tui.config import Config
    from skafu_tui.snapshot import Snapshot

CATEGORY_STYLE = {EMERGENCY: "bold magenta", "standard": "", "normal": "bold"}


def window_text(change: Change, *, long: bool = False) -> Text:
    """``✗ outside`` (bold red), ``✓ inside``, or ``— no windows``."""
    if change.in_window is None:
        return Text("— no windows" if long else "—", style="dim", end="")
    if change.in_window:
        return Text("✓ inside window" if long else "✓ inside", style="green", end="")
    return Text("✗ OUTSIDE window" if long else "✗ outside", style="bold red", end="")


def category_text(change: Change) -> Text:
    """The category; ``✎`` marks one an operator set."""
    text = plain(change.category, CATEGORY_STYLE.get(change.category, ""))
    if change.category_source is CategorySource.OVERRIDE:
        text.append(" ✎", style="bold")
    return text


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def feed_for(app: App[Any], cfg: Config, snapshot: Snapshot | None) -> list[Change]:
    """The change feed of `snapshot`, judged with the ledger's incidents and category overrides."""
    if snapshot is None:
        return []
    hub = hub_of(app)
    incidents = hub.view.incidents if hub is not None else ()
    overrides = {}
    if hub is not None and hub.ledger is not None:
        try:
            overrides = hub.ledger.change_overrides()
        except LedgerError:
            overrides = {}  # shown as inferred; the next refresh tries again
    return build_changes(snapshot.trail_events, cfg, incidents=incidents, overrides=overrides)
