"""Poll efficiency and scale, in a process of its own (prints one JSON object).

    python -m benchmarks.poll_worker efficiency ENDPOINT --proxy URL [--pairs 3] [--config FILE]
    python -m benchmarks.poll_worker scale ENDPOINT --config FILE [--polls 3]

``efficiency``: the real Poller's full poll (``poll_once``, every group at once) through the
latency proxy, against *the same calls* made one after another with plain boto3 through the same
proxy: every call the poll made is recorded (service, region, operation, parameters: pages with
their NextToken included) and replayed in order. Pairs alternate which runs first. Then one poll
per group (direct, no proxy) counts each group's calls and metered cost, for calls per hour.

``scale``: a config with many services and regions; GetMetricData calls per full poll and the
queries in each (AWS's limit is 500), total calls, and the wall time of a warm full poll.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skafu_tui.aws.session import AwsSettings
from skafu_tui.config import Config, load_config
from skafu_tui.poller import Poller

CREDENTIALS = ("bench", "bench")


@dataclass(eq=False)  # botocore keeps handlers in hashed containers: identity equality, hashable
class Recorder:
    """A ``provide-client-params`` hook: every API call the pool's clients make, in order."""

    calls: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        service = str(model.service_model.service_name)
        region = str(context.get("client_region") or "us-east-1")
        self.calls.append((service, region, str(model.name), copy.deepcopy(params)))


class Sequential:
    """Plain boto3 clients (defaults, one attempt), made before timing; calls replayed one by one."""

    def __init__(self, endpoint: str) -> None:
        import boto3
        from botocore.config import Config as BotoConfig

        self.endpoint = endpoint
        self.session = boto3.session.Session(aws_access_key_id=CREDENTIALS[0], aws_secret_access_key=CREDENTIALS[1])
        self.config = BotoConfig(retries={"total_max_attempts": 1})
        self.clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self.clients:
            self.clients[key] = self.session.client(service, region_name=region, endpoint_url=self.endpoint,
                                                    config=self.config)
        return self.clients[key]

    def replay(self, calls: list[tuple[str, str, str, dict[str, Any]]]) -> tuple[float, int]:
        """(wall seconds, failed calls) of every call in order."""
        from botocore import xform_name
        from botocore.exceptions import BotoCoreError, ClientError

        for service, region, _, _ in calls:  # client creation is not part of the timing
            self.client(service, region)
        failed = 0
        started = time.perf_counter()
        for service, region, operation, params in calls:
            try:
                getattr(self.client(service, region), xform_name(operation))(**copy.deepcopy(params))
            except (ClientError, BotoCoreError):
                failed += 1  # still one round trip: moto answered, or the call was refused
        return time.perf_counter() - started, failed


def _settings(cfg: Config, endpoint: str) -> AwsSettings:
    return AwsSettings.from_config(cfg, endpoint_url=endpoint, credentials=CREDENTIALS)


async def _timed_poll(poller: Poller) -> float:
    started = time.perf_counter()
    await poller.poll_once()
    return time.perf_counter() - started


async def efficiency(endpoint: str, proxy: str, pairs: int, cfg: Config) -> dict[str, Any]:
    recorder = Recorder()
    poller = Poller(cfg, _settings(cfg, proxy), client_hooks=[("provide-client-params", recorder)])
    sequential = Sequential(proxy)
    out: dict[str, Any] = {"pairs": []}
    last: list[tuple[str, str, str, dict[str, Any]]] = []
    try:
        await poller.poll_once()  # clients made, models loaded, account resolved: what a running app has
        sequential.replay(list(recorder.calls))  # the same warm-up for boto3 (clients, endpoint caches)
        for i in range(pairs):
            recorder.calls.clear()
            if i % 2 == 1 and last:
                # Baseline first: it replays the previous poll's calls (a poll makes the same calls).
                seq_s, failed = sequential.replay(last)
                replayed = len(last)
                app_s = await _timed_poll(poller)
                last = list(recorder.calls)
            else:
                app_s = await _timed_poll(poller)
                last = list(recorder.calls)
                seq_s, failed = sequential.replay(last)
                replayed = len(last)
            out["pairs"].append({"app_s": app_s, "sequential_s": seq_s, "calls": len(last),
                                 "replayed": replayed, "failed": failed})
    finally:
        await poller.aclose()
    out["calls_by_operation"] = dict(Counter(f"{s}:{op}" for s, _, op, _ in last))
    out["groups"] = await per_group(endpoint, cfg)
    return out


async def per_group(endpoint: str, cfg: Config) -> dict[str, dict[str, Any]]:
    """One poll of each group alone (direct): its calls and metered dollar cost."""
    names = Poller(cfg, _settings(cfg, endpoint)).group_names()
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        poller = Poller(cfg, _settings(cfg, endpoint), groups=[name], resolve_account=False)
        try:
            await poller.poll_once()
            meter = poller.meter
            out[name] = {
                "calls": meter.total_calls if meter else 0,
                "cost_usd": meter.cost_usd if meter else 0.0,
                "errors": sum(meter.errors.values()) if meter else 0,
            }
        finally:
            await poller.aclose()
    return out


async def scale(endpoint: str, polls: int, cfg: Config) -> dict[str, Any]:
    recorder = Recorder()
    poller = Poller(cfg, _settings(cfg, endpoint), client_hooks=[("provide-client-params", recorder)])
    walls = []
    try:
        first = await _timed_poll(poller)
        for _ in range(polls):
            recorder.calls.clear()
            walls.append(await _timed_poll(poller))
        meter = poller.meter
        errors = dict(meter.errors) if meter else {}
    finally:
        await poller.aclose()
    gmd = [len(p.get("MetricDataQueries") or ()) for s, _, op, p in recorder.calls if op == "GetMetricData"]
    return {
        "services": len(cfg.services),
        "regions": list(cfg.aws.regions),
        "first_poll_s": first,
        "poll_s": walls,
        "poll_median_s": statistics.median(walls) if walls else None,
        "calls_per_poll": len(recorder.calls),
        "get_metric_data_calls": len(gmd),
        "queries_per_call": gmd,
        "errors": {f"{s}:{op}": n for (s, op), n in errors.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.poll_worker")
    parser.add_argument("mode", choices=("efficiency", "scale"))
    parser.add_argument("endpoint")
    parser.add_argument("--proxy")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--polls", type=int, default=3)
    parser.add_argument("--config", type=Path, default=None)
    args = parser.parse_args()
    cfg = load_config(args.config).config
    if args.mode == "efficiency":
        result = asyncio.run(efficiency(args.endpoint, args.proxy or args.endpoint, args.pairs, cfg))
    else:
        result = asyncio.run(scale(args.endpoint, args.polls, cfg))
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
