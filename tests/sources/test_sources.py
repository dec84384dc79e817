"""Every source against the embedded demo endpoint: typed records that state the seeded truth.

One complete poll (``Poller.poll_once``, the path the ``report`` command takes) feeds every test
of this module; expected values come from the seeded scenario, never from literals.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import pytest_asyncio
from sources_support import SeededDemo, settings_for

from skafu_tui.aws.session import ClientPool
from skafu_tui.aws.sources import alarms
from skafu_tui.config import Config
from skafu_tui.metric_plan import build_plan
from skafu_tui.models import AlarmState, BackupState, Compliance
from skafu_tui.poller import Poller
from skafu_tui.snapshot import Snapshot, SourceName, SourceStatus

# One worker runs this module, so the scenario is seeded once for it.
pytestmark = pytest.mark.xdist_group("demo-sources")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def snap(demo: SeededDemo, cfg: Config) -> Snapshot:
    # Scenario time: every window (metrics, CloudTrail, Cost Explorer's "today") is the seed's.
    async with Poller(cfg, settings_for(demo.endpoint), clock=lambda: demo.now) as poller:
        return await poller.poll_once()


def window(snap: Snapshot, key: str, demo: SeededDemo, minutes: int = 15) -> list[float]:
    # The scenario's window figures take the datapoints stamped in [now - minutes, now).
    series = snap.metrics[key]
    start = demo.now - timedelta(minutes=minutes)
    return [v for t, v in zip(series.timestamps, series.values, strict=True) if start <= t < demo.now]


def test_every_source_is_ok(snap: Snapshot) -> None:
    assert {name: snap.source(name).status for name in SourceName} == {name: SourceStatus.OK for name in SourceName}
    assert all(snap.source(name).fetched_at is not None for name in SourceName)


def test_identity_and_meter(snap: Snapshot, demo: SeededDemo) -> None:
    from skafu_tui.demo.scenario_model import ACCOUNT_ID

    assert snap.account == ACCOUNT_ID
    assert snap.api_calls > len(SourceName)
    # Cost Explorer ($0.01 a request) was asked three times; GetMetricData is billed per metric.
    assert snap.api_cost_usd == pytest.approx(3 * 0.01 + len(snap.metrics) * 0.01 / 1000)


def test_metrics_answer_every_plan_key_oldest_first(snap: Snapshot, cfg: Config) -> None:
    keys = {q.key for q in build_plan(cfg)}
    assert keys <= set(snap.metrics)
    for key in keys:
        series = snap.metrics[key]
        assert series.values, key
        assert list(series.timestamps) == sorted(series.timestamps), key


def test_metrics_error_rate_and_throughput_match_the_scenario(snap: Snapshot, demo: SeededDemo) -> None:
    from skafu_tui.demo.scenario import error_rate_pct, requests_per_second

    for service in (demo.facts.p1_service, *demo.facts.healthy_services):
        errors = sum(window(snap, f"svc/{service}/errors", demo))
        requests = window(snap, f"svc/{service}/requests", demo)
        assert 100 * errors / sum(requests) == pytest.approx(error_rate_pct(demo.scenario, service), rel=1e-9)
        assert sum(requests) / (60 * len(requests)) == pytest.approx(requests_per_second(demo.scenario, service))


def test_metrics_latency_p95_per_minute(snap: Snapshot, demo: SeededDemo, cfg: Config) -> None:
    from skafu_tui.demo.scenario import metric_series
    from skafu_tui.demo.scenario_metrics import percentile

    service = demo.facts.p1_service
    ref = next(s for s in cfg.services if s.name == service).metrics.latency
    dims = tuple(sorted(ref.dimensions.items()))
    series = snap.metrics[f"svc/{service}/latency"]
    at, value = series.timestamps[-1], series.values[-1]
    points = metric_series(demo.scenario, ref.namespace, ref.metric, dims, at + timedelta(minutes=1), 1)
    samples = [v for p in points for v in p.values()]
    assert value == pytest.approx(percentile(samples, 95))


def test_metrics_scale_and_per_second(snap: Snapshot, demo: SeededDemo, cfg: Config) -> None:
    from skafu_tui.demo.scenario import metric_series

    assert snap.metrics["db/connections"].last() == demo.facts.db_connections_now
    # ReadLatency is seconds in CloudWatch; config scales it by 1000 to milliseconds.
    db = cfg.database
    assert db is not None and db.metrics.query_latency_ms is not None
    ref = db.metrics.query_latency_ms
    series = snap.metrics["db/query_latency_ms"]
    raw = metric_series(
        demo.scenario,
        ref.namespace,
        ref.metric,
        tuple(ref.dimensions.items()),
        series.timestamps[-1] + timedelta(minutes=1),
        1,
    )
    samples = [v for p in raw for v in p.values()]
    assert series.values[-1] == pytest.approx(sum(samples) / len(samples) * ref.scale)
    net = cfg.infrastructure_metrics["networkTraffic"]
    series = snap.metrics["infra/networkTraffic"]
    raw = metric_series(
        demo.scenario,
        net.namespace,
        net.metric,
        tuple(net.dimensions.items()),
        series.timestamps[-1] + timedelta(minutes=1),
        1,
    )
    assert series.values[-1] == pytest.approx(raw[0].total() / 60)


def test_business_metrics_last_24h(snap: Snapshot, demo: SeededDemo) -> None:
    from skafu_tui.demo.scenario import business_total

    series = snap.metrics["biz/projectsCreated"]
    assert series.period_s == 3600
    since = demo.now - timedelta(hours=24)
    recent = [v for t, v in zip(series.timestamps, series.values, strict=True) if since <= t < demo.now]
    assert sum(recent) == pytest.approx(business_total(demo.scenario, "ProjectsCreated"), rel=1e-6)


def test_alarms(snap: Snapshot, demo: SeededDemo) -> None:
    firing = sorted(a.name for a in snap.alarms if a.state is AlarmState.ALARM)
    assert firing == sorted(demo.facts.alarms_in_alarm)
    insufficient = next(a for a in snap.alarms if a.name == demo.facts.insufficient_alarm)
    assert insufficient.state is AlarmState.INSUFFICIENT_DATA
    assert all(a.region == "us-east-1" for a in snap.alarms)


async def test_alarm_history_last_three_hours(demo: SeededDemo, cfg: Config) -> None:
    # The seeder re-enacts the current alarm states (set_alarm_state) at wall-clock time, after
    # the scenario's start: read the history as of now.
    now = datetime.now(UTC)
    async with ClientPool(settings_for(demo.endpoint)) as pool:
        history = await alarms.fetch_history(pool, cfg, "us-east-1", now)
    assert all(now - timedelta(hours=3) <= t.at <= now for t in history)
    assert [t.at for t in history] == sorted((t.at for t in history), reverse=True)
    into_alarm = {t.alarm_name for t in history if t.new_state is AlarmState.ALARM and t.old_state is AlarmState.OK}
    assert into_alarm == set(demo.facts.alarms_in_alarm)


def test_guardduty_findings(snap: Snapshot, demo: SeededDemo) -> None:
    finding = next(f for f in snap.findings if f.id == demo.facts.finding_id)
    assert finding.type == demo.facts.finding_type
    assert finding.severity == demo.facts.finding_severity
    assert finding.severity_label == "HIGH"
    assert finding.created_at == demo.facts.finding_first_seen
    assert demo.facts.finding_id in finding.raw
    assert not any(f.archived for f in snap.findings)
    assert [f.updated_at for f in snap.findings] == sorted((f.updated_at for f in snap.findings), reverse=True)


def test_config_compliance(snap: Snapshot, demo: SeededDemo) -> None:
    failing = {r.rule_name: r for r in snap.config_rules if r.compliance is Compliance.NON_COMPLIANT}
    resources = {ref.resource_id for r in failing.values() for ref in r.non_compliant}
    assert {demo.facts.noncompliant_bucket, demo.facts.noncompliant_db} <= resources
    assert any(r.compliance is Compliance.COMPLIANT for r in snap.config_rules)
    assert all(not r.non_compliant for r in snap.config_rules if r.compliance is not Compliance.NON_COMPLIANT)


def test_cost_explorer(snap: Snapshot, demo: SeededDemo) -> None:
    today = demo.now.date()
    days = {c.day for c in snap.cost_days}
    assert min(days) == today - timedelta(days=29)
    month = date(today.year, today.month, 1)
    mtd = sum(c.amount for c in snap.cost_days if month <= c.day < today)
    assert mtd == pytest.approx(demo.facts.month_to_date_usd, abs=0.01)
    assert snap.cost_forecast is not None
    assert snap.cost_forecast.start == today
    assert mtd + snap.cost_forecast.amount == pytest.approx(demo.facts.month_forecast_usd, abs=0.02)
    top = snap.cost_anomalies[0]
    assert (top.id, top.service) == (demo.facts.anomaly_id, demo.facts.spike_service)


def test_budget(snap: Snapshot, demo: SeededDemo) -> None:
    (budget,) = snap.budgets
    assert (budget.name, budget.limit) == (demo.facts.budget_name, demo.facts.budget_usd)
    assert budget.forecast is not None and budget.actual > 0


def test_cloudtrail_changes_and_logins(snap: Snapshot, demo: SeededDemo) -> None:
    events = {e.id: e for e in snap.trail_events}
    deploy = events[demo.facts.deploy_event_id]
    assert (deploy.name, deploy.username, deploy.source_ip) == (
        demo.facts.deploy_event_name,
        demo.facts.deployer,
        demo.facts.deploy_source_ip,
    )
    assert deploy.at == demo.facts.deploy_time and not deploy.read_only
    assert demo.facts.sg_change_event_id in events
    failed = [e for e in snap.trail_events if e.name == "ConsoleLogin" and e.outcome == "Failure"]
    assert len(failed) == demo.facts.failed_logins_24h
    (trail,) = snap.trails
    assert trail.is_logging and trail.log_file_validation


def test_inventory(snap: Snapshot, demo: SeededDemo, cfg: Config) -> None:
    cert = next(c for c in snap.certificates if c.domain == demo.facts.cert_domain)
    assert cert.not_after == demo.facts.cert_not_after
    group, _ = demo.facts.unhealthy_target
    unhealthy = [t for t in snap.target_health if t.state == "unhealthy"]
    assert [(t.target_group, t.target_id, t.reason, t.description) for t in unhealthy] == [
        (group, demo.seeded.unhealthy_target_id, demo.facts.unhealthy_reason, demo.facts.unhealthy_description)
    ]
    assert {t.target_group for t in snap.target_health} == set(cfg.load_balancer.target_groups)  # type: ignore[union-attr]
    dbs = {d.id: d for d in snap.db_instances}
    assert not dbs[demo.facts.noncompliant_db].encrypted and dbs[cfg.database.instance].encrypted  # type: ignore[union-attr]
    functions = {f.name for f in snap.lambda_functions}
    assert {fn for s in cfg.services for fn in s.lambda_functions} <= functions
    buckets = {b.name: b for b in snap.buckets}
    assert buckets[demo.facts.noncompliant_bucket].encryption is None
    assert all(b.accessible for b in snap.buckets)
    assert snap.distributions and all(d.enabled for d in snap.distributions)
    failed = next(j for j in snap.backup_jobs if j.id == demo.facts.failed_backup_job_id)
    assert failed.state is BackupState.FAILED and failed.created_at == demo.facts.failed_backup_time
    logs = {g.name: g for g in snap.log_groups}
    assert logs[demo.facts.short_retention_log_group].retention_days < 30  # type: ignore[operator]


def test_health_events(snap: Snapshot, demo: SeededDemo) -> None:
    from skafu_tui.demo.scenario_ops import health_events

    seeded = health_events(demo.scenario)
    recent = demo.now - timedelta(hours=24)
    wanted = {
        e["arn"]: e
        for e in seeded
        if e["statusCode"] in ("open", "upcoming") or datetime.fromtimestamp(e["lastUpdatedTime"], UTC) >= recent
    }
    got = {e.arn: e for e in snap.health_events}
    assert set(got) == set(wanted)
    for arn, raw in wanted.items():
        assert got[arn].status == raw["statusCode"]
        assert got[arn].description == raw["description"]["latestDescription"]
        assert got[arn].entities == tuple(x["entityValue"] for x in raw.get("entities", ()))
    assert got[demo.facts.open_health_event_arn].status == "open"
