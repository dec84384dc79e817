"""`s`: every source, its state, data age, cadence and cause in words."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from skafu_tui.assess.freshness import SourceFreshness
from skafu_tui.ui.header import coarse_age, status_text
from widgets.keyed_table import KeyedTable
from widgets.status import format_age
from widgets.text import plain


class SourcesScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    SourcesScreen { align: center middle; }
    SourcesScreen > KeyedTable { width: 100%; max-width: 140; height: auto; max-height: 90%;
        border: round $accent; }
    """
    BINDINGS = [Binding("escape,s,q", "dismiss", "Close", id="sources.close")]

    def __init__(self, sources: tuple[SourceFreshness, ...], now: datetime) -> None:
        super().__init__()
        self.sources = sources
        self.now = now

    def compose(self) -> ComposeResult:
        yield Static(plain("Sources: state, data age, cadence, cause"), id="sources-title")
        yield KeyedTable(["source", "state", "data age", "cadence", "cause"], id="sources-table")

    def on_mount(self) -> None:
        table = self.query_one(KeyedTable)
        table.set_rows(
            (
                s.name,
                (
                    s.name,
                    status_text(s.status.value, upper=False),
                    coarse_age(s.age_s) if s.has_data else "—",
                    format_age(s.cadence_s),
                    s.cause or "",
                ),
            )
            for s in self.sources
        )
        table.focus()
