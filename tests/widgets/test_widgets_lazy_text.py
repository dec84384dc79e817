"""LazyText: looks exactly like a Static of the same text, but paints only the lines on screen."""

from __future__ import annotations

from typing import Any

import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.selection import Selection
from textual.visual import Visual
from textual.widgets import Static

from tests.widgets.widget_helpers import screen_text, wait_for
from widgets.lazy_text import RUN, LazyText


def _sample() -> Text:
    """Styled spans, lines that fit, lines that wrap at words, a word longer than the width, a tab,
    blank lines, and markup that must stay literal."""
    text = Text()
    text.append("Related alarms and findings\n", style="bold underline")
    for n in range(40):
        text.append(f"finding {n} ", style="bold red" if n % 3 else "dim")
        text.append("lorem ipsum dolor sit amet " * (n % 7) + f"end{n}\n")
        if n % 10 == 0:
            text.append("\n")
    text.append("col\tafter a tab\n")
    text.append("[bold red]not markup[/] " + "x" * 150 + " tail")
    return text


class Holder(App[None]):
    def __init__(self, widget: Static) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield self.widget


def _cells(pilot: Any) -> list[list[tuple[str, Style | None]]]:
    """Every screen cell as (character, style without the mouse-offset metadata)."""
    rows = []
    for strip in pilot.app.screen._compositor.render_strips():
        row = []
        for segment in strip:
            style = segment.style.clear_meta_and_links() if segment.style else None
            row.extend((char, style) for char in segment.text)
        rows.append(row)
    return rows


async def _painted(widget: Static, size: tuple[int, int], scroll: int) -> tuple[list[Any], int]:
    app = Holder(widget)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.query_one(VerticalScroll).scroll_to(y=scroll, animate=False)
        await pilot.pause()
        await pilot.pause()
        return _cells(pilot), widget.size.height


@pytest.mark.parametrize("size", [(60, 20), (100, 30)])
@pytest.mark.parametrize("scroll", [0, 23, 10_000])
async def test_paints_the_same_cells_as_a_static(size: tuple[int, int], scroll: int) -> None:
    expected, static_height = await _painted(Static(_sample(), markup=False), size, scroll)
    painted, lazy_height = await _painted(LazyText(_sample()), size, scroll)
    assert lazy_height == static_height
    assert painted == expected


async def test_only_the_lines_on_screen_are_rendered(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[int] = []
    to_strips = Visual.to_strips

    def counting(widget: Any, visual: Any, width: int, height: int | None, *args: Any, **kwargs: Any) -> Any:
        strips = to_strips(widget, visual, width, height, *args, **kwargs)
        if isinstance(widget, LazyText):
            rendered.append(len(strips))
        return strips

    monkeypatch.setattr(Visual, "to_strips", counting)
    lines, viewport = 5_000, 20
    # A few paints of the viewport (the first frame, then again once the scrollbar took its column),
    # never the 5,000 lines.
    bound = 3 * (viewport + RUN)
    app = Holder(LazyText("\n".join(f"line {n}" for n in range(lines))))
    async with app.run_test(size=(40, viewport)) as pilot:
        await wait_for(pilot, lambda: "line 0" in screen_text(pilot))
        assert app.widget.size.height == lines
        assert sum(rendered) <= bound
        rendered.clear()
        app.query_one(VerticalScroll).scroll_to(y=4_000, animate=False)
        await wait_for(pilot, lambda: "line 4000" in screen_text(pilot))
        assert "line 4019" in screen_text(pilot)
        assert sum(rendered) <= bound


async def test_strings_stay_literal_and_an_update_changes_the_height() -> None:
    widget = LazyText("[b]one[/b]")
    app = Holder(widget)
    async with app.run_test(size=(40, 10)) as pilot:
        await wait_for(pilot, lambda: "[b]one[/b]" in screen_text(pilot))
        widget.update("first\nsecond\n[@click=app.quit]third[/]")
        await wait_for(pilot, lambda: widget.size.height == 3)
        assert "[@click=app.quit]third[/]" in screen_text(pilot)


async def test_a_selection_copies_the_lines_as_shown() -> None:
    widget = LazyText("short\n" + "word " * 20)
    app = Holder(widget)
    async with app.run_test(size=(30, 10)) as pilot:
        await wait_for(pilot, lambda: widget.size.height > 2)
        copied = widget.get_selection(Selection(None, None))
        assert copied is not None
        assert copied[0] == "\n".join(line.plain for line in widget.lines)
        assert copied[0].startswith("short\nword word")
