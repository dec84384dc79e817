"""CloudWatch metrics: execute the metric plan with GetMetricData.

One call per (span, period) group of queries (chunked at 500 queries and 100,800 datapoints),
each paginated with NextToken; query Ids are generated (``q0``…) and mapped back to plan keys.
Values get the query's ``scale`` and ``per_second``; series come back oldest point first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.sources._common import gather, utc
from skafu_tui.metric_plan import TIER_SERVICE, MetricQuery, build_plan, tiers
from skafu_tui.models import MetricSeries

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("cloudwatch", "GetMetricData")})

MAX_QUERIES = 500
MAX_DATAPOINTS = 100_800
MAX_PAGES = 20


def plan_for(cfg: Config, tier: str) -> list[MetricQuery]:
    return tiers(build_plan(cfg)).get(tier, [])


def window(now: datetime, span_s: int, period_s: int) -> tuple[datetime, datetime]:
    """Start and end of a query: end on the last whole minute, start aligned to the period."""
    end = now.replace(second=0, microsecond=0)
    start = end - timedelta(seconds=span_s)
    epoch = int(start.timestamp())
    start -= timedelta(seconds=epoch % period_s)
    return start, end


def chunks(queries: Sequence[MetricQuery]) -> list[list[MetricQuery]]:
    """Split queries into calls: same (span, period) together, within AWS's per-call limits."""
    groups: dict[tuple[int, int], list[MetricQuery]] = {}
    for q in queries:
        groups.setdefault((q.span_s, q.period_s), []).append(q)
    out: list[list[MetricQuery]] = []
    for (span, period), group in groups.items():
        points = max(1, span // period + 1)
        size = max(1, min(MAX_QUERIES, MAX_DATAPOINTS // points))
        out.extend(group[i : i + size] for i in range(0, len(group), size))
    return out


def _request(q: MetricQuery, qid: str) -> dict[str, Any]:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": q.namespace,
                "MetricName": q.metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in q.dimensions],
            },
            "Period": q.period_s,
            "Stat": q.stat,
        },
        "ReturnData": True,
    }


async def _call(client: Any, batch: list[MetricQuery], now: datetime, region: str) -> list[MetricSeries]:
    by_id = {f"q{i}": q for i, q in enumerate(batch)}
    start, end = window(now, batch[0].span_s, batch[0].period_s)
    points: dict[str, dict[datetime, float]] = {qid: {} for qid in by_id}
    labels: dict[str, str] = {}
    params: dict[str, Any] = {
        "MetricDataQueries": [_request(q, qid) for qid, q in by_id.items()],
        "StartTime": start,
        "EndTime": end,
        "ScanBy": "TimestampAscending",
    }
    for _ in range(MAX_PAGES):
        page = await client.get_metric_data(**params)
        for result in page.get("MetricDataResults") or ():
            qid = result.get("Id", "")
            if qid not in points:
                continue
            labels.setdefault(qid, result.get("Label") or "")
            for ts, value in zip(result.get("Timestamps") or (), result.get("Values") or (), strict=False):
                at = utc(ts)
                if at is not None:
                    points[qid][at] = float(value)
        token = page.get("NextToken")
        if not token:
            break
        params["NextToken"] = token
    out = []
    for qid, q in by_id.items():
        ordered = sorted(points[qid].items())
        factor = q.scale / (q.period_s if q.per_second else 1)
        out.append(
            MetricSeries(
                key=q.key,
                label=labels.get(qid, ""),
                period_s=q.period_s,
                timestamps=tuple(t for t, _ in ordered),
                values=tuple(v * factor for _, v in ordered),
                region=region,
            )
        )
    return out


async def fetch(
    pool: ClientPool,
    cfg: Config,
    region: str,
    now: datetime,
    *,
    tier: str = TIER_SERVICE,
    queries: Sequence[MetricQuery] | None = None,
) -> list[MetricSeries]:
    """Series for ``queries`` (default: the plan's ``tier``), one call per (span, period) group."""
    todo = list(queries) if queries is not None else plan_for(cfg, tier)
    if not todo:
        return []
    client = await pool.client("cloudwatch", region)
    results = await gather(_call(client, batch, now, region) for batch in chunks(todo))
    return [series for batch in results for series in batch]
