"""The API-call meter and the steady-state cost model."""

from __future__ import annotations

import math

import pytest

from skafu_tui.aws.pricing import (
    COST_EXPLORER_PER_REQUEST,
    GET_METRIC_DATA_PER_METRIC,
    ApiMeter,
    call_cost,
    metrics_requested,
    modelled_monthly_cost,
)
from skafu_tui.config import Config
from skafu_tui.metric_plan import TIER_HOT, build_plan, service_queries, tiers

BUDGET_USD = 5.0
"""The design's bar: a default config running 24x7 costs at most this per operator-month."""


def expected(cfg: Config, hours: float, hot: int = 0) -> float:
    """The model from first principles: metrics x polls x price, Cost Explorer requests x price."""
    polls_per_day = {key: math.ceil(hours * 3600 / getattr(cfg.cadence, key)) for key in type(cfg.cadence).model_fields}
    total = 0.0
    for tier, queries in tiers(build_plan(cfg)).items():
        total += len(queries) * polls_per_day[tier] * 30 * GET_METRIC_DATA_PER_METRIC
    if hot:
        total += (
            hot
            * len(service_queries(cfg, cfg.services[0].name))
            * polls_per_day[TIER_HOT]
            * 30
            * GET_METRIC_DATA_PER_METRIC
        )
    requests = polls_per_day["cost"] + 2 * polls_per_day["cost_anomalies"]
    return total + requests * 30 * COST_EXPLORER_PER_REQUEST


def test_repo_config_24x7_is_within_five_dollars(cfg: Config) -> None:
    model = modelled_monthly_cost(cfg, 24)
    assert model.total_usd == pytest.approx(expected(cfg, 24))
    assert model.total_usd <= BUDGET_USD
    assert any(line.name.startswith("GetCostAndUsage") for line in model.lines)


def test_shifts_and_hot_services(cfg: Config) -> None:
    shift = modelled_monthly_cost(cfg, 8)
    assert shift.total_usd == pytest.approx(expected(cfg, 8))
    assert shift.total_usd < modelled_monthly_cost(cfg, 24).total_usd
    hot = modelled_monthly_cost(cfg, 24, hot_services=2)
    assert hot.total_usd == pytest.approx(expected(cfg, 24, hot=2))


def test_a_naive_cadence_costs_far_more(cfg: Config) -> None:
    naive = cfg.model_copy(update={"cadence": cfg.cadence.model_copy(update={"metrics": 30, "cost": 60})})
    assert modelled_monthly_cost(naive, 24).total_usd > 20 * BUDGET_USD


def test_meter_bills_metrics_requested_and_cost_explorer_requests() -> None:
    queries = [{"Id": "q0", "MetricStat": {}}, {"Id": "q1", "MetricStat": {}}, {"Id": "e0", "Expression": "q0+q1"}]
    assert metrics_requested({"MetricDataQueries": queries}) == 2
    meter = ApiMeter()
    meter.record("cloudwatch", "GetMetricData", metrics=2)
    meter.record("ce", "GetCostAndUsage")
    meter.record("ce", "GetCostAndUsage", ok=False)  # refused or throttled: not billed
    meter.record("guardduty", "ListFindings")
    meter.record("cloudwatch", "ListMetrics")
    assert meter.total_calls == 5
    assert meter.cost_usd == pytest.approx(2 * GET_METRIC_DATA_PER_METRIC + COST_EXPLORER_PER_REQUEST + 0.01 / 1000)
    assert call_cost("guardduty", "ListFindings") == 0.0
