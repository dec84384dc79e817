"""Config models: statistics, thresholds, windows, overrides, and that every field is documented."""

from __future__ import annotations

import typing
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from skafu_tui.config import Config, ConsistencyError
from skafu_tui.config.models import MaintenanceWindow, MetricRef, Threshold, is_statistic


def _models_under(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for info in model.model_fields.values():
        stack: list[Any] = [info.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                _models_under(annotation, seen)
            stack.extend(typing.get_args(annotation))


def test_every_field_of_every_model_has_a_docstring() -> None:
    models: set[type[BaseModel]] = set()
    _models_under(Config, models)
    assert len(models) > 20  # the walk reached the nested sections
    undocumented = [
        f"{model.__name__}.{name}"
        for model in models
        for name, info in model.model_fields.items()
        if not (info.description or "").strip()
    ]
    assert undocumented == []


def test_models_are_frozen_and_forbid_unknown_keys() -> None:
    threshold = Threshold(target=1, alert=2, higher_is_better=False)
    with pytest.raises(ValidationError):
        threshold.target = 5  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        Threshold.model_validate({"target": 1, "alert": 2, "higher_is_better": False, "warn": 3})


@pytest.mark.parametrize(
    "stat",
    [
        "SampleCount",
        "Average",
        "Sum",
        "Minimum",
        "Maximum",
        "p95",
        "p99.9",
        "p0",
        "p100",
        "tm90",
        "wm99",
        "tc90",
        "ts10",
        "IQM",
        "TM(10%:90%)",
        "TM(:95%)",
        "PR(:300)",
        "TC(0.005:0.030)",
    ],
)
def test_cloudwatch_statistics_are_accepted(stat: str) -> None:
    assert is_statistic(stat)


@pytest.mark.parametrize(
    "stat",
    [
        "p955",
        "p101",
        "P95",
        "average",
        "sum",
        "",
        "tm",
        "TM()",
        "TM(:)",
        "TM(90%:10%)",
        "TM(10%:190%)",
        "p95 ",
    ],
)
def test_non_statistics_are_rejected(stat: str) -> None:
    assert not is_statistic(stat)


def test_metric_refs_hash_by_value_so_plans_can_deduplicate() -> None:
    def ref(**dims: str) -> MetricRef:
        return MetricRef(namespace="AWS/ApiGateway", metric="Count", dimensions=dims, stat="Sum")

    assert len({ref(ApiName="a", Stage="prod"), ref(Stage="prod", ApiName="a"), ref(ApiName="b")}) == 2


def test_numeric_dimension_values_read_as_text() -> None:
    ref = MetricRef.model_validate(
        {"namespace": "N", "metric": "M", "dimensions": {"Id": 12345}, "stat": "Sum"}
    )
    assert ref.dimensions == {"Id": "12345"}


@pytest.mark.parametrize(
    ("higher_is_better", "values"),
    # (value, past target, past alert): at a level is not past it.
    [
        (
            False,
            [
                (199, False, False),
                (200, False, False),
                (201, True, False),
                (500, True, False),
                (501, True, True),
            ],
        ),
        (
            True,
            [
                (1001, False, False),
                (1000, False, False),
                (999, True, False),
                (500, True, False),
                (499, True, True),
            ],
        ),
    ],
)
def test_threshold_levels(higher_is_better: bool, values: list[tuple[float, bool, bool]]) -> None:
    target, alert = (1000, 500) if higher_is_better else (200, 500)
    threshold = Threshold(target=target, alert=alert, higher_is_better=higher_is_better)
    assert [(v, threshold.past_target(v), threshold.past_alert(v)) for v, _, _ in values] == values


def _config(**extra: Any) -> dict[str, Any]:
    metric = {"namespace": "N", "metric": "M", "stat": "Sum"}
    service = {
        "name": "api",
        "feature": "F",
        "metrics": {"requests": metric, "errors": metric, "latency": metric},
    }
    return {"platform": {"name": "P"}, "services": [service], **extra}


def test_service_overrides_replace_only_the_kpis_they_name() -> None:
    data = _config()
    data["services"][0]["kpis"] = {
        "response_time_p95_ms": {"target": 800, "alert": 2000, "higher_is_better": False}
    }
    config = Config.model_validate(data)
    effective = config.kpis_for("api")
    assert (effective.response_time_p95_ms.target, effective.response_time_p95_ms.alert) == (800, 2000)
    assert effective.error_rate_pct == config.kpis.error_rate_pct
    assert config.kpis_for("not-a-service") == config.kpis


def test_override_cannot_flip_a_kpis_direction() -> None:
    data = _config()
    data["services"][0]["kpis"] = {"error_rate_pct": {"target": 5, "alert": 1, "higher_is_better": True}}
    with pytest.raises(ConsistencyError) as raised:
        Config.model_validate(data)
    assert [(issue.loc, issue.message) for issue in raised.value.issues] == [
        (
            ("services", 0, "kpis", "error_rate_pct", "higher_is_better"),
            "must be false like kpis.error_rate_pct",
        )
    ]


def _window(**fields: Any) -> MaintenanceWindow:
    return MaintenanceWindow.model_validate({"environment": "production", **fields})


def test_monthly_window_opens_only_in_its_week() -> None:
    window = _window(days=["sunday"], start="02:00", end="06:00", frequency="monthly", week_of_month=1)
    first_sunday = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # 1 Nov 2026 is a Sunday
    assert first_sunday.strftime("%A") == "Sunday"
    assert window.is_open(first_sunday)
    assert not window.is_open(first_sunday + timedelta(days=7))  # second Sunday
    assert not window.is_open(first_sunday.replace(hour=6))  # the end is exclusive
    assert window.is_open(first_sunday.replace(hour=2))
    assert not window.is_open(first_sunday - timedelta(days=1))  # Saturday


def test_window_crossing_midnight_and_other_time_zones() -> None:
    window = _window(days=["friday"], start="22:00", end="02:00")
    friday_night = datetime(2026, 11, 6, 23, 0, tzinfo=UTC)
    assert friday_night.strftime("%A") == "Friday"
    assert window.is_open(friday_night)
    assert window.is_open(friday_night + timedelta(hours=2, minutes=59))  # Saturday 01:59
    assert not window.is_open(friday_night + timedelta(hours=3))  # Saturday 02:00
    # 23:00 UTC seen from UTC+2 is 01:00 on Saturday: still the same moment, still open.
    assert window.is_open(friday_night.astimezone(timezone(timedelta(hours=2))))
    assert window.is_open(friday_night.replace(tzinfo=None))  # naive means UTC


def test_daily_and_continuous_windows() -> None:
    daily = _window(days=["daily"], start="01:00", end="03:00", frequency="as-needed")
    assert all(daily.is_open(datetime(2026, 11, day, 1, 30)) for day in range(1, 8))
    assert not daily.is_open(datetime(2026, 11, 3, 3, 30))
    assert _window(continuous=True).is_open(datetime(2026, 11, 3, 12, 0))


def test_weekday_names_are_case_insensitive() -> None:
    assert _window(days=["Sunday"], start="02:00", end="03:00").days == ["sunday"]
