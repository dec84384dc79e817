"""The health pane: the services against the seed's targets, plots of the selected one, the resources.

Layout: below ~150 columns everything stacks (services, legend, the selected service and its three
plots, then the resources) and the pane scrolls; wider, the resources move to a right-hand column.
The services table's cursor picks the plotted service; ``enter`` opens its detail.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.widgets import DataTable

from skafu_tui.assess.freshness import freshness_of
from skafu_tui.assess.health import AVAILABILITY, ERROR_RATE, P95, THROUGHPUT
from skafu_tui.ui.filter_bar import FilterableMixin
from skafu_tui.ui.panes.base import Pane
from skafu_tui.ui.panes.health_detail import ServiceDetailScreen
from skafu_tui.ui.panes.health_format import (
    KPI_SHORT,
    LEGEND,
    clip,
    freshness_text,
    kpi_cell,
    lead,
    set_text,
    status_cell,
    threshold_words,
)
from skafu_tui.ui.panes.health_plots import HOURS, ServicePlots
from skafu_tui.ui.panes.health_resources import HealthResources
from skafu_tui.ui.panes.health_table import FitTable
from widgets.text import SafeStatic, plain

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment
    from skafu_tui.assess.common import KpiReading
    from skafu_tui.assess.health import ServiceHealth
    from skafu_tui.snapshot import Snapshot

KPI_COLUMNS = (ERROR_RATE, P95, THROUGHPUT, AVAILABILITY)
WIDE_AT = 150
"""Columns from which the pane lays out side by side."""
TITLE_EVERY_S = 15.0
"""How often the title's source ages are re-read between polls (they change at most once a minute)."""


def service_row(s: ServiceHealth) -> tuple[str, tuple[Text | str, ...]]:
    """One service as both the health and overview tables show it."""
    return s.name, (s.name, status_cell(s.status.value), *(kpi_cell(s.kpi(k)) for k in KPI_COLUMNS))


SERVICE_COLUMNS = ("service", "status", *(KPI_SHORT[k] for k in KPI_COLUMNS))


_LEGEND_NAMES = {ERROR_RATE: "err", P95: "p95", THROUGHPUT: "rps", AVAILABILITY: "avail"}


def _compact(r: KpiReading) -> str:
    unit = {ERROR_RATE: "%", P95: " ms", AVAILABILITY: "%"}.get(r.kpi, "")
    good, bad = ("≥", "<") if r.higher_is_better else ("≤", ">")
    return f"{_LEGEND_NAMES.get(r.kpi, r.kpi)} {good} {r.target:,g}{unit} ({bad} {r.alert:,g})"


def legend_text(services: tuple[ServiceHealth, ...]) -> Text:
    """What the marks were judged against, once for all services (or a pointer when they differ)."""
    judged = {tuple(threshold_words(r) for r in s.kpis) for s in services}
    line = lead("target (alert) ")
    if len(judged) == 1 and services:
        line.append(" · ".join(_compact(r) for r in services[0].kpis))
    else:
        line.append("differ by service: enter on a service shows them")
    line.append(f" · {LEGEND}", style="dim")
    return line


