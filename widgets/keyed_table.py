"""A DataTable refreshed by key: rows are diffed, only changed rows repaint, cursor and scroll stay put.

Textual's ``DataTable`` has three traps for a dashboard that refreshes every few seconds (see the measured
notes): ``clear()`` resets cursor and scroll, ``remove_row`` is O(n) with a full layout per call, and
``update_cell`` repaints the whole widget. ``KeyedTable.set_rows`` writes the table's row store directly (the
same structures ``add_row``/``sort`` maintain, Textual pinned at 8.2.8), repaints only the rows whose cells
changed, and repaints everything only when rows appear, vanish, move, or a column's width changes.

String cells are shown literally (no markup); pass a Rich ``Text`` for deliberate styling.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, Self

from rich.cells import cell_len
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.reactive import var
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, CursorType, Row, RowKey

from widgets.look_cache import LookCachedTable
from widgets.text import inert, one_line

__all__ = ["Cell", "ColumnSpec", "KeyedTable", "TableChanges"]

Cell = str | int | float | Text | None
"""A cell value: strings and numbers are shown literally (floats with two decimals); ``Text`` keeps styles."""
ColumnSpec = str | tuple[str, str]
"""A column: its label, or ``(label, key)``."""


class TableChanges(NamedTuple):
    """What one ``set_rows``/filter pass changed in the displayed rows."""

    added: int
    removed: int
    updated: int
    """Rows whose cells changed in place."""
    moved: bool
    """True if the order of rows that stayed changed."""
    full_repaint: bool
    """True if the whole table was repainted (rows added/removed/moved or a column width changed)."""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.updated or self.moved)


def _to_text(value: Cell) -> Text:
    if isinstance(value, Text):
        return value
    if value is None:
        return Text("", end="")
    if isinstance(value, float):
        return Text(f"{value:.2f}", end="")
    # One line per cell: a newline would only show the first line of the cell.
    return Text(one_line(value), end="")


def _same(a: Text, b: Text) -> bool:
    # Text.__eq__ ignores the base style, so compare it too.
    return a.plain == b.plain and a.style == b.style and a.spans == b.spans


def _width(text: Text) -> int:
    plain = text.plain
    if "\n" in plain:
        return max(cell_len(line) for line in plain.split("\n"))
    return cell_len(plain)


class KeyedTable(LookCachedTable):
    """A ``DataTable`` whose rows are replaced wholesale by key with :meth:`set_rows`, updated in place.

    - Rows keep the order given; new rows appear, vanished rows go, changed cells update.
    - Only changed rows repaint unless rows were added, removed or moved or a column width changed.
    - The cursor stays on the same row key (if that row vanished, on the row that took its place); the scroll
      offset is kept. If the cursor's row was on screen it is kept on screen.
    - ``filter_text`` hides rows whose text does not contain it (case-insensitive); clearing it brings the
      cursor back to the row it was on.
    """

    DEFAULT_CSS = """
    KeyedTable {
        height: 1fr;
    }
    """

    filter_text: var[str] = var("")
    """Only rows whose text contains this (case-insensitive) are shown; empty shows all."""

    def __init__(
        self,
        columns: Sequence[ColumnSpec] = (),
        *,
        cursor_type: CursorType = "row",
        zebra_stripes: bool = False,
        show_header: bool = True,
        fixed_columns: int = 0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            show_header=show_header,
            show_row_labels=False,
            zebra_stripes=zebra_stripes,
            cursor_type=cursor_type,
            fixed_columns=fixed_columns,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )
        self._column_specs = list(columns)
        self._source: dict[str, tuple[Text, ...]] = {}
        """Every row given to ``set_rows`` (filtered or not), in order, as Text."""
        self._raw: dict[str, tuple[Cell, ...]] = {}
        """The cells as given, to skip converting rows that did not change."""
        self._shown: dict[str, tuple[Text, ...]] = {}
        """The rows displayed, in order, each with the cells object last written to the table."""
        self._search: dict[str, str] = {}
        """Case-folded row text for filtering, computed when first needed."""
        self._widths: dict[str, list[int]] = {}
        """Cell widths of displayed rows."""
        self._wanted_key: str | None = None
        """The key the cursor should return to when it reappears (e.g. after a filter is cleared)."""
        self._applying = False
        self._ready = False
        self.last_changes = TableChanges(0, 0, 0, False, False)
        """What the last refresh changed (for tests and benchmarks)."""

    def on_mount(self) -> None:
        for spec in self._column_specs:
            label, key = (spec, spec) if isinstance(spec, str) else spec
            self.add_column(Text(inert(label), end=""), key=key)
        self._ready = True
        if self._source:
            self._apply()

    # ---------------------------------------------------------------- public API

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or ``None`` if the table is empty."""
        if not self.row_count:
            return None
        key = self._row_locations.get_key(self.cursor_row)
        return None if key is None else key.value

    @property
    def displayed_keys(self) -> list[str]:
        """Keys of the rows shown, in display order (after filtering)."""
        return list(self._shown)

    @property
    def source_keys(self) -> list[str]:
        """Keys of every row given to ``set_rows``, filtered out or not."""
        return list(self._source)

    def row_text(self, key: str) -> tuple[str, ...]:
        """The plain text of each cell of a row (shown or filtered out)."""
        return tuple(cell.plain for cell in self._source[key])

    def set_rows(self, rows: Iterable[tuple[str, Sequence[Cell]]]) -> TableChanges:
        """Replace the table's rows with ``rows`` (``(key, cells)`` pairs, in display order).

        Unchanged rows are not touched; see the class docstring. Returns what changed on screen (all zeros
        before the table is mounted or when nothing changed).
        """
        width = len(self._column_specs)
        source: dict[str, tuple[Text, ...]] = {}
        raw: dict[str, tuple[Cell, ...]] = {}
        previous_raw, previous = self._raw, self._source
        for key, given in rows:
            cells = tuple(given)
            if key in source:
                raise ValueError(f"duplicate row key {key!r}")
            if len(cells) > width:
                raise ValueError(f"row {key!r} has {len(cells)} cells for {width} columns")
            raw[key] = cells
            # Fast path: the same plain values as last time reuse last time's Text (Text.__eq__ ignores
            # styles, so rows holding Text are always converted and compared cell by cell).
            if previous_raw.get(key) == cells and not any(isinstance(cell, Text) for cell in cells):
                source[key] = previous[key]
                continue
            texts = tuple(_to_text(cell) for cell in cells)
            if len(texts) < width:
                texts += tuple(Text("", end="") for _ in range(width - len(texts)))
            source[key] = texts
        self._source, self._raw = source, raw
        self._search = {key: text for key, text in self._search.items() if source.get(key) is previous.get(key)}
        if not self._ready:
            return self.last_changes
        return self._apply()

    def sort(self, *columns: ColumnKey | str, key: Callable[[Any], Any] | None = None, reverse: bool = False) -> Self:
        """Sort the displayed rows by cell text (as DataTable.sort); the next ``set_rows`` restores its order.

        ``key`` receives the plain text of the cells (a tuple if several columns, or all of them, are used).
        """

        def by_text(value: Any) -> Any:
            if isinstance(value, tuple):
                value = tuple(cell.plain if isinstance(cell, Text) else cell for cell in value)
            elif isinstance(value, Text):
                value = value.plain
            return value if key is None else key(value)

        super().sort(*columns, key=by_text, reverse=reverse)
        order = sorted(self._shown, key=lambda row: self._row_locations.get(RowKey(row)) or 0)
        self._shown = {row: self._shown[row] for row in order}
        return self

    def move_cursor_to_key(self, key: str) -> bool:
        """Put the cursor on the row with ``key`` if it is shown; return whether it is."""
        index = self._row_locations.get(RowKey(key))
        if index is None:
            return False
        self.move_cursor(row=index)
        return True

    # ---------------------------------------------------------------- filtering

    def _matches(self, key: str, needle: str) -> bool:
        haystack = self._search.get(key)
        if haystack is None:
            # Tab-joined so a match never spans two cells.
            haystack = "\t".join(cell.plain for cell in self._source[key]).casefold()
            self._search[key] = haystack
        return needle in haystack

    def watch_filter_text(self) -> None:
        if self._ready:
            self._apply()

    # ---------------------------------------------------------------- cursor tracking

    def watch_cursor_coordinate(self, old_coordinate: Coordinate, new_coordinate: Coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        if not self._applying:
            self._wanted_key = self.selected_key

    # ---------------------------------------------------------------- the diff

    def _apply(self) -> TableChanges:
        needle = self.filter_text.casefold()
        if needle:
            wanted = [(key, cells) for key, cells in self._source.items() if self._matches(key, needle)]
        else:
            wanted = list(self._source.items())

        old_keys = self.displayed_keys
        old_cursor_index = self.cursor_row
        old_cursor_key = self.selected_key
        if self._wanted_key is None:
            self._wanted_key = old_cursor_key
        cursor_was_visible = self._row_on_screen(old_cursor_index)

        new_keys = [key for key, _ in wanted]
        new_set = set(new_keys)
        removed = [key for key in old_keys if key not in new_set]
        old_set = set(old_keys)
        added = [key for key in new_keys if key not in old_set]

        column_keys = [column.key for column in self.ordered_columns]
        data = self._data
        changed_rows: list[str] = []

        for key in removed:
            row_key = RowKey(key)
            del data[row_key]
            del self.rows[row_key]
            self._widths.pop(key, None)

        shown = self._shown
        for key, cells in wanted:
            row_key = RowKey(key)
            if key in old_set:
                if shown[key] is cells:
                    continue
                row = data[row_key]
                widths = self._widths[key]
                dirty = False
                for index, (column_key, cell) in enumerate(zip(column_keys, cells, strict=True)):
                    current = row.get(column_key)
                    if not isinstance(current, Text) or not _same(current, cell):
                        row[column_key] = cell
                        widths[index] = _width(cell)
                        dirty = True
                if dirty:
                    changed_rows.append(key)
            else:
                data[row_key] = dict(zip(column_keys, cells, strict=True))
                self.rows[row_key] = Row(row_key, 1)
                self._widths[key] = [_width(cell) for cell in cells]

        kept_old_order = [key for key in old_keys if key in new_set]
        kept_new_order = [key for key in new_keys if key in old_set]
        moved = kept_old_order != kept_new_order
        structural = bool(added or removed or moved)
        if structural:
            self._row_locations = TwoWayDict({RowKey(key): index for index, key in enumerate(new_keys)})

        self._shown = dict(wanted)
        widths_changed = (structural or bool(changed_rows)) and self._fit_columns(column_keys)
        full = structural or widths_changed
        changes = TableChanges(len(added), len(removed), len(changed_rows), moved, full)
        self.last_changes = changes
        if not (full or changed_rows):
            return changes

        # Every DataTable render cache is keyed by this counter.
        self._update_count += 1
        if full:
            self._require_update_dimensions = True
            self.check_idle()
            self.refresh()
        else:
            self._refresh_rows(changed_rows)
        if structural:
            self._place_cursor(new_keys, old_cursor_index, old_cursor_key, cursor_was_visible, len(old_keys))
        return changes

    def _refresh_rows(self, keys: list[str]) -> None:
        """Repaint only the on-screen lines of these rows (DataTable.update_cell repaints everything)."""
        header = self.header_height if self.show_header else 0
        top = int(self.scroll_y)
        width = self.size.width
        regions: list[Region] = []
        for key in keys:
            index = self._row_locations.get(RowKey(key))
            if index is not None and self._row_on_screen(index):
                regions.append(Region(0, header + index - top, width, 1))
        if regions:
            self.refresh(*regions)

    def _fit_columns(self, column_keys: list[ColumnKey]) -> bool:
        """Set each auto-width column to its widest label or cell; return True if any width changed."""
        changed = False
        all_widths = list(self._widths.values())
        for index, column_key in enumerate(column_keys):
            column = self.columns[column_key]
            widest = max((widths[index] for widths in all_widths), default=0)
            content_width = max(widest, cell_len(column.label.plain))
            if column.content_width != content_width:
                column.content_width = content_width
                changed = True
        return changed

    def _row_on_screen(self, index: int) -> bool:
        if not self.row_count or not self.size.height:
            return False
        header = self.header_height if self.show_header else 0
        top = int(self.scroll_y)
        visible_rows = self.scrollable_content_region.height - header
        return top <= index < top + visible_rows

    def _place_cursor(
        self,
        new_keys: list[str],
        old_index: int,
        old_key: str | None,
        was_visible: bool,
        old_count: int,
    ) -> None:
        if not new_keys:
            return
        index: int | None = None
        if self._wanted_key is not None:
            index = self._row_locations.get(RowKey(self._wanted_key))
        if index is None and old_key is not None:
            index = self._row_locations.get(RowKey(old_key))
        if index is None:
            index = min(old_index, len(new_keys) - 1)
        key = new_keys[index]
        if self._wanted_key not in self._source:
            # The wanted row is gone for good (not merely filtered out): stop waiting for it.
            self._wanted_key = key
        # set_reactive: moving the cursor with its row is not a user move; the watcher would also scroll.
        self.set_reactive(DataTable.cursor_coordinate, Coordinate(index, self.cursor_column))
        if (key != old_key or old_count == 0) and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()  # posts RowHighlighted/CellHighlighted like a cursor move would
        if was_visible and index != old_index:
            self.call_after_refresh(self._keep_cursor_on_screen)

    def _keep_cursor_on_screen(self) -> None:
        if not self._row_on_screen(self.cursor_row):
            self._scroll_cursor_into_view()
