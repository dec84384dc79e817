"""The shipped config (and the defaults a minimal config gets) state the operational procedures' figures.

Expected values are quoted from ../shared/seed/operational-procedures.md as written there and
converted here, so a reader can check each against the seed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skafu_tui.config import Config, load_config, packaged_config_path, parse_config

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"

MINIMAL = """\
platform: {name: Mini}
services:
  - name: api
    feature: Everything
    metrics:
      requests: {namespace: AWS/ApiGateway, metric: Count, stat: Sum}
      errors: {namespace: AWS/ApiGateway, metric: 5XXError, stat: Sum}
      latency: {namespace: AWS/ApiGateway, metric: Latency, stat: p95}
"""


def minutes(seed_text: str) -> int:
    """'15 minutes' / '1 hour' / '24 hours' → minutes."""
    amount, unit = seed_text.split()
    return int(amount) * (60 if unit.startswith("hour") else 1)


def number(seed_text: str) -> float:
    """'< 200ms P95' / '> 1000 requests/second' / '99.9%' / 'Threshold: > 2%' → the number."""
    found = re.search(r"\d+(\.\d+)?", seed_text)
    assert found is not None
    return float(found.group())


# Incident_Classifications: class, response_time, escalation_time, stakeholders, communication.
SEED_CLASSES = [
    (
        "P0",
        "15 minutes",
        "30 minutes",
        ["CTO", "Engineering Manager", "Security Team"],
        "Immediate status page update",
    ),
    (
        "P1",
        "1 hour",
        "2 hours",
        ["Engineering Manager", "Product Manager"],
        "Status page update within 1 hour",
    ),
    ("P2", "4 hours", "8 hours", ["Tech Lead", "QA Lead"], "Internal team notification"),
    ("P3", "24 hours", "48 hours", ["Engineering Team"], "Ticket tracking system"),
]

# Performance_Monitoring.Key_Performance_Indicators: target and alerting threshold.
SEED_KPIS = [
    ("response_time_p95_ms", "< 200ms P95", "Threshold: 500ms", False),
    ("throughput_rps", "> 1000 requests/second", "Threshold: < 500 requests/second", True),
    ("error_rate_pct", "< 1%", "Threshold: > 2%", False),
    ("availability_pct", "99.9%", "Threshold: < 99.5%", True),
]

# Daily_Health_Checks.Performance_Metrics: targets only (with the factor to the KPI's unit).
SEED_TARGETS = [
    ("db_query_ms", "< 100ms average", 1),
    ("lambda_duration_ms", "< 30s timeout", 1000),
    ("cpu_pct", "< 80%", 1),
    ("memory_pct", "< 80%", 1),
]


@pytest.fixture(params=["repo config.yaml", "minimal config defaults"])
def config(request: pytest.FixtureRequest) -> Config:
    if request.param == "repo config.yaml":
        return load_config(REPO_CONFIG).config
    return parse_config(MINIMAL, "minimal.yaml")


def test_repo_config_loads_with_the_five_seed_services() -> None:
    config = load_config(REPO_CONFIG).config
    # Seed: DailyOperationsReport.checkSystemHealth's list of critical services.
    assert [service.name for service in config.services] == [
        "project-management-api",
        "template-management-api",
        "ai-integration-service",
        "github-integration-service",
        "observability-service",
    ]
    assert config.platform.name == "Skafu"


def test_packaged_default_is_an_exact_copy_of_the_repo_config() -> None:
    assert packaged_config_path().read_bytes() == REPO_CONFIG.read_bytes(), (
        "skafu_tui/default_config.yaml drifted from config.yaml: cp config.yaml skafu_tui/default_config.yaml"
    )


@pytest.mark.parametrize(("name", "response", "escalation", "stakeholders", "communication"), SEED_CLASSES)
def test_incident_classes_match_the_seed(
    config: Config, name: str, response: str, escalation: str, stakeholders: list[str], communication: str
) -> None:
    incident_class = config.incidents.classes[name]
    assert incident_class.response_minutes == minutes(response)
    assert incident_class.escalation_minutes == minutes(escalation)
    assert incident_class.stakeholders == stakeholders
    assert incident_class.communication == communication


@pytest.mark.parametrize(("kpi", "target", "alert", "higher_is_better"), SEED_KPIS)
def test_kpi_targets_and_alerts_match_the_seed(
    config: Config, kpi: str, target: str, alert: str, higher_is_better: bool
) -> None:
    threshold = getattr(config.kpis, kpi)
    assert (threshold.target, threshold.alert) == (number(target), number(alert))
    assert threshold.higher_is_better is higher_is_better


@pytest.mark.parametrize(("kpi", "text", "scale"), SEED_TARGETS)
def test_daily_performance_targets_match_the_seed(config: Config, kpi: str, text: str, scale: int) -> None:
    threshold = getattr(config.kpis, kpi)
    assert threshold.target == number(text) * scale
    assert threshold.higher_is_better is False


def test_overall_status_capacity_and_windows_match_the_seed(config: Config) -> None:
    # checkSystemHealth: serviceAvailability >= 95 ? 'healthy' : >= 80 ? 'degraded' : 'unhealthy'
    assert (config.overall_status.healthy_at_pct, config.overall_status.degraded_at_pct) == (95, 80)
    compute = config.capacity.compute
    # Resource_Planning.compute_resources: "60%", "70%", "80%"
    assert (compute.current_pct, compute.optimal_pct, compute.scaling_threshold_pct) == (60, 70, 80)
    # database_resources: current_connections "50", max_connections "100"
    assert (config.capacity.database_connections.baseline, config.capacity.database_connections.max) == (
        50,
        100,
    )
    # storage_resources: current_usage "500GB", growth_rate "50GB/month"
    assert config.capacity.storage.baseline_usage_gb == 500
    assert config.capacity.storage.growth_gb_per_month == 50
    # Forecasting_Metrics.user_growth: 1000 / 5000 / 10000 active users
    users = config.capacity.projections["user_growth"]
    assert (users.current, users.in_6_months, users.in_12_months) == (1000, 5000, 10000)


def test_change_categories_match_the_seed(config: Config) -> None:
    categories = config.changes.categories
    # Change_Control_Process.Change_Categories
    assert categories["emergency"].approval == "< 1 hour"
    assert categories["emergency"].approvers == ["On-call engineer", "Engineering manager"]
    assert categories["standard"].approval == "24-48 hours"
    assert categories["normal"].documentation == "Comprehensive"


def test_repo_maintenance_windows_match_the_seed() -> None:
    config = load_config(REPO_CONFIG).config
    production, staging, development = (
        config.windows_for(env)[0] for env in ("production", "staging", "development")
    )
    # Production: window "Sunday 02:00-06:00 UTC", frequency "Monthly", advance_notice "7 days"
    assert (production.days, production.start, production.end) == (["sunday"], "02:00", "06:00")
    assert (production.frequency, production.notice_days) == ("monthly", 7)
    # Staging: window "Daily 01:00-03:00 UTC", advance_notice "24 hours"
    assert (staging.days, staging.start, staging.end, staging.notice_days) == (["daily"], "01:00", "03:00", 1)
    # Development: window "Continuous"
    assert development.continuous


def test_minimal_config_gets_documented_defaults() -> None:
    config = parse_config(MINIMAL, "minimal.yaml")
    assert config.evaluation_window_minutes == 15  # issue 3: "the evaluation window (default 15 minutes)"
    # issue 3, Poller: alarms 30 s, metrics 60 s, CloudTrail 2 min, GuardDuty 5 min, inventory 10 min,
    # Config 15 min, Cost Explorer 6 h.
    cadence = config.cadence
    assert (cadence.alarms, cadence.metrics, cadence.cloudtrail, cadence.guardduty) == (30, 60, 120, 300)
    assert (cadence.inventory, cadence.config, cadence.cost) == (600, 900, 6 * 3600)
    assert config.keys == {}
    assert config.incidents.rules == []
    assert config.database is None and config.load_balancer is None
