"""``skafu-tui report``: one complete poll, the assessment, the report as JSON or Markdown.

Exit codes: 0 report written; 3 report written and ``--fail-on`` met; 2 bad config; 1 nothing
could be produced (the demo endpoint did not start, the poll itself crashed, the output could
not be written). AWS being unreachable or credentials missing is *not* exit 1: every source then
carries its state and cause, the report says so, and one line on stderr says it too.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from skafu_tui.assess import Assessment, assess
from skafu_tui.config import Config, ConfigError, load_config
from skafu_tui.output import emit
from skafu_tui.report import build_report, fail_on_met, render_markdown
from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.aws.session import AwsSettings
    from skafu_tui.options import Options

PROG = "skafu-tui report"
EXIT_OK, EXIT_FAILED, EXIT_BAD_CONFIG, EXIT_FAIL_ON = 0, 1, 2, 3
DEMO_CREDENTIALS = ("demo", "demo")
"""The embedded endpoint accepts any key; these keep the operator's real ones out of it."""


def _say(message: str, stream: TextIO | None = None) -> None:
    print(f"{PROG}: {message}", file=stream or sys.stderr)


async def _poll(cfg: Config, settings: AwsSettings) -> Snapshot:
    from skafu_tui.poller import Poller

    poller = Poller(cfg, settings)
    try:
        return await poller.poll_once()
    finally:
        await poller.aclose()


def make_report(snapshot: Snapshot, cfg: Config, now: datetime) -> tuple[Assessment, dict[str, Any]]:
    """The assessment of `snapshot` at `now` and the report built from it (what ``report`` prints)."""
    assessment = assess(snapshot, cfg, now)
    return assessment, build_report(assessment, snapshot, cfg)


def render(report: dict[str, Any], fmt: str, cfg: Config) -> str:
    if fmt == "markdown":
        return render_markdown(report, title=f"{cfg.platform.name} daily operations report")
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _source_summary(report: dict[str, Any]) -> str | None:
    """One line when no source could be read (AWS unreachable, no credentials): the first cause."""
    sources = report["sources"]
    if any(s["state"] == "ok" for s in sources.values()):
        return None
    causes = [f"{name}: {s['error']}" for name, s in sources.items() if s["error"]]
    first = causes[0] if causes else "no source answered"
    return f"no AWS source could be read ({first}); the report shows every source's state"


def _settings(cfg: Config, options: Options, endpoint: str | None) -> AwsSettings:
    from skafu_tui.aws.session import AwsSettings

    settings = AwsSettings.from_options(cfg, options)
    if endpoint is not None:
        settings = AwsSettings.from_config(
            cfg, profile=None, regions=options.regions, endpoint_url=endpoint, credentials=DEMO_CREDENTIALS
        )
    return settings


def run_report(options: Options) -> int:
    try:
        cfg = load_config(options.config_path).config
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_CONFIG

    server = None
    try:
        if options.demo:
            from skafu_tui.demo.launcher import DemoStartError, start_demo_server

            try:
                server = start_demo_server("skafu", speed=options.speed)
            except (DemoStartError, OSError) as error:
                _say(str(error))
                return EXIT_FAILED
        settings = _settings(cfg, options, server.endpoint if server is not None else None)
        try:
            snapshot = asyncio.run(_poll(cfg, settings))
        except Exception as error:  # the CLI boundary: a crash becomes one line and exit 1
            _say(f"the poll failed: {type(error).__name__}: {error}")
            return EXIT_FAILED
    finally:
        if server is not None:
            server.stop()

    _, report = make_report(snapshot, cfg, snapshot.taken_at)
    text = render(report, options.output_format, cfg)
    if not emit(text, options.output, _say):
        return EXIT_FAILED
    summary = _source_summary(report)
    if summary is not None:
        _say(summary)
    return EXIT_FAIL_ON if fail_on_met(report, options.fail_on) else EXIT_OK

