"""A DataTable that keeps its rendered cells when focus comes and goes, or it is shown again.

Textual's ``DataTable`` empties every render cache on each ``notify_style_update``, and the
stylesheet calls that whenever a pseudo-class flips: so each focus or blur re-renders every visible
cell (about 5-8 ms for a table filling a 120x40 pane; the biggest part of a pane switch, which
moves focus). Yet its caches are already keyed by the pseudo-class state and the base style, so
entries drawn while focused cannot be served blurred, or the other way round.

:class:`LookCachedTable` keeps them when nothing but the pseudo-class state changed: for each state
it remembers the look it was drawn with (theme, the widget's resolved style, its and its ancestors'
classes). Coming back to a state with the same look keeps the caches; a new look for any state
(a theme switch, a class on an ancestor) empties them, as ``DataTable`` always does. Likewise a
Resize that does not change the size (Textual sends one each time a widget is shown again) keeps
them.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.geometry import Region, Size
from textual.widget import Widget
from textual.widgets import DataTable

__all__ = ["LookCachedTable"]


class LookCachedTable(DataTable[Any]):
    """A ``DataTable`` whose caches survive a focus flip."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._looks: dict[object, object] = {}
        self._sized: tuple[Size, Size] | None = None

    def warm_focused_look(self, crop: Region | None = None) -> None:
        """Render ``crop`` (default: the whole widget) as it looks focused, without taking the focus.

        For a table about to be shown (see :class:`~widgets.warm_switcher.WarmSwitcher`): the
        showing moves the focus to it, and its focused cells are then served from the cache.
        """
        crop = crop if crop is not None else Region(0, 0, *self.size)
        if self.has_focus or not self.focusable or not crop:
            return
        # Only the pseudo-class moves (styles re-read for it and back, synchronously): the
        # screen's focus stays where it is and no Focus or Blur event is sent.
        self.has_focus = True
        try:
            self.render_lines(crop)
        finally:
            self.has_focus = False

    def _on_resize(self, event: events.Resize) -> None:
        # Textual sends Resize to every widget shown again, at the same size: DataTable answers any
        # Resize by invalidating every cache, which made each pane switch re-render its tables.
        sized = (event.size, event.virtual_size)
        if sized == self._sized:
            event.prevent_default()  # DataTable's handler, next in line, is skipped
        self._sized = sized

    def _look(self) -> object:
        classes = tuple(node.classes for node in self.ancestors_with_self)
        return self.app.theme, self.rich_style, self.background_colors, classes

    def notify_style_update(self) -> None:
        state, look = self.get_pseudo_class_state(), self._look() if self.is_mounted else None
        seen = self._looks.get(state)
        if look is not None and (seen == look or (seen is None and self._looks)):
            # Back to a state already drawn with this look, or a state not drawn yet: every cached
            # entry was drawn in a recorded state and look, and its key carries that state.
            self._looks[state] = look
            Widget.notify_style_update(self)
            self._get_styles_to_render_cell.cache_clear()  # the cursor's style is read per state
            self.refresh()
            return
        self._looks = {} if look is None else {state: look}
        super().notify_style_update()
