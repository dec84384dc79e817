"""A one-line gauge: a value against its target and alert thresholds, with a status word.

``CPU  ████████▌░░│░░┃░░░ 62% │70 ┃80 ▲ warn``

The bar is drawn with eighth blocks; the target (``│``) and alert (``┃``) marks sit at their positions in the
bar and are repeated as numbers after the value, so the gauge reads without colour. As the width shrinks the
mark legend goes first, then the bar shortens down to a few cells, then the bar goes.
"""

from __future__ import annotations

import math
from typing import Literal

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from widgets.status import STATUS_LEVELS, status_level
from widgets.text import inert

__all__ = ["ThresholdGauge", "gauge_status"]

_EIGHTHS = " ▏▎▍▌▋▊▉"
_FULL = "█"
_EMPTY = "░"
_TARGET = "│"
_ALERT = "┃"
_MIN_BAR = 5

Direction = Literal["higher_is_worse", "lower_is_worse"]


def gauge_status(
    value: float | None,
    target: float | None,
    alert: float | None,
    direction: Direction = "higher_is_worse",
) -> str:
    """``ok`` / ``warn`` (past target) / ``fail`` (past alert) / ``unknown`` (no value)."""
    if value is None or math.isnan(value):
        return "unknown"
    sign = 1.0 if direction == "higher_is_worse" else -1.0
    if alert is not None and sign * value >= sign * alert:
        return "fail"
    if target is not None and sign * value >= sign * target:
        return "warn"
    return "ok"


