"""Literal text helpers and Safe* widgets: markup is never parsed, controls are made visible."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content

from tests.widgets.widget_helpers import screen_text
from widgets import SafeLabel, SafeStatic, inert, literal, plain

HOSTILE = ["[bold red]x[/]", "web-01 [/]", "[@click=app.quit]x[/]", "[link=https://evil.example]y[/]"]


@pytest.mark.parametrize("value", HOSTILE)
def test_plain_and_literal_keep_markup_as_text(value: str) -> None:
    text = plain(value)
    assert text.plain == value and not text.spans
    content = literal(value)
    assert content.plain == value and not content.spans


def test_deliberately_styled_values_pass_through() -> None:
    styled = Text("ok", style="green")
    assert plain(styled) is styled
    content = Content.styled("ok", "bold")
    assert literal(content) is content
    assert literal(styled).plain == "ok"


def test_controls_are_made_visible() -> None:
    hostile = "A\x1b[2JB\x07\x9b\u202e"
    shown = inert(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown and "\u202e" not in shown
    assert shown.startswith("A␛[2JB␇")
    assert "\x1b" not in plain(hostile).plain
    assert "\x1b" not in literal(hostile).plain
    assert inert("tab\tand\nnewline") == "tab\tand\nnewline"


class SafeApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.quit_called = False

    def compose(self) -> ComposeResult:
        yield SafeLabel(HOSTILE[0], id="label")
        yield SafeStatic(HOSTILE[1], id="static")

    async def action_quit(self) -> None:
        self.quit_called = True


async def test_safe_widgets_show_markup_literally_and_stay_inert() -> None:
    app = SafeApp()
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        text = screen_text(pilot)
        assert HOSTILE[0] in text and HOSTILE[1] in text

        app.query_one("#label", SafeLabel).update(HOSTILE[2])
        app.query_one("#static", SafeStatic).update(HOSTILE[3])
        await pilot.pause()
        text = screen_text(pilot)
        assert HOSTILE[2] in text and HOSTILE[3] in text

        await pilot.click("#label", offset=(2, 0))
        await pilot.pause()
        assert not app.quit_called
