"""What the capacity pane shows, built from the capacity assessment (pure)."""

from __future__ import annotations

from collections.abc import Iterator

from rich.text import Text

from skafu_tui.assess.capacity import CapacityAssessment, ConnectionCapacity, StorageCapacity
from skafu_tui.assess.common import Level, Series
from skafu_tui.assess.resources import CPU, DISK, MEMORY
from skafu_tui.config.platform_settings import ComputeCapacity
from skafu_tui.ui.panes.security_common import compact, level_text
from widgets.keyed_table import Cell
from widgets.series import SeriesData

Row = tuple[str, tuple[Cell, ...]]

PROJECTION_COLUMNS = ("projection", "status", "actual", "plan → 6 mo → 12 mo", "unit")
LABELS = {CPU: "CPU", MEMORY: "Memory", DISK: "Disk"}
_PROJECTION_WORDS = {Level.OK: "on plan", Level.WARN: "AHEAD", Level.UNKNOWN: "no data"}
"""AHEAD: actual growth is past the 6-month projection already."""


def label(name: str) -> str:
    return LABELS.get(name, name)


def plan_text(compute: ComputeCapacity) -> Text:
    text = Text()
    text.append("Seed plan: ", style="bold")
    text.append(f"{compute.current_pct:g}% when planned · optimal {compute.optimal_pct:g}% │ · "
                f"scale out at {compute.scaling_threshold_pct:g}% ┃")
    return text


def connections_text(db: ConnectionCapacity | None, compute: ComputeCapacity) -> Text:
    text = Text()
    if db is None:
        text.append_text(level_text(Level.UNKNOWN, "no database configured"))
        return text
    text.append_text(level_text(db.level))
    if db.current is None:
        text.append(" no connection data")
        return text
    text.append(f" {compact(db.current)} of {compact(db.max)} connections", style="bold")
    if db.pct is not None:
        text.append(f" ({db.pct:.0f}% of max)")
    if db.baseline is not None:
        text.append(f" · {compact(db.baseline)} when planned")
    if db.level is Level.FAIL:
        text.append(f" · past the {compute.scaling_threshold_pct:g}% scaling level" if db.max is None
                    or db.current < db.max else " · AT MAXIMUM")
    elif db.level is Level.WARN:
        text.append(f" · above the {compute.optimal_pct:g}% optimal level")
    return text


def storage_text(st: StorageCapacity | None) -> Text:
    text = Text()
    if st is None:
        text.append_text(level_text(Level.UNKNOWN, "no storage data"))
        return text
    text.append_text(level_text(st.level))
    used = "n/a" if st.used_gb is None else f"{st.used_gb:,.1f} GB"
    text.append(f" {used}", style="bold")
    if st.allocated_gb:
        text.append(f" of {st.allocated_gb:,.0f} GB")
        if st.used_pct is not None:
            text.append(f" ({st.used_pct:.1f}%)")
    text.append("\n  growth ")
    growth, planned = st.growth_gb_per_month, st.planned_growth_gb_per_month
    text.append("n/a" if growth is None else f"{growth:,.1f} GB/month", style="bold")
    if growth is not None and planned:
        if growth > planned:
            text.append(f", above the {planned:,.0f} GB/month plan by {growth - planned:,.2f} GB/month")
        else:
            text.append(f", within the {planned:,.0f} GB/month plan")
    text.append(" · ")
    if st.days_until_full is not None:
        text.append(f"full in {st.days_until_full:,.0f} days", style="bold")
        text.append(f" (~{st.days_until_full / 30:.1f} months) at the current trend")
    elif not st.allocated_gb:
        text.append("days until full: set capacity.storage.allocated_gb")
    else:
        text.append("not filling at the current trend")
    return text


def projection_rows(cap: CapacityAssessment) -> Iterator[Row]:
    """Status before the figures and the unit last, so a half-width column shows what matters."""
    for p in cap.projections:
        yield p.name, (
            p.name.replace("_", " "),
            level_text(p.level, _PROJECTION_WORDS.get(p.level, p.level.value)),
            compact(p.actual),
            f"{compact(p.planned_current)} → {compact(p.in_6_months)} → {compact(p.in_12_months)}",
            p.unit,
        )


def _xy(series: Series) -> tuple[list[float], list[float]]:
    return [t.timestamp() for t in series.timestamps], list(series.values)


def utilisation_series(cap: CapacityAssessment) -> list[SeriesData]:
    return [(label(u.name), *_xy(u.series)) for u in cap.compute]


def connections_series(cap: CapacityAssessment) -> list[SeriesData]:
    return [("connections", *_xy(cap.database.series))] if cap.database is not None else []


def storage_series(cap: CapacityAssessment) -> list[SeriesData]:
    return [("used GB", *_xy(cap.storage.series))] if cap.storage is not None else []