class HealthPane(Pane, FilterableMixin):
    title = "Health"
    sources = ("metrics", "alarms", "elbv2", "rds", "lambda", "s3", "cloudfront", "health")

    DEFAULT_CSS = """
    HealthPane #hl-columns { height: auto; layout: vertical; }
    HealthPane.-wide #hl-columns { layout: horizontal; }
    HealthPane #hl-left { height: auto; }
    HealthPane.-wide #hl-left { width: 1fr; margin-right: 2; }
    HealthPane.-wide #hl-right { width: 1fr; }
    HealthPane #hl-services { height: auto; }
    HealthPane #hl-legend { color: $text-muted; }
    HealthPane #hl-selected { text-wrap: nowrap; text-overflow: ellipsis; }
    HealthPane.-wide #hl-selected { text-wrap: wrap; margin-top: 1; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._assessment: Assessment | None = None
        self._snapshot: Snapshot | None = None
        self._now: datetime | None = None
        self._wanted: str | None = None

    def compose(self) -> ComposeResult:
        yield SafeStatic(freshness_text(self.title, ()), id="hl-title")
        with Container(id="hl-columns"):
            with Vertical(id="hl-left"):
                yield FitTable(SERVICE_COLUMNS, flex=0, id="hl-services", name="services")
                yield SafeStatic(id="hl-legend")
                yield SafeStatic(plain("waiting for data…", style="dim"), id="hl-selected")
                yield ServicePlots(id="hl-plots")
            yield HealthResources(id="hl-right")

    def on_mount(self) -> None:
        self.set_interval(TITLE_EVERY_S, self._retitle, name="health-title")

    # --- drawing --------------------------------------------------------------------------

    def draw(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        self._assessment, self._snapshot, self._now = assessment, snapshot, now
        self._title([assessment.source(n) for n in self.sources])
        services = assessment.system.services
        table = self.query_one("#hl-services", FitTable)
        table.set_rows(service_row(s) for s in services)
        if self._wanted is not None and table.move_cursor_to_key(self._wanted):
            self._wanted = None
        set_text(self.query_one("#hl-legend", SafeStatic), legend_text(services))
        self._show_selected()
        self.query_one(HealthResources).show(assessment.resources, self.cfg)
        if self.app.focused in (None, self):
            self.focus_first()

    def _title(self, sources: list[Any]) -> None:
        set_text(self.query_one("#hl-title", SafeStatic), freshness_text(self.title, sources))

    def _retitle(self) -> None:
        """Re-judge the sources' ages between polls (a pane must not say "<1m" for ten minutes)."""
        clock = getattr(self.app, "clock", None)
        if self._snapshot is None or clock is None or not self.shown:
            return
        now = clock()
        self._title([freshness_of(self._snapshot.source(n), now) for n in self.sources])

    def selected_service(self) -> ServiceHealth | None:
        if self._assessment is None:
            return None
        services = self._assessment.system.services
        key = self.query_one("#hl-services", FitTable).selected_key
        found = self._assessment.system.service(key) if key is not None else None
        return found or (services[0] if services else None)

    def _show_selected(self) -> None:
        if self._assessment is None or self._now is None:
            return
        svc = self.selected_service()
        line = Text(end="")
        if svc is None:
            line.append("no services configured", style="dim")
        else:
            line.append_text(plain(svc.name, style="bold"))
            line.append(" ")
            line.append_text(status_cell(svc.status.value))
            line.append(f" · last {HOURS} h · enter: detail · ", style="dim")
            reasons = svc.reasons
            line.append_text(plain(clip("; ".join(reasons)) if reasons else "every KPI within target"))
        set_text(self.query_one("#hl-selected", SafeStatic), line)
        self.query_one(ServicePlots).show(svc, self._now)

    # --- selection and drill-down ---------------------------------------------------------

    def select_service(self, name: str) -> None:
        """Put the services table's cursor on ``name`` (now, or when the pane next draws)."""
        table = self.query_one("#hl-services", FitTable)
        if table.move_cursor_to_key(name):
            self._wanted = None
            self._show_selected()
        else:
            self._wanted = name

    def reveal(self, widget_id: str) -> None:
        """Bring a resource section into view (focusing it when it is a table with rows)."""
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, FitTable) and widget.display:
            widget.focus()
        # After the next refresh: a pane just switched to has no layout yet.
        self.call_after_refresh(lambda: widget.scroll_visible(top=True, animate=False))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "hl-services":
            self._show_selected()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "hl-services" or self._assessment is None:
            return
        svc = self._assessment.system.service(str(event.row_key.value))
        if svc is not None:
            self.app.push_screen(ServiceDetailScreen(svc, self._assessment.evaluation_window_minutes))

    # --- layout ---------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE_AT
        self.set_class(wide, "-wide")
        plots = self.query_one(ServicePlots)
        plots.set_row(not wide)
        # Wide: the plots stack in what the left column leaves, within modest bounds (cost grows with size).
        plots.styles.height = max(18, min(36, event.size.height - 13)) if wide else 10
