"""The skafu scenario: the one place holding what the seeded platform contains and how it moves.

Build a scenario with :func:`build_scenario` (seed, start); everything else is a pure function of
it. Tests read the truth they assert from here: :func:`facts` for the seeded facts, and the window
functions (:func:`error_rate_pct`, :func:`p95_ms`, …) for figures a dashboard computes over the
last N minutes. ``at`` is scenario time (default: start); a one-minute datapoint counts once its
minute has ended, as the driver publishes it.

The story (times relative to start):

- -25 min: ``dana.okafor`` deploys template-management-api; its 5xx and p95 climb past the alert
  thresholds (a P1). +20 min: ``sam.rivera`` rolls it back and it recovers.
- observability-service is mildly degraded throughout (p95 ≈ 300 ms, ≈ 1.4 % errors: a P2).
- -12 min: a severity-8 GuardDuty credential-exfiltration finding; a burst of failed console
  logins in the last hour; a security-group ingress change outside the maintenance window.
- A certificate expires in 9 days; one S3 bucket and one RDS instance fail the encryption
  rules; last night's database backup failed; RDS connections sit at 86 of 100; the month's cost
  forecast exceeds the budget after a Bedrock spike that a cost anomaly names.
- From +45 min, every 90 min a 30-minute incident hits one service in rotation
  (ai-integration latency, github-integration errors, project-management latency and errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from skafu_tui.demo.scenario_alarms import (
    ALARM,
    INSUFFICIENT_ALARM,
    INSUFFICIENT_DATA,
    OK,
    AlarmSpec,
    Transition,
    alarm_spec,
    alarm_specs,
    history_item,
    seeded_history,
    seeded_states,
    state_after,
    transitions,
)
from skafu_tui.demo.scenario_findings import finding_specs
from skafu_tui.demo.scenario_inventory import (
    BUCKETS,
    CONFIG_RULES,
    DB_INSTANCES,
    LOG_GROUPS,
    NONCOMPLIANT_BUCKET,
    NONCOMPLIANT_DB,
    SHORT_RETENTION_LOG_GROUP,
    UNHEALTHY_DESCRIPTION,
    UNHEALTHY_REASON,
    UNHEALTHY_TARGET,
    Evaluation,
    evaluations,
)
from skafu_tui.demo.scenario_metrics import (
    NS_APIGW,
    NS_BUSINESS,
    NS_ROUTE53,
    Dims,
    Point,
    history_points,
    hourly_points,
    minute_points,
    percentile,
    published_through,
    series,
    service_dims,
)
from skafu_tui.demo.scenario_model import (
    ACCOUNT_ID,
    BUDGET_NAME,
    BUDGET_USD,
    CERT_EXPIRES_IN_DAYS,
    DB_CONNECTIONS_NOW,
    DB_MAX_CONNECTIONS,
    DEPLOY_EVENT_NAME,
    DEPLOYER,
    HIGH_FINDING_SEVERITY,
    HIGH_FINDING_TYPE,
    MINUTE,
    P1_SERVICE,
    P2_SERVICE,
    REGION,
    ROLLBACK_ENGINEER,
    SERVICE_NAMES,
    Certificate,
    Deployment,
    Incident,
    Scenario,
    ServiceProfile,
    build_scenario,
    in_production_window,
)
from skafu_tui.demo.scenario_ops import (
    SPIKE_SERVICE,
    BackupJob,
    anomalies,
    cost_daily,
    failed_backup,
    health_events,
    month_forecast_usd,
    month_to_date_usd,
    seeded_backup_jobs,
)
from skafu_tui.demo.scenario_security import (
    FAILED_LOGIN_BURST,
    TrailEvent,
    failed_logins,
    live_trail_events,
    seeded_trail_events,
)

__all__ = [
    "ACCOUNT_ID",
    "ALARM",
    "BUCKETS",
    "BUDGET_NAME",
    "BUDGET_USD",
    "CONFIG_RULES",
    "DB_INSTANCES",
    "DEPLOY_EVENT_NAME",
    "INSUFFICIENT_ALARM",
    "INSUFFICIENT_DATA",
    "LOG_GROUPS",
    "OK",
    "P1_SERVICE",
    "P2_SERVICE",
    "REGION",
    "SERVICE_NAMES",
    "AlarmSpec",
    "BackupJob",
    "Certificate",
    "Deployment",
    "Evaluation",
    "Facts",
    "Incident",
    "Point",
    "Scenario",
    "ServiceProfile",
    "TrailEvent",
    "Transition",
    "alarm_spec",
    "alarm_specs",
    "alarm_states",
    "anomalies",
    "availability_pct",
    "build_scenario",
    "business_total",
    "cost_daily",
    "db_connections",
    "error_rate_pct",
    "evaluations",
    "facts",
    "failed_logins",
    "finding_specs",
    "health_events",
    "history_item",
    "history_points",
    "hourly_points",
    "in_production_window",
    "live_trail_events",
    "metric_series",
    "minute_points",
    "p95_ms",
    "percentile",
    "published_through",
    "requests_per_second",
    "seeded_backup_jobs",
    "seeded_history",
    "seeded_states",
    "seeded_trail_events",
    "transitions",
]

WINDOW_MINUTES = 15


@dataclass(frozen=True)
class Facts:
    """The seeded facts a test (or a reader) checks the dashboard against."""

    start: datetime
    p1_service: str
    p2_service: str
    healthy_services: tuple[str, ...]
    deployer: str
    deploy_time: datetime
    deploy_event_id: str
    deploy_event_name: str
    deploy_source_ip: str
    rollback_engineer: str
    rollback_time: datetime
    finding_id: str
    finding_type: str
    finding_severity: float
    finding_first_seen: datetime
    failed_login_burst: int
    failed_logins_24h: int
    sg_change_event_id: str
    sg_change_time: datetime
    cert_domain: str
    cert_not_after: datetime
    cert_expires_in_days: int
    noncompliant_bucket: str
    noncompliant_db: str
    short_retention_log_group: str
    failed_backup_job_id: str
    failed_backup_time: datetime
    db_connections_now: int
    db_max_connections: int
    budget_name: str
    budget_usd: float
    month_to_date_usd: float
    month_forecast_usd: float
    spike_service: str
    anomaly_id: str
    alarms_in_alarm: tuple[str, ...]
    insufficient_alarm: str
    open_health_event_arn: str
    unhealthy_target: tuple[str, int]
    unhealthy_reason: str
    unhealthy_description: str


def facts(sc: Scenario) -> Facts:
    states = seeded_states(sc)
    job = failed_backup(sc)
    return Facts(
        start=sc.start,
        p1_service=P1_SERVICE,
        p2_service=P2_SERVICE,
        healthy_services=tuple(n for n in SERVICE_NAMES if n not in (P1_SERVICE, P2_SERVICE)),
        deployer=DEPLOYER,
        deploy_time=sc.deploy.time,
        deploy_event_id=sc.deploy.event_id,
        deploy_event_name=DEPLOY_EVENT_NAME,
        deploy_source_ip=sc.deploy.source_ip,
        rollback_engineer=ROLLBACK_ENGINEER,
        rollback_time=sc.rollback.time,
        finding_id=sc.finding_id,
        finding_type=HIGH_FINDING_TYPE,
        finding_severity=HIGH_FINDING_SEVERITY,
        finding_first_seen=sc.finding_first_seen,
        failed_login_burst=FAILED_LOGIN_BURST,
        failed_logins_24h=failed_logins(sc, sc.start, 24),
        sg_change_event_id=sc.sg_change_event_id,
        sg_change_time=sc.sg_change_time,
        cert_domain=sc.expiring_certificate.domain,
        cert_not_after=sc.expiring_certificate.not_after,
        cert_expires_in_days=CERT_EXPIRES_IN_DAYS,
        noncompliant_bucket=NONCOMPLIANT_BUCKET,
        noncompliant_db=NONCOMPLIANT_DB,
        short_retention_log_group=SHORT_RETENTION_LOG_GROUP,
        failed_backup_job_id=job.id,
        failed_backup_time=job.created,
        db_connections_now=DB_CONNECTIONS_NOW,
        db_max_connections=DB_MAX_CONNECTIONS,
        budget_name=BUDGET_NAME,
        budget_usd=BUDGET_USD,
        month_to_date_usd=month_to_date_usd(sc),
        month_forecast_usd=month_forecast_usd(sc),
        spike_service=SPIKE_SERVICE,
        anomaly_id=str(anomalies(sc)[0]["AnomalyId"]),
        alarms_in_alarm=tuple(sorted(n for n, s in states.items() if s == ALARM)),
        insufficient_alarm=INSUFFICIENT_ALARM,
        open_health_event_arn=str(health_events(sc)[0]["arn"]),
        unhealthy_target=UNHEALTHY_TARGET,
        unhealthy_reason=UNHEALTHY_REASON,
        unhealthy_description=UNHEALTHY_DESCRIPTION,
    )


# -- window figures, computed from the very datapoints that are seeded/published ----------


def _window(sc: Scenario, at: datetime | None, minutes: float) -> tuple[datetime, datetime]:
    """Datapoints stamped in [at - minutes, at): with one-minute points published once their minute
    ended, these are the complete minutes stamped in [at - minutes, at - 1 min], the dashboard's
    evaluation window (``skafu_tui.assess.common.window_points``)."""
    end = sc.start if at is None else at
    return end - timedelta(minutes=minutes), end


def metric_series(
    sc: Scenario,
    namespace: str,
    metric: str,
    dims: Dims,
    at: datetime | None = None,
    minutes: float = WINDOW_MINUTES,
) -> list[Point]:
    """Datapoints of one metric in the window ending at ``at`` (see :func:`_window`), as published by then."""
    t0, t1 = _window(sc, at, minutes)
    return series(sc, namespace, metric, dims, t0, t1)


def _api(sc: Scenario, service: str, metric: str, at: datetime | None, minutes: float) -> list[Point]:
    dims = service_dims(sc.service(service))
    ns, key = (NS_ROUTE53, "health") if metric == "HealthCheckPercentageHealthy" else (NS_APIGW, "api")
    return metric_series(sc, ns, metric, dims[key], at, minutes)


def error_rate_pct(sc: Scenario, service: str, at: datetime | None = None, minutes: float = WINDOW_MINUTES) -> float:
    """100 * sum(5XXError) / sum(Count) over the window."""
    errors = sum(p.total() for p in _api(sc, service, "5XXError", at, minutes))
    count = sum(p.total() for p in _api(sc, service, "Count", at, minutes))
    return 100.0 * errors / count


def p95_ms(sc: Scenario, service: str, at: datetime | None = None, minutes: float = WINDOW_MINUTES) -> float:
    """p95 of every raw latency sample in the window (nearest rank)."""
    samples = [v for p in _api(sc, service, "Latency", at, minutes) for v in p.values()]
    return percentile(samples, 95)


def requests_per_second(
    sc: Scenario, service: str, at: datetime | None = None, minutes: float = WINDOW_MINUTES
) -> float:
    """Mean of the per-minute rates (Count / 60) over the window's datapoints."""
    pts = _api(sc, service, "Count", at, minutes)
    return sum(p.total() for p in pts) / (60.0 * len(pts))


