"""Benchmark for the GetMetricData bar (100 queries over 3 hours at a 60 s period <= 300 ms).

Used by the lead's benchmark suite: ``bench_get_metric_data(endpoint)`` seeds its own data in a
separate account (so a seeded scenario is left alone), then returns the median wall time in
seconds of one GetMetricData call made through a real botocore client.

Run by hand against a running server::

    .venv/bin/python -m skafu_tui.demo.ext.cloudwatch_bench http://127.0.0.1:PORT
"""

from __future__ import annotations

import http.client
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

BENCH_ACCOUNT = "000000000042"
METRICS = 60
MINUTES = 180
SAMPLES_PER_MINUTE = 5
QUERIES = 100


def _utc_timestamp(value: Any) -> datetime:
    """What a client should parse timestamps with: botocore's default converts every one to
    local time through dateutil (~15 us each: 270 ms for this benchmark's 18,000 timestamps)."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _client(endpoint: str, fast_timestamps: bool = True) -> Any:
    session = boto3.session.Session()
    if fast_timestamps:
        factory = session._session.get_component("response_parser_factory")
        factory.set_parser_defaults(timestamp_parser=_utc_timestamp)
    client = session.client(
        "cloudwatch",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}),
    )

    def use_bench_account(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = BENCH_ACCOUNT

    client.meta.events.register("before-sign.cloudwatch.*", use_bench_account)
    return client


def _dims(i: int) -> list[dict[str, str]]:
    return [{"Name": "Service", "Value": f"svc-{i % 5}"}, {"Name": "Route", "Value": f"/r/{i}"}]


def seed(client: Any, namespace: str, end: datetime) -> None:
    for i in range(METRICS):
        data = [
            {
                "MetricName": f"Latency{i}",
                "Dimensions": _dims(i),
                "Timestamp": end - timedelta(minutes=MINUTES - m),
                "Values": [float(10 + (m * 7 + k * 13 + i) % 90) for k in range(SAMPLES_PER_MINUTE)],
                "Unit": "Milliseconds",
            }
            for m in range(MINUTES)
        ]
        client.put_metric_data(Namespace=namespace, MetricData=data)


def queries(namespace: str) -> list[dict[str, Any]]:
    out = []
    for q in range(QUERIES):
        i = q % METRICS
        out.append({
            "Id": f"q{q}",
            "MetricStat": {
                "Metric": {
                    "Namespace": namespace,
                    "MetricName": f"Latency{i}",
                    "Dimensions": list(reversed(_dims(i))),
                },
                "Period": 60,
                "Stat": "p95" if q >= METRICS else "Average",
            },
        })
    return out


def _prepared(endpoint: str, fast_timestamps: bool) -> tuple[Any, dict[str, Any]]:
    client = _client(endpoint, fast_timestamps)
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    namespace = f"Skafu/Bench/{uuid.uuid4().hex[:8]}"  # each run its own data, whatever ran before
    seed(client, namespace, end)
    request = {
        "MetricDataQueries": queries(namespace),
        "StartTime": end - timedelta(minutes=MINUTES),
        "EndTime": end,
    }
    answer = client.get_metric_data(**request)  # warm-up (connection, model loading) and check
    points = sum(len(r["Values"]) for r in answer["MetricDataResults"])
    if points != QUERIES * MINUTES:
        raise RuntimeError(f"expected {QUERIES * MINUTES} datapoints, got {points}")
    return client, request


def bench_get_metric_data(endpoint: str, runs: int = 5, fast_timestamps: bool = True) -> float:
    """Median seconds of one 100-query, 3-hour, 60 s-period GetMetricData call, end to end.

    ``fast_timestamps`` parses answers' timestamps as UTC epochs (see :func:`_utc_timestamp`);
    False measures botocore's default parser, whose cost is the client's, not the server's.
    """
    client, request = _prepared(endpoint, fast_timestamps)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get_metric_data(**request)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def bench_get_metric_data_server(endpoint: str, runs: int = 5) -> float:
    """Median seconds the server takes for the same call: the signed request replayed over HTTP
    and the whole answer read, with no client-side parsing."""
    client, request = _prepared(endpoint, True)
    captured: dict[str, Any] = {}

    def capture(request: Any, **_: Any) -> None:
        captured.update(url=request.url, body=request.body, headers=dict(request.headers.items()))

    client.meta.events.register("before-send.cloudwatch.GetMetricData", capture)
    client.get_metric_data(**request)
    url = urlsplit(captured["url"])
    headers = {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in captured["headers"].items()}
    body = captured["body"].encode() if isinstance(captured["body"], str) else captured["body"]
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=60)
    timings = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            connection.request("POST", url.path or "/", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            timings.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"GetMetricData answered HTTP {response.status}")
    finally:
        connection.close()
    return statistics.median(timings)


if __name__ == "__main__":
    server = bench_get_metric_data_server(sys.argv[1])
    fast = bench_get_metric_data(sys.argv[1])
    default = bench_get_metric_data(sys.argv[1], fast_timestamps=False)
    print(f"GetMetricData 100 queries x 3 h at 60 s: server {server * 1000:.1f} ms; "
          f"client {fast * 1000:.1f} ms with a UTC timestamp parser, "
          f"{default * 1000:.1f} ms with botocore's default one")
