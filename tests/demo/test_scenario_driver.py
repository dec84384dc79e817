"""The scenario keeps moving: the driver publishes each scenario minute and advances the story.

Expected values come from the scenario (``minute_points``, ``alarm_states``, ``live_trail_events``).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scenario_support import aws, first_line

from skafu_tui.demo import scenario as S
from skafu_tui.demo.driver import Driver
from skafu_tui.demo.scenario_model import MINUTE, Scenario, build_scenario
from skafu_tui.demo.seeder import Clients, reset, seed_alarms

pytestmark = pytest.mark.xdist_group("skafu-demo")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def alarms_only(demo_endpoint: str) -> Scenario:
    """A reset server holding only the scenario's alarms (the driver moves them)."""
    reset(demo_endpoint)
    sc = build_scenario(7, datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))
    seed_alarms(Clients(demo_endpoint), sc)
    return sc


async def _count_series(endpoint: str, service: str, t0: datetime, t1: datetime) -> dict[datetime, float]:
    async with aws(endpoint, "cloudwatch") as cw:
        resp = await cw.get_metric_data(
            MetricDataQueries=[{"Id": "c", "MetricStat": {"Metric": {
                "Namespace": "AWS/ApiGateway", "MetricName": "Count",
                "Dimensions": [{"Name": "ApiName", "Value": service}]}, "Period": 60, "Stat": "Sum"}}],
            StartTime=t0, EndTime=t1,
        )  # fmt: skip
    result = resp["MetricDataResults"][0]
    return dict(zip(result["Timestamps"], result["Values"], strict=True))


def _expected_count(sc: Scenario, service: str, i: int) -> float:
    (point,) = [p for p in S.minute_points(sc, i) if p.metric == "Count" and p.dims == (("ApiName", service),)]
    return point.total()


async def _wait_for(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.1)


async def test_advancing_publishes_each_minute_and_moves_the_story(alarms_only: Scenario, demo_endpoint: str) -> None:
    sc = alarms_only
    f = S.facts(sc)
    now = [0.0]
    driver = Driver(demo_endpoint, sc, speed=1.0, clock=lambda: now[0])
    p1_alarms = (f"{f.p1_service}-5xx", f"{f.p1_service}-latency-p95")
    settled = next(  # the first minute after the rollback at which both P1 alarms are back to OK
        t for t in (f.rollback_time + k * MINUTE for k in range(60))
        if all(S.alarm_states(sc, t)[a] == S.OK for a in p1_alarms)
    )  # fmt: skip
    while driver.now() < settled:  # the clock a thread would read, moved by hand
        now[0] += 60.0
        driver.advance_to(driver.now())
    assert driver.failures == 0, driver.last_error
    got = await _count_series(demo_endpoint, f.p1_service, sc.minute0, settled)
    assert got == {sc.minute_time(i): _expected_count(sc, f.p1_service, i) for i in range(driver.published_through + 1)}
    async with aws(demo_endpoint, "cloudwatch") as cw:
        alarms = await cw.describe_alarms(AlarmNames=list(p1_alarms))
    expected = S.alarm_states(sc, driver.now())
    assert {a["AlarmName"]: a["StateValue"] for a in alarms["MetricAlarms"]} == {
        a["AlarmName"]: expected[a["AlarmName"]] for a in alarms["MetricAlarms"]
    }
    assert {a["StateValue"] for a in alarms["MetricAlarms"]} == {S.OK}
    async with aws(demo_endpoint, "cloudtrail") as ct:
        events = (await ct.lookup_events(StartTime=sc.start, EndTime=settled))["Events"]
    assert [(e["EventName"], e["Username"], e["EventTime"]) for e in events] == [
        (e.name, e.user, e.time) for e in S.live_trail_events(sc, sc.start, settled)
    ]


async def test_the_driver_thread_runs_and_stops_promptly(alarms_only: Scenario, demo_endpoint: str) -> None:
    sc = alarms_only
    service = S.facts(sc).p1_service
    driver = Driver(demo_endpoint, sc, speed=600.0)  # a scenario minute every 0.1 s
    driver.start()
    try:
        got = await _wait_for(lambda: _count_series(demo_endpoint, service, sc.minute0, sc.minute0 + 5 * MINUTE))
        assert got.get(sc.minute0) == _expected_count(sc, service, 0)
    finally:
        t0 = time.monotonic()
        driver.stop()
        stopped_in = time.monotonic() - t0
    assert not driver.running, f"driver still running {stopped_in:.2f} s after stop()"
    assert driver.failures == 0, driver.last_error


def _count_points(cw: Any, service: str, t0: datetime, t1: datetime) -> int:
    resp = cw.get_metric_data(
        MetricDataQueries=[{"Id": "c", "MetricStat": {"Metric": {
            "Namespace": "AWS/ApiGateway", "MetricName": "Count",
            "Dimensions": [{"Name": "ApiName", "Value": service}]}, "Period": 60, "Stat": "Sum"}}],
        StartTime=t0, EndTime=t1,
    )  # fmt: skip
    return len(resp["MetricDataResults"][0]["Values"])


def test_the_demo_server_seeds_and_drives_the_skafu_scenario(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "skafu_tui", "demo-server", "--port", "0", "--scenario", "skafu", "--speed", "600"]
    log = tmp_path / "stderr.txt"
    with log.open("w") as stderr:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
    children: list[str] = []
    try:
        line = first_line(proc.stdout, 60)
        assert line.startswith("endpoint="), log.read_text()
        cw = Clients(line.strip().removeprefix("endpoint="))("cloudwatch")
        now = datetime.now(UTC)
        # Three hours of one-minute history (plus whatever the driver already added).
        assert _count_points(cw, S.P1_SERVICE, now - timedelta(hours=4), now) >= 180
        deadline = time.monotonic() + 15
        while _count_points(cw, S.P1_SERVICE, now, now + timedelta(hours=2)) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _count_points(cw, S.P1_SERVICE, now, now + timedelta(hours=2)) >= 3, "the driver publishes"
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert children, "the scenario runs in a child process of the server"
    finally:
        proc.terminate()
        try:
            code = proc.wait(timeout=30)  # a clean exit, not its speed (the server's tests time that)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
    assert code == 0, log.read_text()
    for pid in children:
        status = Path(f"/proc/{pid}/status")
        assert not status.exists() or "zombie" in status.read_text(), "the scenario process outlived the server"
