"""A line plot drawn by plotext, owning its own plotext figure, redrawn only when its data or size changes.

plotext 6.1 draws through a C kernel: 60x15 with 120 points builds in ~2 ms, 120x30 with 3x240 in ~3 ms. What
costs is repainting: a full plot is ~60 KB of escape codes per frame, so the widget builds only when its data
version or size changed, and never while hidden (Textual does not render hidden widgets and building happens
in ``render``). Series are downsampled to at most two points per column (min and max of each column, so
spikes survive).

plotext's module-level ``plotext.figure`` is one global master figure; every ``PlotextPlot`` makes its own
``plotext._kernel.terminal.terminal()`` and draws on that terminal's master figure, so two plots never share
state. ``import plotext`` costs ~200 ms (most of it plotext's documentation registry), so it is imported in a
thread after the widget mounts; until then the plot shows a placeholder.
"""

from __future__ import annotations

import asyncio
import math
import re
import threading
import time
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any, Literal

from rich.color import Color as RichColor
from textual.app import RenderResult
from textual.content import Content, Span
from textual.reactive import var
from textual.style import Style
from textual.widget import Widget

from widgets.text import inert, one_line

__all__ = ["Marker", "PlotextPlot", "SeriesData", "Threshold", "ansi_to_content", "downsample", "time_ticks"]

SeriesData = tuple[str, Sequence[float], Sequence[float]]
"""One series: ``(label, xs, ys)``; xs ascending (sorted if not), non-finite points dropped."""

_SERIES_COLOURS = (12, 10, 13, 14, 11, 9)
"""ANSI colour numbers given to series in turn (bright blue, green, magenta, cyan, yellow, red)."""
_ANSI_NAMES = {
    3: "ansi_yellow",
    5: "ansi_magenta",
    9: "ansi_bright_red",
    10: "ansi_bright_green",
    11: "ansi_bright_yellow",
    12: "ansi_bright_blue",
    13: "ansi_bright_magenta",
    14: "ansi_bright_cyan",
}
_TARGET_COLOUR = 3
_ALERT_COLOUR = 9
_MARKER_COLOUR = 5
_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_ANSI_16 = (
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    "bright_black", "bright_red", "bright_green", "bright_yellow",
    "bright_blue", "bright_magenta", "bright_cyan", "bright_white",
)  # fmt: skip
_MIN_WIDTH = 20
_MIN_HEIGHT = 5


@dataclass(frozen=True)
class Threshold:
    """A horizontal line across the plot (a target or an alert level)."""

    value: float
    label: str = ""
    kind: Literal["target", "alert"] = "target"
    """``target`` draws dotted in yellow, ``alert`` solid in red."""


@dataclass(frozen=True)
class Marker:
    """A labelled vertical line at ``x`` (e.g. a deployment time)."""

    x: float
    label: str = ""


# ------------------------------------------------------------------------------------------- plotext loading

_plotext_lock = threading.Lock()
_terminal_class: Any = None


def _load_plotext() -> Any:
    """Import plotext (slow, once) and return its terminal class; each terminal owns a master figure."""
    global _terminal_class
    with _plotext_lock:
        if _terminal_class is None:
            from plotext._kernel.terminal import terminal

            _terminal_class = terminal
    return _terminal_class


# ------------------------------------------------------------------------------------------- pure helpers

_TIME_STEPS = (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800)


