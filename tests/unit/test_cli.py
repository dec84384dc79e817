"""The `skafu-tui` command line: help, version, parsing into Options, and dispatch to each command."""

from __future__ import annotations

import re
import subprocess
import sys
import types
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path

import pytest

import skafu_tui
from skafu_tui import cli
from skafu_tui.cli import main, parse_options
from skafu_tui.options import Options

REPO = Path(__file__).resolve().parents[2]

# Issue 3 and the CLI brief: every subcommand and flag the user can type.
SUBCOMMANDS = ["check-config", "demo-server", "report", "incidents export", "handover"]
FLAGS = [
    "--version", "--config", "--profile", "--region", "--endpoint-url", "--demo", "--speed", "--state-dir",
    "--host", "--port", "--scenario", "--allow-remote", "--format", "--output", "--fail-on", "--since",
]  # fmt: skip

VALID = """\
platform: {name: CliTest}
services:
  - name: api
    feature: F
    metrics:
      requests: {namespace: N, metric: Count, stat: Sum}
      errors: {namespace: N, metric: Errors, stat: Sum}
      latency: {namespace: N, metric: Latency, stat: p95}
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


def test_help_lists_every_subcommand_and_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    missing = [word for word in SUBCOMMANDS + FLAGS if not re.search(rf"(?<![\w-]){word}(?![\w-])", text)]
    assert missing == []


def test_version_is_the_installed_distribution_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"skafu-tui {skafu_tui.__version__}\n"
    assert skafu_tui.__version__ == version("skafu-tui")


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "skafu_tui", "--version"], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"skafu-tui {skafu_tui.__version__}\n", "")


def test_global_flags_become_options(tmp_path: Path) -> None:
    options = parse_options(
        ["--config", "c.yaml", "--profile", "ops", "--region", "us-east-1", "--region", "eu-west-2",
         "--endpoint-url", "http://127.0.0.1:5000", "--speed", "4", "--state-dir", str(tmp_path)]
    )  # fmt: skip
    assert options == Options(
        command="app",
        config_path=Path("c.yaml"),
        profile="ops",
        regions=("us-east-1", "eu-west-2"),
        endpoint_url="http://127.0.0.1:5000",
        speed=4.0,
        state_dir=tmp_path,
    )


def test_subcommand_options() -> None:
    report = parse_options(["report", "--format", "markdown", "--output", "r.md", "--fail-on", "degraded"])
    assert (report.command, report.output_format, report.output, report.fail_on) == (
        "report", "markdown", Path("r.md"), "degraded",
    )  # fmt: skip
    assert parse_options(["report"]).output_format == "json"
    handover = parse_options(["handover", "--since", "1h30m"])
    assert (handover.command, handover.since, handover.output_format) == (
        "handover", timedelta(minutes=90), "markdown",
    )  # fmt: skip
    export = parse_options(["incidents", "export", "INC-7", "--output", "x.json"])
    assert (export.command, export.incident_id, export.output) == (
        "incidents-export",
        "INC-7",
        Path("x.json"),
    )
    server = parse_options(["--speed", "3", "demo-server", "--port", "8123", "--scenario", "empty"])
    assert (server.command, server.port, server.scenario, server.speed) == ("demo-server", 8123, "empty", 3.0)
    assert parse_options(["demo-server", "--speed", "10"]).speed == 10.0


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--region", "useast1"], "'useast1' is not a region name"),
        (["--endpoint-url", "localhost:5000"], "is not an http(s) URL"),
        (["--speed", "0"], "must be a positive number"),
        (["--demo", "--endpoint-url", "http://x"], "--demo and --endpoint-url cannot be combined"),
        (["handover", "--since", "yesterday"], "is not a duration"),
        (["demo-server", "--port", "70000"], "not a port number"),
        (["incidents"], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_a_reason(
    argv: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert complaint in capsys.readouterr().err


def _fake_module(monkeypatch: pytest.MonkeyPatch, name: str, function: str, calls: list[object]) -> None:
    module = types.ModuleType(name)

    def entry(*args: object) -> int:
        calls.append(args if len(args) > 1 else args[0])
        return 0

    setattr(module, function, entry)
    monkeypatch.setitem(sys.modules, name, module)


@pytest.mark.parametrize(
    ("argv", "entry"),
    [
        ([], cli.APP_ENTRY),
        (["report", "--format", "markdown"], cli.REPORT_ENTRY),
        (["incidents", "export", "INC-1"], cli.EXPORT_ENTRY),
        (["handover"], cli.HANDOVER_ENTRY),
    ],
    ids=["app", "report", "incidents export", "handover"],
)
def test_commands_receive_the_parsed_options(
    argv: list[str], entry: tuple[str, str], config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    _fake_module(monkeypatch, *entry, calls)
    full = ["--config", str(config_file), *argv]
    assert main(full) == 0
    assert calls == [parse_options(full)]


@pytest.mark.parametrize("entry_name", ["APP_ENTRY", "REPORT_ENTRY", "EXPORT_ENTRY", "HANDOVER_ENTRY"])
def test_a_command_whose_module_is_missing_says_so(
    entry_name: str, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, entry_name, ("skafu_tui.no_such_module", "run"))
    argv = {
        "APP_ENTRY": [],
        "REPORT_ENTRY": ["report"],
        "EXPORT_ENTRY": ["incidents", "export", "1"],
        "HANDOVER_ENTRY": ["handover"],
    }[entry_name]
    assert main(["--config", str(config_file), *argv]) == 1
    assert (
        capsys.readouterr().err == "skafu-tui: skafu_tui.no_such_module is not available yet in this build\n"
    )


def test_the_report_refuses_a_bad_config_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[object] = []
    _fake_module(monkeypatch, *cli.REPORT_ENTRY, calls)
    bad = tmp_path / "bad.yaml"
    text = VALID.replace("stat: p95", "stat: p955")
    bad.write_text(text, encoding="utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), start=1) if "p955" in row)
    assert main(["--config", str(bad), "report"]) == 2
    expected = f"{bad}:{line}: services[0].metrics.latency.stat: 'p955' is not a statistic\n"
    assert capsys.readouterr().err == expected
    assert calls == []
    # The dashboard validates after its first frame (tests/unit/test_dashboard_start.py), but a
    # file it cannot even read is refused before anything starts, in the same words.
    _fake_module(monkeypatch, *cli.APP_ENTRY, calls)
    missing = tmp_path / "missing.yaml"
    assert main(["--config", str(missing)]) == 2
    assert capsys.readouterr().err == f"{missing}: no such file\n"
    assert calls == []


def test_demo_server_gets_plain_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "DEMO_PACKAGES", ())
    calls: list[object] = []
    _fake_module(monkeypatch, *cli.DEMO_SERVER_ENTRY, calls)
    argv = ["demo-server", "--host", "0.0.0.0", "--port", "9000", "--speed", "5", "--allow-remote"]
    assert main(argv) == 0
    assert calls == [("0.0.0.0", 9000, "skafu", 5.0, True)]


def test_demo_without_the_demo_extra_says_how_to_install_it(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "DEMO_PACKAGES", ("skafu_no_such_package",))
    for argv in (["demo-server"], ["--config", str(config_file), "--demo"]):
        assert main(argv) == 1
        assert "install skafu-tui[demo]" in capsys.readouterr().err
