"""Series data for plots: normalising, downsampling to the screen's resolution, time-axis ticks."""

from __future__ import annotations

import math
import time
from bisect import bisect_left
from collections.abc import Sequence
from itertools import pairwise

from widgets.text import one_line

__all__ = ["NormalSeries", "SeriesData", "downsample", "normalise", "time_ticks"]

SeriesData = tuple[str, Sequence[float], Sequence[float]]
"""One series: ``(label, xs, ys)``; xs ascending (sorted if not), non-finite points dropped."""
NormalSeries = tuple[str, tuple[float, ...], tuple[float, ...]]
"""A series after :func:`normalise`: one-line label, finite points, ascending x, as tuples."""

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


def normalise(series: Sequence[SeriesData]) -> tuple[NormalSeries, ...]:
    """Make series comparable and plottable: finite points only, sorted by x, labels on one line."""
    out = []
    for label, xs, ys in series:
        pairs = zip(xs, ys, strict=False)
        points = [(float(x), float(y)) for x, y in pairs if math.isfinite(x) and math.isfinite(y)]
        if any(points[i][0] > points[i + 1][0] for i in range(len(points) - 1)):
            points.sort()
        out.append((one_line(label), tuple(p[0] for p in points), tuple(p[1] for p in points)))
    return tuple(out)
