"""AWS Config compliance: PutEvaluations that stores, and the four compliance reads.

Rules come from moto (``put_config_rule``); evaluations are kept here per account and region.
``ResultToken`` names the rule the evaluations belong to (its name, ARN or id): in AWS the
token is opaque and handed to the rule's Lambda; here the seeder has no Lambda to get one from.
Times: ``ConfigRuleInvokedTime`` and ``ResultRecordedTime`` are the evaluation's
``OrderingTimestamp``, so answers are deterministic for a given scenario.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from skafu_tui.demo.ext.base import LOCK, AwsError, Call, PerAccount, json_operation
from skafu_tui.demo.ext.paging import limit, page
from skafu_tui.demo.ext.shapes import parse_input

SERVICE = "config"
_EVALUATIONS: PerAccount[dict[str, dict[str, dict[tuple[str, str], dict[str, Any]]]]] = PerAccount(dict)
"""account -> region -> rule name -> (resource type, resource id) -> latest evaluation."""


@dataclass(frozen=True)
class _Rule:
    name: str
    arn: str
    rule_id: str


def _rules(call: Call) -> dict[str, _Rule]:
    from moto.config.models import config_backends

    backend = config_backends[call.account][call.region]
    return {
        name: _Rule(name, rule.config_rule_arn, rule.config_rule_id)
        for name, rule in backend.config_rules.items()
    }


def _no_rule(names: list[str]) -> AwsError:
    return AwsError(
        "NoSuchConfigRuleException", f"The ConfigRule '{names[0]}' provided in the request is invalid."
    )


def _bad_token(message: str) -> AwsError:
    return AwsError("InvalidNextTokenException", message)


def _stored(call: Call) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    with LOCK:
        return _EVALUATIONS.get(call.account).setdefault(call.region, {})


def _compliance(evaluations: list[dict[str, Any]]) -> dict[str, Any]:
    """A rule's compliance from its latest evaluation per resource, as AWS summarises it."""
    noncompliant = sum(1 for e in evaluations if e["ComplianceType"] == "NON_COMPLIANT")
    if noncompliant:
        return {
            "ComplianceType": "NON_COMPLIANT",
            "ComplianceContributorCount": {
                "CappedCount": min(noncompliant, 100),
                "CapExceeded": noncompliant > 100,
            },
        }
    if any(e["ComplianceType"] == "COMPLIANT" for e in evaluations):
        return {"ComplianceType": "COMPLIANT"}
    return {"ComplianceType": "INSUFFICIENT_DATA"}


def _pick(call: Call, names: list[str] | None) -> list[_Rule]:
    rules = _rules(call)
    missing = [n for n in names or [] if n not in rules]
    if missing:
        raise _no_rule(missing)
    return [rules[n] for n in names] if names else list(rules.values())


@json_operation(SERVICE, "PutEvaluations")
def put_evaluations(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "PutEvaluations", call)
    token = req["ResultToken"]
    rule = next((r for r in _rules(call).values() if token in (r.name, r.arn, r.rule_id)), None)
    if rule is None:
        raise AwsError("InvalidResultTokenException", "The specified ResultToken is not valid.")
    evaluations = req.get("Evaluations") or []
    if not evaluations:
        raise AwsError(
            "InvalidParameterValueException", "The Evaluations object in your request cannot be null."
        )
    if len(evaluations) > 100:
        raise AwsError("ValidationException", "Evaluations must contain at most 100 items")
    if any(e["ComplianceType"] == "INSUFFICIENT_DATA" for e in evaluations):
        raise AwsError(
            "InvalidParameterValueException",
            "INSUFFICIENT_DATA is not a valid ComplianceType for PutEvaluations",
        )
    if req.get("TestMode"):
        return {"FailedEvaluations": []}
    with LOCK:
        per_rule = _stored(call).setdefault(rule.name, {})
        for e in evaluations:
            slot = (e["ComplianceResourceType"], e["ComplianceResourceId"])
            if slot not in per_rule or per_rule[slot]["OrderingTimestamp"] <= e["OrderingTimestamp"]:
                per_rule[slot] = dict(e)
    return {"FailedEvaluations": []}


