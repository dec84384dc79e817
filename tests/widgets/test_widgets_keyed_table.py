"""KeyedTable: rows diffed by key; cursor and scroll stay put; literal text; filtering; per-row repaint."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tests.widgets.widget_helpers import screen_text, wait_for
from widgets import KeyedTable

COLUMNS = ["host", "status", "p95"]
TABLE_HEIGHT = 12  # header + 11 rows on screen


def make_rows(count: int, p95: dict[int, str] | None = None) -> list[tuple[str, tuple[str, str, str]]]:
    overrides = p95 or {}
    return [(f"web-{i:02d}", (f"web-{i:02d}", "healthy", overrides.get(i, f"{100 + i} ms"))) for i in range(count)]


class TableApp(App[None]):
    CSS = f"KeyedTable {{ height: {TABLE_HEIGHT}; }}"

    def __init__(self, rows: list[tuple[str, Any]] | None = None) -> None:
        super().__init__()
        self.initial_rows = rows if rows is not None else make_rows(60)
        self.quit_called = False
        self.highlighted: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield KeyedTable(COLUMNS)

    def on_mount(self) -> None:
        self.query_one(KeyedTable).set_rows(self.initial_rows)

    async def action_quit(self) -> None:
        self.quit_called = True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.highlighted.append(event.row_key.value)


async def scrolled_to_middle(pilot: Any, table: KeyedTable) -> tuple[int, float]:
    """Scroll down, then put the cursor on row 30 in the middle of the view; return (cursor row, scroll_y)."""
    table.focus()
    table.move_cursor(row=35)
    await wait_for(pilot, lambda: table.scroll_y > 0 and table.cursor_row == 35)
    table.move_cursor(row=30)
    await wait_for(pilot, lambda: table.cursor_row == 30)
    await pilot.pause()
    assert table.scroll_y < 30 < table.scroll_y + TABLE_HEIGHT - 4
    return table.cursor_row, table.scroll_y


async def test_changed_added_removed_rows_keep_cursor_and_scroll() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(KeyedTable)
        _, scroll_y = await scrolled_to_middle(pilot, table)
        assert table.selected_key == "web-30"

        rows = make_rows(60, p95={30: "999 ms"})
        rows.insert(0, ("new-00", ("new-00", "healthy", "1 ms")))  # added above the cursor
        del rows[11]  # web-10 removed above the cursor
        rows.append(("new-99", ("new-99", "degraded", "5 ms")))  # added below
        changes = table.set_rows(rows)
        await pilot.pause()

        assert (changes.added, changes.removed, changes.updated) == (2, 1, 1)
        assert table.selected_key == "web-30"
        assert table.scroll_y == scroll_y
        assert table.displayed_keys == [key for key, _ in rows]
        assert "999 ms" in screen_text(pilot)


async def test_row_inserted_above_moves_cursor_with_its_row_without_scrolling() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(KeyedTable)
        cursor_row, scroll_y = await scrolled_to_middle(pilot, table)
        app.highlighted.clear()

        rows = make_rows(60)
        rows[0:0] = [(f"new-{i}", (f"new-{i}", "healthy", "1 ms")) for i in range(3)]
        table.set_rows(rows)
        await pilot.pause()

        assert table.selected_key == "web-30"
        assert table.cursor_row == cursor_row + 3
        assert table.scroll_y == scroll_y
        # The highlighted row did not change, so listeners are not told it did.
        assert app.highlighted == []


async def test_cursor_at_the_bottom_edge_stays_on_screen_when_rows_arrive_above() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(KeyedTable)
        table.focus()
        table.move_cursor(row=30)
        await wait_for(pilot, lambda: table.scroll_y > 0 and table.cursor_row == 30)
        await pilot.pause()
        scroll_y = table.scroll_y
        visible_rows = TABLE_HEIGHT - 1
        assert table.cursor_row == scroll_y + visible_rows - 1  # the last line of the view

        rows = make_rows(60)
        rows[0:0] = [(f"new-{i}", (f"new-{i}", "healthy", "1 ms")) for i in range(3)]
        table.set_rows(rows)
        await wait_for(pilot, lambda: table.scroll_y != scroll_y)

        # Scrolled just enough to keep the selected row in view (the least movement that does).
        assert table.selected_key == "web-30"
        assert table.scroll_y == scroll_y + 3
        assert "web-30" in screen_text(pilot)


async def test_cursor_row_removed_moves_to_the_row_taking_its_place() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(KeyedTable)
        await scrolled_to_middle(pilot, table)
        app.highlighted.clear()

        rows = [row for row in make_rows(60) if row[0] != "web-30"]
        table.set_rows(rows)
        await wait_for(pilot, lambda: app.highlighted == ["web-31"])

        assert table.selected_key == "web-31"


async def test_reorder_keeps_cursor_on_its_key() -> None:
    app = TableApp(make_rows(8))
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(KeyedTable)
        table.move_cursor(row=2)
        await pilot.pause()

        reordered = list(reversed(make_rows(8)))
        changes = table.set_rows(reordered)
        await pilot.pause()

        assert changes.moved and changes.full_repaint
        assert table.displayed_keys == [key for key, _ in reordered]
        assert table.selected_key == "web-02"
        lines = screen_text(pilot).splitlines()
        assert lines[1].split()[0] == "web-07"


async def test_sort_then_set_rows_restores_the_given_order() -> None:
    app = TableApp(make_rows(5))
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(KeyedTable)
        await pilot.pause()
        table.sort("host", reverse=True)
        assert table.displayed_keys == [key for key, _ in reversed(make_rows(5))]
        changes = table.set_rows(make_rows(5))
        assert changes.moved
        assert table.displayed_keys == [key for key, _ in make_rows(5)]


async def test_unchanged_rows_change_nothing() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(KeyedTable)
        await pilot.pause()
        changes = table.set_rows(make_rows(60))
        assert not changes.changed
        assert not changes.full_repaint


async def test_a_changed_cell_repaints_only_its_row() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(KeyedTable)
        await pilot.pause()
        painted: list[int] = []
        render_line = table.render_line

        def counting_render_line(y: int) -> Any:
            painted.append(y)
            return render_line(y)

        table.render_line = counting_render_line  # type: ignore[method-assign]

        changes = table.set_rows(make_rows(60, p95={3: "777 ms"}))
        await wait_for(pilot, lambda: bool(painted))
        await pilot.pause()

        assert changes.updated == 1 and not changes.full_repaint
        assert painted == [1 + 3]  # header line, then rows 0..; only row 3's line was rendered again
        assert "777 ms" in screen_text(pilot)

        # For contrast, a structural change repaints every visible line.
        painted.clear()
        table.set_rows(make_rows(59))
        await wait_for(pilot, lambda: len(painted) >= TABLE_HEIGHT - 1)


async def test_a_style_only_change_is_a_change() -> None:
    rows: list[tuple[str, Any]] = [("a", ("a", Text("● ok", style="green"), "1"))]
    app = TableApp(rows)
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(KeyedTable)
        await pilot.pause()
        changes = table.set_rows([("a", ("a", Text("● ok", style="red"), "1"))])
        assert changes.updated == 1
        cell = table.get_cell("a", "status")
        assert isinstance(cell, Text) and str(cell.style) == "red"


@pytest.mark.parametrize("hostile", ["[bold red]x[/]", "web-01 [/]", "[@click=app.quit]x[/]", "[link=https://e.x]l[/]"])
async def test_markup_in_cells_is_shown_literally_and_inert(hostile: str) -> None:
    app = TableApp([("h", (hostile, "healthy", "1 ms"))])
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert hostile in screen_text(pilot)
        await pilot.click(KeyedTable, offset=(3, 1))
        await pilot.pause()
        assert not app.quit_called
        # Updating into markup is literal too.
        app.query_one(KeyedTable).set_rows([("h", ("ok", hostile, "1 ms"))])
        await pilot.pause()
        assert hostile in screen_text(pilot)


async def test_filter_hides_rows_and_clearing_returns_cursor() -> None:
    rows = [
        ("a", ("web-01", "healthy", "1 ms")),
        ("b", ("db-01", "DEGRADED", "9 ms")),
        ("c", ("web-02", "healthy", "2 ms")),
        ("d", ("cache-01", "degraded", "3 ms")),
    ]
    app = TableApp(rows)
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(KeyedTable)
        table.move_cursor(row=1)  # on "b"
        await pilot.pause()

        table.filter_text = "Degraded"
        await pilot.pause()
        assert table.displayed_keys == ["b", "d"]
        assert table.selected_key == "b"

        table.filter_text = "web"
        await pilot.pause()
        assert table.displayed_keys == ["a", "c"]
        assert "db-01" not in screen_text(pilot)

        table.filter_text = ""
        await pilot.pause()
        assert table.displayed_keys == ["a", "b", "c", "d"]
        assert table.selected_key == "b"

        # New data arriving while filtered is filtered too.
        table.filter_text = "web"
        table.set_rows([*rows, ("e", ("web-03", "healthy", "4 ms"))])
        await pilot.pause()
        assert table.displayed_keys == ["a", "c", "e"]
        assert table.source_keys == ["a", "b", "c", "d", "e"]


async def test_rows_set_before_mount_appear() -> None:
    class Early(App[None]):
        def compose(self) -> ComposeResult:
            table = KeyedTable(COLUMNS)
            table.set_rows(make_rows(3))
            yield table

    app = Early()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert app.query_one(KeyedTable).displayed_keys == ["web-00", "web-01", "web-02"]
        assert "web-02" in screen_text(pilot)


async def test_bad_rows_are_refused() -> None:
    app = TableApp(make_rows(1))
    async with app.run_test(size=(60, 10)):
        table = app.query_one(KeyedTable)
        with pytest.raises(ValueError, match="duplicate"):
            table.set_rows([("a", ("1",)), ("a", ("2",))])
        with pytest.raises(ValueError, match="cells"):
            table.set_rows([("a", ("1", "2", "3", "4"))])


async def test_column_widths_follow_the_widest_cell() -> None:
    app = TableApp(make_rows(2))
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(KeyedTable)
        await pilot.pause()
        wide = "x" * 30
        changes = table.set_rows([("web-00", (wide, "healthy", "1 ms")), *make_rows(2)[1:]])
        await pilot.pause()
        assert changes.full_repaint
        assert wide in screen_text(pilot)
        table.set_rows(make_rows(2))
        await pilot.pause()
        host_column = next(iter(table.columns.values()))
        assert host_column.content_width == len("web-00")
