"""The overview (launch screen): overall status, the five services, open incidents, top alerts, cost.

Below ~150 columns the sections stack (services, incidents and cost above the alerts, which take
the remaining height and scroll); wider, the alerts move to a right-hand column. ``enter`` on a
service opens the health pane on it; on an alert, the pane that explains it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.reactive import var
from textual.widgets import DataTable

from skafu_tui.assess.freshness import freshness_of
from skafu_tui.ui.filter_bar import FilterableMixin
from skafu_tui.ui.panes.base import Pane
from skafu_tui.ui.panes.health import SERVICE_COLUMNS, WIDE_AT, HealthPane, service_row
from skafu_tui.ui.panes.health_format import freshness_text, lead, set_text
from skafu_tui.ui.panes.health_table import FitTable
from skafu_tui.ui.panes.overview_text import (
    alert_detail,
    alert_rows,
    alert_section,
    alert_target,
    alerts_heading,
    business_line,
    cost_line,
    incidents_line,
    summary_line,
)
from widgets.text import SafeStatic, plain

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment
    from skafu_tui.assess.alerts import Alert
    from skafu_tui.assess.freshness import SourceFreshness
    from skafu_tui.snapshot import Snapshot

TITLE_EVERY_S = 15.0


class OverviewPane(Pane, FilterableMixin):
    title = "Overview"
    sources = ("metrics", "alarms", "cost", "budgets")

    DEFAULT_CSS = """
    OverviewPane #ov-columns { height: 1fr; min-height: 16; layout: vertical; }
    OverviewPane.-wide #ov-columns { layout: horizontal; }
    OverviewPane #ov-left { height: auto; }
    OverviewPane.-wide #ov-left { width: 78; height: 1fr; margin-right: 2; }
    OverviewPane #ov-right { height: 1fr; min-height: 7; }
    OverviewPane.-wide #ov-right { width: 1fr; }
    OverviewPane #ov-services { height: auto; }
    OverviewPane.-wide #ov-incidents { margin-top: 1; }
    OverviewPane #ov-alerts { height: 1fr; min-height: 4; }
    OverviewPane #ov-alert-detail { height: 1; text-wrap: nowrap; text-overflow: ellipsis; color: $text-muted; }
    OverviewPane #ov-business, OverviewPane #ov-alert-full { display: none; margin-top: 1; }
    OverviewPane.-wide #ov-business, OverviewPane.-wide #ov-alert-full { display: block; }
    OverviewPane.-wide #ov-alert-detail { display: none; }
    """

    incident_counts: var[dict[str, int] | None] = var[dict[str, int] | None](None, always_update=True)
    """Open incidents by class (``{"P0": 0, "P1": 1, …}``); ``None`` until the incident ledger is wired."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._alerts: dict[str, Alert] = {}
        self._snapshot: Snapshot | None = None
        self._others: tuple[SourceFreshness, ...] = ()

    def compose(self) -> ComposeResult:
        yield SafeStatic(freshness_text(self.title, ()), id="ov-title")
        yield SafeStatic(plain("waiting for data…", style="dim"), id="ov-summary")
        with Container(id="ov-columns"):
            with Vertical(id="ov-left"):
                yield FitTable(SERVICE_COLUMNS, flex=0, id="ov-services", name="services")
                yield SafeStatic(incidents_line(None, ()), id="ov-incidents")
                yield SafeStatic(id="ov-cost")
                yield SafeStatic(id="ov-business")
                yield SafeStatic(id="ov-alert-full")
            with Vertical(id="ov-right"):
                yield SafeStatic(id="ov-alerts-head")
                yield FitTable(["", "area", "alert", "detail"], flex=3, caps={2: 34}, reserve_scrollbar=True,
                               id="ov-alerts", name="alerts")
                yield SafeStatic(id="ov-alert-detail")

    def on_mount(self) -> None:
        self.set_interval(TITLE_EVERY_S, self._retitle, name="overview-title")

    # --- drawing --------------------------------------------------------------------------

    def draw(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        self._snapshot = snapshot
        self._others = assessment.sources
        self._title([assessment.source(n) for n in self.sources])
        system = assessment.system
        set_text(self.query_one("#ov-summary", SafeStatic), summary_line(system))
        self.query_one("#ov-services", FitTable).set_rows(service_row(s) for s in system.services)
        set_text(self.query_one("#ov-cost", SafeStatic), cost_line(assessment.cost, assessment.source("cost")))
        set_text(self.query_one("#ov-business", SafeStatic), business_line(assessment.business))
        rows = alert_rows(assessment.alerts)
        self._alerts = {key: alert for (key, _), alert in zip(rows, assessment.alerts, strict=True)}
        missing = sum(1 for src in assessment.sources if not src.ok)
        set_text(self.query_one("#ov-alerts-head", SafeStatic), alerts_heading(assessment.alerts, missing))
        table = self.query_one("#ov-alerts", FitTable)
        table.set_rows(rows)
        if not table.has_focus and rows and table.cursor_row != 0:
            # Nobody is reading the list: keep the worst alerts in view (a focused table keeps its row).
            table.move_cursor(row=0)
        self._show_alert_detail()
        if self.app.focused in (None, self):
            self.focus_first()  # the launch screen: j/k, enter and / work without a tab first

    def _title(self, sources: list[SourceFreshness | None]) -> None:
        text = freshness_text(self.title, sources, others=self._others)
        set_text(self.query_one("#ov-title", SafeStatic), text)

    def _retitle(self) -> None:
        """Re-judge the sources' ages between polls (they change at most once a minute)."""
        clock = getattr(self.app, "clock", None)
        if self._snapshot is None or clock is None or not self.shown:
            return
        now = clock()
        snapshot = self._snapshot
        self._others = tuple(freshness_of(snapshot.source(s.name), now) for s in self._others)
        self._title([freshness_of(snapshot.source(n), now) for n in self.sources])

    def watch_incident_counts(self, counts: dict[str, int] | None) -> None:
        if self.is_mounted:
            classes = self.cfg.incidents.ordered_classes()
            set_text(self.query_one("#ov-incidents", SafeStatic), incidents_line(counts, classes))

    def show_incidents(self, counts: Mapping[str, int]) -> None:
        """Show open incidents by class (the incident ledger calls this on every change)."""
        self.incident_counts = dict(counts)

    def _show_alert_detail(self) -> None:
        key = self.query_one("#ov-alerts", FitTable).selected_key
        alert = self._alerts.get(key) if key is not None else None
        text = alert_detail(alert) if alert else Text("")
        set_text(self.query_one("#ov-alert-detail", SafeStatic), text)
        full = lead("Selected alert\n")
        full.append_text(text)
        set_text(self.query_one("#ov-alert-full", SafeStatic), full if alert else text)

    # --- drill-down -----------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "ov-alerts":
            self._show_alert_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        if event.data_table.id == "ov-services":
            self.open_pane("health", key)
        elif event.data_table.id == "ov-alerts" and key in self._alerts:
            alert = self._alerts[key]
            self.open_pane(*alert_target(alert), section=alert_section(alert))

    def open_pane(self, pane_id: str, service: str | None = None, *, section: str | None = None) -> None:
        """Show ``pane_id``; on the health pane, with the cursor on ``service`` or at ``section``."""
        show = getattr(self.app, "action_show_pane", None)
        if show is None or pane_id == "overview":
            return
        show(pane_id)
        if pane_id == "health":
            health = self.app.query_one("#health", HealthPane)
            if service is not None:
                health.select_service(service)
            if section is not None:
                health.reveal(section)

    # --- layout ---------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= WIDE_AT, "-wide")
