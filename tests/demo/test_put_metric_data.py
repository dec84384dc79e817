"""PutMetricData's JSON fast path (skafu_tui/demo/ext/cloudwatch_put.py) stores exactly what moto's
own request pipeline stores, and leaves every request it is unsure of to moto, errors included.

The reference is the query protocol (older SDKs, the CLI v1), which the fast path never takes:
the same datums put both ways, in two accounts, must read back identically.
"""

from __future__ import annotations

import math
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.serialize import create_serializer

from tests.demo.conftest import Aws

pytestmark = [pytest.mark.xdist_group("cloudwatch")]

STATS = ["SampleCount", "Sum", "Minimum", "Maximum", "Average", "p50", "p90", "p99"]
SERIES = 8
MINUTES = 12  # 8 series x 12 minutes: a body over botocore's 10 KiB compression threshold


def datums(base: datetime) -> list[dict[str, Any]]:
    """Every member shape the seed uses: Value (float and int), Values, Values with Counts, StatisticValues."""
    out: list[dict[str, Any]] = []
    for s in range(SERIES):
        dims = [{"Name": "Series", "Value": f"s{s}"}, {"Name": "Stage", "Value": "prod"}]
        if s % 2:
            dims.reverse()  # order must not matter
        for m in range(MINUTES):
            item: dict[str, Any] = {
                "MetricName": f"M{s % 4}",
                "Dimensions": dims,
                "Timestamp": base + timedelta(minutes=m, seconds=s % 7, microseconds=250_000 * (m % 4)),
                "Unit": "Milliseconds" if s % 4 else "Count",
            }
            kind = s % 4
            if kind == 0:
                item["Value"] = (s * 31 + m * 7) % 97
            elif kind == 1:
                item["Value"] = ((s * 13 + m) % 50) / 3.0
            elif kind == 2:
                item["Values"] = [float((m * 17 + k * 37 + s) % 101 + 1) for k in range(20)]
            else:
                item["Values"] = [1.5, 2.5, float(m + 3)]
                item["Counts"] = [3.0, 1.0, 2.0]
            out.append(item)
    out.append({
        "MetricName": "Agg", "Dimensions": [], "Timestamp": base, "Unit": "Count",
        "StatisticValues": {"SampleCount": 4.0, "Sum": 10.0, "Minimum": 1.0, "Maximum": 4.0},
    })  # fmt: skip
    return out


def put_by_query_protocol(endpoint: str, account: str, namespace: str, data: list[dict[str, Any]]) -> None:
    """PutMetricData as the query protocol sends it (signature unchecked, as moto's server does)."""
    model = botocore.session.get_session().get_service_model("cloudwatch").operation_model("PutMetricData")
    request = create_serializer("query").serialize_to_request({"Namespace": namespace, "MetricData": data}, model)
    day = datetime.now(UTC).strftime("%Y%m%d")
    headers = {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/{day}/us-east-1/monitoring/aws4_request, "
        "SignedHeaders=host, Signature=0",
        "x-moto-account-id": account,
    }
    body = urlencode(request["body"]).encode()
    with urllib.request.urlopen(urllib.request.Request(endpoint + "/", body, headers, method="POST"), timeout=30) as r:
        assert r.status == 200


async def read_back(aws: Aws, namespace: str, base: datetime) -> dict[str, Any]:
    """Every series' figures per minute, plus ListMetrics, in a comparable form."""
    async with aws.client("cloudwatch") as cw:
        listed = await cw.list_metrics(Namespace=namespace)
        metrics = sorted(
            (m["MetricName"], tuple(sorted((d["Name"], d["Value"]) for d in m.get("Dimensions") or [])))
            for m in listed["Metrics"]
        )
        queries = [
            {
                "Id": f"q{i}_{j}",
                "MetricStat": {
                    "Metric": {"Namespace": namespace, "MetricName": name,
                               "Dimensions": [{"Name": k, "Value": v} for k, v in dims]},
                    "Period": 60, "Stat": stat,
                },
            }
            for i, (name, dims) in enumerate(metrics)
            for j, stat in enumerate(STATS)
        ]
        figures: dict[str, Any] = {}
        for k in range(0, len(queries), 500):
            answer = await cw.get_metric_data(
                MetricDataQueries=queries[k : k + 500], StartTime=base - timedelta(minutes=1),
                EndTime=base + timedelta(minutes=MINUTES + 1),
            )  # fmt: skip
            for result in answer["MetricDataResults"]:
                figures[result["Id"]] = sorted(zip(result["Timestamps"], result["Values"], strict=True))
    return {"metrics": metrics, "figures": figures}


async def test_json_fast_path_stores_what_the_query_protocol_stores(ext: Aws) -> None:
    namespace = f"Skafu/Put/{uuid.uuid4().hex[:8]}"
    base = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    data = datums(base)
    sent: list[dict[str, Any]] = []
    async with ext.client("cloudwatch") as cw:
        cw.meta.events.register("before-send.cloudwatch.PutMetricData", lambda request, **_: sent.append(
            {k.lower(): v for k, v in request.headers.items()}))  # fmt: skip
        for k in range(0, len(data), 1000):
            await cw.put_metric_data(Namespace=namespace, MetricData=data[k : k + 1000])
    assert sent and all(h.get("content-encoding") in (b"gzip", "gzip") for h in sent), "botocore compressed the body"
    other = Aws(ext.endpoint, f"{(int(ext.account) + 1) % 10**12:012d}")
    for k in range(0, len(data), 1000):
        put_by_query_protocol(ext.endpoint, other.account, namespace, data[k : k + 1000])

    fast, reference = await read_back(ext, namespace, base), await read_back(other, namespace, base)
    assert len(fast["metrics"]) == SERIES + 1
    assert sum(len(v) for v in fast["figures"].values()) >= SERIES * MINUTES * len(STATS)
    assert fast == reference


def aws_error(exc: ClientError) -> tuple[int, str, str]:
    error = exc.response["Error"]
    return exc.response["ResponseMetadata"]["HTTPStatusCode"], error.get("Code", ""), error.get("Message", "")


@pytest.mark.parametrize(
    ("member", "wanted"),
    [
        ({"Value": math.nan}, "The value NaN for parameter MetricData.member.2.Value is invalid."),
        ({"Values": [1.0, 2.0], "Counts": [1.0]}, "must be of the same size"),
        ({"Value": 1.0, "Values": [1.0]}, "are mutually exclusive"),
    ],
)
async def test_a_rejected_datum_gets_motos_error_and_nothing_is_stored(
    ext: Aws, member: dict[str, Any], wanted: str
) -> None:
    namespace = f"Skafu/Put/{uuid.uuid4().hex[:8]}"
    good = {"MetricName": "Good", "Value": 1.0, "Timestamp": datetime.now(UTC)}
    async with ext.client("cloudwatch") as cw:
        with pytest.raises(ClientError) as info:
            await cw.put_metric_data(Namespace=namespace, MetricData=[good, {"MetricName": "Bad", **member}])
        status, code, message = aws_error(info.value)
        assert (status, code) == (400, "InvalidParameterValue")
        assert wanted in message
        assert (await cw.list_metrics(Namespace=namespace))["Metrics"] == []

