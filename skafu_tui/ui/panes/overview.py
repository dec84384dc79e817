"""The overview pane."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Static

from skafu_tui.ui.panes.base import Pane
from widgets.text import plain

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment
    from skafu_tui.snapshot import Snapshot


class OverviewPane(Pane):
    title = "Overview"

    def compose(self) -> ComposeResult:
        yield Static(plain("Overview: waiting for data…"), id="overview-body")

    def draw(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        self.query_one("#overview-body", Static).update(plain(f"Overview: {assessment.system.overall_status.value}"))
