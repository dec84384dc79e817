"""ThresholdGauge: value against target and alert, a status word, readable at any width."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from tests.widgets.widget_helpers import screen_lines
from widgets import STATUS_LEVELS, ThresholdGauge, gauge_status

TARGET, ALERT = 70.0, 80.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (TARGET - 8, "ok"),
        (TARGET, "warn"),
        (TARGET + 4, "warn"),
        (ALERT, "fail"),
        (ALERT + 11.5, "fail"),
        (None, "unknown"),
    ],
)
def test_status_follows_thresholds(value: float | None, expected: str) -> None:
    assert gauge_status(value, TARGET, ALERT) == expected


def test_lower_is_worse() -> None:
    assert gauge_status(99.95, 99.9, 99.5, "lower_is_worse") == "ok"
    assert gauge_status(99.7, 99.9, 99.5, "lower_is_worse") == "warn"
    assert gauge_status(99.2, 99.9, 99.5, "lower_is_worse") == "fail"


def bar_colours(pilot: Pilot[None]) -> set[str]:
    strip = pilot.app.screen._compositor.render_strips()[0]
    return {str(segment.style.color) for segment in strip if "█" in segment.text and segment.style}


class GaugeApp(App[None]):
    def __init__(self, value: float | None, width: int) -> None:
        super().__init__()
        self.value = value
        self.width = width

    def compose(self) -> ComposeResult:
        gauge = ThresholdGauge("CPU", self.value, target=TARGET, alert=ALERT)
        gauge.styles.width = self.width
        yield gauge


@pytest.mark.parametrize("width", [60, 40, 24, 16, 12, 7])
async def test_gauge_reads_at_every_width(width: int) -> None:
    value = 62.0
    app = GaugeApp(value, width)
    async with app.run_test(size=(80, 3)) as pilot:
        await pilot.pause()
        line = screen_lines(pilot)[0]
        shown = line[:width].rstrip()
        assert line[width:].strip() == ""  # nothing spills past the widget
        assert "62%" in shown
        assert STATUS_LEVELS["ok"].symbol in shown
        if width >= 40:
            assert f"│{TARGET:.0f}" in shown and f"┃{ALERT:.0f}" in shown and shown.endswith("● ok")
            assert "█" in shown


async def test_bar_length_follows_the_value_and_status_changes() -> None:
    app = GaugeApp(10.0, 60)
    async with app.run_test(size=(80, 3)) as pilot:
        gauge = app.query_one(ThresholdGauge)
        await pilot.pause()
        low = screen_lines(pilot)[0].count("█")
        ok_colours = bar_colours(pilot)
        gauge.value = ALERT + 5
        await pilot.pause()
        line = screen_lines(pilot)[0]
        assert line.count("█") > low
        assert bar_colours(pilot) and bar_colours(pilot) != ok_colours  # the theme's error colour, not success
        assert line.rstrip().endswith("✖ fail")
        assert gauge.has_class("-fail") and not gauge.has_class("-ok")
        gauge.value = None
        await pilot.pause()
        line = screen_lines(pilot)[0]
        assert "—" in line and line.rstrip().endswith("? unknown")
