"""Recovery runbooks (the seed's Recovery_Procedures) as checklists: progress and a Markdown export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.incidents.review import md
from skafu_tui.procedures import Item, Runbook

if TYPE_CHECKING:
    from skafu_tui.ledger import RunbookRun, Tick


@dataclass(frozen=True)
class StepState:
    item: Item
    tick: Tick | None
    """The latest tick of this step in the run (``None``: never ticked)."""

    @property
    def done(self) -> bool:
        return self.tick is not None and self.tick.ticked


def steps(runbook: Runbook, run: RunbookRun | None) -> list[StepState]:
    latest = {t.item: t for t in run.ticks} if run is not None else {}
    return [StepState(item, latest.get(item.id)) for item in runbook.steps]


def progress(runbook: Runbook, run: RunbookRun | None) -> str:
    """``3/6 steps``, ``finished``, or ``not started``."""
    if run is None:
        return "not started"
    done = sum(1 for s in steps(runbook, run) if s.done)
    state = "finished" if run.finished_at is not None else "in progress"
    return f"{done}/{len(runbook.steps)} steps, {state}"


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M:%S UTC")


def runbook_markdown(runbook: Runbook, run: RunbookRun | None, *, now: datetime) -> str:
    """The runbook as a Markdown checklist, with who ticked each step and when."""
    out = [f"# Runbook: {md(runbook.title)}", "", f"- **Area:** {md(runbook.area)}"]
    if run is None:
        out.append("- **Run:** not started")
    else:
        out += [
            f"- **Run:** #{run.id}" + (f" (incident #{run.incident_id})" if run.incident_id is not None else ""),
            f"- **Started:** {_when(run.started_at)} by {md(run.started_by)}",
            f"- **Finished:** {_when(run.finished_at)}" + (f" by {md(run.finished_by)}" if run.finished_by else ""),
            f"- **Progress:** {progress(runbook, run)}",
        ]
    out += ["", "## Steps", ""]
    for number, state in enumerate(steps(runbook, run), 1):
        mark = "x" if state.done else " "
        credit = ""
        if state.tick is not None:
            verb = "done" if state.done else "unticked"
            credit = f" — {verb} by {md(state.tick.actor)}, {_when(state.tick.at)}"
        out.append(f"{number}. [{mark}] {md(state.item.text)}{credit}")
    out += ["", f"_Exported {_when(now)}._", ""]
    return "\n".join(out)