@json_operation(SERVICE, "DescribeComplianceByConfigRule")
def describe_compliance_by_config_rule(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "DescribeComplianceByConfigRule", call)
    wanted = set(req.get("ComplianceTypes") or [])
    stored = _stored(call)
    with LOCK:
        rows: list[dict[str, Any]] = [
            {"ConfigRuleName": r.name, "Compliance": _compliance(list(stored.get(r.name, {}).values()))}
            for r in _pick(call, req.get("ConfigRuleNames"))
        ]
    rows = [r for r in rows if not wanted or r["Compliance"]["ComplianceType"] in wanted]
    chunk, token = page(
        rows, lambda r: (r["ConfigRuleName"],), 25, req.get("NextToken"), bad_token=_bad_token
    )
    return {"ComplianceByConfigRules": chunk, **({"NextToken": token} if token else {})}


@json_operation(SERVICE, "GetComplianceDetailsByConfigRule")
def get_compliance_details_by_config_rule(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "GetComplianceDetailsByConfigRule", call)
    rule = _pick(call, [req["ConfigRuleName"]])[0]
    wanted = set(req.get("ComplianceTypes") or [])
    size = (
        limit(req.get("Limit"), default=10, low=0, high=100, code="InvalidLimitException", name="Limit") or 10
    )
    with LOCK:
        evaluations = [e for e in _stored(call).get(rule.name, {}).values()]
    chosen = [e for e in evaluations if not wanted or e["ComplianceType"] in wanted]
    chunk, token = page(
        chosen,
        lambda e: (e["ComplianceResourceType"], e["ComplianceResourceId"]),
        size,
        req.get("NextToken"),
        bad_token=_bad_token,
    )
    results = []
    for e in chunk:
        result = {
            "EvaluationResultIdentifier": {
                "EvaluationResultQualifier": {
                    "ConfigRuleName": rule.name,
                    "ResourceType": e["ComplianceResourceType"],
                    "ResourceId": e["ComplianceResourceId"],
                    "EvaluationMode": "DETECTIVE",
                },
                "OrderingTimestamp": e["OrderingTimestamp"],
            },
            "ComplianceType": e["ComplianceType"],
            "ResultRecordedTime": e["OrderingTimestamp"],
            "ConfigRuleInvokedTime": e["OrderingTimestamp"],
        }
        if "Annotation" in e:
            result["Annotation"] = e["Annotation"]
        results.append(result)
    return {"EvaluationResults": results, **({"NextToken": token} if token else {})}


@json_operation(SERVICE, "GetComplianceSummaryByConfigRule")
def get_compliance_summary_by_config_rule(call: Call) -> dict[str, Any]:
    stored = _stored(call)
    with LOCK:
        kinds = [
            _compliance(list(stored.get(r.name, {}).values()))["ComplianceType"] for r in _pick(call, None)
        ]
    compliant, noncompliant = kinds.count("COMPLIANT"), kinds.count("NON_COMPLIANT")
    return {
        "ComplianceSummary": {
            "CompliantResourceCount": {"CappedCount": min(compliant, 25), "CapExceeded": compliant > 25},
            "NonCompliantResourceCount": {
                "CappedCount": min(noncompliant, 25),
                "CapExceeded": noncompliant > 25,
            },
            "ComplianceSummaryTimestamp": time.time(),
        }
    }


@json_operation(SERVICE, "DescribeConfigRuleEvaluationStatus")
def describe_config_rule_evaluation_status(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "DescribeConfigRuleEvaluationStatus", call)
    size = (
        limit(req.get("Limit"), default=50, low=0, high=50, code="InvalidLimitException", name="Limit") or 50
    )
    stored = _stored(call)
    rows = []
    with LOCK:
        for rule in _pick(call, req.get("ConfigRuleNames")):
            row: dict[str, Any] = {
                "ConfigRuleName": rule.name,
                "ConfigRuleArn": rule.arn,
                "ConfigRuleId": rule.rule_id,
            }
            stamps = [e["OrderingTimestamp"] for e in stored.get(rule.name, {}).values()]
            row["FirstEvaluationStarted"] = bool(stamps)
            if stamps:
                row["FirstActivatedTime"] = min(stamps)
                row["LastSuccessfulInvocationTime"] = max(stamps)
                row["LastSuccessfulEvaluationTime"] = max(stamps)
            rows.append(row)
    chunk, token = page(
        rows, lambda r: (r["ConfigRuleName"],), size, req.get("NextToken"), bad_token=_bad_token
    )
    return {"ConfigRulesEvaluationStatus": chunk, **({"NextToken": token} if token else {})}
