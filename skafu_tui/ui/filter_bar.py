"""``/`` filters the focused table; ``j``/``k`` move its cursor; ``escape`` clears the filter.

Use it by mixing :class:`FilterableMixin` into a pane, *after* ``Pane`` (Textual takes CSS type
names from the first base only: ``app.query(Pane)`` must still find the pane)::

    class CostPane(Pane, FilterableMixin):
        title = "Cost"
        def compose(self) -> ComposeResult: ...      # any KeyedTables, as before
        def draw(self, assessment, snapshot, now): ...

That is all. The pane then answers (binding ids from ``skafu_tui.ui.keys``, remappable in config):

- ``j`` / ``k`` (``table.down`` / ``table.up``): cursor down / up in the focused ``DataTable``
  (or scroll the pane when no table has focus);
- ``/`` (``table.filter``): open a one-line :class:`FilterBar` docked at the pane's bottom for the
  focused ``KeyedTable`` (else the pane's first one). Typing sets ``KeyedTable.filter_text`` live;
  ``enter`` returns to the table and keeps the filter, the bar staying visible so the table is never
  filtered silently; ``escape`` (in the bar, or in the table while a filter is set) clears the filter,
  hides the bar and returns to the table. Without an active filter ``escape`` falls through to
  whatever else binds it.

One filter per pane at a time: opening the bar on another table clears the previous table's filter.
Name a table (``KeyedTable(..., name="alerts")``) to have the bar say ``filter alerts``.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import DataTable, Input

from skafu_tui.ui.keys import TABLE_BINDINGS
from widgets.keyed_table import KeyedTable
from widgets.text import SafeLabel

__all__ = ["FilterBar", "FilterableMixin", "focused_table"]


def focused_table(pane: Widget) -> KeyedTable | None:
    """The ``KeyedTable`` inside ``pane`` that has focus, else the pane's first one, else None."""
    focused = pane.screen.focused if pane.is_attached else None
    if isinstance(focused, KeyedTable) and pane in focused.ancestors:
        return focused
    return next(iter(pane.query(KeyedTable)), None)


class FilterBar(Horizontal):
    """A hidden one-line filter prompt; :meth:`open` shows it for a table."""

    DEFAULT_CSS = """
    FilterBar {
        dock: bottom;
        height: 1;
        display: none;
        background: $boost;
        & > SafeLabel { width: auto; padding: 0 1 0 0; text-style: bold; }
        & > Input { border: none; height: 1; padding: 0; width: 1fr; background: $boost; }
        & > Input:focus { border: none; background-tint: $foreground 5%; }
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Clear filter", show=False)]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.target: KeyedTable | None = None
        """The table being filtered (None until the bar is first opened)."""

    def compose(self) -> ComposeResult:
        yield SafeLabel("filter")
        yield Input(placeholder="type to filter · enter keeps · esc clears", compact=True)

    @property
    def active(self) -> bool:
        """True while a table is filtered by this bar."""
        return self.target is not None and bool(self.target.filter_text)

    def open(self, table: KeyedTable) -> None:
        """Show the bar for ``table`` (clearing another table's filter first) and focus it."""
        if self.target is not None and self.target is not table:
            self.target.filter_text = ""
        self.target = table
        self.query_one(SafeLabel).update(f"/ filter {table.name or 'table'}:")
        field = self.query_one(Input)
        field.value = table.filter_text
        self.display = True
        field.focus()

    def clear(self) -> None:
        """Clear the filter, hide the bar and give focus back to the table."""
        target = self.target
        if target is not None:
            target.filter_text = ""
        with self.prevent(Input.Changed):
            self.query_one(Input).value = ""
        self.display = False
        if target is not None:
            target.focus()

    def action_cancel(self) -> None:
        self.clear()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.target is not None:
            self.target.filter_text = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self.clear()
        elif self.target is not None:
            self.target.focus()


class FilterableMixin(Widget):
    """``j``/``k``, ``/`` and ``escape`` for a pane's tables (see the module docstring).

    A Widget subclass (Textual merges ``BINDINGS`` only from DOM classes) that imports no pane, so
    ``skafu_tui.ui.panes`` can import this module without a cycle.
    """

    BINDINGS = [
        *TABLE_BINDINGS,
        Binding("escape", "clear_filter", "Clear filter", show=False, id="table.clear_filter"),
    ]

    def on_mount(self) -> None:
        self.mount(FilterBar())

    @property
    def filter_bar(self) -> FilterBar | None:
        return next(iter(self.query_children(FilterBar)), None)

    def _focused_data_table(self) -> DataTable[object] | None:
        focused = self.screen.focused
        if isinstance(focused, DataTable) and self in focused.ancestors:
            return focused
        return None

    def action_cursor_down(self) -> None:
        table = self._focused_data_table()
        if table is not None:
            table.action_cursor_down()
        else:
            self.scroll_down()

    def action_cursor_up(self) -> None:
        table = self._focused_data_table()
        if table is not None:
            table.action_cursor_up()
        else:
            self.scroll_up()

    def action_filter(self) -> None:
        table = focused_table(self)
        bar = self.filter_bar
        if table is not None and bar is not None:
            bar.open(table)

    def action_clear_filter(self) -> None:
        bar = self.filter_bar
        if bar is not None:
            bar.clear()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            bar = self.filter_bar
            return bar is not None and (bar.active or bar.display)
        return True
