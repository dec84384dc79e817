"""The poller's scheduling and merging, with fake groups (no AWS): cadence, re-arm after each
poll, backoff, refresh, pause, the hot tier, last-good data and per-region merges."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skafu_tui.aws.catalog import Group, PollContext, Scope
from skafu_tui.aws.errors import SourceProblem
from skafu_tui.aws.session import AwsSettings
from skafu_tui.config import Config, load_config
from skafu_tui.models import Alarm, AlarmState, MetricSeries
from skafu_tui.poller import MAX_BACKOFF_S, MIN_RETRY_S, Poller
from skafu_tui.snapshot import Snapshot, SourceName, SourceStatus

ROOT = Path(__file__).resolve().parents[2]
SCALE = 0.002
"""Cadences x 0.002: alarms' 30 s become 60 ms."""


@pytest.fixture(scope="module")
def cfg() -> Config:
    return load_config(ROOT / "config.yaml").config


class Script:
    """A fake fetch: records each call, answers from a per-call script (value or exception)."""

    def __init__(self, answer: Callable[[int, str, PollContext], Sequence[Any]], duration: float = 0.0) -> None:
        self.answer = answer
        self.duration = duration
        self.calls: list[tuple[float, str]] = []
        self.active = 0
        self.max_active = 0
        self.contexts: list[PollContext] = []

    async def __call__(self, ctx: PollContext, region: str) -> Sequence[Any]:
        self.calls.append((time.monotonic(), region))
        self.contexts.append(ctx)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            if self.duration:
                await asyncio.sleep(self.duration)
            return self.answer(len(self.calls), region, ctx)
        finally:
            self.active -= 1


def alarm(name: str, region: str = "r1") -> Alarm:
    return Alarm(name=name, state=AlarmState.OK, region=region)


def group(fetch: Script, name: str = "alarms", **kw: Any) -> Group:
    base: dict[str, Any] = {
        "name": name,
        "source": SourceName.ALARMS,
        "cadence_key": "alarms",
        "scope": Scope.PRIMARY,
        "fetch": fetch,
        "field": "alarms",
    }
    base.update(kw)
    return Group(**base)


def make(cfg: Config, groups: list[Group], regions: tuple[str, ...] = ("r1",), **kw: Any) -> Poller:
    kw.setdefault("cadence_scale", SCALE)
    kw.setdefault("jitter", 0.0)
    return Poller(cfg, AwsSettings(regions=regions), catalog=groups, resolve_account=False, **kw)


async def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - the condition is poller state, not an event
            await asyncio.sleep(0.002)


throttled = SourceProblem(SourceStatus.THROTTLED, "throttled by AWS (cloudwatch:DescribeAlarms); backing off")
denied = SourceProblem(SourceStatus.DENIED, "access denied (cloudwatch:DescribeAlarms)")


async def test_first_poll_is_immediate_then_rearmed_after_each_poll(cfg: Config) -> None:
    slow = Script(lambda n, r, c: [alarm(f"a{n}")], duration=0.05)
    poller = make(cfg, [group(slow)])
    runner = asyncio.create_task(poller.run())
    started = time.monotonic()
    try:
        await wait_for(lambda: len(slow.calls) >= 4)
    finally:
        await poller.aclose()
        await runner
    cadence = cfg.cadence.alarms * SCALE
    assert slow.calls[0][0] - started < cadence  # no wait before the first poll
    assert slow.max_active == 1  # polls never overlap
    gaps = [b[0] - a[0] for a, b in zip(slow.calls, slow.calls[1:], strict=False)]
    # Re-armed after the poll ends: each start is at least (poll duration + cadence) after the last.
    assert all(gap >= 0.05 + cadence * 0.95 for gap in gaps), gaps


async def test_delays_back_off_on_throttling_and_reset_on_success(cfg: Config) -> None:
    outcomes = [throttled] * 7 + [None, denied, None]

    def answer(n: int, region: str, ctx: PollContext) -> Sequence[Any]:
        failure = outcomes[n - 1] if n <= len(outcomes) else None
        if failure is not None:
            raise failure
        return [alarm("a")]

    fetch = Script(answer)
    poller = make(cfg, [group(fetch)], cadence_scale=1.0)
    loop = poller._loops[0]
    delays = []
    async with poller:
        for _ in outcomes:
            delays.append(poller._delay(loop, await poller._poll(loop)))
    cadence = float(cfg.cadence.alarms)
    first = max(cadence, MIN_RETRY_S)
    expected_backoff = [min(first * 2**i, MAX_BACKOFF_S) for i in range(7)]
    assert delays[:7] == expected_backoff
    assert delays[6] == MAX_BACKOFF_S  # capped
    assert delays[7] == cadence  # success resets
    assert delays[8] == cadence  # a non-transient failure retries at the cadence
    assert delays[9] == cadence


