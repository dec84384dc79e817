"""PlotextPlot: draws series, thresholds and markers; rebuilds only on new data or size; owns its figure."""

from __future__ import annotations

import math
import time

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from tests.widgets.widget_helpers import screen_text, wait_for
from widgets import Marker, PlotextPlot, Threshold, ansi_to_content, downsample, time_ticks

START = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
STEP = 60.0
POINTS = 180
XS = [START + STEP * i for i in range(POINTS)]
ERRORS = [2.0 + math.sin(i / 10) for i in range(POINTS)]
LATENCY = [300.0 + 50 * math.cos(i / 7) for i in range(POINTS)]
BLOCKS = set("▖▗▘▝▚▞▙▛▜▟▀▄▌▐█")


class PlotApp(App[None]):
    CSS = "PlotextPlot { height: 16; }"

    def compose(self) -> ComposeResult:
        yield PlotextPlot(title="5xx rate", x_axis="time", id="errors")
        yield PlotextPlot(title="p95", id="latency")


async def drawn(pilot: Pilot[None], plot: PlotextPlot, label: str) -> None:
    """Wait until ``plot`` shows a plot (not a placeholder) of the series ``label``."""
    await wait_for(pilot, lambda: label in plot.plain and bool(BLOCKS & set(plot.plain)))


async def test_plot_draws_series_thresholds_marker_and_time_axis() -> None:
    app = PlotApp()
    async with app.run_test(size=(80, 34)) as pilot:
        plot = app.query_one("#errors", PlotextPlot)
        plot.set_series(
            [("5xx %", XS, ERRORS)],
            thresholds=[Threshold(1.0, "target"), Threshold(3.5, "alert", "alert")],
            markers=[Marker(XS[100], "deploy")],
        )
        await drawn(pilot, plot, "5xx %")
        await pilot.pause()
        lines = plot.plain.splitlines()
        assert len(lines) == 16
        deployed = time.strftime("%H:%M", time.gmtime(XS[100]))
        assert lines[0].startswith(f"5xx rate  ━ 5xx %  ┈ target 1  ─ alert 3.5  │ deploy {deployed}")
        body = "\n".join(lines[1:])
        assert "┌" in body and "└" in body  # the frame
        assert BLOCKS & set(body)  # the series
        assert "┈" in body  # the dotted target line
        _, labels = time_ticks(XS[0], XS[-1], 7)
        assert labels and all(label in lines[-1] for label in labels[1:-1])
        assert "5xx rate" in screen_text(pilot)


async def test_same_data_does_not_rebuild_new_data_does() -> None:
    app = PlotApp()
    async with app.run_test(size=(80, 34)) as pilot:
        plot = app.query_one("#errors", PlotextPlot)
        assert plot.set_series([("5xx %", XS, ERRORS)])
        await drawn(pilot, plot, "5xx %")
        await pilot.pause()
        builds = plot.render_count

        for _ in range(3):
            assert not plot.set_series([("5xx %", list(XS), list(ERRORS))])
            plot.refresh()  # a repaint from elsewhere reuses the cached build
            await pilot.pause()
        assert plot.render_count == builds

        assert plot.set_series([("5xx %", XS, [*ERRORS[:-1], 9.0])])
        await wait_for(pilot, lambda: plot.render_count == builds + 1)
        await pilot.pause()
        assert plot.render_count == builds + 1


async def test_two_plots_keep_their_own_figures() -> None:
    import plotext

    global_before = plotext.figure.build().string(colorless=True)
    app = PlotApp()
    async with app.run_test(size=(80, 34)) as pilot:
        errors = app.query_one("#errors", PlotextPlot)
        latency = app.query_one("#latency", PlotextPlot)
        errors.set_series([("5xx %", XS, ERRORS)], thresholds=[Threshold(3.5, "alert", "alert")])
        await drawn(pilot, errors, "5xx %")
        errors_first = errors.plain

        latency.set_series([("p95 ms", XS, LATENCY)])
        await drawn(pilot, latency, "p95 ms")
        assert "p95 ms" in latency.plain and "5xx" not in latency.plain
        assert "─ alert" not in latency.plain

        # Rebuild the first plot after the second drew: it must come out the same.
        errors.styles.height = 17
        await wait_for(pilot, lambda: len(errors.plain.splitlines()) == 17)
        errors.styles.height = 16
        await wait_for(pilot, lambda: len(errors.plain.splitlines()) == 16)
        assert errors.plain == errors_first
        assert errors.figure is not latency.figure
    assert plotext.figure.build().string(colorless=True) == global_before


