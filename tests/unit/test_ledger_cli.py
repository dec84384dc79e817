"""`skafu-tui incidents export ID [--output FILE]` against a ledger written by the incident engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skafu_tui.cli import main
from skafu_tui.config import load_config
from skafu_tui.incidents import IncidentEngine, Signal, SignalKind, service_key
from skafu_tui.ledger import Ledger
from skafu_tui.ledger_cli import LEDGER_FILE, export_incident, ledger_path, parse_incident_id
from skafu_tui.options import Options

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SERVICE = "template-management-api"


@pytest.fixture
def state(tmp_path: Path) -> tuple[Path, int]:
    cfg = load_config(REPO / "config.yaml").config
    with Ledger.open(tmp_path / LEDGER_FILE, actor="alice", clock=lambda: T0) as ledger:
        signal = Signal(key=service_key(SERVICE), kind=SignalKind.SERVICE_UNHEALTHY, title=f"{SERVICE} is unhealthy",
                        services=(SERVICE,), evidence=("error_rate_pct 6.9% (past alert 2%)",), critical=True)
        [change] = IncidentEngine(ledger, cfg.incidents).update([signal], T0)
        incident_id = change.incident.id
        ledger.acknowledge(incident_id, at=T0 + timedelta(minutes=3))
        ledger.add_note(incident_id, "rolled back [b]v42[/b]", at=T0 + timedelta(minutes=5))
        ledger.answer_review(incident_id, "detection", "How was the incident detected?", "5xx alarm")
    return tmp_path, incident_id


def test_export_to_stdout(state, capsys):
    directory, incident_id = state
    code = main(["--config", str(REPO / "config.yaml"), "--state-dir", str(directory), "incidents", "export",
                 str(incident_id)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(f"# Post-incident review: #{incident_id} {SERVICE} is unhealthy")
    assert "**Class:** P1" in out and "acknowledged by alice" in out
    assert r"rolled back \[b\]v42\[/b\]" in out  # the note, escaped so Markdown shows it literally
    assert "5xx alarm" in out


def test_export_to_a_file(state, tmp_path_factory):
    directory, incident_id = state
    target = tmp_path_factory.mktemp("out") / "review.md"
    options = Options(command="incidents-export", state_dir=directory, incident_id=f"INC-{incident_id}",
                      config_path=REPO / "config.yaml", output=target)
    assert export_incident(options) == 0
    text = target.read_text()
    assert "## Timeline" in text and "## Review" in text and "## Action items" in text
    assert not list(target.parent.glob(".review.md.*"))  # the temporary file was renamed into place


@pytest.mark.parametrize("given", ["999", "seven"])
def test_unknown_or_bad_id_exits_2_with_a_message(state, capsys, given):
    directory, _ = state
    options = Options(command="incidents-export", state_dir=directory, incident_id=given,
                      config_path=REPO / "config.yaml")
    assert export_incident(options) == 2
    err = capsys.readouterr().err
    assert ("no incident #999" in err) if given == "999" else ("not an incident id" in err)


def test_a_missing_ledger_is_reported_not_created(tmp_path, capsys):
    options = Options(command="incidents-export", state_dir=tmp_path, incident_id="1", config_path=REPO / "config.yaml")
    assert export_incident(options) == 2
    assert "there is no ledger at" in capsys.readouterr().err
    assert not (tmp_path / LEDGER_FILE).exists()


def test_ids_and_paths():
    assert [parse_incident_id(t) for t in ("7", "#7", "INC-7", "inc7", "7a", "")] == [7, 7, 7, 7, None, None]
    assert ledger_path(Path("/x")) == Path("/x") / LEDGER_FILE
