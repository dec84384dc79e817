"""Service health, the platform's status rule and the system-wide figures, edge by edge."""

from __future__ import annotations

import dataclasses

import pytest
from test_assess_support import (
    CFG,
    NOW,
    alarm,
    all_services_metrics,
    healthy_values,
    minute_stamps,
    series,
    service_series,
    snap,
    window_stamps,
)

from skafu_tui.assess import Health, Level, assess
from skafu_tui.assess.health import SystemHealth, assess_system, overall_status
from skafu_tui.models import AlarmState

SVC = CFG.services[0]
K = CFG.kpis


def _status(system: SystemHealth, name: str) -> Health:
    svc = system.service(name)
    assert svc is not None
    return svc.status


def _one(**override: float) -> Health:
    metrics = all_services_metrics(**{SVC.name: override})
    return _status(assess_system(snap(metrics=metrics), CFG, NOW), SVC.name)


def _rpm_for_rps(rps: float) -> float:
    return rps * 60.0


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"error_pct": K.error_rate_pct.target}, Health.HEALTHY),
        ({"error_pct": K.error_rate_pct.target * 1.01}, Health.DEGRADED),
        ({"error_pct": K.error_rate_pct.alert}, Health.DEGRADED),
        ({"error_pct": K.error_rate_pct.alert * 1.01}, Health.UNHEALTHY),
        ({"p95": K.response_time_p95_ms.target}, Health.HEALTHY),
        ({"p95": K.response_time_p95_ms.target + 1}, Health.DEGRADED),
        ({"p95": K.response_time_p95_ms.alert}, Health.DEGRADED),
        ({"p95": K.response_time_p95_ms.alert + 1}, Health.UNHEALTHY),
        ({"rpm": _rpm_for_rps(K.throughput_rps.target)}, Health.HEALTHY),
        ({"rpm": _rpm_for_rps(K.throughput_rps.target) - 60}, Health.DEGRADED),
        ({"rpm": _rpm_for_rps(K.throughput_rps.alert)}, Health.DEGRADED),
        ({"rpm": _rpm_for_rps(K.throughput_rps.alert) - 60}, Health.UNHEALTHY),
        ({"availability": K.availability_pct.target}, Health.HEALTHY),
        ({"availability": K.availability_pct.target - 0.01}, Health.DEGRADED),
        ({"availability": K.availability_pct.alert}, Health.DEGRADED),
        ({"availability": K.availability_pct.alert - 0.01}, Health.UNHEALTHY),
    ],
)
def test_each_kpi_at_and_past_target_and_alert(override: dict[str, float], expected: Health) -> None:
    assert _one(**override) is expected


def test_unhealthy_service_names_its_breaches_with_thresholds() -> None:
    err = K.error_rate_pct.alert * 3
    p95 = K.response_time_p95_ms.alert * 1.7
    metrics = all_services_metrics(**{SVC.name: {"error_pct": err, "p95": p95}})
    svc = assess_system(snap(metrics=metrics), CFG, NOW).service(SVC.name)
    assert svc is not None and svc.status is Health.UNHEALTHY
    by_kpi = {b.kpi: b for b in svc.breaches}
    assert set(by_kpi) == {"error_rate_pct", "response_time_p95_ms"}
    assert by_kpi["error_rate_pct"].value == pytest.approx(err)
    assert (by_kpi["error_rate_pct"].target, by_kpi["error_rate_pct"].alert) == (
        K.error_rate_pct.target, K.error_rate_pct.alert)
    assert by_kpi["response_time_p95_ms"].value == pytest.approx(p95)
    assert all(b.level is Level.FAIL for b in svc.breaches)


