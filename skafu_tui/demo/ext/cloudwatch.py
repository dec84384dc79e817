"""CloudWatch gaps filled inside moto's server process.

:func:`install` patches moto's ``CloudWatchBackend`` and ``CloudWatchResponse`` so moto keeps
decoding requests and serialising answers in the client's protocol while the answers come from
us. (botocore lists ``smithy-rpc-v2-cbor`` first in CloudWatch's model but picks ``json`` by its
own priority order: aiobotocore/boto3 speak awsJson1_0 with ``x-amzn-query-mode``; moto has no
CBOR serializer at all. The query protocol of older SDKs and the CLI v1 works too.)

- ``put_metric_data`` feeds an index (:mod:`.cloudwatch_store`) instead of moto's flat list;
- GetMetricData / GetMetricStatistics / ListMetrics read that index: percentiles, metric math
  (:mod:`.cloudwatch_math`), exact order-insensitive dimension matching, the 500-query limit,
  MaxDatapoints/NextToken paging, and O(points returned) speed;
- DescribeAlarmHistory, recorded from alarm writes plus the ``alarm-history`` seed kind.

Every piece of state hangs off the moto backend object (one per account and region). moto's
reset re-initialises that object, so our state cannot outlive moto's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from moto.cloudwatch.exceptions import CloudWatchException, ValidationError
from moto.cloudwatch.models import CloudWatchBackend, cloudwatch_backends
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult
from moto.core.serialize import BaseJSONSerializer

from . import cloudwatch_history as history
from . import cloudwatch_query as cwq
from .base import DEFAULT_REGION, LOCK, SeedError, on_reset, seed_kind
from .cloudwatch_store import MetricStore, datum_from_moto, from_epoch

_STORE_ATTR = "_skafu_metric_store"
DEFAULT_MAX_DATAPOINTS = 100_800


class InvalidNextToken(CloudWatchException):
    code = "InvalidNextToken"


def store_of(backend: Any) -> MetricStore:
    """The backend's index, created on first use (and gone with the backend's reset)."""
    store: MetricStore | None = backend.__dict__.get(_STORE_ATTR)
    if store is None:
        store = MetricStore()
        setattr(backend, _STORE_ATTR, store)
    return store


def _moto_metrics(backend: Any) -> MetricStore:
    """moto's own datapoints: its list (empty once patched) plus providers such as S3 bucket sizes."""
    extra = MetricStore()
    for md in backend.get_all_metrics():
        extra.put(md.namespace, datum_from_moto(md))
    return extra


def _lookup_for(backend: Any) -> cwq.Lookup:
    extras: list[MetricStore] = []

    def moto_extras() -> MetricStore:  # built at most once per request, and only on a miss
        if not extras:
            extras.append(_moto_metrics(backend))
        return extras[0]

    return cwq.make_lookup(store_of(backend), moto_extras)


# --- backend patches -------------------------------------------------------------------

def _put_metric_data(self: Any, namespace: str, metric_data: list[dict[str, Any]]) -> None:
    for n, datum in enumerate(metric_data, start=1):
        self._validate_parameters_put_metric_data(datum, n)
    with LOCK:
        store = store_of(self)
        for datum in metric_data:
            store.put(namespace, datum)


def _get_metric_data(
    self: Any, queries: list[dict[str, Any]], start_time: Any, end_time: Any,
    scan_by: str = "TimestampAscending",
) -> list[dict[str, Any]]:
    with LOCK:
        return cwq.get_metric_data(_lookup_for(self), queries, start_time, end_time, scan_by)


def _get_metric_statistics(
    self: Any, namespace: str, metric_name: str, start_time: Any, end_time: Any, period: int,
    stats: list[str], dimensions: list[dict[str, str]], unit: str | None = None,
    extended_statistics: list[str] | None = None,
) -> list[dict[str, Any]]:
    with LOCK:
        return cwq.get_metric_statistics(
            _lookup_for(self), namespace, metric_name, start_time, end_time, int(period),
            list(stats or []), list(extended_statistics or []), list(dimensions or []), unit,
        )


