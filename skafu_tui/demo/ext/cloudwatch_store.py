"""An indexed store of CloudWatch datapoints, one per moto CloudWatch backend.

moto keeps every sample as a ``MetricDatum`` object in one flat list and scans it for every
period of every query. We keep, per series ``(namespace, metric name, frozenset(dimensions))``,
a time-sorted list of per-timestamp cells holding the running sum/count/min/max plus the raw
sample values (needed for percentiles), so a query bisects to its time range and touches only
the points it returns.

Percentile definition (documented for tests and the lead): weighted **nearest rank**. With the
samples of one period sorted by value and ``W`` the total of their counts, ``pX`` is the smallest
sample value ``v`` whose cumulative count reaches ``X/100 * W``. ``p0`` is the minimum, ``p100``
the maximum. Samples sent as ``StatisticValues`` carry no distribution and are left out of
percentiles (AWS cannot compute them either), except a set with ``SampleCount == 1`` and
``Minimum == Maximum``, which is one exact sample.
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SeriesKey = tuple[str, str, frozenset[tuple[str, str]]]

BASIC_STATS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_PERCENTILE = re.compile(r"^p(\d{1,3}(?:\.\d{1,10})?)$")


def percentile_of(stat: str) -> float | None:
    """The percentile a ``pNN``/``pNN.N`` statistic names, or None when it is not one."""
    match = _PERCENTILE.match(stat)
    if not match:
        return None
    value = float(match.group(1))
    return value if 0.0 <= value <= 100.0 else None


def is_valid_stat(stat: str) -> bool:
    return stat in BASIC_STATS or percentile_of(stat) is not None


def to_epoch(ts: datetime) -> float:
    """moto hands us naive datetimes that are UTC; aware ones are converted."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.timestamp()


def from_epoch(ts: float) -> datetime:
    """Naive UTC, as moto's own models use (its serializer treats naive as UTC)."""
    return datetime.fromtimestamp(ts, UTC).replace(tzinfo=None)


def series_key(namespace: str, name: str, dimensions: Iterable[Mapping[str, Any]]) -> SeriesKey:
    return (namespace, name, frozenset((str(d["Name"]), str(d.get("Value"))) for d in dimensions))


class Cell:
    """Every sample of one series at one timestamp with one unit."""

    __slots__ = ("count", "max", "min", "sum", "values", "weights")

    def __init__(self) -> None:
        self.sum = 0.0
        self.count = 0.0
        self.min = math.inf
        self.max = -math.inf
        self.values: array[float] | None = None
        self.weights: array[float] | None = None
        """None while every raw sample has count 1 (the common case: saves the array)."""

    def add_raw(self, values: list[float], counts: list[float] | None) -> None:
        if counts is not None:
            kept = [(v, c) for v, c in zip(values, counts, strict=True) if c > 0]
            values, counts = [v for v, _ in kept], [c for _, c in kept]
        if not values:
            return
        if self.values is None:
            self.values = array("d")
        if counts is not None and any(c != 1.0 for c in counts):
            if self.weights is None:
                self.weights = array("d", [1.0] * len(self.values))
            self.weights.extend(counts)
        elif self.weights is not None:
            self.weights.extend([1.0] * len(values))
        self.values.extend(values)
        if counts is None:
            self.sum += math.fsum(values)
            self.count += len(values)
        else:
            self.sum += math.fsum(v * c for v, c in zip(values, counts, strict=True))
            self.count += math.fsum(counts)
        self.min = min(self.min, *values)
        self.max = max(self.max, *values)

    def add_statistic_set(self, total: float, count: float, low: float, high: float) -> None:
        self.sum += total
        self.count += count
        self.min = min(self.min, low)
        self.max = max(self.max, high)


@dataclass
class Track:
    """One series' cells for one unit, sorted by timestamp."""

    times: list[float] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)

    def cell_at(self, ts: float) -> Cell:
        times = self.times
        if not times or ts > times[-1]:  # the driver appends in time order: O(1)
            times.append(ts)
            self.cells.append(Cell())
            return self.cells[-1]
        i = bisect_left(times, ts)
        if i < len(times) and times[i] == ts:
            return self.cells[i]
        times.insert(i, ts)
        self.cells.insert(i, Cell())
        return self.cells[i]


@dataclass
class Series:
    namespace: str
    name: str
    dimensions: list[tuple[str, str]]
    """In the order first put, as ListMetrics returns them."""
    tracks: dict[str | None, Track] = field(default_factory=dict)


Group = tuple[int, list[Cell], str | None]
"""(period index from the window start, the cells in that period, their unit)."""
StatFn = Callable[[list[Cell]], float | None]


def _sample_count(cells: list[Cell]) -> float | None:
    return math.fsum(c.count for c in cells)


def _sum(cells: list[Cell]) -> float | None:
    return math.fsum(c.sum for c in cells)


def _average(cells: list[Cell]) -> float | None:
    count = math.fsum(c.count for c in cells)
    return math.fsum(c.sum for c in cells) / count if count else None


def _minimum(cells: list[Cell]) -> float | None:
    low = min(c.min for c in cells)
    return None if low == math.inf else low


def _maximum(cells: list[Cell]) -> float | None:
    high = max(c.max for c in cells)
    return None if high == -math.inf else high


def _percentile_fn(pct: float) -> StatFn:
    def percentile(cells: list[Cell]) -> float | None:
        if all(c.weights is None for c in cells):
            values = sorted(v for c in cells if c.values is not None for v in c.values)
            if not values:
                return None
            # Nearest rank: the ceil(p/100 * n)-th smallest (1-based), with float slack.
            rank = math.ceil(pct / 100.0 * len(values) - 1e-9)
            return values[min(max(rank, 1), len(values)) - 1]
        samples = [
            (v, w)
            for c in cells if c.values is not None
            for v, w in zip(c.values, c.weights or [1.0] * len(c.values), strict=True)
        ]
        return nearest_rank(samples, pct) if samples else None

    return percentile


