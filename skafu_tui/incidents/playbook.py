"""The seed's four-step playbook as a checklist per incident, with tick state from the ledger.

An item's ledger key is ``<section id>.<item id>`` within its step (both slugs of the seed's
wording, see :mod:`skafu_tui.procedures`), so ticks survive reordering of the playbook. Ticks for
items a later playbook no longer has stay in the ledger and timeline but are not shown here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from skafu_tui.ledger import Ledger, Tick
from skafu_tui.procedures import PLAYBOOK, PlaybookStep


@dataclass(frozen=True)
class ChecklistItem:
    step: str
    """The step id (``detection`` …)."""
    key: str
    """The item's ledger key: ``<section id>.<item id>``."""
    section: str
    """The section title, e.g. ``Initial actions``."""
    text: str
    tick: Tick | None = None

    @property
    def ticked(self) -> bool:
        return self.tick is not None and self.tick.ticked


@dataclass(frozen=True)
class ChecklistStep:
    id: str
    title: str
    items: tuple[ChecklistItem, ...]

    @property
    def done(self) -> int:
        return sum(item.ticked for item in self.items)

    @property
    def total(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Checklist:
    incident_id: int
    steps: tuple[ChecklistStep, ...]

    def progress(self) -> tuple[int, int]:
        """(ticked, total) over all steps."""
        return sum(s.done for s in self.steps), sum(s.total for s in self.steps)

    def items(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for step in self.steps for item in step.items)

    def find(self, step: str, key: str) -> ChecklistItem | None:
        return next((i for i in self.items() if i.step == step and i.key == key), None)

    def next_item(self) -> ChecklistItem | None:
        """The first unticked item, in playbook order."""
        return next((i for i in self.items() if not i.ticked), None)


def build_checklist(
    incident_id: int, ticks: Mapping[tuple[str, str], Tick], playbook: Sequence[PlaybookStep] = PLAYBOOK
) -> Checklist:
    steps = []
    for step in playbook:
        items = []
        for section, item in step.items():
            key = f"{section.id}.{item.id}"
            items.append(ChecklistItem(step.id, key, section.title, item.text, ticks.get((step.id, key))))
        steps.append(ChecklistStep(step.id, step.title, tuple(items)))
    return Checklist(incident_id, tuple(steps))


def load_checklist(
    ledger: Ledger, incident_id: int, playbook: Sequence[PlaybookStep] = PLAYBOOK
) -> Checklist:
    return build_checklist(incident_id, ledger.checklist(incident_id), playbook)


def tick_item(
    ledger: Ledger,
    incident_id: int,
    step: str,
    key: str,
    ticked: bool = True,
    *,
    playbook: Sequence[PlaybookStep] = PLAYBOOK,
    actor: str | None = None,
    at: datetime | None = None,
) -> Checklist:
    """Tick (or untick) one playbook item; it is timestamped in the timeline. Returns the new checklist."""
    item = build_checklist(incident_id, {}, playbook).find(step, key)
    if item is None:
        raise ValueError(f"the playbook has no item {key!r} in step {step!r}")
    ledger.tick(incident_id, step, key, ticked, label=f"{item.section} — {item.text}", actor=actor, at=at)
    return load_checklist(ledger, incident_id, playbook)
