"""Figures (median, min, max of repeated runs), ratios measured pair by pair, targets, results."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Figure:
    """Several runs of one measurement."""

    median: float
    min: float
    max: float
    n: int
    samples: tuple[float, ...] = ()

    @classmethod
    def of(cls, samples: Sequence[float]) -> Figure:
        values = [float(v) for v in samples if v is not None and math.isfinite(v)]
        if not values:
            return cls(math.nan, math.nan, math.nan, 0, ())
        return cls(statistics.median(values), min(values), max(values), len(values), tuple(values))

    @property
    def ok(self) -> bool:
        return self.n > 0 and math.isfinite(self.median)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest): never interpolated."""
    values = sorted(samples)
    if not values:
        return math.nan
    rank = max(1, math.ceil(pct / 100.0 * len(values)))
    return values[min(rank, len(values)) - 1]


def ratios(pairs: Sequence[tuple[float, float]]) -> Figure:
    """Per-pair ratio app/baseline (pairs measured back to back in the same run)."""
    return Figure.of([a / b for a, b in pairs if b and math.isfinite(a) and math.isfinite(b)])


@dataclass(frozen=True)
class Target:
    """A bar from the issues: ``value <op> limit``, judged on the figure or on the ratio."""

    text: str
    limit: float
    on_ratio: bool = False
    higher_is_better: bool = False

    def met(self, value: float) -> bool | None:
        if not math.isfinite(value):
            return None
        return value >= self.limit if self.higher_is_better else value <= self.limit


@dataclass
class Row:
    """One line of the results table."""

    section: str
    name: str
    unit: str
    figure: Figure
    baseline: Figure | None = None
    ratio: Figure | None = None
    target: Target | None = None
    note: str = ""
    judged_value: float | None = None
    """The value judged against the target when it is not the median (a p95, say)."""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.target.on_ratio:
            return None if self.ratio is None else self.target.met(self.ratio.median)
        value = self.judged_value if self.judged_value is not None else self.figure.median
        return self.target.met(value)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["met"] = self.met
        return out


@dataclass
class SectionResult:
    name: str
    title: str
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, name: str, unit: str, samples: Sequence[float] | Figure, **kwargs: Any) -> Row:
        figure = samples if isinstance(samples, Figure) else Figure.of(samples)
        row = Row(self.title, name, unit, figure, **kwargs)
        self.rows.append(row)
        return row


Runner = Callable[["RunContext"], SectionResult]


@dataclass
class RunContext:
    """What every section gets: the repetition budget, a scratch directory, the shared endpoint."""

    quick: bool
    scratch: str
    log: Callable[[str], None]
    _server: Any = None

    def reps(self, full: int, quick: int = 1) -> int:
        return quick if self.quick else full

    def demo_endpoint(self) -> str:
        """The run's shared ``demo-server --scenario skafu`` (speed 1, driver running), started on
        first use and restarted if it died. Sections only read from it (the app never writes)."""
        from benchmarks.procs import DemoServer

        if self._server is None or not self._server.alive():
            self._server = DemoServer("skafu").start()
            self.log(f"shared demo endpoint {self._server.endpoint} ready in {self._server.ready_s:.1f} s")
        endpoint: str = self._server.endpoint
        return endpoint

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