def _get_filtered_metrics(
    self: Any, metric_name: str | None, namespace: str | None, dimensions: list[dict[str, str]]
) -> list[dict[str, Any]]:
    """ListMetrics: one entry per distinct series (moto scanned every sample)."""
    wanted = [(d["Name"], d.get("Value")) for d in dimensions or []]
    out: list[dict[str, Any]] = []
    with LOCK:
        seen = set()
        for store in (store_of(self), _moto_metrics(self)):
            for key, series in store.series.items():
                if key in seen or (namespace and series.namespace != namespace):
                    continue
                if metric_name and series.name != metric_name:
                    continue
                have = dict(series.dimensions)
                if any(n not in have or (v is not None and have[n] != v) for n, v in wanted):
                    continue
                seen.add(key)
                out.append({
                    "Namespace": series.namespace,
                    "MetricName": series.name,
                    "Dimensions": [{"Name": n, "Value": v} for n, v in series.dimensions],
                })
    return out


def _wrap_put_metric_alarm(original: Callable[..., Any]) -> Callable[..., Any]:
    def put_metric_alarm(self: Any, *args: Any, **kwargs: Any) -> Any:
        name = kwargs.get("name", args[0] if args else None)
        existed = name in self.alarms
        alarm = original(self, *args, **kwargs)
        with LOCK:
            history.record_configuration(self, alarm, created=not existed)
        return alarm

    return put_metric_alarm


def _wrap_set_alarm_state(original: Callable[..., Any]) -> Callable[..., Any]:
    def set_alarm_state(self: Any, alarm_name: str, *args: Any, **kwargs: Any) -> Any:
        before = self.alarms.get(alarm_name)
        old = (before.state_value, before.state_reason) if before is not None else None
        result = original(self, alarm_name, *args, **kwargs)
        alarm = self.alarms.get(alarm_name)
        if alarm is not None and old is not None and alarm.state_value != old[0]:
            with LOCK:
                history.record_state_change(self, alarm, old[0], old[1])
        return result

    return set_alarm_state


# --- response patches (moto decodes the request and serialises our ActionResult) --------

def _offset(token: str | None) -> int:
    if not token:
        return 0
    offset = history.decode_token(token)
    if offset is None:
        raise InvalidNextToken("The NextToken is not valid.")
    return offset