async def test_backoff_spaces_real_polls(cfg: Config) -> None:
    fetch = Script(lambda n, r, c: (_ for _ in ()).throw(throttled))
    poller = make(cfg, [group(fetch)])
    runner = asyncio.create_task(poller.run())
    try:
        await wait_for(lambda: len(fetch.calls) >= 4)
    finally:
        await poller.aclose()
        await runner
    gaps = [b[0] - a[0] for a, b in zip(fetch.calls, fetch.calls[1:], strict=False)]
    base = max(cfg.cadence.alarms, MIN_RETRY_S) * SCALE
    assert all(gap >= base * 2**i * 0.95 for i, gap in enumerate(gaps[:3])), gaps
    assert poller.snapshot.source("alarms").status is SourceStatus.THROTTLED


async def test_failure_keeps_last_good_data_with_its_age(cfg: Config) -> None:
    clock = [datetime(2026, 1, 1, tzinfo=UTC)]
    good = [alarm("a"), alarm("b")]
    script: list[Any] = [good, denied]

    def answer(n: int, region: str, ctx: PollContext) -> Sequence[Any]:
        item = script[min(n, len(script)) - 1]
        if isinstance(item, Exception):
            raise item
        return item  # type: ignore[no-any-return]

    published: list[Snapshot] = []
    poller = make(cfg, [group(Script(answer))], clock=lambda: clock[0], on_snapshot=published.append)
    async with poller:
        first = await poller.poll_once()
        clock[0] += timedelta(minutes=5)
        second = await poller.poll_once()
    assert first.source("alarms").status is SourceStatus.OK
    state = second.source("alarms")
    assert second.alarms == tuple(good)
    assert state.status is SourceStatus.DENIED
    assert state.message == "access denied (cloudwatch:DescribeAlarms)"
    assert state.fetched_at == first.source("alarms").fetched_at
    assert state.age_s(clock[0]) == 300.0
    assert first.alarms == tuple(good) and published[-1] is second  # snapshots are new objects, never mutated


async def test_partial_region_failure_keeps_that_regions_records(cfg: Config) -> None:
    def answer(n: int, region: str, ctx: PollContext) -> Sequence[Any]:
        if n > 2 and region == "r2":
            raise SourceProblem(SourceStatus.UNREACHABLE, "cannot reach AWS")
        return [alarm(f"{region}-poll{n}", region)]

    poller = make(cfg, [group(Script(answer), scope=Scope.REGIONAL)], regions=("r1", "r2"))
    async with poller:
        first = await poller.poll_once()
        second = await poller.poll_once()
    assert {a.region for a in first.alarms} == {"r1", "r2"}
    names = {a.region: a.name for a in second.alarms}
    assert names["r1"].endswith(("poll3", "poll4"))  # refreshed
    assert names["r2"] == next(a.name for a in first.alarms if a.region == "r2")  # kept
    state = second.source("alarms")
    assert state.status is SourceStatus.UNREACHABLE and state.message == "r2: cannot reach AWS"
    assert state.fetched_at is not None and state.fetched_at > first.source("alarms").fetched_at  # type: ignore[operator]


async def test_secondary_group_failure_shows_on_the_source(cfg: Config) -> None:
    ok = Script(lambda n, r, c: [alarm("a")])
    history = Script(lambda n, r, c: (_ for _ in ()).throw(denied))
    poller = make(cfg, [group(ok), group(history, name="alarm_history", field="alarm_history", primary=False)])
    async with poller:
        snap = await poller.poll_once()
    state = snap.source("alarms")
    assert snap.alarms == (alarm("a"),)
    assert state.status is SourceStatus.DENIED and state.fetched_at is not None


async def test_refresh_now_wakes_loops_but_not_billed_ones(cfg: Config) -> None:
    free, billed = Script(lambda n, r, c: []), Script(lambda n, r, c: [])
    poller = make(
        cfg,
        [
            group(free),
            group(billed, name="cost", source=SourceName.COST, cadence_key="cost", field="cost_days", on_demand=False),
        ],
        cadence_scale=1.0,  # nothing would poll again on its own during this test
    )
    runner = asyncio.create_task(poller.run())
    try:
        await wait_for(lambda: len(free.calls) == 1 and len(billed.calls) == 1)
        poller.refresh_now()
        await wait_for(lambda: len(free.calls) == 2)
        assert len(billed.calls) == 1
        poller.refresh_now(include_billed=True)
        await wait_for(lambda: len(free.calls) == 3 and len(billed.calls) == 2)
    finally:
        await poller.aclose()
        await runner


async def test_pause_and_resume(cfg: Config) -> None:
    fetch = Script(lambda n, r, c: [])
    poller = make(cfg, [group(fetch)])
    runner = asyncio.create_task(poller.run())
    try:
        await wait_for(lambda: len(fetch.calls) >= 2)
        poller.pause()
        assert poller.paused
        await asyncio.sleep(cfg.cadence.alarms * SCALE)  # let a poll under way finish
        paused_at = len(fetch.calls)
        await asyncio.sleep(cfg.cadence.alarms * SCALE * 5)
        assert len(fetch.calls) == paused_at
        poller.refresh_now()  # a manual refresh still polls once while paused
        await wait_for(lambda: len(fetch.calls) == paused_at + 1)
        poller.resume()
        await wait_for(lambda: len(fetch.calls) >= paused_at + 3)
    finally:
        await poller.aclose()
        await runner


