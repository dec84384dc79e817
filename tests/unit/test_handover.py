"""The shift handover from a temp ledger and the recorded demo poll, and the command's smoke test."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from skafu_tui import cli
from skafu_tui.assess import Level, assess
from skafu_tui.changes import history_start
from skafu_tui.config import Config, load_config
from skafu_tui.demo.scenario_model import DEPLOY_EVENT_NAME, DEPLOYER, SG_CHANGER
from skafu_tui.handover import build_handover, handover_dict, handover_markdown, record_poll
from skafu_tui.ledger import Ledger, NewIncident
from skafu_tui.procedures import DEFAULT_PROCEDURES, Cadence
from skafu_tui.snapshot import Snapshot
from skafu_tui.snapshot_io import load
from tests.ui.record_fixture import FIXTURE, RECORDED_AT

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"
NOW = RECORDED_AT
HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def cfg() -> Config:
    return load_config(REPO_CONFIG).config


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return load(FIXTURE)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger.open(tmp_path / "ledger.sqlite3", actor="alex")


def _incident(ledger: Ledger, key: str, at, title: str = "x") -> int:  # type: ignore[no-untyped-def]
    new = NewIncident(key=key, kind="service_degraded", incident_class="P2", rule="r", title=title,
                      services=("observability-service",))
    return ledger.open_incident(new, at=at).id


def test_handover_covers_the_last_hour(cfg: Config, snapshot: Snapshot, ledger: Ledger) -> None:
    assessment = assess(snapshot, cfg, NOW)
    # Before the hour: opened, acknowledged and resolved; a note. Inside it: the same, and more.
    old = _incident(ledger, "old", NOW - 3 * HOUR, "old problem")
    ledger.acknowledge(old, at=NOW - 3 * HOUR)
    ledger.add_note(old, "old note", at=NOW - 2 * HOUR)
    ledger.resolve_incident(old, at=NOW - 2 * HOUR)
    fixed = _incident(ledger, "fixed", NOW - 2 * HOUR, "fixed in the hour")
    ledger.acknowledge(fixed, at=NOW - 30 * timedelta(minutes=1))
    ledger.add_note(fixed, "restarted the tasks\nand watched", at=NOW - 20 * timedelta(minutes=1))
    ledger.resolve_incident(fixed, at=NOW - 10 * timedelta(minutes=1))
    record_poll(ledger, cfg, snapshot, assessment)  # the demo's current incidents, opened now
    daily = [t for t in DEFAULT_PROCEDURES.maintenance if t.cadence is Cadence.DAILY]
    ledger.tick_maintenance(daily[0].id, (NOW - timedelta(days=1)).date(), at=NOW - timedelta(days=1))
    ledger.tick_maintenance(daily[0].id, NOW.date(), at=NOW - 5 * timedelta(minutes=1))

    h = build_handover(ledger, cfg, now=NOW, span=HOUR, snapshot=snapshot, assessment=assessment)

    opened_ids = {i.id for i in h.opened}
    assert old not in opened_ids and fixed not in opened_ids
    assert {i.key for i in h.opened} >= {"service:template-management-api"}
    assert [i.id for i in h.acknowledged] == [fixed]
    assert [i.id for i in h.resolved] == [fixed]
    assert [n.text for n in h.notes] == ["restarted the tasks\nand watched"]
    # Changes: the scenario's deploy (-25 min) and SG change (-47 min) are in the hour, flagged first.
    who = {c.who for c in h.changes}
    assert {DEPLOYER, SG_CHANGER} <= who
    assert all(NOW - HOUR <= c.when <= NOW for c in h.changes)
    flags = [c.flagged for c in h.changes]
    assert flags == sorted(flags, reverse=True)
    assert any(c.event.name == DEPLOY_EVENT_NAME for c in h.changes)
    # Checks that failed are the assessment's failed checks.
    assert [c.id for c in h.failed_checks] == [c.id for c in assessment.checks if c.status is Level.FAIL]
    # Maintenance: today's tick is done in the hour; yesterday's ticks started tracking, so the other
    # daily tasks are overdue (yesterday went without them).
    assert [d.task.id for d in h.maintenance_done] == [daily[0].id]
    overdue = {d.task.id for d in h.maintenance_overdue}
    assert daily[1].id in overdue and daily[0].id not in overdue

    text = handover_markdown(h)
    assert "## Changes" in text and "**OUTSIDE WINDOW**" in text
    assert "fixed in the hour" in text and "old problem" not in text
    assert "restarted the tasks  \n  and watched" in text
    data = json.loads(json.dumps(handover_dict(h)))
    assert data["incidents"]["resolved"][0]["id"] == fixed
    assert {c["who"] for c in data["changes"]} >= {DEPLOYER, SG_CHANGER}


def test_without_a_ledger_or_poll_the_handover_says_what_is_missing(cfg: Config) -> None:
    h = build_handover(None, cfg, now=NOW, span=8 * HOUR)
    assert any("no ledger" in r for r in h.remarks) and any("no poll" in r for r in h.remarks)
    assert "> no ledger" in handover_markdown(h)


def test_handover_command_writes_json_from_one_poll(
    cfg: Config, snapshot: Snapshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The poll is the recorded demo poll (a --demo poll takes ~25 s); the rest is the real command.
    monkeypatch.setattr("skafu_tui.handover._poll", lambda cfg, options: snapshot)
    with Ledger.open(tmp_path / "ledger.sqlite3", actor="alex") as ledger:
        task = DEFAULT_PROCEDURES.maintenance[0]
        ledger.tick_maintenance(task.id, history_start(NOW.date()), at=NOW - timedelta(days=200))
        ledger.tick_maintenance(task.id, NOW.date(), at=NOW - timedelta(minutes=3))
    out = tmp_path / "handover.json"
    code = cli.main(["--config", str(REPO_CONFIG), "--state-dir", str(tmp_path), "handover", "--since", "1h",
                     "--format", "json", "--output", str(out)])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["since"] == (NOW - HOUR).isoformat()
    assert {c["who"] for c in data["changes"]} >= {DEPLOYER, SG_CHANGER}
    assert [d["task"] for d in data["maintenance"]["done"]] == [task.id]
    assert data["remarks"] == []  # a ledger was there: nothing missing in the last hour


def test_handover_command_without_a_ledger_shows_this_poll_s_incidents(
    snapshot: Snapshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("skafu_tui.handover._poll", lambda cfg, options: snapshot)
    code = cli.main(["--config", str(REPO_CONFIG), "--state-dir", str(tmp_path / "none"), "handover"])
    assert code == 0
    text = capsys.readouterr().out
    assert text.startswith("# Skafu shift handover")
    assert "no ledger at" in text and "template-management-api is unhealthy" in text
    assert not (tmp_path / "none").exists()  # the operator's state dir is not created by a report
