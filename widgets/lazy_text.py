"""A read-only text block that lays out cheaply and paints only the lines on screen.

A ``Static`` renders every line of its content whenever any part of it is painted, and wraps every
line again each time (tokenising it into words even when it fits): a 200-line section inside a
scrolling container costs 200 wrapped and rendered lines to show the 15 that fit. :class:`LazyText`
keeps ``Static``'s API (it *is* a :class:`~widgets.text.SafeStatic`: strings are shown literally),
but

- wraps once per content and width, and only the lines longer than the width (a line that fits is
  one screen line as it is), with Textual's own word wrapping, so it looks the same;
- renders a screen line the first time it is painted (with the few below it, in one call), and
  keeps it until the content, the width or the style changes.

Text is left-aligned and top-aligned, wrapped at word boundaries and folded where a word is longer
than the width: ``text-wrap``, ``text-overflow``, ``text-align`` and ``line-pad`` do not apply.
Mouse selection works on the wrapped lines (a copy gets them joined by newlines).
"""

from __future__ import annotations

from typing import Self

from textual.content import Content
from textual.geometry import Region, Size
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import Visual

from widgets.text import SafeStatic

__all__ = ["LazyText"]

RUN = 12
"""Screen lines rendered together when a line not yet rendered is painted."""


class LazyText(SafeStatic):
    """A ``SafeStatic`` for long text: wraps once, paints only the visible lines."""

    # The lines handed to Textual are already wrapped: `nowrap` spares re-wrapping them on paint.
    DEFAULT_CSS = """
    LazyText {
        height: auto;
        text-wrap: nowrap;
        text-overflow: fold;
    }
    """

    _laid_out: tuple[object, int] | None = None
    _lines: tuple[Content, ...] = ()
    _strips: dict[int, Strip] | None = None
    _strips_style: VisualStyle | None = None

    def _layout(self, width: int) -> tuple[Content, ...] | None:
        """The content as one ``Content`` per screen line at `width`; ``None`` if it is not text."""
        visual = self.visual
        if not isinstance(visual, Content) or width <= 0:
            return None
        if self._laid_out is not None and self._laid_out[0] is visual and self._laid_out[1] == width:
            return self._lines
        lines: list[Content] = []
        for paragraph in visual.split("\n", allow_blank=True):
            if paragraph.cell_length <= width and "\t" not in paragraph.plain:
                lines.append(paragraph)
            else:
                lines.extend(paragraph.wrap(width, overflow="fold") or [Content("")])
        self._lines = tuple(lines)
        self._laid_out = (visual, width)
        self._strips = None
        return self._lines

    @property
    def lines(self) -> tuple[Content, ...]:
        """The screen lines at the current width (empty before the first layout)."""
        return self._layout(self.size.width) or ()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        lines = self._layout(width)
        if lines is None:
            return super().get_content_height(container, viewport, width)
        return len(lines)

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        if repaint:
            self._strips = None  # a repaint was asked for: the style, selection or content may have changed
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        lines = self._layout(self.size.width)
        if lines is None:
            return super().get_selection(selection)
        return selection.extract("\n".join(line.plain for line in lines)), "\n"

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        lines = self._layout(width)
        if lines is None:
            return super().render_line(y)
        style = self.visual_style
        if self._strips is None or style is not self._strips_style:
            self._strips, self._strips_style = {}, style
        strip = self._strips.get(y)
        if strip is not None:
            return strip
        if not 0 <= y < len(lines):
            return Strip.blank(width, style.rich_style)
        # Lines are asked for top to bottom: render a run at once (a call's overhead is most of the
        # cost of a short line). A selection is drawn by line number, so it needs every line.
        selecting = self.text_selection is not None
        first = 0 if selecting else y
        run = lines if selecting else lines[y : y + RUN]
        rendered = Visual.to_strips(self, Content("\n").join(run), width, len(run), style)
        for offset, line in enumerate(rendered):
            # Offsets tell a mouse selection where it is: the line number in this widget.
            self._strips[first + offset] = line.apply_offsets(0, first + offset)
        return self._strips.get(y) or Strip.blank(width, style.rich_style)