def test_alarm_in_alarm_makes_service_unhealthy_insufficient_data_does_not() -> None:
    name_a, name_b = SVC.alarms[0], SVC.alarms[1]
    s = snap(alarms=(alarm(name_a, AlarmState.ALARM), alarm(name_b, AlarmState.INSUFFICIENT_DATA)))
    svc = assess_system(s, CFG, NOW).service(SVC.name)
    assert svc is not None
    assert svc.status is Health.UNHEALTHY
    assert svc.alarms_in_alarm == (name_a,)
    assert svc.alarms_insufficient == (name_b,)
    assert svc.breaches == ()

    s = snap(alarms=(alarm(name_b, AlarmState.INSUFFICIENT_DATA),))
    assert _status(assess_system(s, CFG, NOW), SVC.name) is Health.HEALTHY


def test_alarm_of_another_service_does_not_count() -> None:
    other = CFG.services[1]
    s = snap(alarms=(alarm(other.alarms[0], AlarmState.ALARM),))
    system = assess_system(s, CFG, NOW)
    assert _status(system, SVC.name) is Health.HEALTHY
    assert _status(system, other.name) is Health.UNHEALTHY


def test_service_without_data_is_unknown_and_not_counted_healthy() -> None:
    metrics = {k: v for k, v in all_services_metrics().items() if not k.startswith(f"svc/{SVC.name}/")}
    system = assess_system(snap(metrics=metrics), CFG, NOW)
    svc = system.service(SVC.name)
    assert svc is not None and svc.status is Health.UNKNOWN
    assert all(k.status is Level.UNKNOWN for k in svc.kpis)
    n = len(CFG.services)
    assert system.service_availability_pct == pytest.approx((n - 1) / n * 100)


def test_no_data_at_all_is_unknown_not_unhealthy() -> None:
    system = assess_system(snap(metrics={}), CFG, NOW)
    assert system.overall_status is Health.UNKNOWN
    assert system.error_rate_pct is None and system.response_time_ms is None


def test_minute_in_progress_and_points_before_window_are_left_out() -> None:
    # A wild value in every minute outside the window must not move the figures.
    stamps = window_stamps()
    hv = healthy_values()
    inside = set(stamps)
    all_stamps = minute_stamps(NOW, 180)
    p95 = [hv["p95"] if t in inside else K.response_time_p95_ms.alert * 10 for t in all_stamps]
    metrics = all_services_metrics()
    metrics[f"svc/{SVC.name}/latency"] = series(f"svc/{SVC.name}/latency", p95)
    svc = assess_system(snap(metrics=metrics), CFG, NOW).service(SVC.name)
    assert svc is not None and svc.p95_ms == pytest.approx(hv["p95"])
    assert len(stamps) == CFG.evaluation_window_minutes - 1  # 30 s into the minute: 11:46 … 11:59


def test_p95_is_request_weighted_over_the_window() -> None:
    stamps = window_stamps()
    all_stamps = minute_stamps(NOW, 180)
    busy = stamps[-1]
    rpm = [600.0 if t == busy else 200.0 for t in all_stamps]
    lat = [300.0 if t == busy else 100.0 for t in all_stamps]
    metrics = {
        f"svc/{SVC.name}/requests": series(f"svc/{SVC.name}/requests", rpm),
        f"svc/{SVC.name}/latency": series(f"svc/{SVC.name}/latency", lat),
    }
    svc = assess_system(snap(metrics=metrics), CFG, NOW).service(SVC.name)
    quiet = len(stamps) - 1
    expected = (300.0 * 600 + 100.0 * 200 * quiet) / (600 + 200 * quiet)
    assert svc is not None and svc.p95_ms == pytest.approx(expected)
    assert svc.throughput_rps == pytest.approx((600 + 200 * quiet) / (60 * len(stamps)))


def test_availability_without_its_series_is_derived_and_not_a_second_breach() -> None:
    err = K.error_rate_pct.target * 1.5
    metrics = all_services_metrics()
    del metrics[f"svc/{SVC.name}/availability"]
    metrics.update(service_series(SVC.name, rpm=healthy_values()["rpm"], error_pct=err,
                                  p95=healthy_values()["p95"], availability=None))
    svc = assess_system(snap(metrics=metrics), CFG, NOW).service(SVC.name)
    assert svc is not None
    avail = svc.kpi("availability_pct")
    assert avail is not None and avail.derived
    assert avail.value == pytest.approx(100 - err)
    err_reading = svc.kpi("error_rate_pct")
    assert err_reading is not None and avail.status is err_reading.status
    assert [b.kpi for b in svc.breaches] == ["error_rate_pct"]
    assert svc.status is Health.DEGRADED


