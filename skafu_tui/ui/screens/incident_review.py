"""The post-incident review of one incident (`r` in the detail screen).

The due clock (48 hours after resolution), the seed's participants, its four review areas with
their questions as fields, and the action items with owner and deadline. enter in an answer
saves it; ctrl+s saves every changed answer; leaving with escape saves what changed first. Each
save is confirmed only after the ledger committed it.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from skafu_tui.incidents import incident_clocks
from skafu_tui.ledger import ActionItem, Ledger
from skafu_tui.procedures import DEFAULT_PROCEDURES, REVIEW_PARTICIPANTS
from skafu_tui.ui.incident_sections import heading
from skafu_tui.ui.incident_service import IncidentHub
from skafu_tui.ui.incident_text import clock_text
from widgets.keyed_table import Cell, KeyedTable
from widgets.text import plain


def field_id(area: str, index: int) -> str:
    return f"answer-{area}-{index}"


class ReviewScreen(Screen[None]):
    DEFAULT_CSS = """
    ReviewScreen #review-header { height: auto; background: $panel; padding: 0 1; }
    ReviewScreen #review-body { height: 1fr; padding: 0 1; }
    ReviewScreen .question { height: auto; margin-top: 1; }
    ReviewScreen Input { height: 1; border: none; padding: 0 1; background: $boost; }
    ReviewScreen Input:focus { border: none; background: $primary 40%; }
    ReviewScreen .area { height: auto; margin-top: 1; }
    ReviewScreen #actions { height: auto; max-height: 10; }
    ReviewScreen #new-action { height: auto; }
    ReviewScreen #new-action Input { width: 1fr; }
    ReviewScreen #new-action #action-deadline { width: 18; }
    ReviewScreen #review-status { height: auto; margin: 1 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back (saves)", id="review.close"),
        Binding("ctrl+s", "save_all", "Save answers", id="review.save", priority=True),
        Binding("space", "toggle_done", "Done/not done", show=False, id="review.toggle"),
    ]

    def __init__(self, hub: IncidentHub, incident_id: int) -> None:
        super().__init__()
        self.hub = hub
        self.incident_id = incident_id
        self.saved: dict[tuple[str, str], str] = {}
        self.items: list[ActionItem] = []
        self.procedures = DEFAULT_PROCEDURES
        self.closing = False

    def compose(self) -> ComposeResult:
        assert self.hub.ledger is not None
        self.saved = {(a.area, a.question): a.answer for a in self.hub.ledger.review_answers(self.incident_id)}
        yield Static("", id="review-header")
        with VerticalScroll(id="review-body"):
            participants = ", ".join(REVIEW_PARTICIPANTS)
            yield Static(plain(f"Participants: {participants}", "dim"))
            for area in self.procedures.review_areas:
                yield Static(heading(area.title), classes="area")
                for index, question in enumerate(area.questions):
                    yield Static(plain(question), classes="question")
                    yield Input(value=self.saved.get((area.id, question), ""), placeholder="answer (enter saves)",
                                id=field_id(area.id, index))
            yield Static(heading("Action items", "space: done/not done"), classes="area")
            yield KeyedTable(("#", "action", "owner", "deadline", "done"), id="actions")
            with Horizontal(id="new-action"):
                yield Input(placeholder="new action item", id="action-text")
                yield Input(placeholder="owner", id="action-owner")
                yield Input(placeholder="deadline YYYY-MM-DD", id="action-deadline")
            yield Static(plain("enter in any of the three adds the item (action and owner required)", "dim"))
            yield Static("", id="review-status")
            yield Button("Mark the review complete", id="complete")
        yield Footer()

    def on_mount(self) -> None:
        self._draw_header()
        self._load_items()
        self.query(Input).first().focus()

    def _draw_header(self) -> None:
        ledger = self.hub.ledger
        assert ledger is not None
        incident = ledger.incident(self.incident_id)
        if incident is None:
            return
        clocks = incident_clocks(incident, self.hub.cfg.incidents, self.hub.clock())
        text = Text(end="")
        text.append(f"Post-incident review of #{incident.id} ", style="bold")
        text.append_text(plain(incident.title, "bold"))
        text.append("\nreview: ")
        if clocks.review is None:
            text.append("due within 48 hours of resolution (not resolved yet)", style="dim")
        else:
            text.append_text(clock_text(clocks.review, long=True))
        if incident.review_completed_by and incident.review_completed_at:
            text.append_text(plain(f"  │  completed by {incident.review_completed_by} "
                                   f"at {incident.review_completed_at:%Y-%m-%d %H:%M} UTC", "green"))
        self.query_one("#review-header", Static).update(text)

    def _load_items(self) -> None:
        assert self.hub.ledger is not None
        self.items = self.hub.ledger.action_items(self.incident_id)
        rows: list[tuple[str, list[Cell]]] = [
            (
                str(item.id),
                [
                    str(item.id),
                    item.text,
                    item.owner,
                    item.deadline.isoformat() if item.deadline else "—",
                    Text("☑ done", style="green", end="") if item.done else Text("☐ open", end=""),
                ],
            )
            for item in self.items
        ]
        self.query_one("#actions", KeyedTable).set_rows(rows)

    def _status(self, text: str, error: bool = False) -> None:
        """Say it at the bottom of the form and in a notification (the form may be scrolled away)."""
        self.query_one("#review-status", Static).update(plain(text, "bold red" if error else "green"))
        self.app.notify(text, severity="error" if error else "information", timeout=4 if not error else 10,
                        markup=False)

    # --- answers ----------------------------------------------------------------------------

    def _changed(self) -> list[tuple[str, str, str]]:
        out = []
        for area in self.procedures.review_areas:
            for index, question in enumerate(area.questions):
                value = self.query_one(f"#{field_id(area.id, index)}", Input).value
                if value != self.saved.get((area.id, question), ""):
                    out.append((area.id, question, value))
        return out

    def _save(self, answers: list[tuple[str, str, str]], then_close: bool = False) -> None:
        if not answers:
            if then_close:
                self.dismiss(None)
            return
        incident_id = self.incident_id

        def write(ledger: Ledger) -> int:
            with ledger.batch():
                for area, question, text in answers:
                    ledger.answer_review(incident_id, area, question, text)
            return len(answers)

        def done(count: int) -> None:
            for area, question, text in answers:
                self.saved[(area, question)] = text
            message = f"{count} answer{'s' if count != 1 else ''} saved"
            if then_close:
                self.app.notify(message, timeout=4, markup=False)
                self.dismiss(None)
            elif self.is_mounted:
                self._status(message)

        def failed(text: str) -> None:
            self.closing = False
            self._status(f"Not saved: {text}", error=True)

        self.hub.write(write, done, failed)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        input_id = event.input.id or ""
        if input_id.startswith("action-"):
            self._add_action()
            return
        changed = [c for c in self._changed() if field_id(c[0], self._index(c[0], c[1])) == input_id]
        self._save(changed)
        event.input.screen.focus_next()

    def _index(self, area_id: str, question: str) -> int:
        area = next(a for a in self.procedures.review_areas if a.id == area_id)
        return area.questions.index(question)

    def action_save_all(self) -> None:
        self._save(self._changed())

    def action_close(self) -> None:
        if self.closing:
            return
        self.closing = True
        self._save(self._changed(), then_close=True)

    # --- action items -----------------------------------------------------------------------

    def _add_action(self) -> None:
        text = self.query_one("#action-text", Input).value.strip()
        owner = self.query_one("#action-owner", Input).value.strip()
        raw_deadline = self.query_one("#action-deadline", Input).value.strip()
        if not text or not owner:
            self._status("An action item needs the action and its owner", error=True)
            return
        try:
            deadline = date.fromisoformat(raw_deadline) if raw_deadline else None
        except ValueError:
            self._status(f"{raw_deadline!r} is not a date like 2026-12-01", error=True)
            return
        incident_id = self.incident_id

        def done(item: ActionItem) -> None:
            for name in ("#action-text", "#action-owner", "#action-deadline"):
                self.query_one(name, Input).value = ""
            self._status(f"Action item #{item.id} for {item.owner} saved")
            self._load_items()
            self.query_one("#action-text", Input).focus()

        self.hub.write(lambda ledger: ledger.add_action_item(incident_id, text, owner, deadline), done,
                       lambda message: self._status(f"Not saved: {message}", error=True))

    def action_toggle_done(self) -> None:
        table = self.query_one("#actions", KeyedTable)
        if not table.has_focus or table.selected_key is None:
            return
        item = next((i for i in self.items if str(i.id) == table.selected_key), None)
        if item is None:
            return

        def done(after: ActionItem) -> None:
            self._status(f"Action item #{after.id} {'done' if after.done else 'reopened'} (saved)")
            self._load_items()

        self.hub.write(lambda ledger: ledger.set_action_item_done(item.id, not item.done), done,
                       lambda message: self._status(f"Not saved: {message}", error=True))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "complete":
            return
        incident_id = self.incident_id

        def done(_: object) -> None:
            self._status("Review marked complete (saved)")
            self._draw_header()

        self.hub.write(lambda ledger: ledger.complete_review(incident_id), done,
                       lambda message: self._status(f"Not saved: {message}", error=True))
