"""The Textual app: header, pane tabs, five panes, sources bar; a live session feeding them.

The app owns the live session (poller and, in demo mode, the embedded endpoint) as one named
worker, so switching screens never cancels polling. Each Snapshot is assessed on a thread (pure
code, but 10,000 findings should not stall input) and the result is drawn by the visible pane.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static
from textual.worker import get_current_worker

from skafu_tui.assess import Assessment, assess
from skafu_tui.assess.freshness import all_freshness
from skafu_tui.snapshot import Snapshot
from skafu_tui.ui.header import HeaderClock, SourcesBar, StatusHeader
from skafu_tui.ui.incident_service import IncidentHub, IncidentsUpdated
from skafu_tui.ui.keys import APP_BINDINGS, PANES
from skafu_tui.ui.messages import AssessmentReady, SessionStatus, SnapshotReady
from skafu_tui.ui.panes import PANE_CLASSES
from skafu_tui.ui.panes.base import Pane
from skafu_tui.ui.screens.confirm import ConfirmScreen
from skafu_tui.ui.screens.help import HelpScreen, binding_rows
from skafu_tui.ui.screens.sources import SourcesScreen
from skafu_tui.windows import window_summary

if TYPE_CHECKING:
    from collections.abc import Callable

    from skafu_tui.config import Config
    from skafu_tui.options import Options


def utcnow() -> datetime:
    return datetime.now(UTC)


class PaneTabs(Static):
    """`1 Overview  2 Health …` with the shown pane highlighted."""

    DEFAULT_CSS = """
    PaneTabs { height: 1; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.keys = {pane: key for pane, _, key in PANES}

    def show_active(self, active: str) -> None:
        self.active = active
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        active = getattr(self, "active", PANES[0][0])
        width = self.size.width or 80
        full = sum(len(title) + len(key) + 4 for _, title, key in PANES)
        text = Text()
        for pane, title, key in PANES:
            # Too narrow for every title: the shown pane keeps its title, the others their key.
            shown = title if full <= width or pane == active else title[:3]
            label = f" {self.keys.get(pane, key)} {shown} "
            text.append(label, style="bold reverse" if pane == active else "")
            text.append(" " if full <= width else "")
        self.update(text)


class SkafuApp(App[None]):
    """skafu-tui: the Skafu platform's health, security, cost and capacity at a glance."""

    CSS_PATH = "app.tcss"
    TITLE = "skafu-tui"
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [*APP_BINDINGS]
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        cfg: Config,
        options: Options | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        start_session: bool = True,
        state_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.cfg = cfg
        self.options = options
        self.clock = clock
        self.start_session = start_session
        self.session: Any = None
        self.snapshot: Snapshot | None = None
        self.assessment: Assessment | None = None
        self.active_pane = PANES[0][0]
        self.paused = False
        self.unacknowledged: Callable[[], int] = lambda: 0
        """How many open incidents nobody acknowledged (the quit confirmation asks when > 0)."""
        self.incident_hub = IncidentHub(self, cfg, options, self.now, state_dir)
        """The ledger and the incident engine (`state_dir` overrides options.state_dir, for tests)."""

    def now(self) -> datetime:
        """The dashboard's time: the demo scenario's clock when it runs one, else ``clock``."""
        session_clock = getattr(self.session, "clock", None)
        return session_clock() if session_clock is not None else self.clock()

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-bar"):
            yield StatusHeader(self.cfg.platform.name, id="header")
            yield HeaderClock(id="clock")
        yield PaneTabs(id="tabs")
        with ContentSwitcher(initial=self.active_pane, id="panes"):
            for pane_id, _, _ in PANES:
                yield PANE_CLASSES[pane_id](self.cfg, id=pane_id)
        yield SourcesBar(id="sources-bar")
        yield Footer()

    def on_mount(self) -> None:
        if self.cfg.keys:
            self.set_keymap(dict(self.cfg.keys))
        self.query_one(PaneTabs).show_active(self.active_pane)
        header = self.query_one(StatusHeader)
        if self.options is not None:
            header.set_state(
                profile=self.options.profile or ("demo" if self.options.demo else ""),
                regions=tuple(self.options.regions or self.cfg.aws.regions),
            )
        # The ledger opens before any assessment can arrive (the engine records every poll).
        self.incident_hub.start()
        self._tick()
        self.set_interval(1.0, self._tick)
        # Paint first: the live session imports the AWS libraries (~0.5 s) once the first frame is out.
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self.start_session and self.options is not None:
            self.run_worker(self._run_session(), name="live-session", group="session", exit_on_error=False)

    # --- the live session ----------------------------------------------------------------

    async def _run_session(self) -> None:
        from skafu_tui.live import LiveSession

        assert self.options is not None
        self.session = LiveSession(self.cfg, self.options, self._on_snapshot, self._on_status)
        try:
            await self.session.run()
        finally:
            await self.session.aclose()

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        self.post_message(SnapshotReady(snapshot))

    def _on_status(self, text: str, failed: bool) -> None:
        self.post_message(SessionStatus(text, failed))

    def on_session_status(self, message: SessionStatus) -> None:
        self.query_one(StatusHeader).set_state(note=message.text)
        if message.failed:
            self.notify(message.text, title="Cannot start", severity="error", timeout=30, markup=False)

    def on_snapshot_ready(self, message: SnapshotReady) -> None:
        self.snapshot = message.snapshot
        self._assess(message.snapshot)

    def feed(self, snapshot: Snapshot) -> None:
        """Draw ``snapshot`` as if the poller had published it (tests and benchmarks)."""
        self.post_message(SnapshotReady(snapshot))

    @work(thread=True, exclusive=True, group="assess", exit_on_error=False)
    def _assess(self, snapshot: Snapshot) -> None:
        assessment = assess(snapshot, self.cfg, self.now())
        if not get_current_worker().is_cancelled:
            self.post_message(AssessmentReady(snapshot, assessment))
            self.incident_hub.after_assessment(assessment, snapshot)

    def on_incidents_updated(self, message: IncidentsUpdated) -> None:
        self.incident_hub.apply(message)

    def on_unmount(self) -> None:
        self.incident_hub.close()

    def on_assessment_ready(self, message: AssessmentReady) -> None:
        assessment: Assessment = message.assessment
        self.assessment = assessment
        now = self.now()
        header = self.query_one(StatusHeader)
        header.set_state(
            account=assessment.account,
            regions=assessment.regions or header.regions,
            overall=assessment.system.overall_status.value,
            note="",
        )
        self.query_one(SourcesBar).show(assessment.sources)
        panes = list(self.screen_stack[0].query(Pane))
        for pane in panes:
            pane.show_data(assessment, message.snapshot, now)
        # Hidden panes draw too, one at a time when the loop is idle, so switching to one only
        # lays it out: a pane's first draw (tables, plots' data) is what made first visits slow.
        self._prepare_queue = [p for p in panes if not p.display]
        if self._prepare_queue:
            self.set_timer(0.05, self._prepare_next)
        if self.session is not None:
            hot = [s.name for s in assessment.system.services if s.status.value != "healthy"]
            self.session.set_hot_services(hot)

    def _prepare_next(self) -> None:
        queue = getattr(self, "_prepare_queue", [])
        if queue:
            queue.pop(0).prepare()
        if queue:
            self.set_timer(0.05, self._prepare_next)

    def _tick(self) -> None:
        now = self.now()
        try:
            header = self.query_one(StatusHeader)
        except NoMatches:
            return  # shutting down with a screen pushed: the default screen's widgets are gone
        self.query_one(HeaderClock).tick(now)
        self.incident_hub.poll()
        if now.second % 15 == 0 or not header.window:
            header.set_state(window=window_summary(self.cfg, now))
        if self.snapshot is not None and now.second % 5 == 0:
            # Ages grow and sources turn stale between polls: re-judge freshness without a poll.
            self.query_one(SourcesBar).show(all_freshness(self.snapshot, now))

    # --- actions -----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """`ctrl+p`: every app action by name, with its key, plus Textual's own commands."""
        yield from super().get_system_commands(screen)
        for binding in APP_BINDINGS:
            if binding.action == "command_palette":
                continue
            key = self._keymap.get(binding.id or "", binding.key)
            title = f"{binding.description or binding.action} ({key.replace('question_mark', '?')})"
            yield SystemCommand(title, binding.tooltip or title, partial(self.run_action, binding.action))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme != "textual-light" else "textual-dark"

    def action_show_pane(self, pane_id: str) -> None:
        if pane_id not in PANE_CLASSES or self.screen is not self.screen_stack[0]:
            return
        self.active_pane = pane_id
        self.query_one(ContentSwitcher).current = pane_id
        self.query_one(PaneTabs).show_active(pane_id)
        self.query_one(f"#{pane_id}", Pane).focus_first()

    def action_refresh_now(self) -> None:
        if self.session is not None:
            self.session.refresh_now()
        self.notify("Refreshing every source now", timeout=2)

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        if self.session is not None:
            self.session.set_paused(self.paused)
        self.query_one(StatusHeader).set_state(paused=self.paused)

    def action_help(self) -> None:
        pairs: list[tuple[Binding, str]] = []
        for _key, active in self.screen.active_bindings.items():
            pairs.append((active.binding, active.binding.key))
        for binding in APP_BINDINGS:
            pairs.append((binding, self._keymap.get(binding.id or "", binding.key)))
        self.push_screen(HelpScreen(binding_rows(pairs)))

    def action_sources(self) -> None:
        if self.snapshot is None:
            self.notify("No data yet: still connecting", timeout=3)
            return
        now = self.now()
        self.push_screen(SourcesScreen(all_freshness(self.snapshot, now), now))

    def action_maintenance(self) -> None:
        from skafu_tui.ui.screens.maintenance import MaintenanceScreen

        if not isinstance(self.screen, MaintenanceScreen):
            self.push_screen(MaintenanceScreen(self.cfg))

    def action_handover(self) -> None:
        from skafu_tui.ui.screens.change_handover import HandoverScreen

        if not isinstance(self.screen, HandoverScreen):
            self.push_screen(HandoverScreen(self.cfg))

    def action_request_quit(self) -> None:
        count = self.unacknowledged()
        if count <= 0:
            self.exit()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(
            ConfirmScreen(f"{count} open incident(s) are not acknowledged. Quit anyway?"), answer
        )


def run_app(options: Options) -> int:
    """The CLI's entry for the dashboard (config already validated by the CLI)."""
    from skafu_tui.config import load_config

    cfg = load_config(options.config_path).config
    SkafuApp(cfg, options).run()
    return 0
