"""The poller: one long-lived loop per poll group, publishing an immutable Snapshot per poll.

Each loop polls, merges its results into a new :class:`~skafu_tui.snapshot.Snapshot`, hands it to
``on_snapshot``, then sleeps its cadence (± jitter) before the next poll: polls never overlap
and a slow poll delays only its own group. Throttling and unreachable endpoints back off
exponentially (capped); any other failure retries at the cadence. A failed source keeps its last
good data; its :class:`~skafu_tui.snapshot.SourceState` says why, with the time of that data.

No Textual here, and no AWS library at import time: ``skafu_tui.aws`` is imported inside
methods, so the UI can import this module before its first paint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from skafu_tui.snapshot import Snapshot, SourceName, SourceState, SourceStatus

if TYPE_CHECKING:
    from skafu_tui.aws.catalog import Group, PollContext
    from skafu_tui.aws.errors import Failure
    from skafu_tui.aws.pricing import ApiMeter
    from skafu_tui.aws.session import AwsSettings, ClientPool
    from skafu_tui.config import Config

log = logging.getLogger(__name__)

MIN_RETRY_S = 30.0
"""First retry after a transient failure is at least this long (before ``cadence_scale``)."""
MAX_BACKOFF_S = 900.0
"""No failure pushes a retry further away than this (before ``cadence_scale``)."""

IDENTITY_RETRY_S = 60.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Loop:
    group: Group
    cadence_s: float
    """Unscaled, from config."""
    state: SourceState
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    failures: int = 0
    """Consecutive failed polls."""
    polls: int = 0


class Poller:
    """Polls every source at its cadence and publishes Snapshots.

    ``hot_services`` is a callable returning the services whose last assessment was not healthy
    (their KPIs are re-queried every ``cadence.metrics_hot``); :meth:`set_hot_services` sets them
    instead. ``cadence_scale`` multiplies every delay (the demo polls at 0.1). ``groups`` limits
    polling to the named groups (``group_names()``); ``catalog`` replaces the groups (tests);
    ``resolve_account=False`` skips sts:GetCallerIdentity (the Snapshot's ``account`` stays empty).
    """

    def __init__(
        self,
        cfg: Config,
        settings: AwsSettings,
        on_snapshot: Callable[[Snapshot], None] | None = None,
        *,
        clock: Callable[[], datetime] = _utcnow,
        cadence_scale: float = 1.0,
        clock_rate: float = 1.0,
        jitter: float = 0.1,
        max_backoff_s: float = MAX_BACKOFF_S,
        hot_services: Callable[[], Iterable[str]] | None = None,
        groups: Sequence[str] | None = None,
        catalog: Sequence[Group] | None = None,
        client_hooks: Sequence[tuple[str, Callable[..., Any]]] = (),
        rng: random.Random | None = None,
        resolve_account: bool = True,
    ) -> None:
        from skafu_tui.aws.catalog import GROUPS, cadence_s

        self.cfg = cfg
        self.settings = settings
        self.on_snapshot = on_snapshot
        self.clock = clock
        self.cadence_scale = cadence_scale
        self.clock_rate = clock_rate
        """Seconds of ``clock`` per wall second (a demo scenario at --speed N runs N times faster):
        cadences are reported in ``clock``'s seconds, the time base data ages are judged in."""
        self.jitter = jitter
        self.max_backoff_s = max_backoff_s
        self._hot_fn = hot_services
        self._hot: frozenset[str] = frozenset()
        self._client_hooks = tuple(client_hooks)
        self._rng = rng or random.Random()
        chosen = [g for g in (GROUPS if catalog is None else catalog) if groups is None or g.name in groups]
        self._loops = [
            _Loop(
                g,
                cadence_s(cfg, g.cadence_key),
                SourceState(
                    name=g.source.value, cadence_s=cadence_s(cfg, g.cadence_key) * cadence_scale * clock_rate
                ),
            )
            for g in chosen
        ]
        self._pool: ClientPool | None = None
        self._running = asyncio.Event()
        self._running.set()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._identity_task: asyncio.Task[None] | None = None
        self._identity_at = float("-inf")
        self._resolve_account = resolve_account
        self._snapshot = Snapshot(
            taken_at=clock(),
            regions=tuple(settings.regions),
            profile=settings.profile or "",
        )
        self._snapshot = self._snapshot.with_changes(
            sources={s: self._combined(s) for s in self._source_names()}
        )

    # --- public API ----------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        """The latest published Snapshot."""
        return self._snapshot

    @property
    def meter(self) -> ApiMeter | None:
        return self._pool.meter if self._pool is not None else None

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def group_names(self) -> list[str]:
        return [loop.group.name for loop in self._loops]

    def set_hot_services(self, names: Iterable[str]) -> None:
        """Services to poll on the hot tier; newly hot ones are polled at once."""
        new = frozenset(names)
        added = new - self._hot
        self._hot = new
        if added:
            for loop in self._loops:
                if loop.group.name == "metrics_hot":
                    loop.wake.set()

    def refresh_now(self, *, include_billed: bool = False) -> None:
        """Wake every loop to poll now (also while paused: one poll each). Cost Explorer groups,
        billed per request and refreshed by AWS ~3 times a day, only with ``include_billed``."""
        for loop in self._loops:
            if loop.group.on_demand or include_billed:
                loop.wake.set()

    def pause(self) -> None:
        """Start no new poll (a poll under way completes) until :meth:`resume`."""
        self._running.clear()

    def resume(self) -> None:
        """Resume polling; groups whose next poll fell due while paused poll at once."""
        self._running.set()

    async def __aenter__(self) -> Self:
        await self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def run(self) -> None:
        """Poll until :meth:`aclose` (or cancellation): every group at once first, then at its cadence."""
        await self._open()
        self._publish(self._snapshot)
        self._tasks = [
            asyncio.create_task(self._loop(loop), name=f"skafu-poll-{loop.group.name}")
            for loop in self._loops
        ]
        try:
            await self._stop.wait()
        finally:
            await self.aclose()

    async def poll_once(self) -> Snapshot:
        """Poll every group once, concurrently, and return the resulting Snapshot."""
        await self._open()
        await asyncio.gather(self._ensure_identity(), *(self._poll(loop) for loop in self._loops))
        return self._snapshot

    async def aclose(self) -> None:
        """Stop every loop and close the AWS clients. Safe to call more than once."""
        self._stop.set()
        tasks, self._tasks = self._tasks, []
        current = asyncio.current_task()
        for task in tasks:
            if task is not current:
                task.cancel()
        await asyncio.gather(*(t for t in tasks if t is not current), return_exceptions=True)
        identity, self._identity_task = self._identity_task, None
        if identity is not None and identity is not current:
            identity.cancel()
            await asyncio.gather(identity, return_exceptions=True)
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.aclose()

    # --- loops ---------------------------------------------------------------------------

    async def _open(self) -> ClientPool:
        if self._pool is None:
            from skafu_tui.aws.session import ClientPool

            self._stop.clear()
            self._pool = ClientPool(self.settings, client_hooks=self._client_hooks)
        return self._pool

    async def _loop(self, loop: _Loop) -> None:
        while True:
            if not self._running.is_set() and not loop.wake.is_set():
                await _first_of(self._running, loop.wake)
                continue
            loop.wake.clear()
            failure = await self._poll(loop)
            # A refresh asked for while this poll ran is answered by it.
            loop.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(loop.wake.wait(), self._delay(loop, failure))

    def _delay(self, loop: _Loop, failure: Failure | None) -> float:
        cadence = loop.cadence_s
        if failure is None:
            delay = cadence
        elif failure.transient:
            delay = min(max(cadence, MIN_RETRY_S) * 2 ** max(0, loop.failures - 1), self.max_backoff_s)
        else:
            delay = min(cadence, self.max_backoff_s)
        spread = self._rng.uniform(-self.jitter, self.jitter) if self.jitter else 0.0
        return max(0.0, delay * self.cadence_scale * (1.0 + spread))

    def _hot_now(self) -> frozenset[str]:
        if self._hot_fn is not None:
            try:
                return frozenset(self._hot_fn())
            except Exception:  # the assessment's callback must not stop polling
                log.exception("hot_services callback failed")
        return self._hot

    async def _poll(self, loop: _Loop) -> Failure | None:
        """One poll of one group; returns the failure that decides the next delay, if any."""
        from skafu_tui.aws.catalog import PollContext
        from skafu_tui.aws.session import GLOBAL_REGION

        async with loop.lock:
            pool = await self._open()
            group = loop.group
            hot = self._hot_now() if group.name == "metrics_hot" else frozenset()
            if group.name == "metrics_hot" and not hot:
                return None
            ctx = PollContext(pool=pool, cfg=self.cfg, now=self.clock(), hot_services=hot)
            regions = group.regions(self.settings.regions, GLOBAL_REGION)
            outcomes = await asyncio.gather(*(self._fetch(group, ctx, region) for region in regions))
            loop.polls += 1
            return self._merge(loop, regions, outcomes)

    async def _fetch(self, group: Group, ctx: PollContext, region: str) -> Sequence[Any] | Failure:
        from skafu_tui.aws.errors import classify

        try:
            return await group.fetch(ctx, region)
        except Exception as exc:  # every failure becomes state, never an exception to the caller
            return classify(exc, profile=self.settings.profile or "")

    # --- merging -------------------------------------------------------------------------

    def _merge(
        self, loop: _Loop, regions: list[str], outcomes: list[Sequence[Any] | Failure]
    ) -> Failure | None:
        from skafu_tui.aws.catalog import merge
        from skafu_tui.aws.errors import Failure

        ok: dict[str, Sequence[Any]] = {}
        failed: dict[str, Failure] = {}
        for region, outcome in zip(regions, outcomes, strict=True):
            if isinstance(outcome, Failure):
                failed[region] = outcome if len(regions) == 1 else outcome.in_region(region)
            else:
                ok[region] = outcome
        done = self.clock()
        # Everything below runs without an await: the read-modify-write of the Snapshot is atomic
        # on the event loop, so concurrent polls never lose each other's changes.
        snap = self._snapshot
        changes: dict[str, Any] = merge(loop.group, snap, ok, frozenset(failed)) if ok else {}
        cadence = loop.cadence_s * self.cadence_scale * self.clock_rate
        if failed:
            first = next(iter(failed.values()))
            transient = any(f.transient for f in failed.values())
            loop.failures += 1
            loop.state = SourceState(
                name=loop.group.source.value,
                status=first.status,
                fetched_at=done if ok else loop.state.fetched_at,
                attempted_at=done,
                cadence_s=cadence,
                message=first.message,
                action=first.action,
            )
            result: Failure | None = (
                first if not transient else next(f for f in failed.values() if f.transient)
            )
        else:
            loop.failures = 0
            loop.state = SourceState(
                name=loop.group.source.value,
                status=SourceStatus.OK,
                fetched_at=done,
                attempted_at=done,
                cadence_s=cadence,
            )
            result = None
        sources = dict(snap.sources)
        sources[loop.group.source.value] = self._combined(loop.group.source)
        changes["sources"] = sources
        self._publish(snap.with_changes(taken_at=done, **changes, **self._meter_fields()))
        if not snap.account and self._resolve_account:
            self._start_identity()
        return result

    def _meter_fields(self) -> dict[str, Any]:
        meter = self.meter
        if meter is None:
            return {}
        return {"api_calls": meter.total_calls, "api_cost_usd": meter.cost_usd}

    def _source_names(self) -> list[str]:
        return list(dict.fromkeys(loop.group.source.value for loop in self._loops))

    def _combined(self, source: SourceName | str) -> SourceState:
        """One state per source from its groups': the primary's freshness, the first failure's cause."""
        loops = [loop for loop in self._loops if loop.group.source == source]
        if not loops:
            return SourceState(name=str(source))
        base = next((loop.state for loop in loops if loop.group.primary), loops[0].state)
        failing = [
            loop.state for loop in loops if loop.state.status not in (SourceStatus.OK, SourceStatus.PENDING)
        ]
        if not failing:
            return base
        worst = next((s for s in failing if s is base), failing[0])
        return SourceState(
            name=str(source),
            status=worst.status,
            fetched_at=base.fetched_at or worst.fetched_at,
            attempted_at=worst.attempted_at,
            cadence_s=base.cadence_s,
            message=worst.message,
            action=worst.action,
        )

    def _publish(self, snap: Snapshot) -> None:
        self._snapshot = snap
        if self.on_snapshot is None:
            return
        try:
            self.on_snapshot(snap)
        except Exception:  # a subscriber's bug must not stop polling
            log.exception("on_snapshot callback failed")

    # --- identity ------------------------------------------------------------------------

    def _start_identity(self) -> None:
        # At most one sts:GetCallerIdentity a minute while the account is unknown.
        now = asyncio.get_running_loop().time()
        if now - self._identity_at < IDENTITY_RETRY_S:
            return
        if self._identity_task is None or self._identity_task.done():
            self._identity_at = now
            self._identity_task = asyncio.create_task(self._ensure_identity(), name="skafu-identity")

    async def _ensure_identity(self) -> None:
        pool = self._pool
        if pool is None or self._snapshot.account or not self._resolve_account:
            return
        try:
            identity = await pool.identity()
        except Exception as exc:  # the sources report credential problems in their own states
            log.debug("sts:GetCallerIdentity failed: %s", exc)
            return
        if self._snapshot.account != identity.account:
            self._publish(self._snapshot.with_changes(account=str(identity.account)))


async def _first_of(*events: asyncio.Event) -> None:
    """Wait until any of ``events`` is set."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
