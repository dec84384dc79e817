"""A line plot drawn by plotext, owning its own plotext figure, redrawn only when its data or size changes.

Measured here (plotext 6.1, signals + build + conversion): 60x16 with one 120-point series ~5-9 ms, 120x31
with 3x240 points ~20-40 ms, more for noisy series (plotext draws every connecting pixel). A redraw sends
the whole plot again (~30 KB at 120x40), so the widget builds only when its data version or size changed,
and never while hidden (Textual does not render hidden widgets and building happens in ``render``). Series
are downsampled to at most two points per column (min and max of each column, so spikes survive).

plotext's module-level ``plotext.figure`` is one global master figure; every ``PlotextPlot`` makes its own
``plotext._kernel.terminal.terminal()`` and draws on that terminal's master figure, so two plots never share
state. ``import plotext`` costs ~200 ms (most of it plotext's documentation registry), so it is imported in a
thread after the widget mounts; until then the plot shows a placeholder.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import var
from textual.style import Style
from textual.widget import Widget

from widgets.ansi import ansi_to_content
from widgets.series import NormalSeries, SeriesData, downsample, normalise, time_ticks
from widgets.text import inert, one_line

__all__ = ["Marker", "PlotextPlot", "Threshold"]

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
    x_axis: var[Literal["number", "time"]] = var[Literal["number", "time"]]("number")
    """``time``: xs are epoch seconds and ticks read ``HH:MM`` (UTC); ``number``: plotext's own ticks."""
    y_min: var[float | None] = var[float | None](None)
    """Lower end of the y axis; ``None`` fits the data and thresholds."""
    y_max: var[float | None] = var[float | None](None)
    """Upper end of the y axis; ``None`` fits the data and thresholds (with 5% headroom)."""
    marker: var[Literal["hd", "braille"]] = var[Literal["hd", "braille"]]("hd")
    """plotext marker: ``hd`` (quarter blocks, 2x2 per cell) or ``braille`` (2x4 per cell)."""

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
        self.set_reactive(PlotextPlot.x_axis, x_axis)
        self.set_reactive(PlotextPlot.y_min, y_min)
        self.set_reactive(PlotextPlot.y_max, y_max)
        self.set_reactive(PlotextPlot.marker, marker)
        self._series: tuple[NormalSeries, ...] = ()
        self._thresholds: tuple[Threshold, ...] = ()
        self._markers: tuple[Marker, ...] = ()
        self._version = 0
        self._cache_key: tuple[int, int, int] | None = None
        self._cache: Content = Content("")
        self._build_pending = False
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
        normalised = normalise(series)
        thresholds, markers = tuple(thresholds), tuple(markers)
        if (normalised, thresholds, markers) == (self._series, self._thresholds, self._markers):
            return False
        self._series, self._thresholds, self._markers = normalised, thresholds, markers
        self._invalidate()
        return True

    @property
    def series(self) -> tuple[NormalSeries, ...]:
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

    def _watch_any(self) -> None:
        self._invalidate()

    watch_title = _watch_any
    watch_x_axis = _watch_any
    watch_y_min = _watch_any
    watch_y_max = _watch_any
    watch_marker = _watch_any

    def _invalidate(self) -> None:
        self._version += 1
        self._schedule_build()

    def _schedule_build(self) -> None:
        # Builds run after the frame in progress: a key that shows this plot paints its pane at once
        # and the plot lands one frame later, instead of plotext holding up the whole screen.
        if not self._build_pending and self.is_attached:
            self._build_pending = True
            self.call_after_refresh(self._build_now)

    def _build_now(self) -> None:
        self._build_pending = False
        width, height = self.content_region.size
        if width <= 0 or height <= 0 or not self.display:
            return  # hidden: built when next shown (render asks again)
        key = (self._version, width, height)
        if key == self._cache_key:
            return
        started = time.perf_counter()
        self._cache = self._build(width, height)
        self.last_build_ms = (time.perf_counter() - started) * 1000
        self._cache_key = key
        self.render_count += 1
        self.refresh()

    # ------------------------------------------------------------------ loading

    def on_mount(self) -> None:
        if not self.ready:
            self.run_worker(self._load(), name="plotext-import", group="plotext-import", exit_on_error=False)

    async def _load(self) -> None:
        try:
            await asyncio.to_thread(_load_plotext)
        except Exception as error:  # a broken plotext install: say so in place of the plot
            self.last_error = f"{type(error).__name__}: {error}"
        self._invalidate()

    # ------------------------------------------------------------------ rendering

    def render(self) -> RenderResult:
        width, height = self.content_region.size
        if width <= 0 or height <= 0 or not self.display:
            return Content("")
        if (self._version, width, height) != self._cache_key:
            self._schedule_build()
            if self._cache_key is None or self._cache_key[1:] != (width, height):
                return Content("")  # a build for another size would wrap: blank for the one frame
        return self._cache  # same size, older data: stands in until the new build lands

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
            waiting = f"plot unavailable: {inert(self.last_error)}" if self.last_error else "loading plot…"
            return Content("\n").join([legend, Content(waiting)])
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
        if high <= low:  # flat data: centre it rather than draw it along the frame
            low, high = low - 0.5, low + 0.5
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
        if x_high <= x_low:  # a single instant: give the axis some width (a minute on a time axis)
            half = 30.0 if self.x_axis == "time" else 0.5
            x_low, x_high = x_low - half, x_high + half
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
        if self.x_axis == "time":
            positions, labels = time_ticks(x_low, x_high, max(1, columns // 10))
            figure.ruler("x").ticks(positions, labels)
        return str(figure.build().string(colorless=False))

    def _marker(self, colour: int) -> Any:
        from plotext._primitives.marker import marker  # loaded with plotext by now

        return marker(self.marker, pixel=colour)
