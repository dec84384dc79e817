"""Every key the app answers, with a binding id so ``config.yaml``'s ``keys:`` can remap it."""

from __future__ import annotations

from textual.binding import Binding

PANES: tuple[tuple[str, str, str], ...] = (
    ("overview", "Overview", "1"),
    ("health", "Health", "2"),
    ("security", "Security", "3"),
    ("cost", "Cost", "4"),
    ("capacity", "Capacity", "5"),
    ("incidents", "Incidents", "6"),
    ("changes", "Changes", "7"),
)

APP_BINDINGS: list[Binding] = [
    *(
        Binding(key, f"show_pane('{pane}')", title, id=f"pane.{pane}", show=False)
        for pane, title, key in PANES
    ),
    Binding("r", "refresh_now", "Refresh", id="refresh"),
    Binding("p", "toggle_pause", "Pause", id="pause"),
    Binding("question_mark", "help", "Help", id="help"),
    Binding("s", "sources", "Sources", id="sources"),
    Binding("m", "maintenance", "Maintenance", id="maintenance"),
    Binding("h", "handover", "Handover", id="handover"),
    Binding("t", "toggle_theme", "Light/dark", id="theme", show=False),
    Binding("q", "request_quit", "Quit", id="quit"),
    Binding("ctrl+p", "command_palette", "Commands", id="command_palette", show=False),
]

TABLE_BINDINGS: list[Binding] = [
    Binding("j", "cursor_down", "Down", show=False, id="table.down"),
    Binding("k", "cursor_up", "Up", show=False, id="table.up"),
    Binding("slash", "filter", "Filter", id="table.filter"),
]
