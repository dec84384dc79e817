"""GuardDuty findings: ListFindings, GetFindings, GetFindingsStatistics and their seed.

moto keeps detectors (and answers for them); findings hang off those detectors here. Findings
are stored in their rest-json wire form (``severity``, ``service.archived``) because
FindingCriteria names attributes by those very paths.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from skafu_tui.demo.ext.base import (
    DEFAULT_REGION,
    LOCK,
    AwsError,
    Call,
    PerAccount,
    SeedError,
    rest_operation,
    seed_kind,
)
from skafu_tui.demo.ext.paging import SortKey, limit, page, parse_time, sortable
from skafu_tui.demo.ext.shapes import check, output_shape, parse_input, shape, to_wire

SERVICE = "guardduty"
_DETECTOR = r"/detector/(?P<DetectorId>[^/]+)"
_FINDINGS: PerAccount[dict[str, dict[str, dict[str, Any]]]] = PerAccount(dict)
"""account -> detector id -> finding id -> finding (wire form)."""


def _bad(message: str) -> AwsError:
    return AwsError("BadRequestException", message)


def _detectors(account: str) -> dict[str, str]:
    """Detector id -> region for every detector moto holds in this account (default region first)."""
    from moto.guardduty.models import guardduty_backends

    regional = guardduty_backends[account]
    regions = sorted(regional.keys(), key=lambda r: (r != DEFAULT_REGION, r))
    return {d: region for region in regions for d in regional[region].detectors}


def _owned(call: Call, detector_id: str) -> dict[str, dict[str, Any]]:
    if _detectors(call.account).get(detector_id) != call.region:
        raise _bad(
            "The request is rejected because the input detectorId is not owned by the current account."
        )
    with LOCK:
        return dict(_FINDINGS.get(call.account).get(detector_id, {}))


# --- FindingCriteria ----------------------------------------------------------------------


def _leaves(doc: Any, path: str) -> list[Any]:
    values = [doc]
    for part in path.split("."):
        nxt: list[Any] = []
        for value in values:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and part in item:
                    child = item[part]
                    nxt.extend(child if isinstance(child, list) else [child])
        values = nxt
    return values


def _number(value: Any) -> float | None:
    """Numbers as is; ISO timestamps as epoch milliseconds (what criteria on ``updatedAt`` use)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            return parse_time(value) * 1000.0
        except ValueError:
            return None
    return None


def _equal(value: Any, wanted: str) -> bool:
    if isinstance(value, bool):
        return wanted.lower() == ("true" if value else "false")
    number, other = _number(value), _number(wanted)
    if isinstance(value, int | float) and number is not None and other is not None:
        return number == other
    return str(value) == wanted


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "Gt": lambda a, b: a > b,
    "GreaterThan": lambda a, b: a > b,
    "Gte": lambda a, b: a >= b,
    "GreaterThanOrEqual": lambda a, b: a >= b,
    "Lt": lambda a, b: a < b,
    "LessThan": lambda a, b: a < b,
    "Lte": lambda a, b: a <= b,
    "LessThanOrEqual": lambda a, b: a <= b,
}


def _holds(values: list[Any], operator: str, argument: Any) -> bool:
    if operator in ("Eq", "Equals"):
        return any(_equal(v, w) for v in values for w in argument)
    if operator in ("Neq", "NotEquals"):
        return not any(_equal(v, w) for v in values for w in argument)
    if operator == "Matches":
        return any(fnmatch.fnmatchcase(str(v), w) for v in values for w in argument)
    if operator == "NotMatches":
        return not any(fnmatch.fnmatchcase(str(v), w) for v in values for w in argument)
    compare = _COMPARE[operator]
    return any((n := _number(v)) is not None and compare(n, float(argument)) for v in values)


def _select(findings: dict[str, dict[str, Any]], criteria: dict[str, Any] | None) -> list[dict[str, Any]]:
    criterion: dict[str, dict[str, Any]] = (criteria or {}).get("Criterion", {})
    return [
        f
        for f in findings.values()
        if all(
            _holds(_leaves(f, attr), op, arg) for attr, cond in criterion.items() for op, arg in cond.items()
        )
    ]


def _ordering(sort: dict[str, Any] | None) -> tuple[Callable[[dict[str, Any]], SortKey], bool]:
    """Sort key and direction; without SortCriteria, the most recently updated first."""
    attribute = (sort or {}).get("AttributeName", "updatedAt")
    descending = (sort or {}).get("OrderBy", "DESC" if sort is None else "ASC") == "DESC"

    def key(finding: dict[str, Any]) -> SortKey:
        leaves = _leaves(finding, attribute)
        return (*sortable(leaves[0] if leaves else None), finding["id"])

    return key, descending


# --- operations ---------------------------------------------------------------------------


@rest_operation(SERVICE, "POST", _DETECTOR + "/findings", "ListFindings")
def list_findings(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "ListFindings", call)
    chosen = _select(_owned(call, req["DetectorId"]), req.get("FindingCriteria"))
    size = limit(
        req.get("MaxResults"), default=50, low=1, high=50, code="BadRequestException", name="maxResults"
    )
    key, descending = _ordering(req.get("SortCriteria"))
    chunk, token = page(chosen, key, size, req.get("NextToken"), descending=descending, bad_token=_bad)
    result: dict[str, Any] = {"FindingIds": [f["id"] for f in chunk]}
    if token:
        result["NextToken"] = token
    return dict(to_wire(output_shape(SERVICE, "ListFindings"), result))


