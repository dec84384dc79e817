"""Set a change's category with a reason (`g`): saved to the ledger, confirmed after the commit."""

from __future__ import annotations

from skafu_tui.changes import Change
from skafu_tui.config.operations import Changes
from skafu_tui.ledger import ChangeOverride
from skafu_tui.ui.incident_service import IncidentHub
from skafu_tui.ui.screens.incident_modals import PickReasonDialog


class CategoryDialog(PickReasonDialog[ChangeOverride]):
    """Pick a category, give a reason: the override is recorded with both (the latest wins)."""

    noun = "a category"

    def __init__(self, hub: IncidentHub, change: Change, cfg: Changes) -> None:
        super().__init__(
            hub,
            f"Category of {change.summary} (now {change.category})",
            [(name, f"{name:<10} approval {rule.approval}; {', '.join(rule.approvers)}")
             for name, rule in cfg.categories.items()],
            change.category,
        )
        self.change = change
        self.cfg = cfg

    def commit(self, choice: str, reason: str) -> None:
        event_id = self.change.id
        self.save(lambda ledger: ledger.set_change_category(event_id, choice, reason))


def set_category(hub: IncidentHub | None, change: Change | None, cfg: Changes) -> None:
    """Open the dialog for `change`; notify when saved."""
    if change is None:
        return
    if hub is None or hub.ledger is None:
        if hub is not None:
            hub.app.notify(hub.problem or "the ledger is not open", severity="error", timeout=8, markup=False)
        return

    def saved(result: ChangeOverride | None) -> None:
        if result is not None:
            hub.app.notify(f"{change.summary}: category {result.category} (saved)", title="Category set",
                           timeout=5, markup=False)

    hub.app.push_screen(CategoryDialog(hub, change, cfg), saved)
