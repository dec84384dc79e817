"""AWS Config compliance: stock moto can't store evaluations or answer compliance reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.demo.conftest import Aws

pytestmark = [pytest.mark.gap, pytest.mark.xdist_group("demo")]

T0 = datetime(2025, 3, 14, 6, 0, tzinfo=UTC)
RULES = {
    "s3-bucket-server-side-encryption-enabled": "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
    "rds-storage-encrypted": "RDS_STORAGE_ENCRYPTED",
    "db-instance-backup-enabled": "DB_INSTANCE_BACKUP_ENABLED",
}
S3_RULE, RDS_RULE, BACKUP_RULE = RULES
EVALUATIONS: dict[str, list[tuple[str, str, str]]] = {
    S3_RULE: [
        ("AWS::S3::Bucket", "skafu-artifacts", "COMPLIANT"),
        ("AWS::S3::Bucket", "skafu-exports", "NON_COMPLIANT"),
        ("AWS::S3::Bucket", "skafu-logs", "COMPLIANT"),
        ("AWS::S3::Bucket", "skafu-web", "NON_COMPLIANT"),
    ],
    RDS_RULE: [("AWS::RDS::DBInstance", "skafu-db", "COMPLIANT")],
}


def evaluation(resource_type: str, resource_id: str, compliance: str, at: datetime) -> dict[str, Any]:
    return {
        "ComplianceResourceType": resource_type,
        "ComplianceResourceId": resource_id,
        "ComplianceType": compliance,
        "OrderingTimestamp": at,
        "Annotation": f"{resource_id} is {compliance}",
    }


async def setup_rules(ext: Aws) -> None:
    async with ext.client("config") as config:
        for name, identifier in RULES.items():
            await config.put_config_rule(
                ConfigRule={
                    "ConfigRuleName": name,
                    "Source": {"Owner": "AWS", "SourceIdentifier": identifier},
                }
            )
        for rule, rows in EVALUATIONS.items():
            await config.put_evaluations(ResultToken=rule, Evaluations=[evaluation(*row, T0) for row in rows])


async def test_stock_moto_fails_compliance_calls(stock: Aws) -> None:
    await stock.fails(
        "config",
        "put_evaluations",
        500,
        ResultToken=S3_RULE,
        Evaluations=[evaluation("AWS::S3::Bucket", "b", "COMPLIANT", T0)],
    )
    await stock.fails("config", "describe_compliance_by_config_rule", 500)
    await stock.fails("config", "get_compliance_details_by_config_rule", 500, ConfigRuleName=S3_RULE)
    await stock.fails("config", "get_compliance_summary_by_config_rule", 500)
    await stock.fails("config", "describe_config_rule_evaluation_status", 500)


async def test_compliance_by_rule_and_summary(ext: Aws) -> None:
    await setup_rules(ext)
    async with ext.client("config") as config:
        answer = await config.describe_compliance_by_config_rule()
        by_rule = {r["ConfigRuleName"]: r["Compliance"] for r in answer["ComplianceByConfigRules"]}
        failing = sum(1 for *_, c in EVALUATIONS[S3_RULE] if c == "NON_COMPLIANT")
        assert by_rule[S3_RULE] == {
            "ComplianceType": "NON_COMPLIANT",
            "ComplianceContributorCount": {"CappedCount": failing, "CapExceeded": False},
        }
        assert by_rule[RDS_RULE]["ComplianceType"] == "COMPLIANT"
        assert by_rule[BACKUP_RULE]["ComplianceType"] == "INSUFFICIENT_DATA"

        only = await config.describe_compliance_by_config_rule(ComplianceTypes=["NON_COMPLIANT"])
        assert [r["ConfigRuleName"] for r in only["ComplianceByConfigRules"]] == [S3_RULE]

        summary = (await config.get_compliance_summary_by_config_rule())["ComplianceSummary"]
        assert summary["NonCompliantResourceCount"]["CappedCount"] == 1
        assert summary["CompliantResourceCount"]["CappedCount"] == 1

        status = await config.describe_config_rule_evaluation_status(ConfigRuleNames=[S3_RULE, BACKUP_RULE])
        rows = {r["ConfigRuleName"]: r for r in status["ConfigRulesEvaluationStatus"]}
        assert rows[S3_RULE]["LastSuccessfulEvaluationTime"] == T0
        assert rows[S3_RULE]["FirstEvaluationStarted"] is True
        assert rows[BACKUP_RULE]["FirstEvaluationStarted"] is False
        assert rows[S3_RULE]["ConfigRuleArn"].startswith("arn:aws:config:us-east-1:")


async def test_compliance_details_filter_page_and_latest_wins(ext: Aws) -> None:
    await setup_rules(ext)
    async with ext.client("config") as config:
        later = T0 + timedelta(hours=1)
        await config.put_evaluations(
            ResultToken=S3_RULE, Evaluations=[evaluation("AWS::S3::Bucket", "skafu-web", "COMPLIANT", later)]
        )
        truth = {rid: c for _, rid, c in EVALUATIONS[S3_RULE]} | {"skafu-web": "COMPLIANT"}

        bad = await config.get_compliance_details_by_config_rule(
            ConfigRuleName=S3_RULE, ComplianceTypes=["NON_COMPLIANT"]
        )
        results = bad["EvaluationResults"]
        assert [r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] for r in results] == [
            rid for rid, c in sorted(truth.items()) if c == "NON_COMPLIANT"
        ]
        first_id = results[0]["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]
        assert results[0]["Annotation"] == f"{first_id} is NON_COMPLIANT"

        seen, token = [], None
        while True:
            page = await config.get_compliance_details_by_config_rule(
                ConfigRuleName=S3_RULE, Limit=1, **({"NextToken": token} if token else {})
            )
            seen += [
                (
                    r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"],
                    r["ComplianceType"],
                )
                for r in page["EvaluationResults"]
            ]
            token = page.get("NextToken")
            if not token:
                break
        assert seen == sorted(truth.items())

    error = await ext.fails("config", "get_compliance_details_by_config_rule", 400, ConfigRuleName="nope")
    assert error["Code"] == "NoSuchConfigRuleException"
    error = await ext.fails(
        "config",
        "put_evaluations",
        400,
        ResultToken="not-a-rule",
        Evaluations=[evaluation("AWS::S3::Bucket", "b", "COMPLIANT", T0)],
    )
    assert error["Code"] == "InvalidResultTokenException"
