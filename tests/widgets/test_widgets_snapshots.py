"""Snapshots: one tiny app per widget at a fixed size, no clock dependence (frozen clocks, fixed data).

Regenerate after a deliberate visual change with ``pytest tests/widgets --snapshot-update`` and look at the
SVGs in ``__snapshots__/`` before committing them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from tests.widgets.widget_helpers import wait_for
from widgets import (
    FreshnessLabel,
    KeyedTable,
    Marker,
    PlotextPlot,
    SafeLabel,
    SafeStatic,
    StatusBadge,
    Threshold,
    ThresholdGauge,
)

SnapCompare = Callable[..., bool]


class BadgesApp(App[None]):
    def compose(self) -> ComposeResult:
        for status in ("ok", "warn", "fail", "unknown", "stale", "healthy", "degraded", "unhealthy"):
            yield StatusBadge(status)


def test_status_badges(snap_compare: SnapCompare) -> None:
    assert snap_compare(BadgesApp(), terminal_size=(30, 9))


class FreshnessApp(App[None]):
    def compose(self) -> ComposeResult:
        def clock() -> float:
            return 10_000.0

        yield FreshnessLabel("CloudWatch", state="fresh", updated_at=9_988.0, stale_after=120, clock=clock, tick=None)
        yield FreshnessLabel(
            "Cost Explorer", state="fresh", updated_at=2_000.0, stale_after=3600, clock=clock, tick=None
        )
        yield FreshnessLabel(
            "GuardDuty",
            state="error",
            detail="access denied (guardduty:ListFindings)",
            updated_at=9_700.0,
            clock=clock,
            tick=None,
        )
        yield FreshnessLabel("Config", state="loading", clock=clock, tick=None)


def test_freshness_labels(snap_compare: SnapCompare) -> None:
    assert snap_compare(FreshnessApp(), terminal_size=(64, 5))


class GaugesApp(App[None]):
    CSS = "#narrow { width: 22; } #tiny { width: 9; }"

    def compose(self) -> ComposeResult:
        yield ThresholdGauge("CPU", 62, target=60, alert=70, label_width=6)
        yield ThresholdGauge("Memory", 74.5, target=70, alert=80, label_width=6)
        yield ThresholdGauge("Disk", 91, target=70, alert=80, label_width=6)
        yield ThresholdGauge("Conns", None, target=70, alert=80, label_width=6)
        yield ThresholdGauge(
            "Avail",
            99.95,
            target=99.9,
            alert=99.5,
            minimum=99,
            maximum=100,
            precision=2,
            direction="lower_is_worse",
            label_width=6,
        )
        yield ThresholdGauge("CPU", 62, target=60, alert=70, id="narrow")
        yield ThresholdGauge("CPU", 62, target=60, alert=70, id="tiny")


def test_threshold_gauges(snap_compare: SnapCompare) -> None:
    assert snap_compare(GaugesApp(), terminal_size=(64, 8))


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyedTable(["host", "status", "note"])

    def on_mount(self) -> None:
        table = self.query_one(KeyedTable)
        table.set_rows(
            [
                ("a", ("web-01", Text("● healthy", style="green"), "[bold red]x[/]")),
                ("b", ("web-02 [/]", Text("▲ degraded", style="yellow"), "[@click=app.quit]x[/]")),
                ("c", ("db-01", Text("✖ unhealthy", style="bold red"), "A\x1b[2JB")),
                ("d", ("cache-01", "? unknown", 12.5)),
            ]
        )
        table.focus()
        table.move_cursor(row=1)


def test_keyed_table(snap_compare: SnapCompare) -> None:
    assert snap_compare(TableApp(), terminal_size=(60, 7))


START = 1_700_000_000.0
XS = [START + 60.0 * i for i in range(180)]


class PlotApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PlotextPlot(title="errors", x_axis="time")

    def on_mount(self) -> None:
        self.query_one(PlotextPlot).set_series(
            [
                ("5xx %", XS, [2.0 + math.sin(i / 10) for i in range(180)]),
                ("4xx %", XS, [1.0 + math.cos(i / 13) for i in range(180)]),
            ],
            thresholds=[Threshold(1.0, "target"), Threshold(3.5, "alert", "alert")],
            markers=[Marker(XS[120], "deploy")],
        )


async def plot_drawn(pilot: Pilot[Any]) -> None:
    plot = pilot.app.query_one(PlotextPlot)
    await wait_for(pilot, lambda: "▀" in plot.plain or "▄" in plot.plain)


def test_plot_60x16(snap_compare: SnapCompare) -> None:
    assert snap_compare(PlotApp(), terminal_size=(60, 16), run_before=plot_drawn)


def test_plot_100x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(PlotApp(), terminal_size=(100, 24), run_before=plot_drawn)


class SafeTextApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SafeLabel("web-01 [/] [@click=app.quit]x[/]")
        yield SafeStatic("[bold red]not red[/] [link=https://evil.example]not a link[/]")


def test_safe_text(snap_compare: SnapCompare) -> None:
    assert snap_compare(SafeTextApp(), terminal_size=(60, 3))