@pytest.mark.parametrize("delta", [0.0, -0.001])
def test_overall_status_rule_edges(delta: float) -> None:
    rule = CFG.overall_status
    at_healthy = overall_status(rule.healthy_at_pct + delta, CFG)
    at_degraded = overall_status(rule.degraded_at_pct + delta, CFG)
    if delta == 0:
        assert (at_healthy, at_degraded) == (Health.HEALTHY, Health.DEGRADED)
    else:
        assert (at_healthy, at_degraded) == (Health.DEGRADED, Health.UNHEALTHY)


def test_overall_status_from_share_of_healthy_services() -> None:
    n = len(CFG.services)
    bad = {"error_pct": K.error_rate_pct.alert * 2}
    for unhealthy in range(n + 1):
        overrides = {s.name: bad for s in CFG.services[:unhealthy]}
        system = assess_system(snap(metrics=all_services_metrics(**overrides)), CFG, NOW)
        share = (n - unhealthy) / n * 100
        assert system.service_availability_pct == pytest.approx(share)
        assert system.overall_status is overall_status(share, CFG)
        assert system.healthy_count == n - unhealthy


def test_stricter_rule_from_config_is_used() -> None:
    rule = CFG.overall_status.model_copy(update={"healthy_at_pct": 100.0, "degraded_at_pct": 100.0})
    cfg = CFG.model_copy(update={"overall_status": rule})
    degraded = {CFG.services[0].name: {"error_pct": K.error_rate_pct.target * 1.5}}
    system = assess_system(snap(metrics=all_services_metrics(**degraded)), cfg, NOW)
    assert system.overall_status is Health.UNHEALTHY


def test_platform_error_rate_and_request_weighted_response_time() -> None:
    a, b = CFG.services[0].name, CFG.services[1].name
    metrics = all_services_metrics(**{
        a: {"rpm": 90_000.0, "error_pct": 3.0, "p95": 400.0},
        b: {"rpm": 120_000.0, "error_pct": 0.5, "p95": 100.0},
    })
    system = assess_system(snap(metrics=metrics), CFG, NOW)
    reqs = [s.requests or 0.0 for s in system.services]
    errs = [s.errors or 0.0 for s in system.services]
    assert system.error_rate_pct == pytest.approx(sum(errs) / sum(reqs) * 100)
    weighted = sum((s.p95_ms or 0.0) * (s.requests or 0.0) for s in system.services)
    assert system.response_time_ms == pytest.approx(weighted / sum(reqs))


def test_per_service_kpi_override_is_applied() -> None:
    svc_cfg = CFG.services[0]
    loose = K.response_time_p95_ms.model_copy(update={"target": 1000.0, "alert": 2000.0})
    overrides = svc_cfg.kpis.model_copy(update={"response_time_p95_ms": loose})
    new_svc = svc_cfg.model_copy(update={"kpis": overrides})
    cfg = CFG.model_copy(update={"services": [new_svc, *CFG.services[1:]]})
    metrics = all_services_metrics(**{svc_cfg.name: {"p95": K.response_time_p95_ms.alert * 1.5}})
    assert _status(assess_system(snap(metrics=metrics), cfg, NOW), svc_cfg.name) is Health.HEALTHY
    assert _status(assess_system(snap(metrics=metrics), CFG, NOW), svc_cfg.name) is Health.UNHEALTHY


def test_kpi_readings_carry_series_for_plots() -> None:
    a = assess(snap(), CFG, NOW)
    svc = a.system.services[0]
    for name in ("error_rate_pct", "response_time_p95_ms", "throughput_rps", "availability_pct"):
        r = svc.kpi(name)
        assert r is not None and len(r.series.values) == 180, name
        assert r.series.timestamps[-1] < NOW
    assert dataclasses.is_dataclass(svc)
