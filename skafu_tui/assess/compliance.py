"""Compliance: AWS Config rules and score, backups, log retention, encryption, access control."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from skafu_tui.assess.common import Level, as_utc
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
from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.config import Config

DAY = timedelta(hours=24)
_EVALUATED = (Compliance.COMPLIANT, Compliance.NON_COMPLIANT)
_FAILED_BACKUP = (BackupState.FAILED, BackupState.ABORTED, BackupState.EXPIRED, BackupState.PARTIAL)
# AWS managed rule names about who can reach what (iam-*, *-public-*, root-account-mfa-…,
# access-keys-rotated, …): the generic vocabulary of Config rules, not anything platform-specific.
_ACCESS_RULE = re.compile(r"access|iam|public|mfa|root|policy|privilege", re.IGNORECASE)
_ACCESS_FINDING = re.compile(r"IAMUser|AccessKey|Policy:|PrivilegeEscalation|CredentialAccess")
_ENCRYPTION_RULE = re.compile(r"encrypt", re.IGNORECASE)


@dataclass(frozen=True)
class ConfigCompliance:
    rules: tuple[ConfigRuleCompliance, ...]
    """Non-compliant first, then by name."""
    score_pct: float | None
    """% COMPLIANT among rules evaluated (COMPLIANT or NON_COMPLIANT); None when none is."""
    compliant: int
    non_compliant: int
    not_evaluated: int
    """NOT_APPLICABLE or INSUFFICIENT_DATA: left out of the score."""

    @property
    def level(self) -> Level:
        if self.score_pct is None:
            return Level.UNKNOWN
        return Level.FAIL if self.non_compliant else Level.OK


@dataclass(frozen=True)
class BackupStatus:
    jobs_24h: tuple[BackupJob, ...]
    """Jobs created in the last 24 h, newest first."""
    completed: int
    failed: tuple[BackupJob, ...]
    running: int
    newest_completed_at: datetime | None
    newest_completed_age_h: float | None
    max_age_hours: float
    level: Level
    """fail on a failed job in 24 h or when the newest completed backup is older than the limit."""


@dataclass(frozen=True)
class RetentionStatus:
    groups: tuple[LogGroup, ...]
    below_policy: tuple[LogGroup, ...]
    min_days: int
    level: Level


@dataclass(frozen=True)
class BucketEncryption:
    bucket: Bucket
    encrypted: bool
    how: str
    """``aws:kms`` / ``AES256`` as configured, ``default SSE-S3`` without a rule, or the Config rule."""


@dataclass(frozen=True)
class EncryptionStatus:
    buckets: tuple[BucketEncryption, ...]
    databases: tuple[DbInstance, ...]
    unencrypted_buckets: tuple[str, ...]
    unencrypted_databases: tuple[str, ...]
    rule_violations: tuple[tuple[str, ResourceRef], ...]
    """(rule, resource) from the configured encryption Config rules."""
    level: Level


@dataclass(frozen=True)
class AccessControl:
    rules: tuple[ConfigRuleCompliance, ...]
    findings: tuple[Finding, ...]
    level: Level


@dataclass(frozen=True)
class ComplianceAssessment:
    config: ConfigCompliance
    backups: BackupStatus
    retention: RetentionStatus
    encryption: EncryptionStatus
    access: AccessControl

    @property
    def score_pct(self) -> float | None:
        return self.config.score_pct


def assess_config_rules(rules: tuple[ConfigRuleCompliance, ...]) -> ConfigCompliance:
    evaluated = [r for r in rules if r.compliance in _EVALUATED]
    compliant = sum(1 for r in evaluated if r.compliance is Compliance.COMPLIANT)
    order = {Compliance.NON_COMPLIANT: 0, Compliance.INSUFFICIENT_DATA: 1,
             Compliance.NOT_APPLICABLE: 2, Compliance.COMPLIANT: 3}
    return ConfigCompliance(
        rules=tuple(sorted(rules, key=lambda r: (order[r.compliance], r.rule_name))),
        score_pct=compliant / len(evaluated) * 100.0 if evaluated else None,
        compliant=compliant,
        non_compliant=len(evaluated) - compliant,
        not_evaluated=len(rules) - len(evaluated),
    )


def assess_backups(jobs: tuple[BackupJob, ...], cfg: Config, now: datetime) -> BackupStatus:
    now = as_utc(now)
    recent = sorted((j for j in jobs if as_utc(j.created_at) >= now - DAY),
                    key=lambda j: as_utc(j.created_at), reverse=True)
    done = [as_utc(j.completed_at or j.created_at) for j in jobs if j.state is BackupState.COMPLETED]
    newest = max(done, default=None)
    age = (now - newest).total_seconds() / 3600.0 if newest is not None else None
    max_age = float(cfg.backup.max_age_hours)
    failed = tuple(j for j in recent if j.state in _FAILED_BACKUP)
    if failed or age is None or age > max_age:
        level = Level.FAIL
    else:
        level = Level.OK
    return BackupStatus(
        jobs_24h=tuple(recent),
        completed=sum(1 for j in recent if j.state is BackupState.COMPLETED),
        failed=failed,
        running=sum(1 for j in recent if j.state in (BackupState.CREATED, BackupState.PENDING,
                                                      BackupState.RUNNING)),
        newest_completed_at=newest,
        newest_completed_age_h=age,
        max_age_hours=max_age,
        level=level,
    )


def assess_retention(groups: tuple[LogGroup, ...], cfg: Config) -> RetentionStatus:
    min_days = int(cfg.security.log_retention_min_days)
    ordered = tuple(sorted(groups, key=lambda g: g.name))
    # None is "never expire", which keeps logs at least as long as any policy asks.
    below = tuple(g for g in ordered if g.retention_days is not None and g.retention_days < min_days)
    level = Level.FAIL if below else Level.OK
    return RetentionStatus(groups=ordered, below_policy=below, min_days=min_days, level=level)


def assess_encryption(snapshot: Snapshot, cfg: Config) -> EncryptionStatus:
    named = set(cfg.security.encryption_rule_names)
    enc_rules = [r for r in snapshot.config_rules
                 if r.rule_name in named or (not named and _ENCRYPTION_RULE.search(r.rule_name))]
    violations = tuple((r.rule_name, ref) for r in enc_rules for ref in r.non_compliant)
    flagged = {ref.resource_id for _, ref in violations}
    buckets = []
    for b in sorted(snapshot.buckets, key=lambda b: b.name):
        if b.name in flagged:
            buckets.append(BucketEncryption(b, False, "non-compliant in AWS Config"))
        else:
            buckets.append(BucketEncryption(b, True, b.encryption or "default SSE-S3"))
    dbs = tuple(sorted(snapshot.db_instances, key=lambda d: d.id))
    bad_buckets = tuple(e.bucket.name for e in buckets if not e.encrypted)
    bad_dbs = tuple(d.id for d in dbs if not d.encrypted or d.id in flagged)
    level = Level.FAIL if bad_buckets or bad_dbs or violations else Level.OK
    return EncryptionStatus(tuple(buckets), dbs, bad_buckets, bad_dbs, violations, level)


def assess_access(snapshot: Snapshot, cfg: Config) -> AccessControl:
    rules = tuple(sorted((r for r in snapshot.config_rules if _ACCESS_RULE.search(r.rule_name)),
                         key=lambda r: r.rule_name))
    findings = tuple(sorted(
        (f for f in snapshot.findings if not f.archived and _ACCESS_FINDING.search(f.type)),
        key=lambda f: -f.severity,
    ))
    if any(r.compliance is Compliance.NON_COMPLIANT for r in rules):
        level = Level.FAIL
    elif any(f.severity >= cfg.security.finding_min_severity for f in findings):
        level = Level.WARN
    else:
        level = Level.OK
    return AccessControl(rules=rules, findings=findings, level=level)


def assess_compliance(snapshot: Snapshot, cfg: Config, now: datetime) -> ComplianceAssessment:
    return ComplianceAssessment(
        config=assess_config_rules(snapshot.config_rules),
        backups=assess_backups(snapshot.backup_jobs, cfg, now),
        retention=assess_retention(snapshot.log_groups, cfg),
        encryption=assess_encryption(snapshot, cfg),
        access=assess_access(snapshot, cfg),
    )
