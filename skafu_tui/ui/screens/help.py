"""`?`: every key the app and the screen below answer, as currently mapped."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def _key_label(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "escape": "esc", "enter": "enter"}
    return ", ".join(names.get(k.strip(), k.strip()) for k in key.split(","))


class HelpScreen(ModalScreen[None]):
    """Lists every binding (with the keymap applied) and closes on escape, q or ?."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Keys\n", style="bold")
        width = max((len(k) for k, _ in self.rows), default=4) + 2
        for key, what in self.rows:
            text.append(f"{key:<{width}}", style="bold")
            text.append(f"{what}\n")
        text.append("\nThe mouse is optional: every action has a key. Remap keys in config.yaml (keys:).",
                    style="dim")
        with VerticalScroll():
            yield Static(text)


def binding_rows(bindings: list[tuple[Binding, str]]) -> list[tuple[str, str]]:
    """(key, description) rows from (binding, effective key) pairs, de-duplicated, in order."""
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[str, str]] = []
    for binding, key in bindings:
        what = binding.description or binding.action
        label = _key_label(key)
        if (label, what) in seen:
            continue
        seen.add((label, what))
        rows.append((label, what))
    return rows
