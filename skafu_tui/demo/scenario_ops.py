"""Operations side of the skafu scenario: backup jobs, AWS Health events, cost and budget."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from skafu_tui.demo.scenario_model import (
    ACCOUNT_ID,
    DAY,
    DB_INSTANCE,
    HOUR,
    MINUTE,
    REGION,
    Scenario,
    backup_slots,
    make_hex,
    make_uuid,
    month_start,
    rng,
)

BACKUP_VAULT = "skafu-prod-vault"
BACKUP_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/service-role/AWSBackupDefaultServiceRole"
BACKUP_FAILURE_MESSAGE = (
    "Unable to create a snapshot of skafu-prod-db: the maximum allowed number of manual DB snapshots "
    "for this account has been exceeded (SnapshotQuotaExceeded)."
)


# -- Backup ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupJob:
    id: str
    created: datetime
    completed: datetime
    state: str
    size_bytes: int
    message: str = ""

    def record(self) -> dict[str, Any]:
        """A Backup ``BackupJob`` as ListBackupJobs returns it (timestamps as epoch seconds)."""
        db_arn = f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:db:{DB_INSTANCE}"
        out: dict[str, Any] = {
            "AccountId": ACCOUNT_ID,
            "BackupJobId": self.id,
            "BackupVaultName": BACKUP_VAULT,
            "BackupVaultArn": f"arn:aws:backup:{REGION}:{ACCOUNT_ID}:backup-vault:{BACKUP_VAULT}",
            "ResourceArn": db_arn,
            "ResourceName": DB_INSTANCE,
            "ResourceType": "RDS",
            "CreationDate": self.created.timestamp(),
            "CompletionDate": self.completed.timestamp(),
            "StartBy": (self.created + 8 * HOUR).timestamp(),
            "State": self.state,
            "PercentDone": "100.0" if self.state == "COMPLETED" else "0.0",
            "BackupSizeInBytes": self.size_bytes,
            "IamRoleArn": BACKUP_ROLE_ARN,
            "BackupType": "",
        }
        if self.state == "COMPLETED":
            out["RecoveryPointArn"] = f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:snapshot:awsbackup:job-{self.id.lower()}"
        if self.message:
            out["StatusMessage"] = self.message
        return out


def backup_job(sc: Scenario, slot: datetime) -> BackupJob:
    r = rng(sc.seed, "backup", slot.isoformat())
    job_id = make_uuid(r).upper()
    created = slot + timedelta(seconds=r.randint(5, 90))
    if slot == sc.failed_backup_slot:
        return BackupJob(job_id, created, created + timedelta(minutes=6), "FAILED", 0, BACKUP_FAILURE_MESSAGE)
    size = 48 * 10**9 + r.randint(0, 2 * 10**9)
    return BackupJob(job_id, created, created + timedelta(minutes=r.randint(14, 22)), "COMPLETED", size)


def seeded_backup_jobs(sc: Scenario) -> list[BackupJob]:
    """Every-4-hours database backups of the last 2 days that had finished by start."""
    jobs = [backup_job(sc, s) for s in backup_slots(sc.start, 48)]
    return [j for j in jobs if j.completed <= sc.start]


def live_backup_jobs(sc: Scenario, t0: datetime, t1: datetime) -> list[BackupJob]:
    """Backups finishing in [t0, t1) (t0 ≥ start): published by the driver when they finish."""
    out: list[BackupJob] = []
    slot = sc.start.replace(minute=0, second=0, hour=sc.start.hour - sc.start.hour % 4) - 4 * HOUR
    while slot < t1:
        job = backup_job(sc, slot)
        if t0 <= job.completed < t1 and job.completed > sc.start:
            out.append(job)
        slot += 4 * HOUR
    return out


def failed_backup(sc: Scenario) -> BackupJob:
    return backup_job(sc, sc.failed_backup_slot)


# -- AWS Health -----------------------------------------------------------------------


def health_events(sc: Scenario) -> list[dict[str, Any]]:
    """Health ``Event`` records, each with its ``description`` ({"latestDescription": …})."""
    r = rng(sc.seed, "health")
    s = sc.start
    lam = "AWS_LAMBDA_OPERATIONAL_ISSUE"
    rds = "AWS_RDS_OPERATIONAL_ISSUE"
    maint = "AWS_RDS_MAINTENANCE_SCHEDULED"
    return [
        {
            "arn": f"arn:aws:health:{REGION}::event/LAMBDA/{lam}/{lam}_{make_hex(r, 8).upper()}",
            "service": "LAMBDA",
            "eventTypeCode": lam,
            "eventTypeCategory": "issue",
            "region": REGION,
            "startTime": (s - 70 * MINUTE).timestamp(),
            "lastUpdatedTime": (s - 10 * MINUTE).timestamp(),
            "statusCode": "open",
            "eventScopeCode": "PUBLIC",
            "description": {
                "latestDescription": (
                    "[Investigating] We are investigating increased invocation error rates and latencies for "
                    "AWS Lambda functions in the US-EAST-1 Region."
                )
            },
        },
        {
            "arn": f"arn:aws:health:{REGION}::event/RDS/{rds}/{rds}_{make_hex(r, 8).upper()}",
            "service": "RDS",
            "eventTypeCode": rds,
            "eventTypeCategory": "issue",
            "region": REGION,
            "startTime": (s - 3 * DAY).timestamp(),
            "endTime": (s - 3 * DAY + 2 * HOUR).timestamp(),
            "lastUpdatedTime": (s - 3 * DAY + 2 * HOUR).timestamp(),
            "statusCode": "closed",
            "eventScopeCode": "PUBLIC",
            "description": {
                "latestDescription": (
                    "[RESOLVED] Between 09:10 and 11:05 PDT some RDS instances in US-EAST-1 experienced "
                    "elevated API error rates. The issue has been resolved."
                )
            },
        },
        {
            "arn": f"arn:aws:health:{REGION}:{ACCOUNT_ID}:event/RDS/{maint}/{maint}_{make_hex(r, 8).upper()}",
            "service": "RDS",
            "eventTypeCode": maint,
            "eventTypeCategory": "scheduledChange",
            "region": REGION,
            "startTime": (s + 5 * DAY).timestamp(),
            "endTime": (s + 5 * DAY + HOUR).timestamp(),
            "lastUpdatedTime": (s - DAY).timestamp(),
            "statusCode": "upcoming",
            "eventScopeCode": "ACCOUNT_SPECIFIC",
            "description": {
                "latestDescription": (
                    f"A required maintenance update is scheduled for {DB_INSTANCE} during its maintenance window."
                )
            },
            "entities": [
                {
                    "entityValue": f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:db:{DB_INSTANCE}",
                    "statusCode": "PENDING",
                    "lastUpdatedTime": (s - DAY).timestamp(),
                }
            ],
        },
    ]


# -- Cost -----------------------------------------------------------------------------

COST_SERVICES: tuple[tuple[str, float], ...] = (
    ("Amazon Elastic Compute Cloud - Compute", 95.0),
    ("Amazon Relational Database Service", 78.0),
    ("AWS Lambda", 46.0),
    ("Amazon Elastic Container Service", 42.0),
    ("Amazon API Gateway", 38.0),
    ("Amazon Bedrock", 30.0),
    ("Amazon CloudFront", 22.0),
    ("Amazon Simple Storage Service", 18.0),
    ("AmazonCloudWatch", 16.0),
)
SPIKE_SERVICE = "Amazon Bedrock"
SPIKE_DAYS = 4
SPIKE_EXTRA_USD = 270.0
COST_HISTORY_DAYS = 62


def cost_daily(sc: Scenario) -> list[dict[str, Any]]:
    """Daily unblended cost per service for the 62 days before today (``cost-daily`` rows)."""
    today = sc.start.date()
    rows: list[dict[str, Any]] = []
    for back in range(COST_HISTORY_DAYS, 0, -1):
        d = today - timedelta(days=back)
        r = rng(sc.seed, "cost", d.isoformat())
        for service, base in COST_SERVICES:
            amount = base * r.uniform(0.94, 1.06)
            if service == SPIKE_SERVICE and back <= SPIKE_DAYS:
                amount += SPIKE_EXTRA_USD * r.uniform(0.95, 1.05)
            rows.append({"date": d.isoformat(), "service": service, "amount": round(amount, 2), "unit": "USD"})
    return rows


def _daily_totals(sc: Scenario) -> dict[date, float]:
    out: dict[date, float] = {}
    for row in cost_daily(sc):
        d = date.fromisoformat(row["date"])
        out[d] = out.get(d, 0.0) + float(row["amount"])
    return out


def month_to_date_usd(sc: Scenario) -> float:
    """Cost of this month's complete days (Cost Explorer's month-to-date)."""
    today = sc.start.date()
    return round(sum(v for d, v in _daily_totals(sc).items() if d >= month_start(today)), 2)


def forecast_daily_usd(sc: Scenario) -> float:
    """Forecast spend per remaining day: the mean of the last 3 days (the spike continues)."""
    totals = _daily_totals(sc)
    last = sorted(totals)[-3:]
    return round(sum(totals[d] for d in last) / 3, 2)


def remaining_days(sc: Scenario) -> int:
    today = sc.start.date()
    return calendar.monthrange(today.year, today.month)[1] - today.day + 1


def forecast_remaining_usd(sc: Scenario) -> float:
    """GetCostForecast's Total for [today, first of next month)."""
    return round(forecast_daily_usd(sc) * remaining_days(sc), 2)


