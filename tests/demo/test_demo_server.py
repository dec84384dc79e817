"""The server process: one endpoint line, quiet, loopback only, robust to bad input."""

from __future__ import annotations

import signal
import time
from typing import TYPE_CHECKING

import pytest

from skafu_tui.demo.server import run_server

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.demo.conftest import Aws, Spawned

pytestmark = pytest.mark.xdist_group("demo")


async def test_one_endpoint_line_quiet_serving_and_exit_on_sigterm(
    spawn_server: Callable[..., Spawned], aws_at: type[Aws], tmp_path: Path
) -> None:
    server = spawn_server()
    assert server.line.startswith("endpoint=http://127.0.0.1:"), server.line
    aws = aws_at(server.line.strip().removeprefix("endpoint="))
    assert aws.get("/_skafu/health")[0] == 200
    async with aws.client("sts") as sts:  # served by moto, through the middleware
        assert (await sts.get_caller_identity())["Account"] == aws.account
    assert aws.post("/_skafu/seed/health-events", raw=b"{")[0] == 400
    assert aws.get("/no/such/path")[0] == 404
    assert (await aws.fails("config", "describe_compliance_by_resource", 500))["Code"] == "InternalFailure"

    server.proc.send_signal(signal.SIGTERM)
    began = time.monotonic()
    assert server.proc.wait(timeout=2) == 0
    assert time.monotonic() - began < 2
    assert server.proc.stdout is not None
    assert server.proc.stdout.read() == ""  # exactly one line was ever printed
    assert (tmp_path / "stderr.txt").read_text() == ""  # no request log lines, no tracebacks


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_non_loopback_host_is_refused(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_server(host, 0, "empty", 1.0, False) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--allow-remote" in captured.err


def test_unknown_scenario_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_server("127.0.0.1", 0, "nonsense", 1.0, False) == 2
    assert "nonsense" in capsys.readouterr().err


async def test_malformed_seed_gets_400_naming_the_field_and_server_keeps_serving(ext: Aws) -> None:
    good = {
        "arn": "arn:aws:health:us-east-1::event/EC2/AWS_EC2_X/AWS_EC2_X_1",
        "service": "EC2",
        "eventTypeCode": "AWS_EC2_X",
        "eventTypeCategory": "issue",
        "region": "us-east-1",
        "startTime": 1700000000,
        "statusCode": "open",
        "description": "ok",
    }
    cases = [
        (b"not json", "body: invalid JSON"),
        (b'{"a": 1}', "body: expected a JSON list"),
        (b'[{"arn": 1}]', "[0].arn: expected string"),
        (b"[1]", "[0]: expected an object"),
    ]
    for raw, message in cases:
        status, doc = ext.post("/_skafu/seed/health-events", raw=raw)
        assert (status, doc["message"][: len(message)]) == (400, message)
    status, doc = ext.post("/_skafu/seed/health-events", [good, {**good, "startTime": "yesterday"}])
    assert status == 400
    assert doc["message"].startswith("[1].startTime:")
    status, doc = ext.post("/_skafu/seed/health-events", [{**good, "account": "12"}])
    assert (status, doc["message"].startswith("[0].account:")) == (400, True)
    status, doc = ext.post("/_skafu/seed/no-such-kind", [])
    assert status == 404
    assert "no-such-kind" in doc["message"]

    async with ext.client("health") as health:
        assert (await health.describe_events())["events"] == []  # the rejected batch stored nothing
    ext.seed("health-events", [good])
    async with ext.client("health") as health:
        assert [e["arn"] for e in (await health.describe_events())["events"]] == [good["arn"]]


async def test_operation_moto_lacks_is_a_json_500_and_server_keeps_serving(ext: Aws) -> None:
    error = await ext.fails("config", "describe_compliance_by_resource", 500)
    assert error["Code"] == "InternalFailure"
    async with ext.client("sts") as sts:
        assert (await sts.get_caller_identity())["Account"] == ext.account


async def test_reset_clears_extension_state(ext: Aws) -> None:
    ext.seed("backup-jobs", [{"BackupJobId": "j1", "CreationDate": 1700000000, "State": "FAILED"}])
    async with ext.client("guardduty") as gd:
        await gd.create_detector(Enable=True)
    async with ext.client("backup") as backup:
        assert [j["BackupJobId"] for j in (await backup.list_backup_jobs())["BackupJobs"]] == ["j1"]

    assert ext.post("/_skafu/reset", raw=b"") == (200, {"status": "ok"})

    async with ext.client("backup") as backup:
        assert (await backup.list_backup_jobs())["BackupJobs"] == []
    async with ext.client("guardduty") as gd:
        assert (await gd.list_detectors())["DetectorIds"] == []  # moto's state went too
