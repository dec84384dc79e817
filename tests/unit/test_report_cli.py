"""`skafu-tui report` end to end with the poll replaced by a hand-built Snapshot: formats,
output file, exit codes (0, 2 bad config, 3 --fail-on met, 1 nothing produced)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_assess_support import CFG, NOW, REPO, all_services_metrics, ok_sources, snap

import skafu_tui.report_cli as report_cli
from skafu_tui.config import Config
from skafu_tui.options import Options
from skafu_tui.snapshot import Snapshot, SourceState, SourceStatus

K = CFG.kpis


def _patch_poll(monkeypatch: pytest.MonkeyPatch, snapshot: Snapshot) -> None:
    async def fake_poll(cfg: Config, settings: Any) -> Snapshot:
        return snapshot

    monkeypatch.setattr(report_cli, "_poll", fake_poll)


def _options(**kw: Any) -> Options:
    return Options(command="report", config_path=REPO / "config.yaml", endpoint_url="http://127.0.0.1:9",
                   **kw)


def _snapshot(unhealthy: int = 0, degraded: int = 0) -> Snapshot:
    bad = {s.name: {"error_pct": K.error_rate_pct.alert * 2} for s in CFG.services[:unhealthy]}
    bad |= {s.name: {"error_pct": K.error_rate_pct.target * 1.5}
            for s in CFG.services[unhealthy:unhealthy + degraded]}
    return snap(metrics=all_services_metrics(**bad))


def test_json_to_file_healthy_exit_0(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _patch_poll(monkeypatch, _snapshot())
    out = tmp_path / "report.json"
    assert report_cli.run_report(_options(output=out, fail_on="degraded")) == 0
    report = json.loads(out.read_text())
    assert report["systemHealth"]["overallStatus"] == "healthy"
    assert report["generatedAt"] == NOW.isoformat().replace("+00:00", "Z")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left
    out.chmod(0o640)
    assert report_cli.run_report(_options(output=out)) == 0
    assert out.stat().st_mode & 0o777 == 0o640  # an existing report keeps its mode


@pytest.mark.parametrize(
    ("unhealthy", "degraded", "fail_on", "code"),
    [
        (0, 1, "degraded", 3),   # 4/5 healthy = 80 %: degraded by the seed's rule
        (0, 1, "unhealthy", 0),
        (2, 0, "unhealthy", 3),  # 3/5 = 60 %: unhealthy
        (2, 0, None, 0),
    ],
)
def test_fail_on_exit_codes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                            unhealthy: int, degraded: int, fail_on: Any, code: int) -> None:
    _patch_poll(monkeypatch, _snapshot(unhealthy, degraded))
    assert report_cli.run_report(_options(fail_on=fail_on)) == code
    report = json.loads(capsys.readouterr().out)
    n = len(CFG.services)
    healthy = n - unhealthy - degraded
    assert report["systemHealth"]["serviceAvailability"] == pytest.approx(healthy / n * 100)


def test_markdown_to_stdout(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _patch_poll(monkeypatch, _snapshot())
    assert report_cli.run_report(_options(output_format="markdown")) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# {CFG.platform.name} daily operations report")
    assert "## Daily checks" in out


def test_bad_config_exits_2_with_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("platform: {name: X}\nservices: 3\n")
    code = report_cli.run_report(Options(command="report", config_path=bad))
    assert code == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "services" in err and "Traceback" not in err


def test_unreachable_aws_still_reports_with_one_line_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cause = "cannot reach http://127.0.0.1:9/"
    sources = {name: SourceState(name=name, status=SourceStatus.UNREACHABLE, message=cause)
               for name in ok_sources()}
    _patch_poll(monkeypatch, snap(metrics={}, sources=sources))
    assert report_cli.run_report(_options(fail_on="unhealthy")) == 3  # unknown meets --fail-on
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["systemHealth"]["overallStatus"] == "unknown"
    assert report["sources"]["metrics"]["state"] == "unreachable"
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "cannot reach" in lines[0]


def test_unwritable_output_exits_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    _patch_poll(monkeypatch, _snapshot())
    code = report_cli.run_report(_options(output=tmp_path / "missing-dir" / "r.json"))
    assert code == 1
    assert "cannot write" in capsys.readouterr().err
