"""Micro-benchmark: opening an incident (enter → detail screen painted) under load.

    from skafu_tui.ui.incident_bench import bench_open_incident
    result = asyncio.run(bench_open_incident(cfg, snapshot))   # 1,000 incidents, 10,000 findings

Runs the real app headless (Textual's pilot, no pytest): the snapshot gets ``findings`` extra
GuardDuty findings spread over the services' resources, ``incidents`` of them severe enough to
open an incident each; then the list pane's cursor walks the rows and each ``enter`` is timed until
the detail screen has been laid out and refreshed (``IncidentDetailScreen.painted``). The first
open pays for importing the screen's modules and is reported apart. Times are milliseconds.
"""

from __future__ import annotations

import asyncio
import dataclasses
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from skafu_tui.config import Config
from skafu_tui.models import Finding
from skafu_tui.snapshot import Snapshot

SEVERE = 7.5
"""Severity of the findings that open incidents (the default rules make it a P1)."""
MILD = 2.0
"""Severity of the rest: with the low-severity rule dropped they open nothing."""
SETTLE_S = 0.25
"""Pause before each timed keypress."""


def loaded_snapshot(snapshot: Snapshot, cfg: Config, *, incidents: int, findings: int) -> Snapshot:
    """`snapshot` plus `findings` findings over the services' resources, `incidents` of them severe."""
    resources = [r for svc in cfg.services for r in (*svc.resources, *svc.lambda_functions)] or ["bench"]
    at = snapshot.taken_at - timedelta(hours=1)
    extra = tuple(
        Finding(
            id=f"bench-{n:05d}",
            type="Recon:EC2/PortProbeUnprotectedPort",
            severity=SEVERE if n < incidents else MILD,
            title=f"bench finding {n}",
            description=f"synthetic finding {n} for the open-incident benchmark",
            resource_type="AWS::Lambda::Function",
            resource_id=resources[n % len(resources)],
            created_at=at,
            updated_at=at,
        )
        for n in range(findings)
    )
    return dataclasses.replace(snapshot, findings=(*snapshot.findings, *extra))


def quiet_config(cfg: Config) -> Config:
    """`cfg` without the low-severity rule and without bells (the benchmark measures opening)."""
    classes = {name: cls.model_copy(update={"bell": False}) for name, cls in cfg.incidents.classes.items()}
    rules = [rule for rule in cfg.incidents.rules if rule.when.min_severity != 0.0]
    incidents = cfg.incidents.model_copy(update={"classes": classes, "rules": rules})
    return cfg.model_copy(update={"incidents": incidents})


async def _until(pilot: Any, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not reach the expected state")
        await pilot.pause(0.001)


async def _keypress_to_refresh(pilot: Any, key: str) -> float:
    started = time.perf_counter()
    await pilot.press(key)
    painted: list[bool] = []
    pilot.app.screen.call_after_refresh(lambda: painted.append(True))
    await _until(pilot, lambda: bool(painted))
    return (time.perf_counter() - started) * 1000


async def bench_open_incident(
    cfg: Config,
    snapshot: Snapshot,
    *,
    incidents: int = 1000,
    findings: int = 10_000,
    opens: int = 30,
    size: tuple[int, int] = (120, 40),
    now: datetime | None = None,
) -> dict[str, Any]:
    from skafu_tui.ui.screens.incident_detail import IncidentDetailScreen

    reloads: list[float] = []
    original = IncidentDetailScreen.reload

    def timed_reload(screen: IncidentDetailScreen) -> None:
        started = time.perf_counter()
        original(screen)
        reloads.append((time.perf_counter() - started) * 1000)

    IncidentDetailScreen.reload = timed_reload  # type: ignore[method-assign,assignment]
    try:
        return await _run(cfg, snapshot, incidents, findings, opens, size, now, reloads)
    finally:
        IncidentDetailScreen.reload = original  # type: ignore[method-assign]


async def _run(
    cfg: Config,
    snapshot: Snapshot,
    incidents: int,
    findings: int,
    opens: int,
    size: tuple[int, int],
    now: datetime | None,
    reloads: list[float],
) -> dict[str, Any]:
    from skafu_tui.ui.app import SkafuApp
    from skafu_tui.ui.screens.incident_detail import IncidentDetailScreen

    quiet = quiet_config(cfg)
    loaded = loaded_snapshot(snapshot, quiet, incidents=incidents, findings=findings)
    at = now or snapshot.taken_at
    with tempfile.TemporaryDirectory(prefix="skafu-bench-") as state:
        app = SkafuApp(quiet, None, clock=lambda: at, start_session=False, state_dir=Path(state))
        hub = app.incident_hub
        assert hub is not None  # made with the config, which the app was given
        result: dict[str, Any] = {"incidents": incidents, "findings": len(loaded.findings), "size": size}
        async with app.run_test(size=size) as pilot:
            started = time.perf_counter()
            app.feed(loaded)
            await _until(pilot, lambda: len(hub.view.incidents) >= incidents)
            result["first_poll_ms"] = (time.perf_counter() - started) * 1000
            result["open_incidents"] = sum(1 for i in hub.view.incidents if i.is_open)
            await pilot.press("6")
            samples = []
            for n in range(opens + 1):
                for _ in range(n % 7):
                    await pilot.press("j")
                # Let the list settle (the footer re-composes its keys when the list returns), as a
                # person would take longer than this between two keys.
                await pilot.pause(SETTLE_S)
                t0 = time.perf_counter()
                await pilot.press("enter")
                await _until(pilot, lambda: isinstance(app.screen, IncidentDetailScreen) and app.screen.painted)
                samples.append((time.perf_counter() - t0) * 1000)
                await pilot.press("escape")
                await _until(pilot, lambda: not isinstance(app.screen, IncidentDetailScreen))
            # Baseline in the same run: switching panes (overview and back), keypress to refreshed.
            switches = []
            for key in ("1", "6") * (opens // 2 or 1):
                await pilot.pause(SETTLE_S)
                switches.append(await _keypress_to_refresh(pilot, key))
        first, rest = samples[0], sorted(samples[1:])
        result.update(
            first_open_ms=round(first, 1),
            p50_ms=round(statistics.median(rest), 1),
            p95_ms=round(rest[max(0, int(len(rest) * 0.95) - 1)], 1),
            max_ms=round(rest[-1], 1),
            opens=len(rest),
            reload_p50_ms=round(statistics.median(reloads), 1) if reloads else None,
            reload_max_ms=round(max(reloads), 1) if reloads else None,
            pane_switch_p50_ms=round(statistics.median(switches), 1),
            pane_switch_p95_ms=round(sorted(switches)[max(0, int(len(switches) * 0.95) - 1)], 1),
        )
        return result


def main() -> None:
    """``python -m skafu_tui.ui.incident_bench [FIXTURE]``: print the result as JSON."""
    import json
    import sys

    from skafu_tui.config import load_config
    from skafu_tui.snapshot_io import load

    fixture = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/ui/fixtures/skafu_snapshot.json")
    cfg = load_config(None).config
    print(json.dumps(asyncio.run(bench_open_incident(cfg, load(fixture))), indent=2))


if __name__ == "__main__":
    main()