def availability_pct(sc: Scenario, service: str, at: datetime | None = None, minutes: float = WINDOW_MINUTES) -> float:
    pts = _api(sc, service, "HealthCheckPercentageHealthy", at, minutes)
    return sum(p.total() for p in pts) / len(pts)


def db_connections(sc: Scenario, at: datetime | None = None) -> int:
    """DatabaseConnections (Maximum) of the newest published minute."""
    at = sc.start if at is None else at
    i = published_through(sc, at)
    for p in minute_points(sc, i):
        if p.metric == "DatabaseConnections":
            return int(p.total())
    raise LookupError("DatabaseConnections")


BUSINESS_AGGREGATES = {
    "ActiveUsers": "max",
    "ProjectsCreated": "sum",
    "ApiCalls": "sum",
    "RevenueImpact": "sum",
}


def business_total(sc: Scenario, metric: str, at: datetime | None = None, hours: float = 24) -> float:
    """A business metric over the last ``hours``: the maximum (ActiveUsers) or the sum."""
    pts = metric_series(sc, NS_BUSINESS, metric, (), at, hours * 60)
    values = [p.total() for p in pts]
    return max(values) if BUSINESS_AGGREGATES[metric] == "max" else round(sum(values), 2)


def alarm_states(sc: Scenario, at: datetime | None = None) -> dict[str, str]:
    """Each alarm's state at scenario time ``at`` (the driver sets it when it publishes a minute)."""
    at = sc.start if at is None else at
    i = published_through(sc, at)
    return {
        spec.name: INSUFFICIENT_DATA if spec.name == INSUFFICIENT_ALARM else state_after(sc, spec, i)
        for spec in alarm_specs(sc)
    }


def minutes_since_start(sc: Scenario, at: datetime) -> float:
    return (at - sc.start) / MINUTE