def time_ticks(start: float, end: float, max_ticks: int) -> tuple[list[float], list[str]]:
    """Round tick positions (epoch seconds, UTC) between ``start`` and ``end`` with ``HH:MM`` or ``MM-DD``."""
    span = end - start
    if span <= 0 or max_ticks < 1:
        return [], []
    longest = _TIME_STEPS[-1] * math.ceil(span / max_ticks / _TIME_STEPS[-1])
    step = next((s for s in _TIME_STEPS if span / s <= max_ticks), longest)
    first = math.ceil(start / step) * step
    positions = [float(first + i * step) for i in range(int((end - first) // step) + 1)]
    form = "%H:%M" if step < 86400 else "%m-%d"
    return positions, [time.strftime(form, time.gmtime(p)) for p in positions]


def downsample(xs: Sequence[float], ys: Sequence[float], columns: int) -> tuple[list[float], list[float]]:
    """Keep at most two points per column: the minimum and maximum of each column, in x order.

    ``xs`` must be ascending. Columns split the x range evenly, so irregular sampling is handled.
    """
    n = len(xs)
    if columns < 1 or n <= 2 * columns:
        return list(xs), list(ys)
    x0, span = xs[0], (xs[-1] - xs[0]) or 1.0
    edges = [bisect_left(xs, x0 + span * column / columns) for column in range(columns)] + [n]
    keep: list[int] = []
    for lo, hi in pairwise(edges):
        if lo >= hi:
            continue
        segment = ys[lo:hi]
        low = lo + segment.index(min(segment))
        high = lo + segment.index(max(segment))
        keep.extend(sorted({low, high}))
    return [xs[i] for i in keep], [ys[i] for i in keep]


def _normalise(series: Sequence[SeriesData]) -> tuple[tuple[str, tuple[float, ...], tuple[float, ...]], ...]:
    out = []
    for label, xs, ys in series:
        pairs = zip(xs, ys, strict=False)
        points = [(float(x), float(y)) for x, y in pairs if math.isfinite(x) and math.isfinite(y)]
        if any(points[i][0] > points[i + 1][0] for i in range(len(points) - 1)):
            points.sort()
        out.append((one_line(label), tuple(p[0] for p in points), tuple(p[1] for p in points)))
    return tuple(out)


def _colour(number: int) -> str:
    if number < 16:
        return f"ansi_{_ANSI_16[number]}"
    return RichColor.from_ansi(number).get_truecolor().hex


_KEEP = "keep"


@lru_cache(maxsize=256)
def _sgr(params: str) -> tuple[bool, str | None, bool | None]:
    """What one SGR sequence does: (reset first, foreground colour or ``_KEEP``/None, bold or None)."""
    codes = params.split(";")
    reset = False
    colour: str | None = _KEEP
    bold: bool | None = None
    index = 0
    while index < len(codes):
        code = codes[index]
        if code in ("", "0"):
            reset, colour, bold = True, _KEEP, None
        elif code == "1":
            bold = True
        elif code == "22":
            bold = False
        elif code == "39":
            colour = None
        elif code in ("38", "48") and index + 2 < len(codes) and codes[index + 1] == "5":
            if code == "38":
                colour = _colour(int(codes[index + 2]) % 256)
            index += 2
        elif code in ("38", "48") and index + 4 < len(codes) and codes[index + 1] == "2":
            if code == "38":
                red, green, blue = (int(c) % 256 for c in codes[index + 2 : index + 5])
                colour = f"#{red:02x}{green:02x}{blue:02x}"
            index += 4
        elif code.isdigit() and 30 <= int(code) <= 37:
            colour = _colour(int(code) - 30)
        elif code.isdigit() and 90 <= int(code) <= 97:
            colour = _colour(int(code) - 90 + 8)
        index += 1
    return reset, colour, bold


def ansi_to_content(ansi: str) -> Content:
    """Convert plotext's SGR-coloured output to ``Content``, keeping foreground colours and bold.

    Backgrounds are dropped on purpose: plotext paints threshold lines on white, and the widget's CSS
    background should show. Several times faster than ``Text.from_ansi`` for the only escapes plotext emits
    (SGR); any other control character left in the text is made visible.
    """
    chunks: list[str] = []
    spans: list[Span] = []
    offset = 0
    colour: str | None = None
    bold = False
    last = 0
    for match in _SGR.finditer(ansi):
        start = match.start()
        if start > last:
            chunk = inert(ansi[last:start])
            if colour or bold:
                style = f"{colour} bold" if colour and bold else (colour or "bold")
                spans.append(Span(offset, offset + len(chunk), style))
            chunks.append(chunk)
            offset += len(chunk)
        last = match.end()
        reset, new_colour, new_bold = _sgr(match.group(1))
        if reset:
            colour, bold = None, False
        if new_colour != _KEEP:
            colour = new_colour
        if new_bold is not None:
            bold = new_bold
    if last < len(ansi):
        chunks.append(inert(ansi[last:]))
    return Content("".join(chunks), spans)


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.3g}"


# ------------------------------------------------------------------------------------------- the widget


class PlotextPlot(Widget):
    """A plotext line plot of one or more series, with threshold lines and labelled vertical markers.

    Call :meth:`set_series` with new data whenever it arrives; an unchanged call costs a comparison. The
    first line is a legend (title, series, thresholds, markers) so nothing depends on colour alone.
    """

    DEFAULT_CSS = """
    PlotextPlot {
        width: 1fr;
        height: 1fr;
        min-height: 5;
        & > .plotextplot--title { text-style: bold; }
        & > .plotextplot--legend { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES = {"plotextplot--title", "plotextplot--legend"}

    title: var[str] = var("")
    """Shown at the start of the legend line."""

    def __init__(
        self,
        *,
        title: str = "",
        x_axis: Literal["number", "time"] = "number",
        y_min: float | None = None,
        y_max: float | None = None,
        marker: Literal["hd", "braille"] = "hd",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(PlotextPlot.title, title)
        self.x_axis = x_axis
        """``time``: xs are epoch seconds, ticks read ``HH:MM`` (UTC); ``number``: plotext's own ticks."""
        self.y_min = y_min
        """Lower end of the y axis; ``None`` fits the data and thresholds."""
        self.y_max = y_max
        """Upper end of the y axis; ``None`` fits the data and thresholds."""
        self.marker = marker
        self._series: tuple[tuple[str, tuple[float, ...], tuple[float, ...]], ...] = ()
        self._thresholds: tuple[Threshold, ...] = ()
        self._markers: tuple[Marker, ...] = ()
        self._version = 0
        self._cache_key: tuple[int, int, int] | None = None
        self._cache: Content = Content("")
        self._terminal: Any = None
        self.render_count = 0
        """How many times the plot was built (not merely repainted from cache)."""
        self.last_build_ms = 0.0
        """Wall time of the last build, plotext and conversion included."""
        self.last_error: str | None = None
        """The last plotext failure, shown in place of the plot."""
        self.last_points = 0
        """Points handed to plotext in the last build, after downsampling (all series)."""

    # ------------------------------------------------------------------ data

    def set_series(
        self,
        series: Sequence[SeriesData],
        *,
        thresholds: Sequence[Threshold] = (),
        markers: Sequence[Marker] = (),
    ) -> bool:
        """Replace what is plotted. Returns False (and does nothing) if it equals what is shown."""
        normalised = _normalise(series)
        thresholds, markers = tuple(thresholds), tuple(markers)
        if (normalised, thresholds, markers) == (self._series, self._thresholds, self._markers):
            return False
        self._series, self._thresholds, self._markers = normalised, thresholds, markers
        self._invalidate()
        return True

    @property
    def series(self) -> tuple[tuple[str, tuple[float, ...], tuple[float, ...]], ...]:
        """The series shown, normalised (finite points, ascending x)."""
        return self._series

    @property
    def plain(self) -> str:
        """The text of the last build (legend line first), without styles."""
        return self._cache.plain

    @property
    def figure(self) -> Any:
        """This plot's own plotext figure (``None`` until the first build)."""
        return None if self._terminal is None else self._terminal._master

    @property
    def ready(self) -> bool:
        """True once plotext is loaded and the plot can be built."""
        return _terminal_class is not None

    def watch_title(self) -> None:
        self._invalidate()

    def _invalidate(self) -> None:
        self._version += 1
        self.refresh()

    # ------------------------------------------------------------------ loading

    def on_mount(self) -> None:
        if not self.ready:
            self.run_worker(self._load(), name="plotext-import", group="plotext-import", exit_on_error=False)

    async def _load(self) -> None:
        await asyncio.to_thread(_load_plotext)
        self._invalidate()

    # ------------------------------------------------------------------ rendering

    def render(self) -> RenderResult:
        width, height = self.content_region.size
        if width <= 0 or height <= 0 or not self.display:
            return Content("")
        key = (self._version, width, height)
        if key != self._cache_key:
            started = time.perf_counter()
            self._cache = self._build(width, height)
            self.last_build_ms = (time.perf_counter() - started) * 1000
            self._cache_key = key
            self.render_count += 1
        return self._cache

    def _legend(self, width: int) -> Content:
        parts: list[str | tuple[str, str | Style]] = []
        title_style = self.get_visual_style("plotextplot--title", partial=True)
        text_style = self.get_visual_style("plotextplot--legend", partial=True)
        if self.title:
            parts.append((one_line(self.title), title_style))
        for index, (label, _, _) in enumerate(self._series):
            colour = _ANSI_NAMES[_SERIES_COLOURS[index % len(_SERIES_COLOURS)]]
            parts += ["  " if parts else "", ("━", colour), (f" {label}", text_style)]
        for threshold in self._thresholds:
            glyph, line_colour = ("┈", _TARGET_COLOUR) if threshold.kind == "target" else ("─", _ALERT_COLOUR)
            text = f" {one_line(threshold.label) or threshold.kind} {_number(threshold.value)}"
            parts += ["  " if parts else "", (glyph, _ANSI_NAMES[line_colour]), (text, text_style)]
        for marker in self._markers:
            text = f" {one_line(marker.label)} {self._x_label(marker.x)}"
            parts += ["  " if parts else "", ("│", _ANSI_NAMES[_MARKER_COLOUR]), (text, text_style)]
        legend = Content.assemble(*parts)
        return legend.truncate(width, ellipsis=True) if legend.cell_length > width else legend

    def _x_label(self, x: float) -> str:
        if self.x_axis == "time":
            return time.strftime("%H:%M", time.gmtime(x))
        return _number(x)

    def _build(self, width: int, height: int) -> Content:
        legend = self._legend(width)
        if not any(xs for _, xs, _ in self._series):
            return Content("\n").join([legend, Content("no data")])
        if width < _MIN_WIDTH or height - 1 < _MIN_HEIGHT:
            return Content("\n").join([legend, Content(f"(plot needs {_MIN_WIDTH}x{_MIN_HEIGHT + 1})")])
        if not self.ready:
            return Content("\n").join([legend, Content("loading plot…")])
        try:
            ansi = self._draw(width, height - 1)
        except Exception as error:  # plotext is third-party C: a failure becomes visible state, not a crash
            self.last_error = f"{type(error).__name__}: {error}"
            return Content("\n").join([legend, Content(f"plot failed: {inert(self.last_error)}")])
        self.last_error = None
        return Content("\n").join([legend, ansi_to_content(ansi.rstrip("\n"))])

    def _y_limits(self) -> tuple[float, float]:
        values = [y for _, _, ys in self._series for y in ys] + [t.value for t in self._thresholds]
        low = min(values) if self.y_min is None else self.y_min
        high = max(values) if self.y_max is None else self.y_max
        if high <= low:
            high = low + 1.0
        if self.y_max is None:
            high += (high - low) * 0.05  # headroom: an alert line on the frame would be invisible
        return low, high

    def _draw(self, width: int, height: int) -> str:
        if self._terminal is None:
            self._terminal = _load_plotext()()
            # plotext clips figures to the real terminal's size by default; the widget decides the size.
            self._terminal.limit(False, False)
        figure = self._terminal._master
        figure.clear()
        figure.theme("simple")
        figure.plot_size(width, height)
        figure.legend(False)
        columns = max(1, width - 8)  # roughly the canvas: the y tick labels and frame take ~8 columns
        x_low = min(xs[0] for _, xs, _ in self._series if xs)
        x_high = max(xs[-1] for _, xs, _ in self._series if xs)
        self.last_points = 0
        for index, (_, xs, ys) in enumerate(self._series):
            if not xs:
                continue
            sample_x, sample_y = downsample(xs, ys, columns)
            self.last_points += len(sample_x)
            colour = _SERIES_COLOURS[index % len(_SERIES_COLOURS)]
            signal = figure.signal(sample_x, sample_y, marker=self._marker(colour))
            signal.lines()
            figure.draw(signal)
        y_low, y_high = self._y_limits()
        figure.ruler("y").lim(y_low, y_high)
        if x_high > x_low:
            figure.ruler("x").lim(x_low, x_high)
        for threshold in self._thresholds:
            if threshold.kind == "target":
                figure.line(threshold.value, pixel=_TARGET_COLOUR, style="dotted")
            else:
                figure.line(threshold.value, pixel=_ALERT_COLOUR)
        for marker in self._markers:
            if x_low <= marker.x <= x_high:
                figure.line(marker.x, orientation="v", pixel=_MARKER_COLOUR)
                if marker.label:
                    figure.draw(figure.text(marker.x, y_high, one_line(marker.label)[:12]))
        if self.x_axis == "time" and x_high > x_low:
            positions, labels = time_ticks(x_low, x_high, max(1, columns // 10))
            figure.ruler("x").ticks(positions, labels)
        return str(figure.build().string(colorless=False))

    def _marker(self, colour: int) -> Any:
        from plotext._primitives.marker import marker  # loaded with plotext by now

        return marker(self.marker, pixel=colour)