class HiddenApp(App[None]):
    CSS = "PlotextPlot { height: 12; display: none; }"

    def compose(self) -> ComposeResult:
        yield PlotextPlot(title="hidden")


async def test_hidden_plot_is_never_built_until_shown() -> None:
    app = HiddenApp()
    async with app.run_test(size=(60, 20)) as pilot:
        plot = app.query_one(PlotextPlot)
        await wait_for(pilot, lambda: plot.ready)
        for shift in range(3):
            plot.set_series([("a", XS, [y + shift for y in ERRORS])])
            await pilot.pause()
        assert plot.render_count == 0

        plot.display = True
        await wait_for(pilot, lambda: plot.render_count == 1)
        assert BLOCKS & set(plot.plain)


async def test_empty_and_tiny_plots_say_so() -> None:
    app = PlotApp()
    async with app.run_test(size=(80, 34)) as pilot:
        plot = app.query_one("#errors", PlotextPlot)
        plot.set_series([("5xx %", [], [])])
        await wait_for(pilot, lambda: "no data" in plot.plain)
        plot.set_series([("5xx %", XS, ERRORS)])
        plot.styles.width = 12
        await wait_for(pilot, lambda: "plot needs" in plot.plain)


async def test_dense_series_are_downsampled_to_two_points_per_column() -> None:
    app = PlotApp()
    async with app.run_test(size=(120, 34)) as pilot:
        plot = app.query_one("#errors", PlotextPlot)
        many = [START + 10.0 * i for i in range(2880)]
        plot.set_series([(f"s{k}", many, [math.sin(i / 50 + k) for i in range(len(many))]) for k in range(3)])
        await drawn(pilot, plot, "s2")
        # Three 2,880-point series on a 120-column plot: at most two points per column each reach plotext.
        assert 0 < plot.last_points <= 3 * 2 * plot.content_region.width
        print(f"build of 3 x {len(many)} points at {plot.content_region.size}: {plot.last_build_ms:.1f} ms")


def test_downsample_keeps_extremes_and_at_most_two_points_per_column() -> None:
    xs = [float(i) for i in range(10_000)]
    ys = [math.sin(i / 300) for i in range(10_000)]
    ys[4321] = 50.0
    ys[777] = -50.0
    sample_x, sample_y = downsample(xs, ys, 60)
    assert len(sample_x) <= 120
    assert max(sample_y) == 50.0 and min(sample_y) == -50.0
    assert sample_x == sorted(sample_x)
    assert downsample(xs[:100], ys[:100], 60) == (xs[:100], ys[:100])


def test_time_ticks_are_round_and_inside_the_range() -> None:
    positions, labels = time_ticks(XS[0], XS[-1], 6)
    step = positions[1] - positions[0]
    assert all(p % step == 0 for p in positions)
    assert XS[0] <= positions[0] and positions[-1] <= XS[-1]
    assert 1 <= len(positions) <= 6
    assert labels == [time.strftime("%H:%M", time.gmtime(p)) for p in positions]


def test_ansi_to_content_keeps_colours_drops_backgrounds_and_neutralises_other_escapes() -> None:
    content = ansi_to_content("\x1b[0m\x1b[38;5;12mab\x1b[0mcd\x1b[38;5;3m\x1b[48;5;15m─\x1b[1m!\x1b[0m\x1b]0;t\x07")
    assert content.plain == "abcd─!␛]0;t␇"
    assert [(span.start, span.end, span.style) for span in content.spans] == [
        (0, 2, "ansi_bright_blue"),
        (4, 5, "ansi_yellow"),
        (5, 6, "ansi_yellow bold"),
    ]
