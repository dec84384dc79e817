"""A ContentSwitcher whose hidden children can be laid out and rendered ahead of their first showing.

Showing a child of Textual's ``ContentSwitcher`` for the first time costs the most: every widget
in it is laid out (auto heights measured by rendering their text), resized and rendered with empty
caches, all before the frame the keypress asked for. Shown a second time, the same child costs
far less: sizes are unchanged, so nothing resizes and unchanged widgets keep their rendered lines.

:meth:`WarmSwitcher.warm_up` gives every hidden child that second-visit state without showing it:
one child at a time, for a few frames, it places it one viewport to the right of the screen (the
compositor never renders what is off screen) at the size it will have when shown, renders each of
its widgets into its line cache, and hides it again. Call it when the app is idle (after the first data,
after a terminal resize); a switch meanwhile shows its child at once and the others go on warming.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import ContentSwitcher

__all__ = ["WarmSwitcher"]


class WarmSwitcher(ContentSwitcher):
    """A ``ContentSwitcher`` with :meth:`warm_up`.

    Children's position, offset, width and height come from CSS: a warm-up sets them inline and
    clears them afterwards.
    """

    PAUSE_S = 0.02
    """Between two children: long enough for a key pressed meanwhile to be handled first."""

    def __init__(self, *children: Widget, initial: str | None = None, id: str | None = None) -> None:
        super().__init__(*children, initial=initial, id=id)
        self._queue: list[Widget] = []
        self._warming: Widget | None = None
        self._on_done: list[Callable[[], object]] = []
        self.warm_ups = 0
        """How many warm-ups completed (for tests and diagnostics)."""

    def warm_up(self, on_done: Callable[[], object] | None = None) -> None:
        """Lay out and render every hidden child off screen, one child per few frames (so a key
        pressed meanwhile waits for one child at most, not all of them); then ``on_done()``."""
        if on_done is not None:
            self._on_done.append(on_done)
        if self._queue or self._warming is not None or not self.is_mounted or not self.size:
            return
        self._queue = [child for child in self.children if not child.display and child.id != self.current]
        self._next()

    def _next(self) -> None:
        while self._queue:
            child = self._queue.pop(0)
            if child.display or child.id == self.current or not child.is_mounted:
                continue  # shown meanwhile: nothing to warm
            self._warming = child
            styles = child.styles
            styles.position = "absolute"
            styles.offset = ("100vw", 0)
            styles.width = "100%"
            styles.height = "100%"
            child.display = True
            # Layout assigns sizes and posts Resize; widgets that answer it (tables fitting columns)
            # settle within a frame or two: render after they have.
            self.call_after_refresh(self.call_after_refresh, self._render_warming)
            return
        self.warm_ups += 1
        self._done()

    def _render_warming(self) -> None:
        child, self._warming = self._warming, None
        if child is not None:
            if child.id != self.current and child.is_mounted:
                for widget in _displayed(child):
                    region = widget.region
                    if region.width and region.height:
                        widget.render_lines(Region(0, 0, region.width, region.height))
            self._restore(child)
        self.set_timer(self.PAUSE_S, self._next)  # input queued meanwhile is handled first

    def _done(self) -> None:
        callbacks, self._on_done = self._on_done, []
        for callback in callbacks:
            callback()

    def _restore(self, child: Widget) -> None:
        styles = child.styles
        for rule in ("position", "offset", "width", "height"):
            styles.clear_rule(rule)
        child.display = child.id == self.current

    def watch_current(self, old: str | None, new: str | None) -> None:
        # A switch during a warm-up: the chosen child stops warming (shown normally at once); the
        # others go on warming off screen, where they are out of the way.
        if self._warming is not None and self._warming.id == new:
            child, self._warming = self._warming, None
            self._restore(child)
        super().watch_current(old, new)


def _displayed(root: Widget) -> Iterator[Widget]:
    stack = [root]
    while stack:
        widget = stack.pop()
        if widget.display:
            yield widget
            stack.extend(child for child in widget.children if isinstance(child, Widget))