def _page(results: list[dict[str, Any]], offset: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Cut the flattened datapoints of all results to ``[offset, offset + limit)``."""
    page: list[dict[str, Any]] = []
    first = 0
    for result in results:
        n = len(result["Values"])
        lo, hi = max(0, offset - first), min(n, offset + limit - first)
        if lo < hi or (n == 0 and offset == 0):
            page.append({
                **result,
                "Timestamps": result["Timestamps"][lo:hi],
                "Values": result["Values"][lo:hi],
                "StatusCode": "PartialData" if hi < n else "Complete",
            })
        first += n
    return page, offset + limit < first


class _MetricDataAnswer(ActionResult):
    """GetMetricData's answer: results carry epoch-second timestamps.

    For the JSON protocol (what botocore picks for CloudWatch) the results list, which can hold
    100k datapoints, is encoded with ``json`` directly: moto's generic serializer costs ~10 us per
    timestamp. moto still serialises the rest of the document, so headers and wrapping are its own.
    Other protocols go through moto's serializer with datetimes.
    """

    def __init__(self, results: list[dict[str, Any]], rest: dict[str, Any]) -> None:
        super().__init__({**rest, "MetricDataResults": results})
        self._results = results
        self._rest = rest

    def execute_result(self, context: Any) -> Any:
        if not issubclass(context.serializer_class, BaseJSONSerializer):
            slow = [{**r, "Timestamps": [from_epoch(t) for t in r["Timestamps"]]} for r in self._results]
            return ActionResult({**self._rest, "MetricDataResults": slow}).execute_result(context)
        status, headers, body = ActionResult({**self._rest, "MetricDataResults": []}).execute_result(context)
        doc = json.loads(body)
        doc["MetricDataResults"] = self._results
        return status, headers, json.dumps(doc, separators=(",", ":"))


def _resp_get_metric_data(self: Any) -> ActionResult:
    params = self._get_params()
    queries = list(params.get("MetricDataQueries") or [])
    cwq.validate_queries(queries)
    limit = int(params.get("MaxDatapoints") or DEFAULT_MAX_DATAPOINTS)
    if limit <= 0:
        raise ValidationError("The parameter MaxDatapoints must be greater than 0.")
    offset = _offset(params.get("NextToken"))
    results = self.cloudwatch_backend.get_metric_data(
        queries=queries, start_time=params["StartTime"], end_time=params["EndTime"],
        scan_by=params.get("ScanBy") or "TimestampDescending",
    )
    page, more = _page(results, offset, limit)
    rest: dict[str, Any] = {"Messages": []}
    if more:
        rest["NextToken"] = history.encode_token(offset + limit)
    return _MetricDataAnswer(page, rest)


def _resp_get_metric_statistics(self: Any) -> ActionResult:
    params = self._get_params()
    name = params.get("MetricName")
    datapoints = self.cloudwatch_backend.get_metric_statistics(
        params.get("Namespace"), name, params.get("StartTime"), params.get("EndTime"),
        int(params.get("Period") or 0), list(params.get("Statistics") or []),
        dimensions=list(params.get("Dimensions") or []), unit=params.get("Unit"),
        extended_statistics=list(params.get("ExtendedStatistics") or []),
    )
    return ActionResult({"Label": name, "Datapoints": datapoints})


def _resp_describe_alarm_history(self: Any) -> ActionResult:
    params = self._get_params()
    max_records = int(params.get("MaxRecords") or history.MAX_RECORDS)
    if not 1 <= max_records <= history.MAX_RECORDS:
        raise ValidationError(
            f"1 validation error detected: Value '{max_records}' at 'maxRecords' failed to satisfy "
            f"constraint: Member must have value between 1 and {history.MAX_RECORDS}"
        )
    item_type = params.get("HistoryItemType")
    if item_type is not None and item_type not in history.HISTORY_ITEM_TYPES:
        raise ValidationError(
            f"1 validation error detected: Value '{item_type}' at 'historyItemType' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(history.HISTORY_ITEM_TYPES)}]"
        )
    scan_by = params.get("ScanBy") or "TimestampDescending"
    if scan_by not in ("TimestampDescending", "TimestampAscending"):
        raise ValidationError(
            f"1 validation error detected: Value '{scan_by}' at 'scanBy' failed to satisfy constraint: "
            "Member must satisfy enum value set: [TimestampDescending, TimestampAscending]"
        )
    offset = _offset(params.get("NextToken"))
    with LOCK:
        items = history.query(
            history.items_of(self.cloudwatch_backend), params.get("AlarmName"),
            params.get("AlarmTypes"), item_type, params.get("StartDate"), params.get("EndDate"), scan_by,
            params.get("AlarmContributorId"),
        )
    doc: dict[str, Any] = {"AlarmHistoryItems": [it.to_aws() for it in items[offset:offset + max_records]]}
    if offset + max_records < len(items):
        doc["NextToken"] = history.encode_token(offset + max_records)
    return ActionResult(doc)


# --- seeds and reset ---------------------------------------------------------------------

def seed_alarm_history(account: str, items: list[dict[str, Any]]) -> int:
    parsed = history.validate_seed(items)
    targets = []
    for i, raw in enumerate(items):
        region = raw.get("region") or DEFAULT_REGION
        try:
            targets.append(cloudwatch_backends[account][region])
        except KeyError:
            raise SeedError(f"[{i}].region: unknown region {region!r}") from None
    with LOCK:
        for backend, item in zip(targets, parsed, strict=True):
            history.items_of(backend).append(item)
    return len(parsed)


def reset() -> None:
    """Drop our state from every live backend (moto's reset also replaces them wholesale)."""
    with LOCK:
        for _account, _region, backend in cloudwatch_backends.iter_backends():
            backend.__dict__.pop(_STORE_ATTR, None)
            backend.__dict__.pop("_skafu_alarm_history", None)


def install() -> None:
    """Apply the patches to moto and register the seed kind and reset hook (idempotent)."""
    with LOCK:
        if getattr(CloudWatchBackend, "_skafu_installed", False):
            return
        backend, response = CloudWatchBackend, CloudWatchResponse
        patches: list[tuple[type, str, Callable[..., Any]]] = [
            (backend, "put_metric_alarm", _wrap_put_metric_alarm(backend.put_metric_alarm)),
            (backend, "set_alarm_state", _wrap_set_alarm_state(backend.set_alarm_state)),
            (backend, "put_metric_data", _put_metric_data),
            (backend, "get_metric_data", _get_metric_data),
            (backend, "get_metric_statistics", _get_metric_statistics),
            (backend, "get_filtered_metrics", _get_filtered_metrics),
            (response, "get_metric_data", _resp_get_metric_data),
            (response, "get_metric_statistics", _resp_get_metric_statistics),
            (response, "describe_alarm_history", _resp_describe_alarm_history),  # moto has none
        ]
        for cls, name, fn in patches:
            setattr(cls, name, fn)
        seed_kind("alarm-history")(seed_alarm_history)
        from . import cloudwatch_put

        cloudwatch_put.register()
        on_reset(reset)
        setattr(CloudWatchBackend, "_skafu_installed", True)  # noqa: B010
