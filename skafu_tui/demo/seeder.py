"""Seed the skafu scenario into a running embedded endpoint, then keep it moving.

Whatever AWS has a write call for goes through that call with boto3; the rest is POSTed to
``/_skafu/seed/{kind}`` in the shape the AWS read returns. Independent groups of calls run on a
few threads, so the whole platform is seeded in a few seconds. :func:`seed` is what tests call;
the server calls :func:`spawn` and :func:`finish`, which do the same from a child process and leave the
scenario's driver running there (see :mod:`skafu_tui.demo.scenario_runner`).
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skafu_tui.demo import seed_resources
from skafu_tui.demo.scenario_alarms import (
    ALARM,
    INSUFFICIENT_DATA,
    OK,
    alarm_specs,
    history_item,
    seeded_history,
    seeded_states,
    transitions,
)
from skafu_tui.demo.scenario_metrics import Point, history_points
from skafu_tui.demo.scenario_model import ACCOUNT_ID, REGION, Scenario
from skafu_tui.demo.scenario_runner import ScenarioRunner, spawn_runner

DEFAULT_SEED = 7
MAX_ITEMS_PER_CALL = 1000
"""PutMetricData's limit on MetricData items per request."""
METRIC_WORKERS = 4


class SeedFailed(RuntimeError):
    """A seed call was refused; the message names the call and the endpoint's answer."""


@dataclass
class Seeded:
    """Identifiers only known once seeded (moto picks them), and how long seeding took."""

    endpoint: str
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    """detector_id, security_group_id, alb_arn, tg:<name> (target group ARNs), vpc_id."""
    targets: dict[str, list[str]] = field(default_factory=dict)
    """Target group name → registered instance ids, in scenario order."""
    certificates: dict[str, str] = field(default_factory=dict)
    """Domain → ACM certificate ARN."""

    @property
    def unhealthy_target_id(self) -> str:
        from skafu_tui.demo.scenario_inventory import UNHEALTHY_TARGET

        group, index = UNHEALTHY_TARGET
        return self.targets[group][index]


class Clients:
    """boto3 clients for one endpoint, created once (client creation is the slow part) and shared."""

    def __init__(self, endpoint: str) -> None:
        import boto3
        from botocore.config import Config

        self.endpoint = endpoint
        self._session = boto3.session.Session(
            aws_access_key_id="demo", aws_secret_access_key="demo", region_name=REGION
        )
        self._config = Config(
            retries={"total_max_attempts": 1, "mode": "standard"},
            connect_timeout=2,
            read_timeout=30,
            max_pool_connections=METRIC_WORKERS + 2,
            s3={"addressing_style": "path"},
            # The endpoint validates every request itself, and it is on this machine: checking
            # 11k metric datums client-side and gzipping their batches only costs CPU, which
            # the server's process needs during seeding.
            parameter_validation=False,
            disable_request_compression=True,
        )
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, service: str) -> Any:
        with self._lock:  # boto3 sessions are not thread-safe; clients are
            client = self._clients.get(service)
            if client is None:
                client = self._session.client(service, endpoint_url=self.endpoint, config=self._config)
                self._clients[service] = client
            return client

    def post(self, kind: str, items: list[dict[str, Any]]) -> int:
        """POST a JSON list to ``/_skafu/seed/{kind}``; returns how many items were stored."""
        return post_json(f"{self.endpoint}/_skafu/seed/{kind}", items)


def post_json(url: str, body: Any, timeout: float = 30.0) -> int:
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode() or "{}"
    except urllib.error.HTTPError as exc:
        raise SeedFailed(f"POST {url}: HTTP {exc.code}: {exc.read().decode(errors='replace')[:500]}") from None
    doc = json.loads(text)
    return int(doc.get("stored", len(body) if isinstance(body, list) else 0)) if isinstance(doc, dict) else 0


def reset(endpoint: str) -> None:
    """Clear moto's state and the extensions' (``POST /_skafu/reset``)."""
    post_json(f"{endpoint}/_skafu/reset", {})


# -- metrics ----------------------------------------------------------------------------


