"""The Textual app: header, pane tabs, the panes, sources bar; the poll process feeding them.

Polling runs in a child process (:mod:`skafu_tui.poll_process`), started by the dashboard's entry
before Textual is imported; the app attaches to it after its first paint, as one named worker, so
switching screens never cancels polling. Each Snapshot is assessed on a thread (pure code, but
10,000 findings should not stall input) and the result is drawn by the visible pane.

Started without a Config (the dashboard's entry), the app paints the overview first, with the
platform name peeked from the file, then validates the config, opens the ledger and mounts the
other panes: nothing of the schema, the assessment or the incident engine is imported before the
first frame. Started with a Config (tests, replays) it composes every pane at once, as before.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.driver import Driver
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from skafu_tui.assess.freshness import all_freshness
from skafu_tui.snapshot import SourceStatus
from skafu_tui.ui.gc_hold import hold_gc_until_painted
from skafu_tui.ui.header import HeaderClock, SourcesBar, StatusHeader
from skafu_tui.ui.idle_prep import IdlePrep
from skafu_tui.ui.keys import APP_BINDINGS, PANES
from skafu_tui.ui.messages import AssessmentReady, SessionStatus, SnapshotReady
from skafu_tui.ui.pane_tabs import PaneTabs
from skafu_tui.ui.panes import PANE_CLASSES
from skafu_tui.ui.panes.base import Pane
from skafu_tui.ui.screens.confirm import ConfirmScreen
from skafu_tui.ui.screens.help import HelpScreen, binding_rows
from skafu_tui.ui.screens.sources import SourcesScreen
from skafu_tui.windows import window_summary
from widgets.key_hints import KeyHints
from widgets.warm_switcher import WarmSwitcher

if TYPE_CHECKING:
    from collections.abc import Callable

    from skafu_tui.assess import Assessment
    from skafu_tui.config import Config, ConfigError
    from skafu_tui.config.locate import ConfigPeek
    from skafu_tui.options import Options
    from skafu_tui.poll_process import PollProcess
    from skafu_tui.snapshot import Snapshot
    from skafu_tui.ui.incident_service import IncidentHub, IncidentsUpdated

EXIT_BAD_CONFIG = 2
ALWAYS_ALLOWED = frozenset({"request_quit", "quit", "help", "toggle_theme"})
"""Actions that work before the config is loaded (the first fraction of a second)."""
PARTIAL_EVERY_S = 0.25
"""While sources are still pending (start-up), Snapshots are assessed and drawn at most this often."""
MOUNT_PANES_AFTER_S = 3.0
"""The panes besides the overview are mounted once every source has reported its first poll, or
this long after the config loaded, whichever is first: not while the first polls need the CPU."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def _has_pending(snapshot: Snapshot) -> bool:
    """Some source not polled yet (the poll process is starting)."""
    return any(s.status is SourceStatus.PENDING for s in snapshot.sources.values())


