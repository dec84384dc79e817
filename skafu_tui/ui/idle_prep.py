"""What the dashboard does for the hidden panes while nobody presses a key.

After each assessment the shown pane draws at once; the hidden ones draw their data one per
50 ms timer tick (a pane's first draw, tables and plots' data, is what made first visits slow).
Once none is left, the first time and after every terminal resize or new panes, the panes' switcher
lays them out and renders them off screen (:meth:`WarmSwitcher.warm_up`), so a first visit costs
what a second one does. Then the objects built so far are frozen out of the cyclic collector's
sight: they live as long as the app, and a full collection no longer walks them (~50 ms at normal
state, hundreds with the large state).

The warm-up allocates a lot: with the large state each full collection it triggered took 35-200 ms
(eight in one warm-up) and a key pressed meanwhile waited for them. Full collections are held off
for it by the collector's third threshold (young ones go on; a key's hold, see
:mod:`skafu_tui.ui.gc_hold`, switches collection off and on independently), until the freeze, or
:data:`GC_PAUSE_MAX_S` at the latest, or the app closing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.timer import Timer

from skafu_tui.heap import trim_heap
from skafu_tui.ui.panes.base import Pane
from widgets.warm_switcher import WarmSwitcher

__all__ = ["GC_PAUSE_MAX_S", "IdlePrep"]

PREPARE_EVERY_S = 0.05
REWARM_AFTER_RESIZE_S = 0.5
NO_FULL_COLLECTION = 1_000_000_000
"""A third-generation threshold never reached: young collections go on (they are cheap), full ones wait."""
GC_PAUSE_MAX_S = 10.0
"""Full collections, paused for a warm-up, resume after this long even if the warm-up has not
finished (a screen pushed over the panes stops it until it is uncovered)."""


class IdlePrep:
    """Hidden panes' drawing, their warm-up, and the collector's pause and freeze around it."""

    def __init__(self, app: App[Any], switcher: Callable[[], WarmSwitcher]) -> None:
        self.app = app
        self.switcher = switcher
        self._queue: list[Pane] = []
        self._warmed = False
        self._frozen = False
        self._gc_resume: Timer | None = None
        self._thresholds = gc.get_threshold()
        self._rewarm_timer: Timer | None = None

    def queue(self, panes: list[Pane]) -> None:
        """Draw these panes (the hidden ones, after an assessment) one at a time, then warm up."""
        idle = not self._queue
        self._queue = [pane for pane in panes if not pane.shown]
        if self._queue and idle:
            self.app.set_timer(PREPARE_EVERY_S, self._next)

    def panes_added(self) -> None:
        """New panes in the switcher: warm up and freeze again once they have drawn."""
        self._warmed = self._frozen = False

    def resized(self, has_data: bool) -> None:
        """New sizes: the hidden panes are warmed again once the resize has settled."""
        self._warmed = False
        if has_data and not self._queue:
            if self._rewarm_timer is not None:
                self._rewarm_timer.stop()
            self._rewarm_timer = self.app.set_timer(REWARM_AFTER_RESIZE_S, self._next)

    def close(self) -> None:
        """The app is closing: a warm-up cut short must not leave the collector off."""
        self._resume_gc()

    def _next(self) -> None:
        app = self.app
        if not app.screen_stack:
            return  # shutting down
        if self._queue:
            pane = self._queue.pop(0)
            if not pane.shown:
                pane.prepare()
        if self._queue:
            app.set_timer(PREPARE_EVERY_S, self._next)
            return
        if not self._warmed and app.screen is app.screen_stack[0]:
            # Not while another screen covers the panes: they are not laid out then (the next
            # assessment tries again).
            self._warmed = True
            if self._gc_resume is None:
                young, middle, _ = self._thresholds = gc.get_threshold()
                gc.set_threshold(young, middle, NO_FULL_COLLECTION)
                self._gc_resume = app.set_timer(GC_PAUSE_MAX_S, self._resume_gc)
            self.switcher().warm_up(on_done=self._warmed_up)
        elif self._gc_resume is None:
            self._freeze()  # not while a warm-up runs: it freezes when done

    def _resume_gc(self) -> None:
        if self._gc_resume is not None:
            self._gc_resume.stop()
            self._gc_resume = None
            gc.set_threshold(*self._thresholds)

    def _warmed_up(self) -> None:
        self._resume_gc()
        self._freeze()

    def _freeze(self) -> None:
        if not self._frozen:
            self._frozen = True
            gc.freeze()
            trim_heap()

