"""How the dashboard starts: nothing heavy before its first frame, and a bad config still ends in
the located message and exit status 2, even though it is validated after that frame."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.pty_harness import PtyProcess
from tests.unit.test_cli import VALID

ROOT = Path(__file__).resolve().parents[2]

FIRST_FRAME_IMPORTS = """
import sys
import skafu_tui.cli, skafu_tui.launch, skafu_tui.poll_process, skafu_tui.config.locate, skafu_tui.ui.app
from skafu_tui.ui.panes import PANE_CLASSES
PANE_CLASSES["overview"]
heavy = ("pydantic", "aiobotocore", "botocore", "boto3", "aiohttp", "yaml", "importlib.metadata",
         "skafu_tui.config.models", "skafu_tui.models", "skafu_tui.assess.assessment", "skafu_tui.incidents",
         "skafu_tui.ledger", "skafu_tui.changes", "skafu_tui.ui.incident_service", "skafu_tui.ui.panes.security")
print(" ".join(name for name in heavy if name in sys.modules))
"""


def test_the_first_frame_imports_no_schema_no_aws_and_no_other_pane() -> None:
    done = subprocess.run([sys.executable, "-c", FIRST_FRAME_IMPORTS], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=True)  # fmt: skip
    assert done.stdout.split() == []


def _run_dashboard(argv: list[str], timeout: float = 60.0) -> tuple[int | None, bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "NO_COLOR")}
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_EC2_METADATA_DISABLED="true",
               TERM="xterm-256color")  # fmt: skip
    with PtyProcess([sys.executable, "-m", "skafu_tui", *argv], 100, 30, env=env) as proc:
        deadline = time.monotonic() + timeout
        while proc.alive():
            assert time.monotonic() < deadline, "the dashboard did not exit"
            time.sleep(0.05)
        status = proc.exit_status
        output = proc.read_range(0, proc.total_bytes)
    return (os.waitstatus_to_exitcode(status) if status is not None else None), output


def test_an_invalid_config_ends_the_dashboard_with_its_located_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = VALID.replace("stat: p95", "stat: p955")
    bad.write_text(text, encoding="utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), start=1) if "p955" in row)
    code, output = _run_dashboard(["--config", str(bad), "--endpoint-url", "http://127.0.0.1:9",
                                   "--state-dir", str(tmp_path / "state")])  # fmt: skip
    assert code == 2
    # The same words `check-config` and the report use, after the terminal is restored.
    expected = f"{bad}:{line}: services[0].metrics.latency.stat: 'p955' is not a statistic"
    assert expected.encode() in output.replace(b"\r\n", b"\n")
    assert b"Traceback" not in output