def _number(value: float, precision: int) -> str:
    text = f"{value:.{precision}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class ThresholdGauge(Widget):
    """A one-line bar of ``value`` on a ``minimum..maximum`` scale with target and alert marks and a status.

    The status (``ok``/``warn``/``fail``/``unknown``) follows from the thresholds unless ``status`` is set;
    its severity class (``-ok``, ``-warn``, ``-fail``, ``-unknown``) is set on the widget for CSS.
    """

    DEFAULT_CSS = """
    ThresholdGauge {
        width: 1fr;
        height: 1;
        & > .thresholdgauge--label { text-style: bold; }
        & > .thresholdgauge--empty { color: $text-muted; }
        & > .thresholdgauge--mark { color: $text-muted; }
        & > .thresholdgauge--bar { color: $text-success; }
        &.-warn > .thresholdgauge--bar { color: $text-warning; }
        &.-fail > .thresholdgauge--bar { color: $text-error; }
        &.-warn > .thresholdgauge--status { color: $text-warning; }
        &.-fail > .thresholdgauge--status { color: $text-error; text-style: bold; }
        &.-unknown > .thresholdgauge--status { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES = {
        "thresholdgauge--label",
        "thresholdgauge--bar",
        "thresholdgauge--empty",
        "thresholdgauge--mark",
        "thresholdgauge--status",
    }

    label: reactive[str] = reactive("")
    """The name before the bar (e.g. ``CPU``)."""
    value: reactive[float | None] = reactive[float | None](None)
    """The current value; ``None`` shows ``—`` and status ``unknown``."""
    target: reactive[float | None] = reactive[float | None](None)
    """The target (optimal) level, marked ``│``."""
    alert: reactive[float | None] = reactive[float | None](None)
    """The alert (scaling) level, marked ``┃``."""
    minimum: reactive[float] = reactive(0.0)
    """The value at the left end of the bar."""
    maximum: reactive[float] = reactive(100.0)
    """The value at the right end of the bar."""
    precision: reactive[int] = reactive(1)
    """Decimals shown for the value and marks (trailing zeros dropped)."""
    unit: reactive[str] = reactive("%")
    """Appended to the value (``62%``)."""
    status: reactive[str | None] = reactive[str | None](None)
    """A status name overriding the one derived from the thresholds."""
    label_width: reactive[int] = reactive(0)
    """Cells reserved for the label (to align a column of gauges); 0 fits the label."""

    def __init__(
        self,
        label: str = "",
        value: float | None = None,
        *,
        target: float | None = None,
        alert: float | None = None,
        minimum: float = 0.0,
        maximum: float = 100.0,
        precision: int = 1,
        unit: str = "%",
        direction: Direction = "higher_is_worse",
        status: str | None = None,
        label_width: int = 0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.direction: Direction = direction
        """Whether higher values (CPU) or lower values (availability) are worse."""
        self.set_reactive(ThresholdGauge.label, label)
        self.set_reactive(ThresholdGauge.value, value)
        self.set_reactive(ThresholdGauge.target, target)
        self.set_reactive(ThresholdGauge.alert, alert)
        self.set_reactive(ThresholdGauge.minimum, minimum)
        self.set_reactive(ThresholdGauge.maximum, maximum)
        self.set_reactive(ThresholdGauge.precision, precision)
        self.set_reactive(ThresholdGauge.unit, unit)
        self.set_reactive(ThresholdGauge.status, status)
        self.set_reactive(ThresholdGauge.label_width, label_width)
        self._sync_class()

    @property
    def effective_status(self) -> str:
        """The status shown: ``status`` if set, else derived from value and thresholds."""
        if self.status is not None:
            return self.status
        return gauge_status(self.value, self.target, self.alert, self.direction)

    def _sync_class(self) -> None:
        level = status_level(self.effective_status)
        for css_class in {lvl.css_class for lvl in STATUS_LEVELS.values()}:
            self.set_class(css_class == level.css_class, css_class)

    def _watch_any(self) -> None:
        self._sync_class()

    watch_value = _watch_any
    watch_target = _watch_any
    watch_alert = _watch_any
    watch_status = _watch_any

    def render_text(self, width: int) -> Content:
        """The gauge laid out in ``width`` cells."""
        label = inert(self.label)
        label_cells = max(self.label_width, cell_len(label))
        value = self.value
        unit = inert(self.unit)
        shown = "—" if value is None or math.isnan(value) else f"{_number(value, self.precision)}{unit}"
        status = self.effective_status
        level = status_level(status)
        word = inert(status)
        marks = [f"{_TARGET}{_number(t, self.precision)}" for t in (self.target,) if t is not None]
        marks += [f"{_ALERT}{_number(a, self.precision)}" for a in (self.alert,) if a is not None]
        legend = " ".join(marks)

        def fixed(with_legend: bool, with_word: bool) -> int:
            cells = (label_cells + 1 if label else 0) + 1 + cell_len(shown)
            cells += (1 + cell_len(legend)) if with_legend and legend else 0
            cells += 2 + (cell_len(word) + 1 if with_word else 0)  # " ▲" and " warn"
            return cells

        # Drop detail until a usable bar fits: mark legend, status word, the bar, then the label;
        # the value and the status symbol always stay.
        with_legend, with_word = True, True
        for with_legend, with_word in ((True, True), (False, True), (False, False)):
            if width - fixed(with_legend, with_word) >= _MIN_BAR:
                break
        bar_cells = width - fixed(with_legend, with_word)
        if bar_cells < _MIN_BAR and label and label_cells + 1 + cell_len(shown) + 2 > width:
            label = ""
        parts: list[tuple[str, str]] = []
        if label:
            padding = " " * (label_cells - cell_len(label) + 1)
            parts.append((label + padding, "thresholdgauge--label"))
        if bar_cells >= _MIN_BAR:
            parts.extend(self._bar(bar_cells))
            parts.append((" ", ""))
        parts.append((shown, "thresholdgauge--status" if level.css_class != "-ok" else ""))
        if with_legend and legend and bar_cells >= _MIN_BAR:
            parts.append((" " + legend, "thresholdgauge--mark"))
        parts.append((" " + level.symbol + (" " + word if with_word else ""), "thresholdgauge--status"))
        visual_style = self.get_visual_style
        content = Content.assemble(
            *((text, visual_style(component, partial=True) if component else "") for text, component in parts)
        )
        return content.truncate(width) if content.cell_length > width else content

    def _bar(self, cells: int) -> list[tuple[str, str]]:
        low = self.minimum
        span = self.maximum - low if self.maximum > low else 1.0
        value = low if self.value is None or math.isnan(self.value) else self.value
        fraction = min(max((value - low) / span, 0.0), 1.0)
        eighths = round(fraction * cells * 8)
        full, part = divmod(eighths, 8)
        filled = _FULL * full + (_EIGHTHS[part] if part else "")
        glyphs = list(filled + _EMPTY * (cells - len(filled)))
        kinds = ["thresholdgauge--bar"] * len(filled) + ["thresholdgauge--empty"] * (cells - len(filled))
        for mark, glyph in ((self.target, _TARGET), (self.alert, _ALERT)):
            if mark is None:
                continue
            position = min(cells - 1, max(0, int((mark - low) / span * cells)))
            if position >= len(filled):  # a mark inside the filled part would hide the fill
                glyphs[position] = glyph
                kinds[position] = "thresholdgauge--mark"
        runs: list[tuple[str, str]] = []
        for glyph, kind in zip(glyphs, kinds, strict=True):
            if runs and runs[-1][1] == kind:
                runs[-1] = (runs[-1][0] + glyph, kind)
            else:
                runs.append((glyph, kind))
        return runs

    def render(self) -> RenderResult:
        return self.render_text(self.content_region.width or self.size.width)
