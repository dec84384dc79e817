"""The maintenance calendar: which recurring tasks are due today and this week, done, or overdue.

Each task of :data:`skafu_tui.procedures.MAINTENANCE_TASKS` is due once per period of its cadence
(:func:`skafu_tui.procedures.period`); a tick is stored in the ledger under the period's start.
A task is **overdue** when its previous period ended without a tick and it is not done in the
current one, counting only periods that ended after the calendar was first used
(`tracking_since`: the earliest tick). So a fresh ledger does not call every task overdue, and
one day of use is enough for a missed daily task to stand out the next day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from skafu_tui.procedures import Cadence, MaintenanceTask, period

CADENCE_ORDER = {Cadence.DAILY: 0, Cadence.WEEKLY: 1, Cadence.MONTHLY: 2, Cadence.QUARTERLY: 3}


class TickLike(Protocol):
    """A maintenance tick (``skafu_tui.ledger.MaintenanceTick`` fits)."""

    @property
    def task_id(self) -> str: ...
    @property
    def due_date(self) -> date: ...
    @property
    def ticked(self) -> bool: ...
    @property
    def actor(self) -> str: ...
    @property
    def at(self) -> datetime: ...


class TaskStatus(StrEnum):
    OVERDUE = "overdue"
    DUE_TODAY = "due today"
    DUE_THIS_WEEK = "due this week"
    LATER = "later"
    DONE = "done"


_STATUS_ORDER = {s: i for i, s in enumerate(TaskStatus)}


@dataclass(frozen=True)
class DueTask:
    task: MaintenanceTask
    period_start: date
    """The current period's start: the due date a tick is stored under."""
    period_end: date
    """The last day of the current period: the task is due by then."""
    status: TaskStatus
    tick: TickLike | None = None
    """The current period's tick, when done."""
    missed: date | None = None
    """When overdue: the start of the previous period, which ended without a tick."""

    @property
    def key(self) -> str:
        return f"{self.task.id}@{self.period_start.isoformat()}"


def week_end(today: date) -> date:
    """The Sunday ending `today`'s ISO week."""
    return today + timedelta(days=6 - today.weekday())


def history_start(today: date) -> date:
    """The earliest due date the calendar reads ticks from: the previous quarter's start."""
    return period(Cadence.QUARTERLY, period(Cadence.QUARTERLY, today)[0] - timedelta(days=1))[0]


def tracking_since(ticks: Iterable[TickLike]) -> date | None:
    """When the calendar was first used, as far as `ticks` show: the earliest tick's date."""
    return min((t.at.date() for t in ticks), default=None)


def _done(ticks: Mapping[tuple[str, date], TickLike], task_id: str, start: date) -> TickLike | None:
    tick = ticks.get((task_id, start))
    return tick if tick is not None and tick.ticked else None


def calendar(
    tasks: Iterable[MaintenanceTask],
    ticks: Mapping[tuple[str, date], TickLike],
    today: date,
    since: date | None = None,
) -> list[DueTask]:
    """Every task's state today: overdue, due today, due this week, later, then done.

    `ticks` maps (task id, due date) to the latest tick (``Ledger.maintenance_ticks``); `since` is
    when tracking began (:func:`tracking_since`; ``None``: nothing can be overdue yet).
    """
    out = []
    sunday = week_end(today)
    for task in tasks:
        start, end = period(task.cadence, today)
        done = _done(ticks, task.id, start)
        missed: date | None = None
        if done is not None:
            status = TaskStatus.DONE
        else:
            previous_start, previous_end = period(task.cadence, start - timedelta(days=1))
            if since is not None and previous_end >= since and _done(ticks, task.id, previous_start) is None:
                status, missed = TaskStatus.OVERDUE, previous_start
            elif end <= today:
                status = TaskStatus.DUE_TODAY
            elif end <= sunday:
                status = TaskStatus.DUE_THIS_WEEK
            else:
                status = TaskStatus.LATER
        out.append(DueTask(task, start, end, status, done, missed))
    order = {d.task.id: index for index, d in enumerate(out)}
    out.sort(key=lambda d: (_STATUS_ORDER[d.status], CADENCE_ORDER[d.task.cadence], order[d.task.id]))
    return out


def overdue(items: Iterable[DueTask]) -> list[DueTask]:
    return [d for d in items if d.status is TaskStatus.OVERDUE]