def month_forecast_usd(sc: Scenario) -> float:
    """The month's forecast spend: month-to-date plus the forecast of the remaining days."""
    return round(month_to_date_usd(sc) + forecast_remaining_usd(sc), 2)


def forecast_by_day(sc: Scenario) -> list[dict[str, Any]]:
    """``ForecastResultsByTime`` at DAILY granularity for the rest of the month."""
    today = sc.start.date()
    mean = forecast_daily_usd(sc)
    return [
        {
            "TimePeriod": {
                "Start": (today + timedelta(days=k)).isoformat(),
                "End": (today + timedelta(days=k + 1)).isoformat(),
            },
            "MeanValue": f"{mean:.2f}",
            "PredictionIntervalLowerBound": f"{mean * 0.85:.2f}",
            "PredictionIntervalUpperBound": f"{mean * 1.15:.2f}",
        }
        for k in range(remaining_days(sc))
    ]


def anomalies(sc: Scenario) -> list[dict[str, Any]]:
    """CE ``Anomaly`` records: the open spike (root cause SPIKE_SERVICE) and an old small one."""
    r = rng(sc.seed, "anomaly")
    monitor = f"arn:aws:ce::{ACCOUNT_ID}:anomalymonitor/{make_uuid(r)}"
    today = sc.start.date()
    base = dict(COST_SERVICES)[SPIKE_SERVICE]
    spike_rows = [
        row
        for row in cost_daily(sc)
        if row["service"] == SPIKE_SERVICE and date.fromisoformat(row["date"]) >= today - timedelta(days=SPIKE_DAYS)
    ]
    actual = round(sum(float(row["amount"]) for row in spike_rows), 2)
    expected = round(base * len(spike_rows), 2)
    impact = round(actual - expected, 2)
    return [
        {
            "AnomalyId": make_uuid(r),
            "AnomalyStartDate": (today - timedelta(days=SPIKE_DAYS)).isoformat(),
            "DimensionValue": SPIKE_SERVICE,
            "RootCauses": [
                {
                    "Service": SPIKE_SERVICE,
                    "Region": REGION,
                    "LinkedAccount": ACCOUNT_ID,
                    "LinkedAccountName": "skafu-prod",
                    "UsageType": "USE1-ModelInvocation-InputTokens",
                }
            ],
            "AnomalyScore": {"MaxScore": 0.94, "CurrentScore": 0.91},
            "Impact": {
                "MaxImpact": round(max(float(row["amount"]) for row in spike_rows) - base, 2),
                "TotalImpact": impact,
                "TotalActualSpend": actual,
                "TotalExpectedSpend": expected,
                "TotalImpactPercentage": round(impact / expected * 100, 2),
            },
            "MonitorArn": monitor,
        },
        {
            "AnomalyId": make_uuid(r),
            "AnomalyStartDate": (today - timedelta(days=20)).isoformat(),
            "AnomalyEndDate": (today - timedelta(days=19)).isoformat(),
            "DimensionValue": "Amazon CloudFront",
            "RootCauses": [
                {
                    "Service": "Amazon CloudFront",
                    "Region": "global",
                    "LinkedAccount": ACCOUNT_ID,
                    "UsageType": "US-DataTransfer-Out-Bytes",
                }
            ],
            "AnomalyScore": {"MaxScore": 0.41, "CurrentScore": 0.0},
            "Impact": {
                "MaxImpact": 21.4,
                "TotalImpact": 34.8,
                "TotalActualSpend": 78.8,
                "TotalExpectedSpend": 44.0,
                "TotalImpactPercentage": 79.09,
            },
            "MonitorArn": monitor,
            "Feedback": "YES",
        },
    ]


def anomaly_impact_usd(sc: Scenario) -> float:
    return float(anomalies(sc)[0]["Impact"]["TotalImpact"])