_BASIC_FNS: dict[str, StatFn] = {
    "SampleCount": _sample_count, "Sum": _sum, "Average": _average, "Minimum": _minimum, "Maximum": _maximum,
}


def stat_function(stat: str) -> StatFn:
    """The function computing ``stat`` over the cells of one period (stat already validated)."""
    fn = _BASIC_FNS.get(stat)
    if fn is not None:
        return fn
    pct = percentile_of(stat)
    if pct is None:
        raise ValueError(f"not a statistic: {stat}")
    return _percentile_fn(pct)


def nearest_rank(samples: list[tuple[float, float]], pct: float) -> float:
    """Weighted nearest-rank percentile of (value, count) pairs (see the module docstring)."""
    ordered = sorted(samples)
    total = math.fsum(w for _, w in ordered)
    # A tiny slack so that e.g. 99.9% of 1000 (999.0000000000001 in floats) picks rank 999.
    target = pct / 100.0 * total - 1e-9 * max(1.0, total)
    running = 0.0
    for value, weight in ordered:
        running += weight
        if running >= target:
            return value
    return ordered[-1][0]


class MetricStore:
    """All datapoints of one moto CloudWatch backend (one account and region)."""

    def __init__(self) -> None:
        self.series: dict[SeriesKey, Series] = {}

    def put(self, namespace: str, datum: Mapping[str, Any]) -> None:
        """Store one validated ``MetricData`` member, decoded by moto (``Timestamp`` a datetime) or by
        the JSON fast path (``Timestamp`` epoch seconds as a float)."""
        dims = [(str(d["Name"]), str(d["Value"])) for d in datum.get("Dimensions") or ()]
        key: SeriesKey = (namespace, str(datum["MetricName"]), frozenset(dims))
        series = self.series.get(key)
        if series is None:
            series = self.series[key] = Series(namespace, key[1], dims)
        unit = datum.get("Unit")
        track = series.tracks.get(unit)
        if track is None:
            track = series.tracks[unit] = Track()
        raw_ts = datum.get("Timestamp")
        if isinstance(raw_ts, float):  # epoch seconds (the JSON fast path)
            ts = raw_ts
        else:
            ts = to_epoch(raw_ts) if isinstance(raw_ts, datetime) else to_epoch(datetime.now(UTC))
        cell = track.cell_at(ts)
        if datum.get("Values"):
            counts = datum.get("Counts")
            cell.add_raw(
                [float(v) for v in datum["Values"]], [float(c) for c in counts] if counts else None
            )
        elif datum.get("StatisticValues"):
            sv = datum["StatisticValues"]
            total, count = float(sv["Sum"]), float(sv["SampleCount"])
            low, high = float(sv["Minimum"]), float(sv["Maximum"])
            if count == 1.0 and low == high:
                cell.add_raw([low], None)  # one exact sample: usable for percentiles
            else:
                cell.add_statistic_set(total, count, low, high)
        else:
            cell.add_raw([float(datum.get("Value", 0.0))], None)

    def find(self, namespace: str, name: str, dimensions: Iterable[Mapping[str, Any]]) -> Series | None:
        """Exact match on the dimension set, whatever order the caller lists it in."""
        return self.series.get(series_key(namespace, name, dimensions))


def aligned_start(start: float, period: int) -> float:
    """AWS rounds StartTime down: to the whole minute for periods of a minute or more."""
    step = 60 if period >= 60 else period
    return float(math.floor(start / step) * step)


def group_by_period(
    series_list: Iterable[Series], start: float, end: float, period: int, unit: str | None
) -> list[Group]:
    """The cells in ``[start, end)`` grouped into periods counted from ``start``, oldest first."""
    tracks = [
        (track_unit, track)
        for series in series_list
        for track_unit, track in series.tracks.items()
        if unit is None or track_unit == unit
    ]
    groups: list[Group] = []
    for track_unit, track in tracks:
        times, cells = track.times, track.cells
        current = -1
        bucket: list[Cell] = []
        for i in range(bisect_left(times, start), bisect_left(times, end)):
            idx = int((times[i] - start) // period)
            if idx != current:
                current, bucket = idx, [cells[i]]
                groups.append((idx, bucket, track_unit))
            else:
                bucket.append(cells[i])
    if len(tracks) > 1:  # several units: merge the per-track groups period by period
        merged: dict[int, Group] = {}
        for idx, cells_in, track_unit in groups:
            if idx in merged:
                merged[idx][1].extend(cells_in)
            else:
                merged[idx] = (idx, list(cells_in), track_unit)
        groups = [merged[idx] for idx in sorted(merged)]
    return groups


def datum_from_moto(md: Any) -> dict[str, Any]:
    """A moto ``MetricDatum``/``MetricAggregatedDatum`` (e.g. the S3 provider's) as a MetricData member."""
    doc: dict[str, Any] = {
        "MetricName": md.name,
        "Dimensions": [{"Name": d.name, "Value": d.value} for d in md.dimensions],
        "Timestamp": md.timestamp,
        "Unit": md.unit,
    }
    if hasattr(md, "value"):
        doc["Value"] = md.value
    else:
        doc["StatisticValues"] = {
            "Sum": md.sum, "SampleCount": md.sample_count, "Minimum": md.min, "Maximum": md.max,
        }
    return doc
