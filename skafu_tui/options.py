"""The parsed command line as one typed, immutable object handed to the app, the report and the ledger."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

Command = Literal["app", "check-config", "demo-server", "report", "incidents-export", "handover"]
"""Which command runs; `app` is the dashboard (no subcommand)."""

OutputFormat = Literal["json", "markdown"]
FailOn = Literal["degraded", "unhealthy"]

_DURATION_PART = re.compile(r"(\d+)([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """`8h`, `90m`, `1h30m`, `2d`, `1w` → timedelta; raises ValueError for anything else or zero."""
    compact = text.strip().lower()
    if not compact or _DURATION_PART.sub("", compact):
        raise ValueError(f"{text!r} is not a duration like 8h, 90m, 1h30m or 2d")
    seconds = sum(int(amount) * _UNIT_SECONDS[unit] for amount, unit in _DURATION_PART.findall(compact))
    if seconds == 0:
        raise ValueError(f"{text!r} is zero; give a positive duration")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class Options:
    """Everything the command line said. Fields of other subcommands keep their defaults."""

    command: Command = "app"
    """The command to run."""

    config_path: Path | None = None
    """`--config PATH`; None means search ($SKAFU_TUI_CONFIG, user config dir, packaged default)."""

    profile: str | None = None
    """`--profile NAME`: AWS named profile; overrides `aws.profile` in the config."""

    regions: tuple[str, ...] = ()
    """`--region REGION` (repeatable); empty means the config's `aws.regions`."""

    endpoint_url: str | None = None
    """`--endpoint-url URL`: send every AWS call here (an emulator or proxy)."""

    demo: bool = False
    """`--demo`: start the embedded demo AWS and point everything at it."""

    speed: float = 1.0
    """`--speed N`: demo scenario speed (2 = twice real time)."""

    state_dir: Path | None = None
    """`--state-dir DIR`: where the ledger (acks, notes, history) lives; None: the user state dir
    (a temporary one in demo mode)."""

    check_path: Path | None = None
    """check-config: the file to check; None: `config_path` or the search order."""

    host: str = "127.0.0.1"
    """demo-server: address to listen on."""

    port: int = 0
    """demo-server: port to listen on; 0 picks a free one."""

    scenario: str = "skafu"
    """demo-server: the scenario to seed (`skafu` or `empty`)."""

    allow_remote: bool = False
    """demo-server: allow listening on a non-loopback address."""

    output_format: OutputFormat = "json"
    """report and handover: `--format` (report defaults to json, handover to markdown)."""

    output: Path | None = None
    """report, incidents export, handover: `--output FILE`; None writes to stdout."""

    fail_on: FailOn | None = None
    """report: exit 3 when overall status is at least this bad."""

    incident_id: str | None = None
    """incidents export: the incident to export."""

    since: timedelta = timedelta(hours=8)
    """handover: how far back the handover looks (`--since 8h`)."""
