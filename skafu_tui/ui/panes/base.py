"""What every pane shares: it draws an Assessment, and only while it is shown."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.css.query import NoMatches

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment
    from skafu_tui.config import Config
    from skafu_tui.snapshot import Snapshot


class Pane(VerticalScroll):
    """A dashboard pane. Subclasses implement :meth:`draw`.

    The app calls :meth:`show_data` with every new assessment; a hidden pane only remembers it
    and draws when shown, so nothing off-screen costs CPU or bytes over SSH.
    """

    DEFAULT_CSS = """
    Pane { height: 1fr; padding: 0 1; }
    """

    title: str = ""
    sources: tuple[str, ...] = ()
    """Source names whose freshness this pane's title line shows."""

    def __init__(self, cfg: Config, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cfg = cfg
        self._pending: tuple[Assessment, Snapshot, datetime] | None = None
        self._drawn: Assessment | None = None

    @property
    def shown(self) -> bool:
        """On screen (the app's pane switcher hides the others)."""
        return self.display

    def show_data(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        self._pending = (assessment, snapshot, now)
        if self.shown and self.is_mounted:
            self._flush()

    def prepare(self) -> None:
        """Draw the latest data even while hidden (the app does this when the loop is idle).

        A hidden pane may be between layouts (a pane that recomposes on resize has no children for
        a moment): then it is left for :meth:`on_show` to draw, which happens after its compose.
        """
        if not self.is_mounted:
            return
        try:
            self._flush()
        except NoMatches:
            self._drawn = None

    def on_show(self) -> None:
        self._flush()

    def entered_stage(self) -> None:
        """The app put this pane on screen: draw what arrived while it waited."""
        self._flush()

    def _flush(self) -> None:
        if self._pending is None or self._pending[0] is self._drawn:
            return
        assessment, snapshot, now = self._pending
        self._drawn = assessment
        self.draw(assessment, snapshot, now)

    def draw(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        raise NotImplementedError

    def focus_first(self) -> None:
        """Give focus to the pane's main table (the one `/`, enter and j/k act on)."""
        for widget in self.query("KeyedTable, DataTable"):
            if widget.focusable:
                # Now, not after the next frame (Widget.focus defers): the pane's first frame already
                # shows the focused table, instead of one frame unfocused and a second restyled.
                self.screen.set_focus(widget)
                return
