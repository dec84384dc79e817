"""The skafu platform's resources (what inventory calls list) and their Config compliance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from skafu_tui.demo.scenario_model import ACCOUNT_ID, SERVICES, Scenario

LOG_RETENTION_POLICY_DAYS = 30


@dataclass(frozen=True)
class ConfigRule:
    name: str
    identifier: str
    resource_type: str
    params: Mapping[str, str] | None = None


CONFIG_RULES: tuple[ConfigRule, ...] = (
    ConfigRule(
        "s3-bucket-server-side-encryption-enabled",
        "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        "AWS::S3::Bucket",
    ),
    ConfigRule("rds-storage-encrypted", "RDS_STORAGE_ENCRYPTED", "AWS::RDS::DBInstance"),
    ConfigRule(
        "cw-loggroup-retention-period-check",
        "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
        "AWS::Logs::LogGroup",
        {"MinRetentionTime": "30"},
    ),
    ConfigRule("db-instance-backup-enabled", "DB_INSTANCE_BACKUP_ENABLED", "AWS::RDS::DBInstance"),
    ConfigRule("s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "AWS::S3::Bucket"),
    ConfigRule("iam-root-access-key-check", "IAM_ROOT_ACCESS_KEY_CHECK", "AWS::::Account"),
)


@dataclass(frozen=True)
class Bucket:
    name: str
    encryption: str | None
    """``aws:kms``, ``AES256``, or None: no encryption configuration (the Config rule flags it)."""


@dataclass(frozen=True)
class DbInstance:
    id: str
    engine: str
    instance_class: str
    encrypted: bool
    backup_retention_days: int
    allocated_gb: int


@dataclass(frozen=True)
class LogGroup:
    name: str
    retention_days: int


BUCKETS: tuple[Bucket, ...] = (
    Bucket("skafu-prod-artifacts", "aws:kms"),
    Bucket("skafu-prod-user-uploads", "AES256"),
    Bucket("skafu-prod-web-assets", "AES256"),
    Bucket("skafu-cloudtrail-logs", "AES256"),
    Bucket("skafu-analytics-exports", None),
)
NONCOMPLIANT_BUCKET = "skafu-analytics-exports"
WEB_ASSETS_BUCKET = "skafu-prod-web-assets"
TRAIL_BUCKET = "skafu-cloudtrail-logs"
TRAIL_NAME = "skafu-org-trail"

DB_INSTANCES: tuple[DbInstance, ...] = (
    DbInstance("skafu-prod-db", "postgres", "db.r6g.xlarge", True, 7, 500),
    DbInstance("skafu-analytics-db", "postgres", "db.t4g.large", False, 1, 100),
)
NONCOMPLIANT_DB = "skafu-analytics-db"

SHORT_RETENTION_LOG_GROUP = "/aws/lambda/skafu-github-integration-service"
SHORT_RETENTION_DAYS = 14
LOG_GROUPS: tuple[LogGroup, ...] = (
    *(
        LogGroup(
            f"/aws/lambda/{s.function_name}",
            SHORT_RETENTION_DAYS if f"/aws/lambda/{s.function_name}" == SHORT_RETENTION_LOG_GROUP else 30,
        )
        for s in SERVICES
    ),
    LogGroup("/aws/apigateway/skafu-access-logs", 90),
    LogGroup("/skafu/prod/audit", 365),
    LogGroup("/ecs/skafu-prod/web", 30),
)

TARGETS_PER_GROUP = {"skafu-api-tg": 3, "skafu-web-tg": 2}
UNHEALTHY_TARGET = ("skafu-api-tg", 2)
"""(target group, index of its instance) seeded unhealthy."""
UNHEALTHY_REASON = "Target.ResponseCodeMismatch"
UNHEALTHY_DESCRIPTION = "Health checks failed with these codes: [502]"

LAMBDA_ROLE = "skafu-lambda-exec"
BACKUP_VAULT = "skafu-prod-vault"
BACKUP_PLAN = "skafu-db-every-4h"
CLOUDFRONT_COMMENT = "skafu web app"


@dataclass(frozen=True)
class Evaluation:
    rule: str
    resource_type: str
    resource_id: str
    compliance: str
    annotation: str


def evaluations(sc: Scenario) -> list[Evaluation]:
    """Every Config rule's evaluation of every resource it covers."""
    del sc  # compliance does not move during the story; kept for a uniform signature
    out: list[Evaluation] = []
    for rule in CONFIG_RULES:
        if rule.name == "s3-bucket-server-side-encryption-enabled":
            for b in BUCKETS:
                ok = b.encryption is not None
                out.append(
                    Evaluation(
                        rule.name,
                        rule.resource_type,
                        b.name,
                        _c(ok),
                        "" if ok else "Bucket has no default server-side encryption configured.",
                    )
                )
        elif rule.name == "s3-bucket-public-read-prohibited":
            out.extend(Evaluation(rule.name, rule.resource_type, b.name, "COMPLIANT", "") for b in BUCKETS)
        elif rule.name == "rds-storage-encrypted":
            for d in DB_INSTANCES:
                out.append(
                    Evaluation(
                        rule.name,
                        rule.resource_type,
                        d.id,
                        _c(d.encrypted),
                        "" if d.encrypted else "StorageEncrypted is false.",
                    )
                )
        elif rule.name == "db-instance-backup-enabled":
            out.extend(
                Evaluation(rule.name, rule.resource_type, d.id, _c(d.backup_retention_days > 0), "")
                for d in DB_INSTANCES
            )
        elif rule.name == "cw-loggroup-retention-period-check":
            for g in LOG_GROUPS:
                ok = g.retention_days >= LOG_RETENTION_POLICY_DAYS
                out.append(
                    Evaluation(
                        rule.name,
                        rule.resource_type,
                        g.name,
                        _c(ok),
                        "" if ok else f"Retention {g.retention_days} days is below 30 days.",
                    )
                )
        elif rule.name == "iam-root-access-key-check":
            out.append(Evaluation(rule.name, rule.resource_type, ACCOUNT_ID, "COMPLIANT", ""))
    return out


def evaluation_time(sc: Scenario) -> timedelta:
    """How long before start Config last evaluated (its periodic run)."""
    del sc
    return timedelta(minutes=38)


def noncompliant(sc: Scenario, rule: str) -> list[str]:
    """Resource ids a rule finds NON_COMPLIANT."""
    return [e.resource_id for e in evaluations(sc) if e.rule == rule and e.compliance == "NON_COMPLIANT"]


def _c(ok: bool) -> str:
    return "COMPLIANT" if ok else "NON_COMPLIANT"
