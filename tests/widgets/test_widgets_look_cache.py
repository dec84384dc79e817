"""A table keeps its rendered cells across focus flips and re-showings, and still looks right."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tests.widgets.widget_helpers import wait_for
from widgets import KeyedTable

ROWS = [(f"r{i}", (f"host-{i}", "healthy", f"{100 + i} ms")) for i in range(8)]


class CountingTable(KeyedTable):
    """Counts cells rendered anew (not served from DataTable's cell cache)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(["host", "status", "p95"], **kwargs)
        self.cells_rendered = 0

    def _render_cell(self, *args: Any, **kwargs: Any) -> Any:
        before = len(self._cell_render_cache)
        result = super()._render_cell(*args, **kwargs)
        self.cells_rendered += len(self._cell_render_cache) != before
        return result


class TwoTables(App[None]):
    CSS = "CountingTable { height: 10; }"

    def compose(self) -> ComposeResult:
        yield CountingTable(id="a")
        yield CountingTable(id="b")

    def on_mount(self) -> None:
        for table in self.query(CountingTable):
            table.set_rows(ROWS)


def cursor_style(app: TwoTables, table: DataTable[Any]) -> Style:
    """The style painted on the cursor row's first cell (the header is line 0)."""
    strip = app.screen._compositor.render_strips()[table.region.y + 1]
    segment = next(seg for seg in strip if seg.text.strip())
    return segment.style or Style()


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.pause()


async def test_focus_flips_reuse_the_cells_and_the_cursor_still_shows_focus() -> None:
    app = TwoTables()
    async with app.run_test(size=(60, 24)) as pilot:
        a, b = app.query_one("#a", CountingTable), app.query_one("#b", CountingTable)
        await wait_for(pilot, lambda: a.row_count == len(ROWS))
        a.focus()
        await settle(pilot)
        focused = cursor_style(app, a)
        b.focus()
        await settle(pilot)
        blurred = cursor_style(app, a)
        assert focused != blurred  # the cursor row says where the focus is
        a.cells_rendered = 0
        for _ in range(3):
            a.focus()
            await settle(pilot)
            assert cursor_style(app, a) == focused
            b.focus()
            await settle(pilot)
            assert cursor_style(app, a) == blurred
        assert a.cells_rendered == 0  # every flip was served from the cache


async def test_a_theme_change_renders_the_cells_again_in_the_new_colours() -> None:
    app = TwoTables()
    async with app.run_test(size=(60, 24)) as pilot:
        a = app.query_one("#a", CountingTable)
        await wait_for(pilot, lambda: a.row_count == len(ROWS))
        a.focus()
        await settle(pilot)
        dark = cursor_style(app, a)
        a.cells_rendered = 0
        app.theme = "textual-light"
        await settle(pilot)
        assert a.cells_rendered > 0
        assert cursor_style(app, a) != dark
        app.theme = "textual-dark"
        await settle(pilot)
        assert cursor_style(app, a) == dark


async def test_showing_a_table_again_at_the_same_size_reuses_its_cells() -> None:
    app = TwoTables()
    async with app.run_test(size=(60, 24)) as pilot:
        b = app.query_one("#b", CountingTable)
        await wait_for(pilot, lambda: b.row_count == len(ROWS))
        for cycle in range(3):
            if cycle == 1:
                b.cells_rendered = 0  # the first showing drew at the size the table keeps
            b.display = False
            await settle(pilot)
            b.display = True
            await settle(pilot)
            assert "host-3" in "".join(s.text for s in app.screen._compositor.render_strips())
        assert b.cells_rendered == 0
        app.query_one("#a").display = False  # b moves up: a new size, its lines are drawn again
        await settle(pilot)
        b.styles.width = 40
        await settle(pilot)
        assert b.cells_rendered > 0


async def test_a_warmed_focused_look_serves_the_first_focus_without_taking_the_focus() -> None:
    app = TwoTables()
    async with app.run_test(size=(60, 24)) as pilot:
        a, b = app.query_one("#a", CountingTable), app.query_one("#b", CountingTable)
        await wait_for(pilot, lambda: b.row_count == len(ROWS))
        a.focus()
        await settle(pilot)
        b.display = False  # shown again below at the same size: its showing draws nothing new
        await settle(pilot)
        b.display = True
        await settle(pilot)
        blurred = cursor_style(app, b)
        b.warm_focused_look()
        assert app.focused is a and not b.has_focus  # nothing moved
        await settle(pilot)
        assert cursor_style(app, b) == blurred
        b.cells_rendered = 0
        b.focus()
        await settle(pilot)
        assert b.cells_rendered == 0
        assert cursor_style(app, b) != blurred  # the focused look, from the cache
