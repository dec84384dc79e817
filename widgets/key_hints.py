"""A one-line key hint bar: the shown bindings of the focused chain, as text.

Textual's ``Footer`` rebuilds one widget per key every time focus moves (mount, style and
unmount of ~20 widgets: tens of milliseconds per pane switch). This bar is a single widget that
redraws its line only when the hints actually change, so moving focus costs one string compare.
The mouse is optional: hints are read, keys are pressed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["KeyHints"]


class KeyHints(Widget):
    """`q Quit  ? Help  / Filter …`: what the keyboard can do here, updated as focus moves."""

    DEFAULT_CSS = """
    KeyHints { height: 1; dock: bottom; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._hints: tuple[tuple[str, str], ...] = ()
        self._cache: tuple[int, Text] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        hints: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            hints.append((self.app.get_key_display(binding), binding.description))
        found = tuple(hints)
        if found != self._hints:
            self._hints = found
            self._cache = None
            self.refresh()  # one fixed-height line: a repaint, never a layout pass

    def render(self) -> Text:
        width = self.content_region.width
        if self._cache is None or self._cache[0] != width:
            self._cache = (width, self.render_hints(self._hints, width))
        return self._cache[1]

    @staticmethod
    def render_hints(hints: tuple[tuple[str, str], ...], width: int) -> Text:
        """Keys as keycaps with their descriptions; narrower forms when that does not fit in ``width``
        (an 80-column SSH session keeps every key, ``q`` included, rather than cutting the tail off)."""
        roomy = sum(len(key) + len(description) + 5 for key, description in hints)
        compact = sum(len(key) + len(description) + 3 for key, description in hints)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for key, description in hints:
            if roomy <= width:
                text.append(f" {key} ", style="bold reverse")
                text.append(f" {description}  ")
            elif compact <= width:
                text.append(key, style="bold reverse")
                text.append(f" {description}  ")
            else:
                text.append(key, style="bold reverse")
                text.append(f" {description[:3]} ")
        return text

    @property
    def hints(self) -> tuple[tuple[str, str], ...]:
        """(key shown, description) in display order."""
        return self._hints
