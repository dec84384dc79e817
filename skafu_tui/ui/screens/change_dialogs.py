"""Set a change's category with a reason (`g`): saved to the ledger, confirmed after the commit."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from skafu_tui.changes import Change
from skafu_tui.config.operations import Changes
from skafu_tui.ledger import ChangeOverride
from skafu_tui.ui.incident_service import IncidentHub
from skafu_tui.ui.screens.incident_modals import _DIALOG_CSS, SavingDialog
from widgets.text import plain


class CategoryDialog(SavingDialog[ChangeOverride]):
    """Pick a category, give a reason: the override is recorded with both (the latest wins)."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="CategoryDialog") + "CategoryDialog OptionList { height: auto; }"

    def __init__(self, hub: IncidentHub, change: Change, cfg: Changes) -> None:
        super().__init__(hub)
        self.change = change
        self.names = list(cfg.categories)
        self.cfg = cfg

    def compose(self) -> ComposeResult:
        options = [
            Option(plain(f"{name:<10} approval {rule.approval}; {', '.join(rule.approvers)}"), id=name)
            for name, rule in self.cfg.categories.items()
        ]
        with Vertical():
            yield Static(plain(f"Category of {self.change.summary} (now {self.change.category})"),
                         classes="dialog-title")
            yield OptionList(*options, id="categories")
            yield Input(placeholder="reason (required)", id="reason")
            yield self.error_line()
            yield Static(plain("↑/↓ pick, enter: to the reason   enter in reason: save   esc: cancel"),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self.change.category in self.names:
            picker.highlighted = self.names.index(self.change.category)
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        picker = self.query_one(OptionList)
        if picker.highlighted is None:
            self._failed("pick a category")
            return
        category, reason, event_id = self.names[picker.highlighted], event.value.strip(), self.change.id
        if not reason:
            self._failed("give a reason (it is recorded with the category)")
            return
        self.save(lambda ledger: ledger.set_change_category(event_id, category, reason))


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