def metric_batches(points: Iterable[Point]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(namespace, MetricData) batches of at most 1000 items: one namespace per PutMetricData."""
    by_ns: dict[str, list[dict[str, Any]]] = {}
    for p in points:
        by_ns.setdefault(p.namespace, []).append(p.datum())
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for ns, data in by_ns.items():
        for k in range(0, len(data), MAX_ITEMS_PER_CALL):
            out.append((ns, data[k : k + MAX_ITEMS_PER_CALL]))
    return out


def put_metrics(clients: Clients, points: Iterable[Point], workers: int = METRIC_WORKERS) -> int:
    batches = metric_batches(points)
    cw = clients("cloudwatch")

    def put(batch: tuple[str, list[dict[str, Any]]]) -> int:
        cw.put_metric_data(Namespace=batch[0], MetricData=batch[1])
        return len(batch[1])

    if workers <= 1:
        return sum(put(b) for b in batches)
    with ThreadPoolExecutor(workers, thread_name_prefix="seed-metrics") as pool:
        return sum(pool.map(put, batches))


# -- alarms -----------------------------------------------------------------------------


def seed_alarms(clients: Clients, sc: Scenario) -> None:
    cw = clients("cloudwatch")
    for spec in alarm_specs(sc):
        cw.put_metric_alarm(**spec.put_kwargs())
    states = seeded_states(sc)
    last_reason = {t.alarm: t for t in transitions(sc, sc.first_minute_index + 2, -1)}
    for name, state in states.items():
        if state == OK:
            continue
        t = last_reason.get(name)
        reason = t.reason if t is not None else "Insufficient Data: 3 datapoints were unknown."
        data = {
            "version": "1.0",
            "queryDate": (t.time if t else sc.start).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        }
        cw.set_alarm_state(AlarmName=name, StateValue=state, StateReason=reason, StateReasonData=json.dumps(data))
    # set_alarm_state records the transition it makes itself (at the time of the call), so the
    # history seeded here is what came before: transitions the current state does not re-enact.
    reenacted = {name for name, state in states.items() if state in (INSUFFICIENT_DATA, ALARM)}
    items = []
    history = seeded_history(sc)
    last_of = {t.alarm: t for t in history}
    for t in history:
        if t.alarm in reenacted and last_of[t.alarm] is t:
            continue
        item = history_item(sc, t)
        item["Timestamp"] = t.time.isoformat()
        items.append(item)
    if items:
        clients.post("alarm-history", items)


# -- orchestration ------------------------------------------------------------------------


def seed(endpoint: str, scenario: Scenario) -> Seeded:
    """Seed the whole scenario into ``endpoint`` (expected empty, e.g. just reset)."""
    t0 = time.perf_counter()
    clients = Clients(endpoint)
    result = Seeded(endpoint)
    points = history_points(scenario)
    half = len(points) // 2
    jobs: dict[str, Callable[[], object]] = {
        "metrics-a": lambda: put_metrics(clients, points[:half], 2),
        "metrics-b": lambda: put_metrics(clients, points[half:], 2),
        "alarms": lambda: seed_alarms(clients, scenario),
        "network": lambda: seed_resources.seed_network(clients, scenario, result),
        "platform": lambda: seed_resources.seed_platform(clients, scenario, result),
        "data": lambda: seed_resources.seed_data(clients, scenario),
        "security": lambda: seed_resources.seed_security(clients, scenario, result),
        "ops": lambda: seed_resources.seed_ops(clients, scenario, result),
    }

    def timed(name: str) -> None:
        s = time.perf_counter()
        jobs[name]()
        result.timings[name] = round(time.perf_counter() - s, 3)

    with ThreadPoolExecutor(len(jobs), thread_name_prefix="seed") as pool:
        futures = {name: pool.submit(timed, name) for name in jobs}
        errors = []
        for name, fut in futures.items():
            exc = fut.exception()
            if exc is not None:
                errors.append(f"{name}: {type(exc).__name__}: {exc}")
    if errors:
        raise SeedFailed("; ".join(errors))
    result.seconds = round(time.perf_counter() - t0, 3)
    return result


WARM: tuple[tuple[str, str], ...] = (
    ("ec2", "model"), ("lambda", "router"), ("apigateway", "router"), ("rds", "model"), ("backup", "router"),
    ("guardduty", "router"), ("acm", "model"), ("elbv2", "model"), ("ecs", "model"), ("config", "model"),
    ("logs", ""), ("cloudtrail", ""), ("cloudwatch", "model"), ("iam", "model"), ("s3", "model"),
    ("budgets", ""), ("cloudfront", "router"),
)  # fmt: skip
"""The services the scenario seeds (botocore names), costliest first, with what moto's first request
to each loads besides its backend (the service model; the model and its URL router), as measured
on moto 5.2.5. See :func:`skafu_tui.demo.ext.moto_speed.warm`."""


def spawn(endpoint: str, *, speed: float, start: datetime | None, seed_value: int = DEFAULT_SEED) -> ScenarioRunner:
    """Start seeding the scenario (starting now, or at ``start``) from a child process; returns at once.

    The server calls this as soon as its socket listens, before it imports moto: the child's
    start-up overlaps the server's (the child's requests wait in the listen backlog). Then the
    server calls :func:`finish`. The child seeds and then drives the scenario until ``stop()``
    (see :mod:`skafu_tui.demo.scenario_runner`).
    """
    return spawn_runner(endpoint, speed=speed, start=start, seed_value=seed_value)


def finish(runner: ScenarioRunner, app: object) -> ScenarioRunner:
    """Warm moto for the scenario's services while the child seeds; return once it reports.

    We run inside the server (``app`` is its WSGI app). A failed seed is one line on stderr and
    the driver still runs, so the demo shows what did get seeded.
    """
    from skafu_tui.demo.ext import moto_speed

    moto_app = getattr(app, "moto_app", None)
    threading.Thread(
        target=moto_speed.warm, args=(moto_app, WARM, ACCOUNT_ID, REGION), name="skafu-warm-moto", daemon=True
    ).start()
    runner.wait_seeded()
    if runner.seed_error is not None:
        print(f"skafu scenario: seeding failed: {runner.seed_error}", file=sys.stderr)
    return runner
