"""Compliance: Config score, backups, log retention, encryption and access control."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_assess_support import CFG, NOW, snap

from skafu_tui.assess import Level, assess
from skafu_tui.models import (
    BackupJob,
    BackupState,
    Bucket,
    Compliance,
    ConfigRuleCompliance,
    DbInstance,
    Finding,
    LogGroup,
    ResourceRef,
)


def rule(name: str, compliance: Compliance, *bad: tuple[str, str]) -> ConfigRuleCompliance:
    return ConfigRuleCompliance(
        rule_name=name, compliance=compliance,
        non_compliant=tuple(ResourceRef(resource_type=t, resource_id=i) for t, i in bad),
    )


def test_compliance_score_counts_only_evaluated_rules() -> None:
    rules = (
        rule("a", Compliance.COMPLIANT),
        rule("b", Compliance.COMPLIANT),
        rule("c", Compliance.COMPLIANT),
        rule("d", Compliance.NON_COMPLIANT, ("AWS::S3::Bucket", "x")),
        rule("e", Compliance.NOT_APPLICABLE),
        rule("f", Compliance.INSUFFICIENT_DATA),
    )
    a = assess(snap(config_rules=rules), CFG, NOW)
    c = a.compliance.config
    assert c.score_pct == pytest.approx(3 / 4 * 100)
    assert (c.compliant, c.non_compliant, c.not_evaluated) == (3, 1, 2)
    assert c.rules[0].rule_name == "d"  # non-compliant first
    check = a.check("compliance.config")
    assert check is not None and check.status is Level.FAIL and "75.0%" in check.evidence


def test_no_evaluated_rule_gives_no_score_and_an_unknown_check() -> None:
    a = assess(snap(config_rules=(rule("e", Compliance.NOT_APPLICABLE),)), CFG, NOW)
    assert a.compliance.score_pct is None
    check = a.check("compliance.config")
    assert check is not None and check.status is Level.UNKNOWN


def job(jid: str, state: BackupState, ago: timedelta) -> BackupJob:
    return BackupJob(id=jid, state=state, created_at=NOW - ago,
                     completed_at=NOW - ago + timedelta(minutes=10))


def test_backup_failure_in_24h_fails_even_after_later_success() -> None:
    jobs = (job("ok1", BackupState.COMPLETED, timedelta(hours=2)),
            job("bad", BackupState.FAILED, timedelta(hours=10)))
    a = assess(snap(backup_jobs=jobs), CFG, NOW)
    b = a.compliance.backups
    assert (b.completed, [j.id for j in b.failed]) == (1, ["bad"])
    assert b.level is Level.FAIL
    check = a.check("compliance.backup")
    assert check is not None and check.status is Level.FAIL and "1 failed" in check.evidence


def test_backup_age_limit_edge() -> None:
    limit = timedelta(hours=CFG.backup.max_age_hours)
    done_at_limit = BackupJob(id="j", state=BackupState.COMPLETED,
                              created_at=NOW - limit - timedelta(minutes=5), completed_at=NOW - limit)
    assert assess(snap(backup_jobs=(done_at_limit,)), CFG, NOW).compliance.backups.level is Level.OK
    too_old = done_at_limit.model_copy(update={"completed_at": NOW - limit - timedelta(seconds=1)})
    assert assess(snap(backup_jobs=(too_old,)), CFG, NOW).compliance.backups.level is Level.FAIL
    assert assess(snap(backup_jobs=()), CFG, NOW).compliance.backups.level is Level.FAIL


def test_log_retention_against_policy() -> None:
    policy = CFG.security.log_retention_min_days
    groups = (
        LogGroup(name="/never", retention_days=None),
        LogGroup(name="/at-policy", retention_days=policy),
        LogGroup(name="/short", retention_days=policy - 1),
    )
    a = assess(snap(log_groups=groups), CFG, NOW)
    assert [g.name for g in a.compliance.retention.below_policy] == ["/short"]
    check = a.check("compliance.log_retention")
    assert check is not None and check.status is Level.FAIL and "/short" in check.evidence
    fine = assess(snap(log_groups=groups[:2]), CFG, NOW).check("compliance.log_retention")
    assert fine is not None and fine.status is Level.OK


def test_encryption_default_sse_s3_is_encrypted_config_rule_and_rds_flag_are_not() -> None:
    s3_rule, rds_rule = CFG.security.encryption_rule_names
    buckets = (Bucket(name="explicit", accessible=True, encryption="aws:kms"),
               Bucket(name="default", accessible=True, encryption=None))
    dbs = (DbInstance(id="db1", status="available", encrypted=True),)
    a = assess(snap(buckets=buckets, db_instances=dbs), CFG, NOW)
    assert a.compliance.encryption.level is Level.OK
    assert {e.bucket.name: e.how for e in a.compliance.encryption.buckets}["default"] == "default SSE-S3"

    flagged = (rule(s3_rule, Compliance.NON_COMPLIANT, ("AWS::S3::Bucket", "default")),
               rule(rds_rule, Compliance.COMPLIANT))
    dbs2 = (*dbs, DbInstance(id="db2", status="available", encrypted=False))
    a = assess(snap(buckets=buckets, db_instances=dbs2, config_rules=flagged), CFG, NOW)
    enc = a.compliance.encryption
    assert enc.unencrypted_buckets == ("default",) and enc.unencrypted_databases == ("db2",)
    check = a.check("compliance.encryption")
    assert check is not None and check.status is Level.FAIL
    assert "default" in check.evidence and "db2" in check.evidence


def test_access_control_rules_and_iam_findings() -> None:
    iam_finding = Finding(id="f", type="UnauthorizedAccess:IAMUser/ConsoleLogin", severity=5.0, title="t",
                          created_at=NOW, updated_at=NOW)
    a = assess(snap(findings=(iam_finding,),
                    config_rules=(rule("iam-root-access-key-check", Compliance.COMPLIANT),)), CFG, NOW)
    assert a.compliance.access.level is Level.WARN
    a = assess(snap(config_rules=(rule("s3-bucket-public-read-prohibited", Compliance.NON_COMPLIANT,
                                       ("AWS::S3::Bucket", "b")),)), CFG, NOW)
    check = a.check("compliance.access_control")
    assert check is not None and check.status is Level.FAIL
    assert "s3-bucket-public-read-prohibited" in check.evidence
