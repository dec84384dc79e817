"""The seeded skafu scenario read back through aiobotocore, the product's own AWS path.

Each test reads a seeded fact with the call the dashboard uses and compares it with the
scenario's truth (``skafu_tui.demo.scenario``), never with a literal.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from scenario_support import aws

from skafu_tui.demo import scenario as S

pytestmark = pytest.mark.xdist_group("skafu-demo")


def _query(qid: str, ns: str, metric: str, dims: dict[str, str], stat: str) -> dict[str, Any]:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {"Namespace": ns, "MetricName": metric,
                       "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]},
            "Period": 900,
            "Stat": stat,
        },
    }  # fmt: skip


async def test_p1_window_figures_match_the_scenario(skafu_scenario: Any) -> None:
    endpoint, sc = skafu_scenario
    f = skafu_scenario.facts
    api = {"ApiName": f.p1_service}
    # One 15-minute period starting at the window's first complete minute (CloudWatch rounds
    # StartTime down to the minute, so start - 15 min would take one minute more).
    first = min(p.ts for p in S.metric_series(sc, "AWS/ApiGateway", "Count", tuple(api.items())))
    async with aws(endpoint, "cloudwatch") as cw:
        resp = await cw.get_metric_data(
            MetricDataQueries=[
                _query("errors", "AWS/ApiGateway", "5XXError", api, "Sum"),
                _query("count", "AWS/ApiGateway", "Count", api, "Sum"),
                _query("p95", "AWS/ApiGateway", "Latency", api, "p95"),
            ],
            StartTime=first,
            EndTime=sc.start,
        )
    got = {r["Id"]: r["Values"] for r in resp["MetricDataResults"]}
    assert len(got["errors"]) == len(got["count"]) == len(got["p95"]) == 1
    assert 100 * got["errors"][0] / got["count"][0] == S.error_rate_pct(sc, f.p1_service)
    assert got["p95"][0] == S.p95_ms(sc, f.p1_service)


async def test_alarm_states_are_the_scenarios(skafu_scenario: Any) -> None:
    endpoint, sc = skafu_scenario
    async with aws(endpoint, "cloudwatch") as cw:
        alarms = (await cw.describe_alarms(MaxRecords=100))["MetricAlarms"]
        history = await cw.describe_alarm_history(HistoryItemType="StateUpdate", MaxRecords=100)
    assert {a["AlarmName"]: a["StateValue"] for a in alarms} == S.seeded_states(sc)
    older = S.seeded_history(sc)[0]
    assert any(
        h["AlarmName"] == older.alarm and abs(h["Timestamp"] - older.time) < timedelta(seconds=1)
        for h in history["AlarmHistoryItems"]
    )


async def test_the_deploy_event_is_found_by_lookup_events(skafu_scenario: Any) -> None:
    endpoint, sc = skafu_scenario
    f = skafu_scenario.facts
    async with aws(endpoint, "cloudtrail") as ct:
        resp = await ct.lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": f.deploy_event_name}],
            StartTime=sc.start - timedelta(hours=1),
            EndTime=sc.start,
        )
    (event,) = resp["Events"]
    assert (event["EventId"], event["Username"], event["EventTime"]) == (f.deploy_event_id, f.deployer, f.deploy_time)


async def test_the_high_severity_finding(skafu_scenario: Any) -> None:
    endpoint, _ = skafu_scenario
    f = skafu_scenario.facts
    async with aws(endpoint, "guardduty") as gd:
        (detector,) = (await gd.list_detectors())["DetectorIds"]
        ids = (
            await gd.list_findings(
                DetectorId=detector,
                FindingCriteria={"Criterion": {"severity": {"Gte": 7}, "service.archived": {"Eq": ["false"]}}},
            )
        )["FindingIds"]
        findings = (await gd.get_findings(DetectorId=detector, FindingIds=ids))["Findings"]
    assert [(x["Id"], x["Type"], x["Severity"]) for x in findings] == [
        (f.finding_id, f.finding_type, f.finding_severity)
    ]


async def test_the_certificate_expiring_in_9_days(skafu_scenario: Any) -> None:
    endpoint, _ = skafu_scenario
    f = skafu_scenario.facts
    async with aws(endpoint, "acm") as acm:
        certs = (await acm.list_certificates())["CertificateSummaryList"]
    by_domain = {c["DomainName"]: c["NotAfter"] for c in certs}
    assert by_domain[f.cert_domain] == f.cert_not_after


async def test_the_failed_backup(skafu_scenario: Any) -> None:
    endpoint, _ = skafu_scenario
    f = skafu_scenario.facts
    async with aws(endpoint, "backup") as backup:
        jobs = (await backup.list_backup_jobs(ByState="FAILED"))["BackupJobs"]
    assert [(j["BackupJobId"], j["CreationDate"]) for j in jobs] == [(f.failed_backup_job_id, f.failed_backup_time)]


async def test_encryption_compliance_and_resources(skafu_scenario: Any) -> None:
    endpoint, sc = skafu_scenario
    f = skafu_scenario.facts
    async with aws(endpoint, "config") as config:
        rules = await config.describe_compliance_by_config_rule(ComplianceTypes=["NON_COMPLIANT"])
        failing = {}
        for row in rules["ComplianceByConfigRules"]:
            details = await config.get_compliance_details_by_config_rule(
                ConfigRuleName=row["ConfigRuleName"], ComplianceTypes=["NON_COMPLIANT"]
            )
            failing[row["ConfigRuleName"]] = [
                r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]
                for r in details["EvaluationResults"]
            ]
    expected: dict[str, list[str]] = {}
    for e in S.evaluations(sc):
        if e.compliance == "NON_COMPLIANT":
            expected.setdefault(e.rule, []).append(e.resource_id)
    assert failing == expected
    async with aws(endpoint, "rds") as rds:
        dbs = (await rds.describe_db_instances())["DBInstances"]
    assert {d["DBInstanceIdentifier"] for d in dbs if not d["StorageEncrypted"]} == {f.noncompliant_db}


async def test_budget_and_unhealthy_target(skafu_scenario: Any) -> None:
    endpoint, _ = skafu_scenario
    f = skafu_scenario.facts
    async with aws(endpoint, "budgets") as budgets:
        budget = (await budgets.describe_budget(AccountId=S.ACCOUNT_ID, BudgetName=f.budget_name))["Budget"]
    assert float(budget["BudgetLimit"]["Amount"]) == f.budget_usd
    assert float(budget["CalculatedSpend"]["ForecastedSpend"]["Amount"]) == f.month_forecast_usd > f.budget_usd
    group, _ = f.unhealthy_target
    async with aws(endpoint, "elbv2") as elb:
        health = await elb.describe_target_health(TargetGroupArn=skafu_scenario.seeded.ids[f"tg:{group}"])
    bad = [(h["Target"]["Id"], h["TargetHealth"]["Reason"]) for h in health["TargetHealthDescriptions"]
           if h["TargetHealth"]["State"] == "unhealthy"]  # fmt: skip
    assert bad == [(skafu_scenario.seeded.unhealthy_target_id, f.unhealthy_reason)]


async def test_open_health_event_and_cost_anomaly(skafu_scenario: Any) -> None:
    endpoint, sc = skafu_scenario
    f = skafu_scenario.facts
    async with aws(endpoint, "health") as health:
        events = (await health.describe_events(filter={"eventStatusCodes": ["open"]}))["events"]
    assert [e["arn"] for e in events] == [f.open_health_event_arn]
    async with aws(endpoint, "ce") as ce:
        today = sc.start.date()
        anomalies = await ce.get_anomalies(
            DateInterval={"StartDate": (today - timedelta(days=10)).isoformat(), "EndDate": today.isoformat()},
            TotalImpact={"NumericOperator": "GREATER_THAN_OR_EQUAL", "StartValue": 50},
        )
    assert [(a["AnomalyId"], a["RootCauses"][0]["Service"]) for a in anomalies["Anomalies"]] == [
        (f.anomaly_id, f.spike_service)
    ]
