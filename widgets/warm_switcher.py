"""A ContentSwitcher whose hidden children can be laid out and rendered ahead of their first showing.

Showing a child of Textual's ``ContentSwitcher`` for the first time costs the most: every widget
in it is laid out (auto heights measured by rendering their text), resized and rendered with empty
caches, all before the frame the keypress asked for. Shown a second time, the same child costs
far less: sizes are unchanged, so nothing resizes and unchanged widgets keep their rendered lines.

:meth:`WarmSwitcher.warm_up` gives every hidden child that second-visit state without showing it:
one child after the other, it places the child one viewport to the right of the screen (the
compositor never renders what is off screen) in a layer of its own (so it takes no room from the
shown child), at the size it will have when shown, renders what the showing will paint into the
line caches (and the focused look of its first focusable table, which a showing focuses), and
hides it again. The rendering
runs in slices of :data:`SLICE_S`, each its own turn of the event loop, so a key pressed meanwhile
waits for one slice, not for the warm-up (with a large state, the whole of it took 0.9-1.7 s).
Call it when the app is idle (after the first data, after a terminal resize); a switch meanwhile
shows its child at once and the others go on warming.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import partial

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import ContentSwitcher

from widgets.look_cache import LookCachedTable

__all__ = ["SLICE_S", "WarmSwitcher"]

SLICE_S = 0.008
"""Rendering time per turn of the event loop (a step in progress finishes, so a slice may run over)."""
BAND = 8
"""Lines rendered per step: a tall table's visible part is drawn in several steps."""

_WARM_LAYER = "warm-switcher-warming"

Step = Callable[[], object]


class WarmSwitcher(ContentSwitcher):
    """A ``ContentSwitcher`` with :meth:`warm_up`.

    Children's layer, position, offset, width and height come from CSS: a warm-up sets them inline
    and clears them afterwards.
    """

    def __init__(self, *children: Widget, initial: str | None = None, id: str | None = None) -> None:
        super().__init__(*children, initial=initial, id=id)
        self._queue: list[Widget] = []
        self._warming: Widget | None = None
        self._steps: list[Step] = []
        self._again = False
        self._on_done: list[Callable[[], object]] = []
        self.warm_ups = 0
        """How many warm-ups completed (for tests and diagnostics)."""
        self.slices = 0
        """How many turns of the event loop warm-ups took (for tests and diagnostics)."""

    @property
    def warming(self) -> bool:
        """Whether a warm-up is under way."""
        return bool(self._queue) or self._warming is not None

    def warm_up(self, on_done: Callable[[], object] | None = None) -> None:
        """Lay out and render every hidden child off screen, over the next frames; then ``on_done()``."""
        if on_done is not None:
            self._on_done.append(on_done)
        if self.warming:
            self._again = True  # sizes may have changed under the children already warmed
            return
        self._queue = self._hidden() if self.is_mounted and self.size else []
        self._next_child()

    def _hidden(self) -> list[Widget]:
        return [child for child in self.children if not child.display and child.id != self.current]

    def _next_child(self) -> None:
        self._queue = [child for child in self._queue if child.id != self.current and child.is_mounted]
        if not self._queue and self._again:
            self._again = False
            self._queue = self._hidden()
        if not self._queue:
            self.warm_ups += 1
            callbacks, self._on_done = self._on_done, []
            for callback in callbacks:
                callback()
            return
        child = self._warming = self._queue.pop(0)
        styles = child.styles
        # A layer of its own: each layer is laid out apart, so the warming child (the container's
        # full size) takes no height from the shown child's share.
        styles.layer = _WARM_LAYER
        styles.position = "absolute"
        styles.offset = ("100vw", 0)
        styles.width = "100%"
        styles.height = "100%"
        child.display = True
        # Layout assigns sizes and posts Resize; widgets that answer it (tables fitting columns)
        # settle within a frame or two: render after they have.
        self.call_after_refresh(self.call_after_refresh, self._plan, child)

    def _plan(self, child: Widget) -> None:
        if child is not self._warming:
            return  # shown meanwhile (see watch_current)
        steps: list[Step] = []
        # The table a showing focuses (the child's first focusable one) is drawn focused too.
        focused = next((table for table in child.query(LookCachedTable) if table.focusable), None)
        for widget in _displayed(child):
            # Only what the showing will paint: a tall table in a scrolling column may be thousands
            # of lines, of which the screen shows a few dozen.
            seen = widget.region.intersection(child.region)
            if not seen.width or not seen.height:
                continue
            crop = seen.translate(-widget.region.offset)
            for top in range(crop.y, crop.bottom, BAND):
                band = Region(crop.x, top, crop.width, min(BAND, crop.bottom - top))
                steps.append(partial(widget.render_lines, band))
                if widget is focused:
                    steps.append(partial(widget.warm_focused_look, band))
        self._steps = steps
        self._run_slice(child)

    def _run_slice(self, child: Widget) -> None:
        if child is not self._warming:
            return
        self.slices += 1
        deadline = time.perf_counter() + SLICE_S
        while self._steps and time.perf_counter() < deadline:
            self._steps.pop(0)()
        if self._steps:
            self.call_later(self._run_slice, child)  # a turn of the loop: keys are handled between
            return
        self._warming = None
        self._restore(child)
        self._next_child()

    def _restore(self, child: Widget) -> None:
        styles = child.styles
        for rule in ("layer", "position", "offset", "width", "height"):
            styles.clear_rule(rule)
        child.display = child.id == self.current

    def watch_current(self, old: str | None, new: str | None) -> None:
        # A switch during a warm-up: the chosen child, warming or queued, is shown normally at once;
        # the others go on warming off screen, where they are out of the way.
        warming = self._warming
        if warming is not None and warming.id == new:
            self._warming, self._steps = None, []
            self._restore(warming)
            super().watch_current(old, new)
            self.call_later(self._next_child)
            return
        self._queue = [child for child in self._queue if child.id != new]
        super().watch_current(old, new)


def _displayed(root: Widget) -> Iterator[Widget]:
    stack = [root]
    while stack:
        widget = stack.pop()
        if widget.display:
            yield widget
            stack.extend(child for child in widget.children if isinstance(child, Widget))
