"""The scenario's clock: a background thread that publishes each scenario minute as it ends.

Scenario time runs ``speed`` times faster than the wall clock from the moment the scenario was
built. When scenario minute i ends, the driver puts every metric's datapoint for it, moves the
alarms whose state the new datapoints change, and posts the CloudTrail events and backup jobs
of the story that fall due. A failed call is reported on stderr once per kind and the driver
keeps going: a demo must never die because one write was refused.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from skafu_tui.demo.scenario_alarms import alarm_specs, seeded_states, state_after
from skafu_tui.demo.scenario_metrics import minute_points
from skafu_tui.demo.scenario_model import MINUTE, Scenario
from skafu_tui.demo.scenario_ops import live_backup_jobs
from skafu_tui.demo.scenario_security import live_trail_events

if TYPE_CHECKING:
    from skafu_tui.demo.seeder import Clients

MAX_MINUTES_PER_STEP = 30
"""Catch-up is done in slices so ``stop`` is honoured promptly even after a long stall."""


class Driver:
    """Publishes the scenario minute by minute; ``start`` it, ``stop`` it (joins within 1 s)."""

    def __init__(
        self,
        endpoint: str,
        scenario: Scenario,
        *,
        speed: float = 1.0,
        clock_zero: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        poll_s: float = 0.2,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.endpoint = endpoint
        self.scenario = scenario
        self.speed = speed
        self._clock = clock
        self._zero = clock() if clock_zero is None else clock_zero
        self._poll_s = poll_s
        self.next_minute = 0
        """Index of the next scenario minute to publish (0: the minute containing start)."""
        self._events_until = scenario.start
        self._states = seeded_states(scenario)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._clients: Clients | None = None
        self._logged: set[str] = set()
        self.failures = 0
        self.last_error: str | None = None

    # -- clock ------------------------------------------------------------------------
    def now(self) -> datetime:
        """Current scenario time."""
        return self.scenario.start + timedelta(seconds=(self._clock() - self._zero) * self.speed)

    @property
    def published_through(self) -> int:
        """Newest published scenario minute index (-1: only the seeded history)."""
        return self.next_minute - 1

    # -- thread -----------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="skafu-scenario-driver", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.advance_to(self.now())
            due = self.scenario.minute_time(self.next_minute) + MINUTE
            wait = (due - self.now()).total_seconds() / self.speed
            self._stop.wait(min(self._poll_s, max(0.0, wait)) if wait > 0 else 0.01)

    # -- publishing -------------------------------------------------------------------
    def advance_to(self, t: datetime) -> int:
        """Publish what is due by scenario time t (at most 30 minutes a call); returns minutes published."""
        done = 0
        sc = self.scenario
        while (
            done < MAX_MINUTES_PER_STEP and not self._stop.is_set() and sc.minute_time(self.next_minute) + MINUTE <= t
        ):
            self._publish_minute(self.next_minute)
            self.next_minute += 1
            done += 1
        until = min(t, sc.minute_time(self.next_minute))
        if until > self._events_until:
            self._publish_events(self._events_until, until)
            self._events_until = until
        return done

    def _client(self, service: str) -> Any:
        if self._clients is None:
            from skafu_tui.demo.seeder import Clients

            self._clients = Clients(self.endpoint)
        return self._clients(service)

    def _aws(self, service: str, operation: str, **kwargs: Any) -> None:
        label = f"{operation} {kwargs.get('Namespace', '')}".strip()
        self._call(label, lambda: getattr(self._client(service), operation)(**kwargs))

    def _call(self, label: str, fn: Callable[[], object]) -> None:
        try:
            fn()
        except Exception as exc:  # turned into state (failures, last_error) and one stderr line per kind
            self.failures += 1
            self.last_error = f"{label}: {type(exc).__name__}: {exc}"
            if label not in self._logged:
                self._logged.add(label)
                print(f"skafu scenario driver: {self.last_error}", file=sys.stderr)

    def _publish_minute(self, i: int) -> None:
        by_ns: dict[str, list[dict[str, Any]]] = {}
        for p in minute_points(self.scenario, i):
            by_ns.setdefault(p.namespace, []).append(p.datum())
        for ns, data in by_ns.items():
            self._aws("cloudwatch", "put_metric_data", Namespace=ns, MetricData=data)
        for spec in alarm_specs(self.scenario):
            if spec.name not in self._states or self._states[spec.name] == "INSUFFICIENT_DATA":
                continue
            new = state_after(self.scenario, spec, i)
            if new == self._states[spec.name]:
                continue
            self._states[spec.name] = new
            reason = f"Threshold Crossed: minute {self.scenario.minute_time(i):%H:%M} evaluated {new}."
            self._aws("cloudwatch", "set_alarm_state", AlarmName=spec.name, StateValue=new, StateReason=reason)

    def _publish_events(self, t0: datetime, t1: datetime) -> None:
        events = [e.record() for e in live_trail_events(self.scenario, t0, t1)]
        if events:
            self._call("seed cloudtrail-events", lambda: self._post("cloudtrail-events", events))
        jobs = [j.record() for j in live_backup_jobs(self.scenario, t0, t1)]
        if jobs:
            self._call("seed backup-jobs", lambda: self._post("backup-jobs", jobs))

    def _post(self, kind: str, items: list[dict[str, Any]]) -> None:
        if self._clients is None:
            self._client("cloudwatch")
        assert self._clients is not None
        self._clients.post(kind, items)

    def alarm_state(self, name: str) -> str:
        """The state the driver last set (or seeded) for an alarm."""
        return self._states[name]
