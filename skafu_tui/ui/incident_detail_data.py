"""What the incident detail screen shows, read and formatted before `enter` asks for it.

Opening an incident must paint at once, so nothing slow happens on the keypress: while the list's
cursor rests on a row, :meth:`DetailCache.prefetch` reads that incident (ledger rows, related
alarms, findings and Health events, changes before the start, plot series) and formats every
section as Textual ``Content``. On `enter` the screen takes the prepared :class:`DetailContent` if it
is still current (same ledger version, same poll) and only swaps it in; otherwise it is built then.

Only the header and the review clock are formatted at show time: they depend on the clock.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.content import Content

from skafu_tui.changes import Change, Link
from skafu_tui.incidents import Checklist, load_checklist
from skafu_tui.incidents.review import CHANGE_LOOKBACK
from skafu_tui.ledger import Incident, LedgerError, TimelineEntry
from skafu_tui.ui import incident_sections as sections
from skafu_tui.ui.incident_related import service_plots
from widgets.keyed_table import Cell
from widgets.plot import Marker, Threshold

if TYPE_CHECKING:
    from skafu_tui.ui.incident_service import IncidentHub, IncidentView

MARKER_GAP_S = 180
"""Change markers closer than this to the last named one stay unnamed (a deploy is several calls)."""
CACHE_SIZE = 16
"""Prepared incidents kept (the rows around the list's cursor)."""

Series = tuple[str, tuple[float, ...], tuple[float, ...]]
EMPTY = Content("")


@dataclass(frozen=True)
class PlotData:
    """One plot of the detail screen: what :meth:`PlotextPlot.set_series` takes, and its title."""

    title: str
    series: tuple[Series, ...]
    thresholds: tuple[Threshold, ...]
    markers: tuple[Marker, ...]


@dataclass(frozen=True)
class DetailContent:
    """One incident's detail screen, formatted (see the module docstring)."""

    incident_id: int
    version: int
    """The ledger's data version this was read at."""
    view: IncidentView
    """The hub's view (poll) the related items and plots come from."""
    incident: Incident | None
    """``None``: no such incident in the ledger."""
    timeline: tuple[TimelineEntry, ...] = ()
    checklist: Checklist | None = None
    services: Content = EMPTY
    related: Content = EMPTY
    comms: Content = EMPTY
    playbook: Content = EMPTY
    timeline_text: Content = EMPTY
    changes: tuple[Link, ...] = ()
    change_rows: tuple[tuple[str, list[Cell]], ...] = ()
    changes_title: Content = EMPTY
    window: timedelta = CHANGE_LOOKBACK
    plots: tuple[PlotData, ...] = ()


def _content(text: Text) -> Content:
    return Content.from_rich_text(text)


def build(hub: IncidentHub, incident_id: int) -> DetailContent:
    """Read and format incident `incident_id` now (indexed ledger reads and the poll's index)."""
    ledger, view = hub.ledger, hub.view
    if ledger is None:
        return DetailContent(incident_id, -1, view, None)
    version = ledger.data_version()  # first: what is read next is at least this new
    incident = ledger.incident(incident_id)
    if incident is None:
        return DetailContent(incident_id, version, view, None)
    timeline = tuple(ledger.timeline(incident_id))
    checklist = load_checklist(ledger, incident_id)
    assessment, index = view.assessment, view.related
    healths = [assessment.system.service(s) if assessment else None for s in incident.services]
    changes = tuple(index.changes_before(incident)) if index is not None else ()
    window = index.window if index is not None else CHANGE_LOOKBACK
    rows = tuple((link.change.id, _change_cells(link)) for link in changes)
    return DetailContent(
        incident_id=incident_id,
        version=version,
        view=view,
        incident=incident,
        timeline=timeline,
        checklist=checklist,
        services=_content(sections.services(incident, healths)),
        related=_content(sections.related(index.related(incident) if index is not None else None)),
        comms=_content(sections.communication(incident, hub.cfg.incidents.classes.get(incident.incident_class))),
        playbook=_content(sections.playbook(checklist)),
        timeline_text=_content(sections.timeline(timeline)),
        changes=changes,
        change_rows=rows,
        changes_title=_content(changes_title(bool(rows), window)),
        window=window,
        plots=_plots(hub, incident),
    )


def _change_cells(link: Link) -> list[Cell]:
    return [
        f"{link.change.when:%H:%M:%S}",
        link.change.api,
        link.change.who,
        Text(overlap_text(link), style="bold" if link.score else "dim", end=""),
        ", ".join(link.change.resources[:3]),
    ]


def _plots(hub: IncidentHub, incident: Incident) -> tuple[PlotData, ...]:
    """Error rate and p95 of the first service, 60 minutes before the start to now, changes marked."""
    view = hub.view
    assessment, index = view.assessment, view.related
    health = assessment.system.service(incident.services[0]) if assessment and incident.services else None
    window = index.window if index is not None else CHANGE_LOOKBACK
    start, end = incident.started_at - window, max(hub.clock(), incident.started_at)
    plots = service_plots(health, start, end)
    if not any(p.xs for p in plots):
        return ()
    markers = [Marker(incident.started_at.timestamp(), "start")]
    if index is not None:
        mine, labelled = set(index.resources_of(incident)), incident.started_at.timestamp()
        for change in index.changes_between(start, end):
            # Every change is marked; only those touching the incident's services or resources
            # are named, and a burst (a deploy is several calls) once, so labels stay readable.
            x, label = change.when.timestamp(), ""
            touches = change.service in incident.services or mine.intersection(change.resources)
            if touches and abs(x - labelled) > MARKER_GAP_S:
                label, labelled = _api_name(change), x
            markers.append(Marker(x, label))
    out = []
    start_x = incident.started_at.timestamp()
    for data in plots:
        thresholds = [Threshold(data.target, "target", "target")] if data.target is not None else []
        if data.alert is not None:
            thresholds.append(Threshold(data.alert, "alert", "alert"))
        series: list[Series] = [(data.label, data.xs, data.ys)]
        if data.xs and start_x > data.xs[-1]:
            # CloudWatch publishes minutes late, so the start is often past the last point and the
            # plot's x range (which follows the data) would hide its marker: draw it as a line.
            series.append(("start", (start_x, start_x), (min(data.ys), max(data.ys))))
        out.append(PlotData(data.title, tuple(series), tuple(thresholds), tuple(markers)))
    return tuple(out)


def _api_name(change: Change) -> str:
    return change.name[:16]


def overlap_text(link: Link) -> str:
    """``same service + resource``, ``same resource``, ``timing only`` (the names are in the row)."""
    parts = (["same service"] if link.shared_services else []) + (["resource"] if link.shared_resources else [])
    if parts == ["resource"]:
        return "same resource"
    return " + ".join(parts) or "timing only"


def changes_title(found: bool, window: timedelta = CHANGE_LOOKBACK) -> Text:
    minutes = int(window.total_seconds() // 60)
    title = sections.heading(f"Changes in the {minutes} minutes before the start",
                             "most overlapping first · tab: select · enter: show" if found else "")
    if not found:
        title.append("\nnone found in CloudTrail", style="dim")
    return title


class DetailCache:
    """Prepared :class:`DetailContent` by incident id, the most recently used kept."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[int, DetailContent] = OrderedDict()

    def _fresh(self, hub: IncidentHub, found: DetailContent | None) -> bool:
        if found is None or found.view is not hub.view or hub.ledger is None:
            return False
        try:
            return found.version == hub.ledger.data_version()
        except LedgerError:
            return False

    def get(self, hub: IncidentHub, incident_id: int) -> DetailContent:
        """The incident's content: prepared if still current, else built now."""
        found = self._items.get(incident_id)
        if not self._fresh(hub, found):
            found = self._put(build(hub, incident_id))
        else:
            self._items.move_to_end(incident_id)
        assert found is not None
        return found

    def prepared(self, hub: IncidentHub, incident_id: int) -> bool:
        """True if `enter` on this incident would find it ready (nothing to read or format)."""
        return self._fresh(hub, self._items.get(incident_id))

    def prefetch(self, hub: IncidentHub, incident_id: int) -> None:
        """Prepare the incident unless what is prepared is still current."""
        if not self._fresh(hub, self._items.get(incident_id)):
            self._put(build(hub, incident_id))

    def _put(self, content: DetailContent) -> DetailContent:
        self._items[content.incident_id] = content
        self._items.move_to_end(content.incident_id)
        while len(self._items) > self._size:
            self._items.popitem(last=False)
        return content

    def clear(self) -> None:
        self._items.clear()
