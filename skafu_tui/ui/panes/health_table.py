"""A KeyedTable that fits its width: one flexible column is cut with a visible ``…``.

DataTable sizes every column to its widest cell and scrolls sideways when they do not fit, which at
80 columns hides the right-hand columns without a trace. ``FitTable`` keeps the rows it was given
and, on every ``set_rows`` and every resize, cuts the flexible column (a name or a detail text) so
the whole row fits; other columns may be capped too. Rows still update in place by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual import events

from skafu_tui.ui.panes.health_format import ellipsize
from widgets.keyed_table import Cell, ColumnSpec, KeyedTable, TableChanges
from widgets.text import plain

_PADDING = 2
"""DataTable's cell padding: one cell each side of every column."""


def _label(spec: ColumnSpec) -> str:
    return spec if isinstance(spec, str) else spec[0]


class FitTable(KeyedTable):
    """A :class:`KeyedTable` whose column ``flex`` shrinks (with ``…``) so rows fit the table's width.

    ``caps`` limits other columns (index → cells). ``reserve_scrollbar`` keeps room for a vertical
    scrollbar (for tables with a fixed height that may hold more rows than they show).
    """

    def __init__(
        self,
        columns: Sequence[ColumnSpec],
        *,
        flex: int,
        caps: Mapping[int, int] | None = None,
        min_flex: int = 8,
        reserve_scrollbar: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(columns, name=name, id=id, classes=classes)
        self._labels = [_label(c) for c in columns]
        self._flex = flex
        self._caps = dict(caps or {})
        self._min_flex = min_flex
        self._reserve = reserve_scrollbar
        self._full: list[tuple[str, tuple[Text, ...]]] = []
        self._haystacks: dict[str, str] = {}
        self._fit_width = 0

    def set_rows(self, rows: Iterable[tuple[str, Sequence[Cell]]]) -> TableChanges:
        """Replace the rows (as :meth:`KeyedTable.set_rows`), cut to fit the current width."""
        self._full = [(key, tuple(plain("" if c is None else c if isinstance(c, Text) else str(c)) for c in cells))
                      for key, cells in rows]
        self._haystacks = {}
        return super().set_rows(self._fitted(self._available()))

    def full_text(self, key: str) -> tuple[str, ...]:
        """The uncut text of each cell of a row (what :meth:`row_text` shows may be cut)."""
        return next((tuple(c.plain for c in cells) for k, cells in self._full if k == key), ())

    def _matches(self, key: str, needle: str) -> bool:
        # The filter searches the uncut text: a word hidden behind "…" still finds its row.
        if not self._haystacks:
            self._haystacks = {k: "\t".join(c.plain for c in cells).casefold() for k, cells in self._full}
        return needle in self._haystacks.get(key, "")

    def on_resize(self, event: events.Resize) -> None:
        width = self._available()
        if width != self._fit_width and self._full:
            super().set_rows(self._fitted(width))

    def _available(self) -> int:
        width = self.size.width
        if width <= 0:
            # Not laid out yet: assume the screen's width; the first resize fits it properly.
            width = max(20, self.app.size.width - 4) if self.is_attached else 76
        if self._reserve or self.show_vertical_scrollbar:
            width -= self.styles.scrollbar_size_vertical
        return width

    def _fitted(self, width: int) -> list[tuple[str, tuple[Text, ...]]]:
        self._fit_width = width
        widths = [cell_len(label) for label in self._labels]
        for _, cells in self._full:
            for index, cell in enumerate(cells):
                if index != self._flex and index < len(widths):
                    widths[index] = max(widths[index], min(self._caps.get(index, 10**6), cell_len(cell.plain)))
        fixed = sum(w + _PADDING for i, w in enumerate(widths) if i != self._flex)
        flex_width = max(self._min_flex, width - fixed - _PADDING)
        out = []
        for key, cells in self._full:
            out.append((key, tuple(
                ellipsize(cell, flex_width if i == self._flex else self._caps.get(i, 10**6))
                for i, cell in enumerate(cells)
            )))
        return out
