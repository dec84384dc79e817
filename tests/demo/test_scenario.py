"""The skafu scenario as pure data: deterministic, consistent with config.yaml, and telling its story.

Every expectation comes from the scenario's own facts or from config.yaml's thresholds.
"""

from __future__ import annotations

import calendar
import itertools
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skafu_tui.config import Config, load_config
from skafu_tui.demo import scenario as S
from skafu_tui.demo.scenario_findings import finding_record
from skafu_tui.demo.scenario_inventory import LOG_GROUPS, LOG_RETENTION_POLICY_DAYS
from skafu_tui.demo.scenario_model import DAY, MINUTE, Scenario, backup_slots
from skafu_tui.demo.scenario_ops import SPIKE_SERVICE, live_backup_jobs
from skafu_tui.metric_plan import build_plan

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 6, 3, 14, 37, 23, tzinfo=UTC)


@pytest.fixture(scope="module")
def cfg() -> Config:
    return load_config(ROOT / "config.yaml").config


@pytest.fixture(scope="module")
def sc() -> Scenario:
    return S.build_scenario(7, START)


def _kpis(sc: Scenario, name: str, at: datetime | None = None) -> dict[str, float]:
    return {
        "error": S.error_rate_pct(sc, name, at),
        "p95": S.p95_ms(sc, name, at),
        "rps": S.requests_per_second(sc, name, at),
        "availability": S.availability_pct(sc, name, at),
    }


def test_same_seed_and_start_give_identical_data() -> None:
    a, b = S.build_scenario(7, START), S.build_scenario(7, START)
    assert a == b
    assert S.history_points(a) == S.history_points(b)
    assert [e.record() for e in S.seeded_trail_events(a)] == [e.record() for e in S.seeded_trail_events(b)]
    assert S.cost_daily(a) == S.cost_daily(b)
    assert S.facts(a) == S.facts(b)


def test_another_seed_gives_other_data() -> None:
    a, b = S.build_scenario(7, START), S.build_scenario(8, START)
    assert S.facts(a).finding_id != S.facts(b).finding_id
    assert S.minute_points(a, -5) != S.minute_points(b, -5)


