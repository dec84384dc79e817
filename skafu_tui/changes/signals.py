"""Out-of-window changes as incident signals: a non-emergency change to the watched environment
made outside its maintenance windows is a finding of its own (config rule ``change-outside-window``,
P2 by default).

One deployment is often several calls (UpdateFunctionCode, PublishVersion, UpdateAlias), so
findings by the same principal on the same service (or resource) of the same kind, each within
:data:`BURST_GAP` of the previous, form one signal. Its key is ``change:<first event id>``: stable
across polls while that event is in the feed (CloudTrail's last three hours). Setting a change's
category to emergency removes it from the signal; the incident then clears like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from skafu_tui.changes.feed import Change
from skafu_tui.incidents.signals import Signal, SignalKind

BURST_GAP = timedelta(minutes=15)


def change_key(change: Change) -> str:
    return f"change:{change.id}"


def _group_key(change: Change) -> tuple[str, str, str]:
    return (change.who, change.kind, change.service or change.resource)


def bursts(changes: Iterable[Change], gap: timedelta = BURST_GAP) -> list[list[Change]]:
    """Findings grouped as described in the module docstring, each group oldest first."""
    groups: list[list[Change]] = []
    open_group: dict[tuple[str, str, str], list[Change]] = {}
    for change in sorted((c for c in changes if c.finding), key=lambda c: (c.when, c.id)):
        key = _group_key(change)
        current = open_group.get(key)
        if current is not None and change.when - current[-1].when <= gap:
            current.append(change)
            continue
        current = [change]
        open_group[key] = current
        groups.append(current)
    return groups


def _evidence(change: Change) -> str:
    who = change.who or "an unknown principal"
    source = f" from {change.source_ip}" if change.source_ip else ""
    return f"{change.api} {change.resource} at {change.when:%Y-%m-%d %H:%M:%S} UTC by {who}{source}".replace("  ", " ")


def change_signals(changes: Iterable[Change], environment: str = "production") -> list[Signal]:
    """A ``change_outside_window`` signal per burst of findings (flagged, not emergency changes)."""
    out = []
    for group in bursts(changes):
        first = group[0]
        more = f" (+{len(group) - 1} more)" if len(group) > 1 else ""
        out.append(
            Signal(
                key=change_key(first),
                kind=SignalKind.CHANGE_OUTSIDE_WINDOW,
                title=f"{first.kind} outside the {environment} maintenance window: {first.summary}{more}",
                services=(first.service,) if first.service else (),
                resources=tuple(dict.fromkeys(r for c in group for r in c.resources)),
                started_at=first.when,
                evidence=(
                    *(_evidence(c) for c in group),
                    f"category {first.category} ({first.category_source.value}): {first.category_reason}",
                ),
                subtype=first.api,
            )
        )
    return out