class SkafuApp(App[None]):
    """skafu-tui: the Skafu platform's health, security, cost and capacity at a glance."""

    CSS_PATH = "app.tcss"
    TITLE = "skafu-tui"
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [*APP_BINDINGS]
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        cfg: Config | None,
        options: Options | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        start_session: bool = True,
        state_dir: Path | None = None,
        session: PollProcess | None = None,
        peek: ConfigPeek | None = None,
    ) -> None:
        """``cfg`` None: load it (``options.config_path``) after the first paint; ``peek`` gives the
        first frame's platform name. ``session``: the poll process the entry already started."""
        super().__init__()
        self._cfg = cfg
        self.options = options
        self.clock = clock
        self.start_session = start_session
        self.session: Any = session
        self.peek = peek
        self.state_dir = state_dir
        self.config_problems: ConfigError | None = None
        """Why the config could not be loaded after the first paint (the app then exits with 2)."""
        self.enable_gc_after_paint = False
        """The dashboard's entry pauses the cyclic GC for the start-up; the first frame resumes it."""
        self.snapshot: Snapshot | None = None
        self.assessment: Assessment | None = None
        self.active_pane = PANES[0][0]
        self.idle_prep = IdlePrep(self, lambda: self.screen_stack[0].query_one(WarmSwitcher))
        """The hidden panes' drawing and warm-up, and the collector around them."""
        self.paused = False
        self.unacknowledged: Callable[[], int] = lambda: 0
        """How many open incidents nobody acknowledged (the quit confirmation asks when > 0)."""
        self.incident_hub: IncidentHub | None = None
        """The ledger and the incident engine (`state_dir` overrides options.state_dir, for tests);
        made with the config."""
        self._pending_snapshot: Snapshot | None = None
        self._assessed_snapshot: Snapshot | None = None
        self._assessing = False
        self._partial_timer: Timer | None = None
        self._panes_mounted = cfg is not None
        self._mount_timer: Timer | None = None
        if cfg is not None:
            self._make_hub(cfg)

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        if driver.__name__ != "LinuxDriver" or os.environ.get("TEXTUAL_DRIVER"):
            return driver  # headless (tests), Windows, or a driver chosen with TEXTUAL_DRIVER
        from skafu_tui.ui.terminal_driver import TerminalDriver

        return TerminalDriver

    @property
    def cfg(self) -> Config:
        """The validated config (the app loads it after its first paint when started without one)."""
        if self._cfg is None:
            raise RuntimeError("the config is not loaded yet")
        return self._cfg

    def _make_hub(self, cfg: Config) -> None:
        from skafu_tui.ui.incident_service import IncidentHub

        self.incident_hub = IncidentHub(self, cfg, self.options, self.now, self.state_dir)

    def now(self) -> datetime:
        """The dashboard's time: the demo scenario's clock when it runs one, else ``clock``."""
        session_clock = getattr(self.session, "clock", None)
        return session_clock() if session_clock is not None else self.clock()

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        if self._cfg is not None:
            name = self._cfg.platform.name
        else:
            name = self.peek.platform_name if self.peek is not None else ""
        with Horizontal(id="header-bar"):
            yield StatusHeader(name, id="header")
            yield HeaderClock(id="clock")
        yield PaneTabs(id="tabs")
        with WarmSwitcher(initial=self.active_pane, id="panes"):
            # Without a config yet, only the launch pane: the others (and their imports) follow
            # the first frame. A pane keeps the config it is given; the overview gets it on load.
            for pane_id in self._pane_ids() if self._cfg is not None else [self.active_pane]:
                yield PANE_CLASSES[pane_id](cast("Config", self._cfg), id=pane_id)
        yield SourcesBar(id="sources-bar")
        yield KeyHints()

    @staticmethod
    def _pane_ids() -> list[str]:
        return [pane_id for pane_id, _, _ in PANES]

    def on_mount(self) -> None:
        self.query_one(PaneTabs).show_active(self.active_pane)
        if self.options is not None:
            self.query_one(StatusHeader).set_state(
                profile=self.options.profile or ("demo" if self.options.demo else ""),
                regions=tuple(self.options.regions),
            )
        if self._cfg is not None:
            self._config_loaded(self._cfg)
        self._tick()
        self.set_interval(1.0, self._tick)
        # Paint first: the config, the other panes and the poll process's data follow the first frame.
        self.call_after_refresh(self._after_first_paint)

    def _config_loaded(self, cfg: Config) -> None:
        """Everything that needs the config: keys, header, the ledger (opened before any assessment
        can arrive: the engine records every poll)."""
        self._cfg = cfg
        if cfg.keys:
            self.set_keymap(dict(cfg.keys))
        header = self.query_one(StatusHeader)
        if header.platform != cfg.platform.name:
            header.set_state(platform=cfg.platform.name)
        if self.options is not None:
            header.set_state(regions=tuple(self.options.regions or cfg.aws.regions))
        if self.incident_hub is None:
            self._make_hub(cfg)
        for pane in self.query(Pane):
            pane.cfg = cfg
        assert self.incident_hub is not None
        self.incident_hub.start()

    async def _after_first_paint(self) -> None:
        if self.enable_gc_after_paint:
            gc.enable()
        painted = getattr(self.session, "painted", None)
        if painted is not None:
            painted()  # the poll process starts its first poll now (see poll_child)
        if self._cfg is None:
            cfg = self._load_config()
            if cfg is None:
                return
            self._config_loaded(cfg)
            self._tick()
            self._mount_timer = self.set_timer(MOUNT_PANES_AFTER_S, self._mount_other_panes)
        self._start_session()
        self._assess_next()

    def _load_config(self) -> Config | None:
        from skafu_tui.config import ConfigError, load_config

        try:
            return load_config(self.options.config_path if self.options is not None else None).config
        except ConfigError as error:
            self.config_problems = error
            self.exit(return_code=EXIT_BAD_CONFIG)
            return None

    async def _mount_other_panes(self) -> None:
        if self._panes_mounted or self._mount_timer is None:
            return  # mounted, or being mounted (the timer and the first complete poll both call)
        self._mount_timer.stop()
        self._mount_timer = None
        switcher = self.query_one(WarmSwitcher)
        cfg = self.cfg
        panes = [PANE_CLASSES[pane_id](cfg, id=pane_id) for pane_id in self._pane_ids() if pane_id != self.active_pane]
        for pane in panes:
            pane.display = False  # the switcher hides only the children it was composed with
        mounting = switcher.mount(*panes)
        self._panes_mounted = True  # they are the switcher's children now: their keys may switch
        await mounting
        if self.assessment is not None:
            # The new panes need the data shown, and the one-time warm-up (hidden panes drawn and
            # laid out, then gc.freeze) ran without them: assess the latest again to run it for them.
            self.idle_prep.panes_added()
            self._pending_snapshot = self._pending_snapshot or self._assessed_snapshot
            self._assess_next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Before the config is loaded only quitting, help and the theme work; a pane's key works
        once the panes are mounted (see :data:`MOUNT_PANES_AFTER_S`)."""
        if self._cfg is None:
            return action in ALWAYS_ALLOWED
        if action == "show_pane" and not self._panes_mounted and parameters:
            return parameters[0] == self.active_pane
        return True

    def _start_session(self) -> None:
        if self.start_session and self.options is not None:
            self.run_worker(self._run_session(), name="live-session", group="session", exit_on_error=False)

    # --- the live session ----------------------------------------------------------------

    async def _run_session(self) -> None:
        from skafu_tui.poll_process import PollProcess

        assert self.options is not None
        if self.session is None:
            self.session = PollProcess.spawn(self.options)
        self.session.attach(self._on_snapshot, self._on_status)
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
            self.notify(message.text, title="Polling", severity="error", timeout=30, markup=False)

    def on_snapshot_ready(self, message: SnapshotReady) -> None:
        self.snapshot = message.snapshot
        # One assessment at a time, of the latest Snapshot: the poll process sends one per group
        # completed (a dozen within a second at start-up), and each waits for the one before.
        self._pending_snapshot = message.snapshot
        if self.session is not None and _has_pending(message.snapshot):
            # Start-up, sources still arriving: draw at most every PARTIAL_EVERY_S (the CPU is
            # the poll process's until its first polls are in), the complete Snapshot at once.
            if self._partial_timer is None:
                self._partial_timer = self.set_timer(PARTIAL_EVERY_S, self._partial_due)
            return
        self._assess_next()

    def _partial_due(self) -> None:
        self._partial_timer = None
        self._assess_next()

    def _assess_next(self) -> None:
        snapshot = self._pending_snapshot
        if snapshot is None or self._assessing or self._cfg is None:
            return
        self._pending_snapshot = None
        self._assessing = True
        self._assess(snapshot)

    def _assessed(self, snapshot: Snapshot) -> None:
        self._assessing = False
        self._assessed_snapshot = snapshot
        if not self._panes_mounted and not _has_pending(snapshot):
            # Every source has reported: the first polls are done, the CPU is free for the panes.
            self.call_after_refresh(self._mount_other_panes)
        self._assess_next()

    def feed(self, snapshot: Snapshot) -> None:
        """Draw ``snapshot`` as if the poller had published it (tests and benchmarks)."""
        self.post_message(SnapshotReady(snapshot))

    @work(thread=True, exclusive=True, group="assess", exit_on_error=False)
    def _assess(self, snapshot: Snapshot) -> None:
        from skafu_tui.assess import assess

        try:
            assessment = assess(snapshot, self.cfg, self.now())
            if not get_current_worker().is_cancelled:
                self.post_message(AssessmentReady(snapshot, assessment))
                if self.incident_hub is not None:
                    self.incident_hub.after_assessment(assessment, snapshot)
        finally:
            self.call_later(self._assessed, snapshot)  # thread-safe; never waits for a loop that is exiting

    def on_incidents_updated(self, message: IncidentsUpdated) -> None:
        if self.incident_hub is not None:
            self.incident_hub.apply(message)

    def on_unmount(self) -> None:
        self.idle_prep.close()
        if self.incident_hub is not None:
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
        self.idle_prep.queue(panes)
        if self.session is not None:
            hot = [s.name for s in assessment.system.services if s.status.value != "healthy"]
            self.session.set_hot_services(hot)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            hold_gc_until_painted(self)  # a collection due now runs after this key's frame
        await super().on_event(event)

    def on_resize(self) -> None:
        self.idle_prep.resized(has_data=self.assessment is not None)

    def _tick(self) -> None:
        now = self.now()
        try:
            header = self.query_one(StatusHeader)
        except NoMatches:
            return  # shutting down with a screen pushed: the default screen's widgets are gone
        self.query_one(HeaderClock).tick(now)
        if self.incident_hub is None or self._cfg is None:
            return  # the first frame: the config follows it
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
        self.query_one(WarmSwitcher).current = pane_id
        self.query_one(PaneTabs).show_active(pane_id)
        pane = self.query_one(f"#{pane_id}", Pane)
        pane.entered_stage()
        pane.focus_first()

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


def run_app(options: Options, session: PollProcess | None = None, peek: ConfigPeek | None = None) -> int:
    """Run the dashboard; the config is validated after the first paint. Returns the exit status:
    2 with the config's problems on stderr (as ``check-config`` words them) when it is invalid."""
    app = SkafuApp(None, options, session=session, peek=peek)
    app.enable_gc_after_paint = not gc.isenabled()
    app.run()
    if app.config_problems is not None:
        for problem in app.config_problems.problems:
            print(_one_line(str(problem)), file=sys.stderr)
    return app.return_code or 0


def _one_line(text: str) -> str:
    """Control characters from a file's text must not reach the terminal raw."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
