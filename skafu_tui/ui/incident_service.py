"""The app's incident service: the ledger, the incident engine, alerting and what the screens read.

Flow (see also :mod:`skafu_tui.incidents.lifecycle`):

- :meth:`IncidentHub.start` (on mount) opens the ledger; a problem becomes a notification in words.
- :meth:`IncidentHub.after_assessment` runs on the assess thread after each assessment: signals,
  ``IncidentEngine.update`` (one transaction), the related-item index, then it posts
  :class:`IncidentsUpdated` to the app.
- :meth:`IncidentHub.apply` (the app's handler, on the event loop) rings the bell and raises a
  banner once per bell-worthy change (the bell muted in a maintenance window), updates the list
  pane, the overview's counts, the quit confirmation's count and any open detail screen.
- :meth:`IncidentHub.poll` (the app's 1 s tick) asks the ledger whether another instance wrote;
  if so it re-reads in a thread. One ``MAX(rev)`` query per second.
- :meth:`IncidentHub.write` runs an operator's write on a thread and calls back on the loop
  only after the commit, so the screen confirms what is durable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message

from skafu_tui.changes.feed import build_changes
from skafu_tui.changes.signals import change_signals
from skafu_tui.incidents import ChangeKind, IncidentChange, IncidentEngine, rings_bell
from skafu_tui.incidents.from_assessment import signals_from_assessment
from skafu_tui.incidents.signals import Signal
from skafu_tui.ledger import Incident, Ledger, LedgerError
from skafu_tui.ledger_cli import LEDGER_FILE, user_state_dir
from skafu_tui.ui.gc_hold import release_all
from skafu_tui.ui.incident_detail_data import DetailCache
from skafu_tui.ui.incident_related import RelatedIndex
from skafu_tui.windows import in_window

if TYPE_CHECKING:
    from textual.app import App

    from skafu_tui.assess import Assessment
    from skafu_tui.config import Config
    from skafu_tui.options import Options
    from skafu_tui.snapshot import Snapshot

T = TypeVar("T")

RECENT = timedelta(days=7)
"""Resolved incidents listed after the open ones: those resolved this recently …"""
RECENT_LIMIT = 500
"""… at most this many."""

MAX_BANNERS = 5
"""Banners (and bells) per poll; more bell-worthy changes than this get one summary banner."""

_VERB = {ChangeKind.OPENED: "New", ChangeKind.REOPENED: "Reopened", ChangeKind.ESCALATED: "Escalated"}


@dataclass(frozen=True)
class IncidentView:
    """What the incident screens draw: a consistent read of the ledger plus the latest poll."""

    incidents: tuple[Incident, ...] = ()
    """Open incidents (newest first), then recently resolved ones (most recent first)."""
    counts: dict[str, int] = field(default_factory=dict)
    """Open incidents by class, every configured class present, most severe first."""
    unacknowledged: int = 0
    assessment: Assessment | None = None
    related: RelatedIndex | None = None
    version: int = 0
    """The ledger's data version when this was read (views read on different threads may arrive
    out of order; an older one is not shown over a newer one)."""

    def get(self, incident_id: int) -> Incident | None:
        return next((i for i in self.incidents if i.id == incident_id), None)


@dataclass
class IncidentsUpdated(Message):
    """Posted to the app from a thread: a new view, the engine's changes, or a problem in words."""

    view: IncidentView
    changes: tuple[IncidentChange, ...] = ()
    problem: str = ""


