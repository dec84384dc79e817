"""The pane tabs line: `1 Overview  2 Health …` with the shown pane highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from skafu_tui.ui.keys import PANES

__all__ = ["PaneTabs"]


class PaneTabs(Widget):
    """`1 Overview  2 Health …` with the shown pane highlighted."""

    DEFAULT_CSS = """
    PaneTabs { height: 1; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys = {pane: key for pane, _, key in PANES}
        self.active = PANES[0][0]

    def show_active(self, active: str) -> None:
        if active != self.active:
            self.active = active
            self.refresh()  # one fixed-height line: a repaint, never a layout pass

    def render(self) -> Text:
        width = self.content_region.width or 80
        full = sum(len(title) + len(key) + 4 for _, title, key in PANES)
        text = Text(no_wrap=True, end="")
        for pane, title, key in PANES:
            # Too narrow for every title: the shown pane keeps its title, the others their key.
            shown = title if full <= width or pane == self.active else title[:3]
            label = f" {self.keys.get(pane, key)} {shown} "
            text.append(label, style="bold reverse" if pane == self.active else "")
            text.append(" " if full <= width else "")
        return text
