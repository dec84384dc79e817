"""A ContentSwitcher whose hidden children can be laid out and rendered ahead of their first showing.

Showing a child of Textual's ``ContentSwitcher`` for the first time costs the most: every widget
in it is laid out (auto heights measured by rendering their text), resized and rendered with empty
caches, all before the frame the keypress asked for. Shown a second time, the same child costs
far less: sizes are unchanged, so nothing resizes and unchanged widgets keep their rendered lines.

:meth:`WarmSwitcher.warm_up` gives every hidden child that second-visit state without showing it:
for a few frames it places them one viewport to the right of the screen (the compositor never
renders what is off screen), at the size they will have when shown, renders each of their widgets
into its line cache, and hides them again. Call it when the app is idle (after the first data,
after a terminal resize); a switch meanwhile shows its child at once and the others go on warming.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import ContentSwitcher

from widgets.look_cache import LookCachedTable

__all__ = ["WarmSwitcher"]

_WARM_LAYER = "warm-switcher-warming"


class WarmSwitcher(ContentSwitcher):
    """A ``ContentSwitcher`` with :meth:`warm_up`.

    Children's layer, position, offset, width and height come from CSS: a warm-up sets them inline
    and clears them afterwards.
    """

    def __init__(self, *children: Widget, initial: str | None = None, id: str | None = None) -> None:
        super().__init__(*children, initial=initial, id=id)
        self._warming: list[Widget] = []
        self._on_done: list[Callable[[], object]] = []
        self.warm_ups = 0
        """How many warm-ups completed (for tests and diagnostics)."""

    def warm_up(self, on_done: Callable[[], object] | None = None) -> None:
        """Lay out and render every hidden child off screen, over the next frames; then ``on_done()``."""
        if on_done is not None:
            self._on_done.append(on_done)
        if self._warming or not self.is_mounted or not self.size:
            return
        self._warming = [child for child in self.children if not child.display and child.id != self.current]
        if not self._warming:
            self._done()
            return
        for child in self._warming:
            styles = child.styles
            # A layer of their own: each layer is laid out apart, so the warming children (each
            # the container's full size) take no height from the shown child's share.
            styles.layer = _WARM_LAYER
            styles.position = "absolute"
            styles.offset = ("100vw", 0)
            styles.width = "100%"
            styles.height = "100%"
            child.display = True
        # Layout assigns sizes and posts Resize; widgets that answer it (tables fitting columns)
        # settle within a frame or two: render after they have.
        self.call_after_refresh(self.call_after_refresh, self._render_warming)

    def _render_warming(self) -> None:
        warming, self._warming = self._warming, []
        for child in warming:
            if child.id != self.current and child.is_mounted:
                for widget in _displayed(child):
                    region = widget.region
                    if region.width and region.height:
                        widget.render_lines(Region(0, 0, region.width, region.height))
                        if isinstance(widget, LookCachedTable):
                            widget.warm_focused_look()  # a showing focuses a table: draw that look too
            self._restore(child)
        self.warm_ups += 1
        self._done()

    def _done(self) -> None:
        callbacks, self._on_done = self._on_done, []
        for callback in callbacks:
            callback()

    def _restore(self, child: Widget) -> None:
        styles = child.styles
        for rule in ("layer", "position", "offset", "width", "height"):
            styles.clear_rule(rule)
        child.display = child.id == self.current

    def watch_current(self, old: str | None, new: str | None) -> None:
        # A switch during a warm-up: the chosen child leaves the warming set (shown normally at once);
        # the others go on warming off screen, where they are out of the way.
        for child in list(self._warming):
            if child.id == new:
                self._warming.remove(child)
                self._restore(child)
        super().watch_current(old, new)


def _displayed(root: Widget) -> Iterator[Widget]:
    stack = [root]
    while stack:
        widget = stack.pop()
        if widget.display:
            yield widget
            stack.extend(child for child in widget.children if isinstance(child, Widget))