def test_every_metric_the_dashboard_reads_has_data_over_its_whole_span(sc: Scenario, cfg: Config) -> None:
    for q in build_plan(cfg):
        t0 = sc.start - timedelta(seconds=q.span_s)
        points = S.metric_series(sc, q.namespace, q.metric, q.dimensions, sc.start, q.span_s / 60)
        assert points, q.key
        covered = {p.ts.replace(minute=0, second=0) for p in points}
        hours = {(t0 + timedelta(hours=h)).replace(minute=0, second=0) for h in range(1, q.span_s // 3600)}
        assert hours <= covered, f"{q.key}: hours without data {sorted(hours - covered)[:3]}"


def test_config_alarms_exist_and_p1_alarms_fire(sc: Scenario, cfg: Config) -> None:
    names = {spec.name for spec in S.alarm_specs(sc)}
    for svc in cfg.services:
        assert set(svc.alarms) <= names
    p1 = next(s for s in cfg.services if s.name == S.P1_SERVICE)
    assert set(S.facts(sc).alarms_in_alarm) == set(p1.alarms)
    assert S.seeded_states(sc)[S.INSUFFICIENT_ALARM] == S.INSUFFICIENT_DATA


def test_p1_service_is_past_the_alert_thresholds_after_the_deploy(sc: Scenario, cfg: Config) -> None:
    f = S.facts(sc)
    k = _kpis(sc, f.p1_service)
    assert k["error"] > cfg.kpis.error_rate_pct.alert
    assert k["p95"] > cfg.kpis.response_time_p95_ms.alert
    assert f.deploy_time == sc.start - 25 * MINUTE
    before = _kpis(sc, f.p1_service, f.deploy_time)
    assert before["error"] < cfg.kpis.error_rate_pct.target
    assert before["p95"] < cfg.kpis.response_time_p95_ms.target


def test_p2_service_is_past_target_but_short_of_alert(sc: Scenario, cfg: Config) -> None:
    k = _kpis(sc, S.facts(sc).p2_service)
    assert cfg.kpis.response_time_p95_ms.target < k["p95"] < cfg.kpis.response_time_p95_ms.alert
    assert cfg.kpis.error_rate_pct.target < k["error"] < cfg.kpis.error_rate_pct.alert


def test_other_services_meet_every_target(sc: Scenario, cfg: Config) -> None:
    for name in S.facts(sc).healthy_services:
        k = _kpis(sc, name)
        assert k["rps"] > cfg.kpis.throughput_rps.target, name
        assert k["error"] < cfg.kpis.error_rate_pct.target, name
        assert k["p95"] < cfg.kpis.response_time_p95_ms.target, name
        assert k["availability"] >= cfg.kpis.availability_pct.target, name


def test_database_connections_sit_at_86_of_config_max(sc: Scenario, cfg: Config) -> None:
    f = S.facts(sc)
    assert cfg.database is not None
    assert f.db_max_connections == cfg.database.max_connections
    assert S.db_connections(sc) == f.db_connections_now
    window = S.metric_series(sc, "AWS/RDS", "DatabaseConnections", (("DBInstanceIdentifier", "skafu-prod-db"),))
    assert max(p.total() for p in window) == f.db_connections_now


def test_security_facts(sc: Scenario, cfg: Config) -> None:
    f = S.facts(sc)
    assert f.finding_severity >= 7.0
    assert f.finding_first_seen == sc.start - 12 * MINUTE
    record = finding_record(sc, S.finding_specs(sc)[0], "d" * 32)
    assert (record["Id"], record["Type"], record["Severity"]) == (f.finding_id, f.finding_type, f.finding_severity)
    assert f.failed_logins_24h > cfg.security.failed_login_warn_per_day
    burst = S.failed_logins(sc, sc.start, hours=1)
    assert burst == f.failed_login_burst
    assert not S.in_production_window(f.sg_change_time)
    assert (f.cert_not_after - sc.start) // DAY == f.cert_expires_in_days == 9
    assert f.cert_expires_in_days < cfg.security.certificate_critical_days


def test_production_window_is_the_first_sunday_02_to_06_utc() -> None:
    first_sunday = next(d for d in range(1, 8) if calendar.weekday(2026, 6, d) == calendar.SUNDAY)
    inside = datetime(2026, 6, first_sunday, 3, 0, tzinfo=UTC)
    assert S.in_production_window(inside)
    assert not S.in_production_window(inside + timedelta(hours=3))
    assert not S.in_production_window(inside + 7 * DAY)


def test_compliance_facts(sc: Scenario, cfg: Config) -> None:
    f = S.facts(sc)
    failing = {(e.rule, e.resource_id) for e in S.evaluations(sc) if e.compliance == "NON_COMPLIANT"}
    s3_rule, rds_rule = cfg.security.encryption_rule_names
    assert (s3_rule, f.noncompliant_bucket) in failing
    assert (rds_rule, f.noncompliant_db) in failing
    short = [g for g in LOG_GROUPS if g.retention_days < cfg.security.log_retention_min_days]
    assert [g.name for g in short] == [f.short_retention_log_group]
    assert cfg.security.log_retention_min_days == LOG_RETENTION_POLICY_DAYS


def test_backups_every_4_hours_and_last_nights_failed(sc: Scenario) -> None:
    f = S.facts(sc)
    jobs = S.seeded_backup_jobs(sc)
    assert [j.created.replace(minute=0, second=0) for j in jobs] == backup_slots(sc.start)
    failed = [j for j in jobs if j.state == "FAILED"]
    assert [j.id for j in failed] == [f.failed_backup_job_id]
    assert timedelta(hours=1) <= sc.start - f.failed_backup_time < DAY
    assert all(j.state == "COMPLETED" for j in jobs if j.created > f.failed_backup_time)


def test_cost_forecast_exceeds_the_budget_and_the_anomaly_names_the_spike(sc: Scenario, cfg: Config) -> None:
    f = S.facts(sc)
    assert (f.budget_name, f.budget_usd) == (cfg.cost.budget_name, cfg.cost.monthly_budget_usd)
    assert f.month_forecast_usd > f.budget_usd
    days = {row["date"] for row in S.cost_daily(sc)}
    assert len(days) >= 30
    anomaly = S.anomalies(sc)[0]
    assert anomaly["RootCauses"][0]["Service"] == SPIKE_SERVICE == f.spike_service
    assert anomaly["Impact"]["TotalImpact"] > cfg.cost.anomaly_min_impact_usd


def test_the_p1_recovers_after_the_rollback(sc: Scenario, cfg: Config) -> None:
    f = S.facts(sc)
    rollback = S.live_trail_events(sc, sc.start, f.rollback_time + MINUTE)
    assert [(e.name, e.user) for e in rollback] == [(f.deploy_event_name, f.rollback_engineer)]
    settled = f.rollback_time + 20 * MINUTE
    k = _kpis(sc, f.p1_service, settled)
    assert k["error"] < cfg.kpis.error_rate_pct.target
    assert k["p95"] < cfg.kpis.response_time_p95_ms.target
    assert S.alarm_states(sc, settled)[f"{f.p1_service}-5xx"] == S.OK


def test_a_new_incident_starts_later_and_repeats(sc: Scenario, cfg: Config) -> None:
    first = sc.live_incident(0)
    assert first.onset == sc.start + 45 * MINUTE and first.recovery == sc.start + 75 * MINUTE
    during = first.recovery - MINUTE
    assert S.p95_ms(sc, first.service, during) > cfg.kpis.response_time_p95_ms.alert
    assert S.alarm_states(sc, during)[f"{first.service}-latency-p95"] == S.ALARM
    assert S.p95_ms(sc, first.service, first.recovery + 20 * MINUTE) < cfg.kpis.response_time_p95_ms.target
    services = {sc.live_incident(k).service for k in range(3)}
    assert len(services) == 3 and sc.live_incident(3).service == first.service


def test_alarm_transitions_follow_the_data_without_flapping(sc: Scenario) -> None:
    changes = S.transitions(sc, 0, 4 * 90 + 60)
    per_alarm: dict[str, list[str]] = {}
    for t in changes:
        per_alarm.setdefault(t.alarm, []).append(t.new)
    for alarm, states in per_alarm.items():
        # One ALARM spell per incident on that alarm: never more than 2 flips an incident.
        assert states.count(S.ALARM) <= math.ceil(len(states) / 2), alarm
        assert all(a != b for a, b in itertools.pairwise(states)), alarm


def test_live_backups_keep_coming(sc: Scenario) -> None:
    later = live_backup_jobs(sc, sc.start, sc.start + DAY)
    assert len(later) == 6 and all(j.state == "COMPLETED" for j in later)


def test_last_nights_failed_backup_is_inside_the_24h_window_at_any_start_time() -> None:
    from datetime import UTC, datetime, timedelta

    from skafu_tui.demo.scenario_model import build_scenario

    for hour in range(24):
        for minute in (0, 3, 59):
            start = datetime(2026, 11, 30, hour, minute, 23, tzinfo=UTC)
            age = start - build_scenario(7, start).failed_backup_slot
            assert timedelta(hours=1) <= age < timedelta(hours=24), (start, age)
