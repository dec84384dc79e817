"""`enter` on a GuardDuty finding: the finding in full, every field literal, scrollable; escape closes.

Everything shown came from AWS, so it goes through :func:`widgets.text.plain` (no markup, terminal
controls made visible). The raw JSON is pretty-printed when it parses; decoding JSON can turn an
escaped ``\\u001b`` back into a real control character, so the pretty text is made inert again.
"""

from __future__ import annotations

import json
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from skafu_tui.models import Finding
from widgets.text import SafeStatic, plain


def pretty_json(raw: str) -> str:
    """``raw`` indented when it is JSON, else as it is (e.g. cut short by the size limit)."""
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return raw


def finding_text(f: Finding) -> Text:
    """The finding's fields, one per line, then its description."""
    text = Text()
    text.append_text(plain(f.title, style="bold"))
    text.append("\n\n")
    fields = (
        ("Severity", f"{f.severity_label} {f.severity:g}"),
        ("Type", f.type),
        ("Resource", " ".join(x for x in (f.resource_type, f.resource_id) if x) or "—"),
        ("Account", f.account or "—"),
        ("Region", f.region or "—"),
        ("First seen", f"{f.created_at:%Y-%m-%d %H:%M:%S} UTC"),
        ("Last seen", f"{f.updated_at:%Y-%m-%d %H:%M:%S} UTC"),
        ("Count", str(f.count)),
        ("Archived", "yes" if f.archived else "no"),
        ("Finding id", f.id),
    )
    for name, value in fields:
        text.append(f"{name:<11} ", style="bold")
        text.append_text(plain(value))
        text.append("\n")
    text.append("\nDescription\n", style="bold")
    text.append_text(plain(f.description or "—"))
    return text


class FindingScreen(ModalScreen[None]):
    """One GuardDuty finding in full: fields, description and the raw JSON."""

    DEFAULT_CSS = """
    FindingScreen { align: center middle; }
    FindingScreen > #finding-box {
        width: 100%; max-width: 140; height: 100%; max-height: 60;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FindingScreen #finding-raw-title { text-style: bold; margin-top: 1; }
    FindingScreen #finding-raw { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="finding.close"),
        Binding("j", "scroll('down')", "Down", show=False, id="finding.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="finding.up"),
    ]

    def __init__(self, finding: Finding) -> None:
        super().__init__()
        self.finding = finding

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="finding-box") as box:
            box.border_title = "GuardDuty finding"
            box.border_subtitle = "esc close · ↑↓ PgUp PgDn scroll"
            yield SafeStatic(finding_text(self.finding), id="finding-body")
            yield SafeStatic(plain("Raw JSON"), id="finding-raw-title")
            yield SafeStatic(plain(pretty_json(self.finding.raw) if self.finding.raw else "—"), id="finding-raw")

    def on_mount(self) -> None:
        self.query_one("#finding-box", VerticalScroll).focus()

    def action_scroll(self, direction: str) -> None:
        box = self.query_one("#finding-box", VerticalScroll)
        if direction == "down":
            box.scroll_down()
        else:
            box.scroll_up()

    @property
    def shown_text(self) -> str:
        """Everything the screen shows, as plain text (for tests and copy)."""
        parts = [self.query_one("#finding-body", SafeStatic), self.query_one("#finding-raw", SafeStatic)]
        return "\n".join(str(p.render()) for p in parts)