def metrics_group(fetch: Script) -> Group:
    return Group(
        "metrics_hot", SourceName.METRICS, "metrics_hot", Scope.PRIMARY, fetch, "metrics", "mapping", primary=False
    )


async def test_hot_tier_polls_only_unhealthy_services(cfg: Config) -> None:
    fetch = Script(lambda n, r, c: [MetricSeries(key=f"svc/{s}/errors", values=(float(n),)) for s in c.hot_services])
    poller = make(cfg, [metrics_group(fetch)])
    runner = asyncio.create_task(poller.run())
    try:
        await asyncio.sleep(cfg.cadence.metrics_hot * SCALE * 3)
        assert fetch.calls == []  # nothing hot: no calls at all
        poller.set_hot_services(["template-management-api"])
        await wait_for(lambda: len(fetch.calls) >= 2)
        assert fetch.contexts[-1].hot_services == frozenset({"template-management-api"})
        assert set(poller.snapshot.metrics) == {"svc/template-management-api/errors"}
        poller.set_hot_services([])
        calls = len(fetch.calls)
        await asyncio.sleep(cfg.cadence.metrics_hot * SCALE * 3)
        assert len(fetch.calls) <= calls + 1  # a poll under way at most
    finally:
        await poller.aclose()
        await runner


async def test_hot_services_callback(cfg: Config) -> None:
    fetch = Script(lambda n, r, c: [])
    poller = make(cfg, [metrics_group(fetch)], hot_services=lambda: ["ai-integration-service"])
    async with poller:
        await poller.poll_once()
    assert fetch.contexts[0].hot_services == frozenset({"ai-integration-service"})


async def test_a_broken_subscriber_does_not_stop_polling(cfg: Config) -> None:
    fetch = Script(lambda n, r, c: [])

    def broken(snap: Snapshot) -> None:
        raise RuntimeError("subscriber bug")

    poller = make(cfg, [group(fetch)], on_snapshot=broken)
    runner = asyncio.create_task(poller.run())
    try:
        await wait_for(lambda: len(fetch.calls) >= 3)
    finally:
        await poller.aclose()
        await runner
    assert runner.exception() is None


async def test_unexpected_exception_becomes_error_state(cfg: Config) -> None:
    fetch = Script(lambda n, r, c: (_ for _ in ()).throw(KeyError("Findings")))
    poller = make(cfg, [group(fetch, name="guardduty", source=SourceName.GUARDDUTY, field="findings")])
    async with poller:
        snap = await poller.poll_once()
    state = snap.source("guardduty")
    assert state.status is SourceStatus.ERROR and state.message == "KeyError: 'Findings'"
    assert snap.findings == ()


async def test_initial_snapshot_is_pending_for_every_source(cfg: Config) -> None:
    poller = Poller(cfg, AwsSettings(regions=("eu-west-1", "us-east-1"), profile="ops"))
    snap = poller.snapshot
    assert set(snap.sources) == {s.value for s in SourceName}
    assert all(s.status is SourceStatus.PENDING for s in snap.sources.values())
    assert snap.regions == ("eu-west-1", "us-east-1") and snap.profile == "ops"
    assert snap.source("alarms").cadence_s == cfg.cadence.alarms
    await poller.aclose()


def test_importing_and_building_the_poller_loads_no_aws_library() -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from skafu_tui.config import load_config\n"
        "from skafu_tui.poller import Poller\n"
        "from skafu_tui.aws.session import AwsSettings\n"
        f"cfg = load_config(Path({str(ROOT / 'config.yaml')!r})).config\n"
        "Poller(cfg, AwsSettings.from_config(cfg))\n"
        "loaded = [m for m in ('aiobotocore', 'botocore', 'boto3', 'aiohttp', 'textual') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


async def test_a_faster_scenario_clock_reports_cadences_in_its_own_seconds(cfg: Config) -> None:
    """At --speed 10 the scenario clock runs ten times faster than the wall: data polled every
    wall cadence is 10x older in scenario seconds, so the cadence it is judged against is too
    (otherwise every source reads stale in a sped-up demo)."""
    scenario_zero = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    wall_zero = time.monotonic()

    def scenario_now() -> datetime:
        return scenario_zero + timedelta(seconds=(time.monotonic() - wall_zero) * 10)

    poller = make(cfg, [group(Script(lambda n, region, ctx: [alarm("a")]))], cadence_scale=0.01,
                  clock=scenario_now, clock_rate=10.0)
    async with poller:
        await poller._poll(poller._loops[0])
        state = poller.snapshot.source(SourceName.ALARMS.value)
        assert state.cadence_s == pytest.approx(float(cfg.cadence.alarms) * 0.01 * 10)
        await asyncio.sleep(float(cfg.cadence.alarms) * 0.01)  # one wall cadence later: due, not stale
        assert state.effective(scenario_now()) is SourceStatus.OK
