"""PutMetricData over the JSON protocol, answered without moto's generic request pipeline.

moto decodes every request through the botocore model (a datetime via dateutil per datapoint,
~60 us a datum): the scenario's 11k seeded datapoints cost the server ~0.7 s of CPU, the largest
single share of seeding. A well-formed awsJson1_0 PutMetricData (what boto3/aiobotocore send) is
decoded here with ``json`` and stored through the same backend method moto would call, after the
same validation. Anything else (the query protocol, a field or type we do not expect, a value
moto's validation rejects, IAM authorisation switched on, a known IAM access key whose last use
moto records) returns None, and moto answers as before, errors included.
"""

from __future__ import annotations

import json
import math
import os
import re
from datetime import UTC, datetime
from typing import Any

from moto import settings
from moto.cloudwatch.exceptions import CloudWatchException
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.responses import BaseResponse
from moto.iam.models import iam_backends

from .base import Reply, json_fast_path

_DATUM_KEYS = frozenset(
    ("MetricName", "Dimensions", "Timestamp", "Value", "Values", "Counts", "StatisticValues", "Unit",
     "StorageResolution")
)  # fmt: skip
_STAT_KEYS = frozenset(("SampleCount", "Sum", "Minimum", "Maximum"))
_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")
_EMPTY = Reply(b"{}", content_type="application/x-amz-json-1.0")


def _number(value: Any) -> bool:
    return type(value) is float or type(value) is int


def _numbers(value: Any) -> list[float] | None:
    if type(value) is not list or not all(_number(v) for v in value):
        return None
    return [float(v) for v in value]


def _dimensions(value: Any) -> bool:
    return type(value) is list and all(
        type(d) is dict and d.keys() == {"Name", "Value"} and type(d["Name"]) is str and type(d["Value"]) is str
        for d in value
    )


def _datum(raw: Any) -> dict[str, Any] | None:
    """The member as moto's parser would hand it to the backend, or None if we are not sure."""
    if type(raw) is not dict or not raw.keys() <= _DATUM_KEYS or type(raw.get("MetricName")) is not str:
        return None
    out: dict[str, Any] = {"MetricName": raw["MetricName"]}
    for key, value in raw.items():
        if key == "Dimensions":
            if not _dimensions(value):
                return None
            out[key] = value
        elif key == "Timestamp":
            if not _number(value):
                return None
            try:  # moto's parser keeps microseconds: round the same way
                out[key] = datetime.fromtimestamp(value, UTC).timestamp()
            except (OverflowError, OSError, ValueError):
                return None
        elif key == "Value":
            if not _number(value):
                return None
            out[key] = float(value)
        elif key in ("Values", "Counts"):
            numbers = _numbers(value)
            if numbers is None:
                return None
            out[key] = numbers
        elif key == "StatisticValues":
            if type(value) is not dict or not value.keys() <= _STAT_KEYS or not all(map(_number, value.values())):
                return None
            out[key] = {k: float(v) for k, v in value.items()}
        elif key == "Unit":
            if type(value) is not str:
                return None
            out[key] = value
        elif key == "StorageResolution":
            if type(value) is not int:
                return None
            out[key] = value
    return out


def _account(environ: dict[str, Any]) -> str | None:
    """The account moto would pick (env, header, access key), or None when moto must decide."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    match = _ACCESS_KEY.search(str(environ.get("HTTP_AUTHORIZATION", "")))
    key = match.group(1) if match else ""
    # moto records the last use of an IAM access key (and derives the account from it).
    for account in list(iam_backends.values()):
        for backend in list(dict.values(account)):
            if key in backend.access_keys:
                return None
    header = environ.get("HTTP_X_MOTO_ACCOUNT_ID")
    return str(header) if header else DEFAULT_ACCOUNT_ID


def _region_agrees(environ: dict[str, Any], region: str) -> bool:
    """moto takes the region from the host name or the User-Agent before the credential scope."""
    url = f"{environ.get('HTTP_HOST', '')}{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
    for found in (BaseResponse.region_regex.search("http://" + url),
                  BaseResponse.region_from_useragent_regex.search(str(environ.get("HTTP_USER_AGENT", "")))):
        if found is not None and found.group("region") != region:
            return False
    return True


def put_metric_data(environ: dict[str, Any], body: bytes, region: str) -> Reply | None:
    if math.isfinite(settings.INITIAL_NO_AUTH_ACTION_COUNT) or not _region_agrees(environ, region):
        return None
    account = _account(environ)
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if account is None or type(doc) is not dict or not doc.keys() <= {"Namespace", "MetricData"}:
        return None
    namespace, members = doc.get("Namespace"), doc.get("MetricData", [])
    if type(namespace) is not str or type(members) is not list:
        return None
    data: list[dict[str, Any]] = []
    for member in members:
        datum = _datum(member)
        if datum is None:
            return None
        data.append(datum)
    try:
        backend = cloudwatch_backends[account][region]
    except KeyError:
        return None
    try:
        backend.put_metric_data(namespace, data)  # validates every member before storing any
    except CloudWatchException:
        return None
    return _EMPTY


def register() -> None:
    """Route PutMetricData here (after :mod:`.cloudwatch` patched the backend's ``put_metric_data``)."""
    json_fast_path("monitoring", "PutMetricData")(put_metric_data)