class IncidentHub:
    """See the module docstring. One per app; inert (every method a no-op) when the ledger failed."""

    def __init__(
        self,
        app: App[Any],
        cfg: Config,
        options: Options | None,
        clock: Callable[[], datetime],
        state_dir: Path | None = None,
    ) -> None:
        self.app = app
        self.cfg = cfg
        self.clock = clock
        self.ledger: Ledger | None = None
        self.engine: IncidentEngine | None = None
        self.view = IncidentView(counts=self._counts(()))
        self.problem = ""
        """Why incidents are not recorded (the ledger could not be opened), in words; else empty."""
        self.listeners: list[Callable[[], None]] = []
        """Called on the loop after every new view (open detail screens refresh themselves)."""
        self.detail_cache = DetailCache()
        """Incident detail content prepared ahead of `enter` (the list fills it for its cursor's row)."""
        self._temporary = False
        self._seen_version = 0
        self._last_problem = ""
        self._related_for: RelatedIndex | None = None
        explicit = state_dir or (options.state_dir if options is not None else None)
        if explicit is not None:
            self.state_dir: Path | None = explicit.expanduser()
        elif options is None or options.demo:
            self.state_dir = None  # a temporary dir, made in start()
        else:
            self.state_dir = user_state_dir()

    # --- lifecycle (event loop) -------------------------------------------------------------

    def start(self) -> None:
        """Open the ledger. Never raises: a failure is shown and incidents stay off."""
        try:
            if self.state_dir is None:
                self.state_dir = Path(tempfile.mkdtemp(prefix="skafu-tui-demo-"))
                self._temporary = True
            self.ledger = Ledger.open(
                self.state_dir / LEDGER_FILE, actor=self.cfg.platform.operator, clock=self.clock
            )
        except (LedgerError, OSError) as error:
            self.problem = f"Incidents are not recorded: {error}"
            self.app.notify(self.problem, title="Ledger unavailable", severity="error", timeout=30, markup=False)
            return
        if self.ledger.problem is not None:
            self.app.notify(
                self.ledger.problem.message, title="Ledger moved aside", severity="warning", timeout=30, markup=False
            )
        self.engine = IncidentEngine(self.ledger, self.cfg.incidents)
        self._seen_version = self.ledger.data_version()
        self.app.unacknowledged = lambda: self.view.unacknowledged  # type: ignore[attr-defined]
        self.refresh()

    def close(self) -> None:
        release_all()  # no collector hold may outlive the app (see gc_hold)
        if self.ledger is not None:
            self.ledger.close()
            self.ledger = None
        if self._temporary and self.state_dir is not None:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    @property
    def export_dir(self) -> Path:
        """Where the detail screen writes review documents: the state dir, or cwd in demo mode."""
        if self._temporary or self.state_dir is None:
            return Path.cwd()
        return self.state_dir

    # --- reads ------------------------------------------------------------------------------

    def _counts(self, incidents: tuple[Incident, ...]) -> dict[str, int]:
        counts = dict.fromkeys(self.cfg.incidents.ordered_classes(), 0)
        for incident in incidents:
            if incident.is_open:
                counts[incident.incident_class] = counts.get(incident.incident_class, 0) + 1
        return counts

    def read_view(self, assessment: Assessment | None = None, related: RelatedIndex | None = None) -> IncidentView:
        """A fresh view from the ledger (any thread); keeps the latest assessment unless given one."""
        assert self.ledger is not None
        version = self.ledger.data_version()  # first: the rows read next are at least this new
        incidents = tuple(self.ledger.incidents(resolved_since=self.clock() - RECENT, limit=RECENT_LIMIT))
        return IncidentView(
            version=version,
            incidents=incidents,
            counts=self._counts(incidents),
            unacknowledged=sum(1 for i in incidents if i.is_open and not i.acknowledged),
            assessment=assessment or self.view.assessment,
            related=related or self.view.related,
        )

    # --- per poll (assess thread) -----------------------------------------------------------

    def after_assessment(self, assessment: Assessment, snapshot: Snapshot) -> None:
        """Run the engine on this poll and post the result (called on the assess thread)."""
        if self.ledger is None or self.engine is None:
            return
        try:
            signals, unobserved = signals_from_assessment(assessment, snapshot, self.cfg)
            signals = [*signals, *self._change_signals(assessment, snapshot)]
            changes = self.engine.update(signals, assessment.generated_at, unobserved=unobserved)
            related = self._index(snapshot)
            view = self.read_view(assessment, related)
        except LedgerError as error:
            self.app.post_message(IncidentsUpdated(self.view, problem=f"Incidents not updated: {error}"))
            return
        self.app.post_message(IncidentsUpdated(view, tuple(changes)))

    def _change_signals(self, assessment: Assessment, snapshot: Snapshot) -> list[Signal]:
        """Production changes outside a maintenance window (not emergencies) are P2 findings of their own."""
        assert self.ledger is not None
        since = assessment.generated_at - timedelta(hours=3)
        changes = build_changes(
            snapshot.trail_events,
            self.cfg,
            incidents=self.ledger.incidents(resolved_since=since),
            overrides=self.ledger.change_overrides(),
        )
        return change_signals(changes, self.cfg.changes.environment)

    def _index(self, snapshot: Snapshot) -> RelatedIndex:
        cached = self._related_for
        if cached is not None and cached.snapshot is snapshot:
            return cached
        self._related_for = RelatedIndex.build(snapshot, self.cfg)
        return self._related_for

    # --- the loop side ----------------------------------------------------------------------

    def apply(self, message: IncidentsUpdated) -> None:
        """Show a new view: alerts, counts, panes and open screens (the app's message handler)."""
        if message.problem:
            if message.problem != self._last_problem:
                self.app.notify(message.problem, title="Ledger", severity="error", timeout=15, markup=False)
            self._last_problem = message.problem
            return
        self._last_problem = ""
        view = self._newer(message.view)
        if view is not self.view:
            # Prepared detail content refers to the old view (and through it the old Snapshot).
            self.detail_cache.clear()
        self.view = view
        self._alert(message.changes)
        self._show()

    def _newer(self, view: IncidentView) -> IncidentView:
        current = self.view
        if view.version < current.version:
            return current
        if current.assessment is not None and (
            view.assessment is None or view.assessment.generated_at < current.assessment.generated_at
        ):
            return dataclasses.replace(view, assessment=current.assessment, related=current.related)
        return view

    def _alert(self, changes: tuple[IncidentChange, ...]) -> None:
        """One bell and one banner per bell-worthy change; a burst beyond :data:`MAX_BANNERS` (a
        first poll of a broken account) ends in one summary banner instead of hundreds."""
        alerts = [c for c in changes if c.alert]
        if not alerts:
            return
        now = self.clock()
        muted = in_window(self.cfg, now)
        shown = alerts if len(alerts) <= MAX_BANNERS else alerts[: MAX_BANNERS - 1]
        for change in shown:
            incident = change.incident
            verb = _VERB.get(change.kind, "Changed")
            services = ", ".join(incident.services) or ", ".join(incident.resources[:3]) or "—"
            lines = [f"#{incident.id} {incident.title}", f"affects: {services}"]
            if change.previous_class:
                lines.append(f"was {change.previous_class}")
            if rings_bell(change, self.cfg.incidents, in_maintenance_window=muted):
                self.app.bell()
            elif muted:
                lines.append("bell muted: maintenance window")
            self.app.notify(
                "\n".join(lines),
                title=f"{verb} {incident.incident_class} incident",
                severity="error",
                timeout=20,
                markup=False,
            )
        rest = alerts[len(shown):]
        if rest:
            by_class: dict[str, int] = {}
            for change in rest:
                by_class[change.incident.incident_class] = by_class.get(change.incident.incident_class, 0) + 1
            if not muted or self.cfg.incidents.bell_in_maintenance_window:
                self.app.bell()
            counts = ", ".join(f"{count} {name}" for name, count in sorted(by_class.items()))
            self.app.notify(
                f"and {len(rest)} more: {counts} (key 6: the incident list)",
                title="More new incidents",
                severity="error",
                timeout=20,
                markup=False,
            )

    def _show(self) -> None:
        from skafu_tui.ui.panes.incidents import IncidentsPane

        # app.query() searches only the screen on top; the panes live on the first one.
        for screen in self.app.screen_stack:
            for pane in screen.query(IncidentsPane):
                pane.show_view(self.view)
            for overview in screen.query("OverviewPane"):
                show = getattr(overview, "show_incidents", None)
                if callable(show):
                    show(dict(self.view.counts))
        for listener in list(self.listeners):
            listener()

    def poll(self) -> None:
        """Re-read when another instance wrote to the ledger (cheap when nothing changed)."""
        if self.ledger is None:
            return
        try:
            version = self.ledger.data_version()
            if version == self._seen_version:
                return
            changes = self.ledger.changes_since(self._seen_version)
        except LedgerError:
            return  # the next tick tries again; writes report their own failures
        self._seen_version = changes.version
        if changes.truncated or changes.foreign(self.ledger.origin):
            self.refresh()

    def refresh(self) -> None:
        """Re-read the ledger on a thread and show it."""
        if self.ledger is None:
            return

        def read() -> None:
            try:
                self.app.post_message(IncidentsUpdated(self.read_view()))
            except LedgerError as error:
                self.app.post_message(IncidentsUpdated(self.view, problem=f"Ledger not readable: {error}"))

        self.app.run_worker(read, thread=True, group="incident-refresh", exit_on_error=False)

    def write(
        self,
        action: Callable[[Ledger], T],
        done: Callable[[T], None],
        failed: Callable[[str], None] | None = None,
    ) -> None:
        """Run `action` on the ledger in a thread; `done(result)` runs on the loop after the commit.

        A :class:`LedgerError` (busy, disk full), ``ValueError`` (empty note) or ``OSError`` (an
        export that cannot be written) goes to `failed`,
        or becomes an error notification, with nothing shown as saved.
        """
        ledger = self.ledger
        if ledger is None:
            self._failed(failed, self.problem or "the ledger is not open")
            return

        def run() -> None:
            try:
                result = action(ledger)
            except (LedgerError, ValueError, LookupError, OSError) as error:
                self.app.call_from_thread(self._failed, failed, str(error))
                return
            self.app.call_from_thread(done, result)
            # The write itself is confirmed; if re-reading fails the list catches up at the next poll.
            with contextlib.suppress(LedgerError):
                self.app.post_message(IncidentsUpdated(self.read_view()))

        self.app.run_worker(run, thread=True, group="ledger-write", exit_on_error=False)

    def _failed(self, failed: Callable[[str], None] | None, text: str) -> None:
        if failed is not None:
            failed(text)
        else:
            self.app.notify(f"Not saved: {text}", title="Ledger", severity="error", timeout=15, markup=False)


def hub_of(app: App[Any]) -> IncidentHub | None:
    """The app's incident hub (``None`` in an app without one, e.g. a widget test)."""
    hub = getattr(app, "incident_hub", None)
    return hub if isinstance(hub, IncidentHub) else None
