"""Small dialogs of the incident detail: commander, note, class override, a change's raw event.

A dialog that writes to the ledger stays open until the write has committed, then closes with
the result; if the write fails it says why in place and keeps what the operator typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from skafu_tui.config.incidents import Incidents
from skafu_tui.ledger import Incident, Ledger, Note
from skafu_tui.models import TrailEvent
from skafu_tui.ui.incident_service import IncidentHub
from widgets.text import plain

T = TypeVar("T")

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $accent;
    background: $surface; padding: 0 1; }}
{name} .dialog-title {{ text-style: bold; }}
{name} .dialog-hint {{ color: $text-muted; }}
{name} .dialog-error {{ color: $error; text-style: bold; height: auto; }}
"""


class SavingDialog(ModalScreen[T | None], Generic[T]):
    """A dialog that saves through the hub and closes only after the commit."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, hub: IncidentHub) -> None:
        super().__init__()
        self.hub = hub
        self.saving = False

    def error_line(self) -> Static:
        return Static("", classes="dialog-error", id="dialog-error")

    def save(self, action: Callable[[Ledger], T]) -> None:
        if self.saving:
            return
        self.saving = True
        self.query_one("#dialog-error", Static).update(plain("saving…"))
        self.hub.write(action, self._saved, self._failed)

    def _saved(self, result: T) -> None:
        self.dismiss(result)

    def _failed(self, text: str) -> None:
        self.saving = False
        self.query_one("#dialog-error", Static).update(plain(f"Not saved: {text}"))


class PickReasonDialog(SavingDialog[T]):
    """Pick one of a list, give a reason: the choice is saved with the reason (class overrides,
    change categories). Subclasses give the choices and :meth:`commit` the pair."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="PickReasonDialog") + "PickReasonDialog OptionList { height: auto; }"

    noun = "a choice"
    """What is picked, for the error lines: "a class", "a category"."""

    def __init__(self, hub: IncidentHub, title: str, choices: list[tuple[str, str]], current: str | None) -> None:
        super().__init__(hub)
        self.title_text = title
        self.choices = choices
        """(id, label) in display order."""
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), classes="dialog-title")
            yield OptionList(*(Option(plain(label), id=choice) for choice, label in self.choices), id="choices")
            yield Input(placeholder="reason (required)", id="reason")
            yield self.error_line()
            yield Static(plain("↑/↓ pick, enter: to the reason   enter in reason: save   esc: cancel"),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        ids = [choice for choice, _ in self.choices]
        if self.current in ids:
            picker.highlighted = ids.index(self.current)
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        picker = self.query_one(OptionList)
        if picker.highlighted is None:
            self._failed(f"pick {self.noun}")
            return
        reason = event.value.strip()
        if not reason:
            self._failed(f"give a reason (it is recorded with the {self.noun.split()[-1]})")
            return
        self.commit(self.choices[picker.highlighted][0], reason)

    def commit(self, choice: str, reason: str) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)


class CommanderDialog(SavingDialog[Incident]):
    DEFAULT_CSS = _DIALOG_CSS.format(name="CommanderDialog")

    def __init__(self, hub: IncidentHub, incident: Incident) -> None:
        super().__init__(hub)
        self.incident = incident

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(f"Incident commander for #{self.incident.id}"), classes="dialog-title")
            yield Input(value=self.incident.commander or "", placeholder="name", id="commander")
            yield self.error_line()
            yield Static(plain("enter: save   esc: cancel"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name, incident_id = event.value.strip(), self.incident.id
        if not name:
            self._failed("give a name")
            return
        self.save(lambda ledger: ledger.set_commander(incident_id, name))


class NoteDialog(SavingDialog[Note]):
    """A multi-line note: ctrl+s saves, escape cancels."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="NoteDialog") + "NoteDialog TextArea { height: 10; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save_note", "Save", id="note.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, hub: IncidentHub, incident: Incident) -> None:
        super().__init__(hub)
        self.incident = incident

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(f"Note on #{self.incident.id} {self.incident.title}"), classes="dialog-title")
            yield TextArea(id="note", soft_wrap=True)
            yield self.error_line()
            yield Static(plain("ctrl+s: save   esc: cancel   (enter: new line)"), classes="dialog-hint")

    def action_save_note(self) -> None:
        text, incident_id = self.query_one(TextArea).text, self.incident.id
        if not text.strip():
            self._failed("the note is empty")
            return
        self.save(lambda ledger: ledger.add_note(incident_id, text))


class OverrideDialog(PickReasonDialog[Incident]):
    """Pick a class, give a reason: the override is recorded with both."""

    noun = "a class"

    def __init__(self, hub: IncidentHub, incident: Incident, cfg: Incidents) -> None:
        names = cfg.ordered_classes()
        super().__init__(
            hub,
            f"Override the class of #{incident.id} (now {incident.incident_class})",
            [(name, f"{name}  {cfg.classes[name].description}") for name in names],
            incident.incident_class,
        )
        self.incident = incident
        self.cfg = cfg

    def commit(self, choice: str, reason: str) -> None:
        engine, incident_id = self.hub.engine, self.incident.id
        if engine is None:
            self._failed("incidents are not recorded")
            return
        self.save(lambda _ledger: engine.override_class(incident_id, choice, reason))


class ChangeEventDialog(ModalScreen[None]):
    """A CloudTrail event in full (shown when no change screen exists to jump to)."""

    DEFAULT_CSS = """
    ChangeEventDialog { align: center middle; }
    ChangeEventDialog > VerticalScroll { width: 100; max-width: 100%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close", id="change.close")]

    def __init__(self, event: TrailEvent, overlap: str = "") -> None:
        super().__init__()
        self.event = event
        self.overlap = overlap

    def compose(self) -> ComposeResult:
        event = self.event
        text = Text(end="")
        text.append("CloudTrail event\n", style="bold")
        fields: list[tuple[str, Any]] = [
            ("time", f"{event.at:%Y-%m-%d %H:%M:%S} UTC"),
            ("event", event.name),
            ("source", event.source),
            ("who", event.username or "—"),
            ("from", event.source_ip or "—"),
            ("region", event.region or "—"),
            ("resources", ", ".join(f"{r.resource_type} {r.resource_id}" for r in event.resources) or "—"),
            ("outcome", event.error_code or event.outcome or "ok"),
            ("why listed", self.overlap or "it precedes the incident's start"),
            ("id", event.id),
        ]
        for name, value in fields:
            text.append(f"{name:>10}: ", style="bold")
            text.append_text(plain(value))
            text.append("\n")
        if event.raw:
            text.append("\nraw event\n", style="bold")
            text.append_text(plain(event.raw))
        text.append("\n\nesc: close", style="dim")
        with VerticalScroll():
            yield Static(text)
