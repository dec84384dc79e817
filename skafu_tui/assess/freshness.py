"""How fresh each source's data is, and the cause in words when a source is not ok."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from skafu_tui.snapshot import Snapshot, SourceName, SourceState, SourceStatus


@dataclass(frozen=True)
class SourceFreshness:
    """One source as the sources bar and the report show it."""

    name: str
    status: SourceStatus
    """The effective status now: ``ok`` turns ``stale`` past twice the cadence."""
    fetched_at: datetime | None
    age_s: float | None
    cadence_s: float
    message: str
    action: str
    has_data: bool

    @property
    def ok(self) -> bool:
        return self.status is SourceStatus.OK and self.has_data

    @property
    def cause(self) -> str:
        """Why the source cannot be trusted now, in words; empty when it is ok."""
        if self.ok:
            return ""
        return describe(self)


def freshness_of(state: SourceState, now: datetime) -> SourceFreshness:
    return SourceFreshness(
        name=state.name,
        status=state.effective(now),
        fetched_at=state.fetched_at,
        age_s=state.age_s(now),
        cadence_s=state.cadence_s,
        message=state.message,
        action=state.action,
        has_data=state.has_data,
    )


def all_freshness(snapshot: Snapshot, now: datetime) -> tuple[SourceFreshness, ...]:
    """Every known source (the poller's plus any it did not report, as pending), in a stable order."""
    names = [s.value for s in SourceName]
    names += sorted(n for n in snapshot.sources if n not in names)
    return tuple(freshness_of(snapshot.source(n), now) for n in names)


def age_words(age_s: float | None) -> str:
    if age_s is None:
        return "never fetched"
    if age_s < 90:
        return f"{age_s:.0f} s old"
    if age_s < 90 * 60:
        return f"{age_s / 60:.0f} min old"
    if age_s < 48 * 3600:
        return f"{age_s / 3600:.1f} h old"
    return f"{age_s / 86400:.1f} days old"


def describe(f: SourceFreshness) -> str:
    """``guardduty: access denied (guardduty:ListFindings)``, ``metrics: stale (14 min old)``."""
    if f.status is SourceStatus.STALE:
        return f"{f.name}: stale ({age_words(f.age_s)})"
    if f.status is SourceStatus.PENDING:
        return f"{f.name}: no data yet"
    if f.status is SourceStatus.OK:  # ok but never fetched: nothing to judge
        return f"{f.name}: no data"
    words = f.message or f.status.value.replace("-", " ")
    if f.action and f.action not in words:
        words = f"{words} ({f.action})"
    if f.has_data:
        words = f"{words}; data {age_words(f.age_s)}"
    return f"{f.name}: {words}"


def source_issue(snapshot: Snapshot, now: datetime, *names: str) -> str | None:
    """The causes of every named source that is not ok now, joined; None when all are ok."""
    causes = [freshness_of(snapshot.source(n), now).cause for n in names]
    causes = [c for c in causes if c]
    return "; ".join(causes) if causes else None