@rest_operation(SERVICE, "POST", _DETECTOR + "/findings/get", "GetFindings")
def get_findings(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "GetFindings", call)
    findings = _owned(call, req["DetectorId"])
    wanted = req["FindingIds"]
    if len(wanted) > 50:
        raise _bad("findingIds must contain at most 50 ids")
    found = [findings[i] for i in dict.fromkeys(wanted) if i in findings]
    if req.get("SortCriteria"):
        key, descending = _ordering(req["SortCriteria"])
        found.sort(key=key, reverse=descending)
    return {"findings": found}


def _stamp(finding: dict[str, Any]) -> float:
    return parse_time(finding["updatedAt"])


def _group_key(group_by: str) -> tuple[Callable[[dict[str, Any]], Any], Callable[[Any], dict[str, Any]]]:
    """How GetFindingsStatistics groups (key of a finding) and names a group (fields of a row)."""
    if group_by == "SEVERITY":
        return (lambda f: f["severity"]), (lambda k: {"Severity": k})
    if group_by == "FINDING_TYPE":
        return (lambda f: f["type"]), (lambda k: {"FindingType": k})
    if group_by == "ACCOUNT":
        return (lambda f: f["accountId"]), (lambda k: {"AccountId": k})
    if group_by == "DATE":

        def day(f: dict[str, Any]) -> float:
            moment = datetime.fromtimestamp(_stamp(f), UTC)
            return datetime(moment.year, moment.month, moment.day, tzinfo=UTC).timestamp()

        return day, (lambda k: {"Date": k})

    def resource(f: dict[str, Any]) -> tuple[str, str]:
        res = f.get("resource", {})
        ids = [
            *_leaves(res, "instanceDetails.instanceId"),
            *_leaves(res, "accessKeyDetails.accessKeyId"),
            *_leaves(res, "s3BucketDetails.name"),
            *_leaves(res, "eksClusterDetails.name"),
        ]
        return str(res.get("resourceType", "")), str(ids[0]) if ids else ""

    return resource, (lambda k: {"ResourceType": k[0], "ResourceId": k[1]})


@rest_operation(SERVICE, "POST", _DETECTOR + "/findings/statistics", "GetFindingsStatistics")
def get_findings_statistics(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "GetFindingsStatistics", call)
    chosen = _select(_owned(call, req["DetectorId"]), req.get("FindingCriteria"))
    types, group_by = req.get("FindingStatisticTypes") or [], req.get("GroupBy")
    if not types and not group_by:
        raise _bad("Either findingStatisticTypes or groupBy must be specified")
    stats: dict[str, Any] = {}
    if "COUNT_BY_SEVERITY" in types:
        counts: dict[str, int] = {}
        for f in chosen:
            label = str(float(f["severity"]))
            counts[label] = counts.get(label, 0) + 1
        stats["CountBySeverity"] = counts
    if group_by:
        size = limit(
            req.get("MaxResults"), default=25, low=1, high=100, code="BadRequestException", name="maxResults"
        )
        key, fields = _group_key(group_by)
        groups: dict[Any, list[dict[str, Any]]] = {}
        for f in chosen:
            groups.setdefault(key(f), []).append(f)
        rows = []
        for k, members in groups.items():
            row = {**fields(k), "TotalFindings": len(members), "LastGeneratedAt": max(map(_stamp, members))}
            if group_by == "DATE":
                row["Severity"] = max(float(m["severity"]) for m in members)
            rows.append(row)
        rows.sort(
            key=lambda r: (r["TotalFindings"], r["LastGeneratedAt"]), reverse=req.get("OrderBy") != "ASC"
        )
        member = {
            "SEVERITY": "GroupedBySeverity",
            "FINDING_TYPE": "GroupedByFindingType",
            "ACCOUNT": "GroupedByAccount",
            "DATE": "GroupedByDate",
            "RESOURCE": "GroupedByResource",
        }
        stats[member[group_by]] = rows[:size]
    return dict(to_wire(output_shape(SERVICE, "GetFindingsStatistics"), {"FindingStatistics": stats}))


# --- seed ---------------------------------------------------------------------------------


@seed_kind("guardduty-findings")
def seed_findings(account: str, items: list[dict[str, Any]]) -> int:
    """GuardDuty ``Finding`` objects as GetFindings returns them (SDK member names)."""
    finding_shape = shape(SERVICE, "Finding")
    detectors = _detectors(account)
    prepared: list[tuple[str, dict[str, Any]]] = []
    for i, item in enumerate(items):
        where = f"[{i}]"
        finding = check(finding_shape, item, where)
        for stamp in ("CreatedAt", "UpdatedAt"):
            try:
                parse_time(finding[stamp])
            except ValueError:
                raise SeedError(f"{where}.{stamp}: expected an ISO 8601 timestamp") from None
        service = finding.setdefault("Service", {})
        detector = service.get("DetectorId") or next(iter(detectors), None)
        if detector is None:
            raise SeedError(f"{where}.Service.DetectorId: missing and account {account} has no detector")
        if detector not in detectors:
            raise SeedError(f"{where}.Service.DetectorId: no detector {detector} in account {account}")
        service["DetectorId"] = detector
        service.setdefault("Archived", False)
        service.setdefault("ServiceName", "guardduty")
        prepared.append((detector, to_wire(finding_shape, finding)))
    with LOCK:
        store = _FINDINGS.get(account)
        for detector, finding in prepared:
            store.setdefault(detector, {})[finding["id"]] = finding
    return len(prepared)
