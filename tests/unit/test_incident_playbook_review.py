"""The playbook checklist per incident, and the exported Markdown review."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from skafu_tui.config import Config, load_config
from skafu_tui.incidents import (
    IncidentEngine,
    PriorChange,
    Signal,
    SignalKind,
    export_review,
    load_checklist,
    service_key,
    tick_item,
)
from skafu_tui.ledger import Ledger, TimelineKind
from skafu_tui.procedures import DEFAULT_PROCEDURES, PLAYBOOK, REVIEW_AREAS

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seed" / "operational-procedures.md"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOSTILE = "[bold red]x[/] [link=http://evil]y[/link] \x1b[2J\n# not a heading | cell"


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(REPO / "config.yaml").config


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger.open(tmp_path / "ledger.db", actor="alice", clock=lambda: T0)


def open_p1(ledger: Ledger, config: Config, title: str = "template-management-api is unhealthy") -> int:
    engine = IncidentEngine(ledger, config.incidents)
    signal = Signal(
        key=service_key("template-management-api"),
        kind=SignalKind.SERVICE_UNHEALTHY,
        title=title,
        services=("template-management-api",),
        evidence=("error_rate_pct 5.2%",),
        critical=True,
    )
    [change] = engine.update([signal], T0)
    return change.incident.id


def test_playbook_is_the_seeds_four_steps() -> None:
    assert [s.title for s in PLAYBOOK] == ["Detection", "Response", "Resolution", "Recovery"]
    text = SEED.read_text() if SEED.exists() else ""
    for step in PLAYBOOK:
        for _, item in step.items():
            assert not text or f"- {item.text}" in text, item.text
    assert [a.title for a in REVIEW_AREAS] == ["Detection", "Response", "Resolution", "Prevention"]


def test_ticks_show_in_the_checklist_and_timeline(ledger: Ledger, config: Config) -> None:
    incident_id = open_p1(ledger, config)
    checklist = load_checklist(ledger, incident_id)
    total = sum(len(step.items()) for step in PLAYBOOK)
    assert checklist.progress() == (0, total)
    first = checklist.next_item()
    assert first is not None and first.step == "detection"

    ack = next(i for i in checklist.items() if i.text == "Acknowledge the incident")
    after = tick_item(ledger, incident_id, ack.step, ack.key, at=T0 + timedelta(minutes=3))
    ticked = after.find(ack.step, ack.key)
    assert ticked is not None and ticked.ticked and ticked.tick is not None
    assert (ticked.tick.actor, ticked.tick.at) == ("alice", T0 + timedelta(minutes=3))
    assert after.progress() == (1, total)
    entry = ledger.timeline(incident_id)[-1]
    assert entry.kind is TimelineKind.CHECKLIST and "Acknowledge the incident" in entry.text

    assert tick_item(ledger, incident_id, ack.step, ack.key, ticked=False).progress() == (0, total)
    with pytest.raises(ValueError):
        tick_item(ledger, incident_id, "detection", "no-such-item")


def test_review_export_has_every_part_and_text_is_inert(ledger: Ledger, config: Config) -> None:
    incident_id = open_p1(ledger, config, title=HOSTILE)
    ledger.acknowledge(incident_id, at=T0 + timedelta(minutes=4))
    ledger.add_note(incident_id, "rolled back v42\n# second line", at=T0 + timedelta(minutes=6))
    area = REVIEW_AREAS[0]
    ledger.answer_review(incident_id, area.id, area.questions[0], "alarm template-management-api-5xx")
    ledger.add_action_item(incident_id, "canary | deploys", "erin", date(2026, 3, 10))
    change = PriorChange(
        at=T0 - timedelta(minutes=12),
        summary="lambda:UpdateFunctionCode skafu-template-management-api",
        who="deployer",
        services=("template-management-api",),
        overlap="same service",
    )

    doc = export_review(
        ledger, incident_id, config.incidents, now=T0 + timedelta(hours=1), changes_before=[change]
    )

    for heading in (
        "## Summary",
        "## Impact",
        "## Timeline",
        "## Changes in the 60 minutes before the start",
        "## Review",
        "## Action items",
    ):
        assert heading in doc
    assert config.incidents.classes["P1"].description in doc
    assert "alarm template-management-api-5xx" in doc
    assert "lambda:UpdateFunctionCode" in doc and "deployer" in doc
    assert "| erin | 2026-03-10 | no |" in doc and "canary \\| deploys" in doc
    for question in (q for a in DEFAULT_PROCEDURES.review_areas for q in a.questions):
        assert question.replace("?", "") in doc.replace("\\", "")
    # Hostile text stays literal: no escape byte, no heading, no link, no extra table cell.
    assert "\x1b" not in doc
    assert not any(line.startswith("# not a heading") for line in doc.splitlines())
    assert "\\[link=http://evil\\]" in doc and "\\[bold red\\]" in doc
    assert "\\# second line" in doc
