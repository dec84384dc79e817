"""The change feed: config-driven classification, service mapping, categories and window flags."""

from __future__ import annotations

import calendar as cal
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skafu_tui.changes import (
    EMERGENCY,
    NORMAL,
    STANDARD,
    CategorySource,
    build_changes,
    change_signals,
    kind_of,
    security_changes,
)
from skafu_tui.config import Config, ConfigError, load_config, parse_config
from skafu_tui.incidents.classify import classify
from skafu_tui.models import ResourceRef, TrailEvent

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"
TUESDAY = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def cfg() -> Config:
    return load_config(REPO_CONFIG).config


def event(
    name: str,
    source: str = "lambda.amazonaws.com",
    resource: str = "skafu-template-management-api",
    at: datetime = TUESDAY,
    *,
    event_id: str | None = None,
    who: str = "dana.okafor",
    read_only: bool = False,
    error_code: str = "",
) -> TrailEvent:
    return TrailEvent(
        id=event_id or f"{name}-{resource}-{at.isoformat()}",
        name=name,
        source=source,
        at=at,
        username=who,
        source_ip="203.0.113.24",
        resources=(ResourceRef(resource_type="AWS::Thing", resource_id=resource),) if resource else (),
        read_only=read_only,
        error_code=error_code,
        raw="{}",
    )


@dataclass(frozen=True)
class FakeIncident:
    id: int
    incident_class: str
    services: tuple[str, ...]
    started_at: datetime
    resolved_at: datetime | None = None
    resources: tuple[str, ...] = ()
    title: str = "something broke"


@dataclass(frozen=True)
class FakeOverride:
    category: str
    reason: str
    actor: str = "ops"
    at: datetime = TUESDAY


# --- classification -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "source", "kind"),
    [
        ("UpdateFunctionCode20150331v2", "lambda.amazonaws.com", "deployment"),
        ("UpdateFunctionConfiguration20150331v2", "lambda.amazonaws.com", "deployment"),
        ("PublishVersion20150331", "lambda.amazonaws.com", "deployment"),
        ("UpdateAlias20150331", "lambda.amazonaws.com", "deployment"),
        ("CreateDeployment", "apigateway.amazonaws.com", "deployment"),
        ("UpdateService", "ecs.amazonaws.com", "deployment"),
        ("CreateDeployment", "codedeploy.amazonaws.com", "deployment"),
        ("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "access"),
        ("RevokeSecurityGroupEgress", "ec2.amazonaws.com", "access"),
        ("PutRolePolicy", "iam.amazonaws.com", "access"),
        ("AttachRolePolicy", "iam.amazonaws.com", "access"),
        ("PutKeyPolicy", "kms.amazonaws.com", "access"),
        ("ModifyDBInstance", "rds.amazonaws.com", "data"),
        ("PutBucketEncryption", "s3.amazonaws.com", "data"),
        ("DeleteAlarms", "monitoring.amazonaws.com", "monitoring"),
        ("DisableAlarmActions", "monitoring.amazonaws.com", "monitoring"),
        ("StopLogging", "cloudtrail.amazonaws.com", "monitoring"),
        ("DeleteTrail", "cloudtrail.amazonaws.com", "monitoring"),
    ],
)
def test_default_kinds_match_by_prefix_through_version_suffixes(cfg: Config, name: str, source: str, kind: str) -> None:
    assert kind_of(event(name, source), cfg.changes.kinds) == kind


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("ConsoleLogin", "signin.amazonaws.com"),  # a sign-in, not a change
        ("UpdateAlias20150331", "ec2.amazonaws.com"),  # right name, wrong service
        ("RunInstances", "ec2.amazonaws.com"),  # a write no kind lists
    ],
)
def test_events_no_kind_lists_are_not_changes(cfg: Config, name: str, source: str) -> None:
    assert kind_of(event(name, source), cfg.changes.kinds) is None


def test_read_only_and_failed_calls_are_not_changes(cfg: Config) -> None:
    assert kind_of(event("UpdateFunctionCode20150331v2", read_only=True), cfg.changes.kinds) is None
    assert kind_of(event("UpdateFunctionCode20150331v2", error_code="AccessDenied"), cfg.changes.kinds) is None


def _config_with_changes(changes_yaml: str) -> Config:
    base = REPO_CONFIG.read_text(encoding="utf-8")
    start = base.index("\nchanges:\n")
    end = base.index("\n# Seed: Maintenance_Windows.")
    return parse_config(base[:start] + "\n" + changes_yaml + base[end:], "test.yaml")


def test_classification_follows_the_configured_table_in_order() -> None:
    cfg = _config_with_changes(
        """changes:
  kinds:
    scaling: {description: Capacity changes, events: ["autoscaling:UpdateAutoScalingGroup"]}
    lambda-any: {description: Every Lambda write, events: ["lambda:*"]}
    deployment: {description: Never reached for Lambda, events: ["lambda:UpdateFunctionCode"]}
"""
    )
    kinds = cfg.changes.kinds
    assert kind_of(event("UpdateAutoScalingGroup", "autoscaling.amazonaws.com"), kinds) == "scaling"
    # The first matching kind wins: the catch-all listed before 'deployment' takes the deploy.
    assert kind_of(event("UpdateFunctionCode20150331v2"), kinds) == "lambda-any"
    # Security groups are no longer a kind in this config.
    assert kind_of(event("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com"), kinds) is None


def test_a_malformed_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        _config_with_changes("changes:\n  kinds:\n    bad: {description: x, events: [UpdateFunctionCode]}\n")
    assert "service:EventName" in str(caught.value)


# --- service mapping ------------------------------------------------------------------------


def test_service_is_mapped_through_config_resources(cfg: Config) -> None:
    function = cfg.services[1].lambda_functions[0]
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{cfg.services[2].lambda_functions[0]}"
    changes = build_changes(
        [
            event("UpdateFunctionCode20150331v2", resource=function, event_id="a"),
            event("UpdateFunctionCode20150331v2", resource=arn, event_id="b"),
            event("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "sg-0123", event_id="c"),
        ],
        cfg,
    )
    by_id = {c.id: c for c in changes}
    assert by_id["a"].service == cfg.services[1].name
    assert by_id["b"].service == cfg.services[2].name
    assert by_id["c"].service is None


# --- categories -----------------------------------------------------------------------------


def test_a_change_during_an_open_p1_on_its_service_is_an_emergency(cfg: Config) -> None:
    service = cfg.services[1].name
    p1 = FakeIncident(7, "P1", (service,), started_at=TUESDAY - timedelta(minutes=30))
    [change] = build_changes([event("UpdateFunctionCode20150331v2")], cfg, incidents=[p1])
    assert (change.category, change.category_source) == (EMERGENCY, CategorySource.INFERRED)
    assert "#7" in change.category_reason


@pytest.mark.parametrize(
    "incident",
    [
        FakeIncident(1, "P2", ("template-management-api",), TUESDAY - timedelta(minutes=5)),  # not P0/P1
        FakeIncident(2, "P1", ("ai-integration-service",), TUESDAY - timedelta(minutes=5)),  # other service
        FakeIncident(3, "P1", ("template-management-api",), TUESDAY + timedelta(minutes=5)),  # began after
        FakeIncident(  # resolved before the change
            4, "P0", ("template-management-api",), TUESDAY - timedelta(hours=2), TUESDAY - timedelta(hours=1)
        ),
    ],
)
def test_no_emergency_without_an_open_p0_p1_on_the_same_service(cfg: Config, incident: FakeIncident) -> None:
    [change] = build_changes([event("UpdateFunctionCode20150331v2")], cfg, incidents=[incident])
    assert change.category == NORMAL


def test_standard_patterns_from_config_make_standard_changes(cfg: Config) -> None:
    assert "lambda:UpdateAlias" in cfg.changes.standard_patterns
    changes = build_changes([event("UpdateAlias20150331"), event("UpdateFunctionCode20150331v2")], cfg)
    categories = {c.name: c.category for c in changes}
    assert categories == {"UpdateAlias": STANDARD, "UpdateFunctionCode": NORMAL}


def test_the_operator_override_wins_with_its_reason(cfg: Config) -> None:
    e = event("UpdateFunctionCode20150331v2")
    p1 = FakeIncident(7, "P1", ("template-management-api",), TUESDAY - timedelta(minutes=30))
    override = FakeOverride(STANDARD, "pre-approved hotfix CR-12")
    [change] = build_changes([e], cfg, incidents=[p1], overrides={e.id: override})
    assert (change.category, change.category_source, change.category_reason) == (
        STANDARD, CategorySource.OVERRIDE, "pre-approved hotfix CR-12"
    )


# --- maintenance windows --------------------------------------------------------------------


def _first_sunday(year: int, month: int) -> datetime:
    day = next(d for d in range(1, 8) if cal.weekday(year, month, d) == cal.SUNDAY)
    return datetime(year, month, day, tzinfo=UTC)


def _production_times(cfg: Config) -> tuple[timedelta, timedelta]:
    [window] = cfg.windows_for(cfg.changes.environment)
    assert window.start is not None and window.end is not None
    hours = [int(t.split(":")[0]) * 60 + int(t.split(":")[1]) for t in (window.start, window.end)]
    return timedelta(minutes=hours[0]), timedelta(minutes=hours[1])


def test_changes_are_flagged_outside_the_first_sunday_window(cfg: Config) -> None:
    opens, closes = _production_times(cfg)
    sunday = _first_sunday(2026, 12)
    cases = {
        "inside": (sunday + opens + timedelta(minutes=30), False),
        "at-open": (sunday + opens, False),
        "at-close": (sunday + closes, True),
        "before-open": (sunday + opens - timedelta(minutes=1), True),
        "second-sunday": (sunday + timedelta(days=7) + opens + timedelta(minutes=30), True),
        "tuesday": (TUESDAY, True),
    }
    events = [event("UpdateFunctionCode20150331v2", at=at, event_id=name) for name, (at, _) in cases.items()]
    by_id = {c.id: c for c in build_changes(events, cfg)}
    for name, (_, flagged) in cases.items():
        assert by_id[name].flagged is flagged, name
        assert by_id[name].in_window is (not flagged), name


def test_an_environment_without_windows_flags_nothing() -> None:
    cfg = _config_with_changes("changes:\n  environment: qa\n")
    [change] = build_changes([event("UpdateFunctionCode20150331v2")], cfg)
    assert change.in_window is None and not change.flagged


# --- findings -------------------------------------------------------------------------------


def test_an_out_of_window_change_is_a_p2_finding_unless_emergency(cfg: Config) -> None:
    service = cfg.services[1].name
    deploy = event("UpdateFunctionCode20150331v2", event_id="deploy")
    sg = event("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "sg-1", TUESDAY - timedelta(hours=1),
               event_id="sg", who="jordan.kim")
    p1 = FakeIncident(7, "P1", (service,), started_at=TUESDAY - timedelta(minutes=30))
    changes = build_changes([deploy, sg], cfg, incidents=[p1])
    signals = change_signals(changes, cfg.changes.environment)
    assert [s.key for s in signals] == ["change:sg"]  # the deploy was an emergency change
    found = classify(signals[0], cfg.incidents)
    assert found is not None and found.incident_class == "P2"


def test_one_deployment_burst_is_one_finding(cfg: Config) -> None:
    calls = [
        event("UpdateFunctionCode20150331v2", at=TUESDAY, event_id="code"),
        event("PublishVersion20150331", at=TUESDAY + timedelta(seconds=25), event_id="publish"),
        event("UpdateAlias20150331", at=TUESDAY + timedelta(seconds=40), event_id="alias"),
        event("UpdateFunctionCode20150331v2", at=TUESDAY + timedelta(hours=1), event_id="later"),
    ]
    signals = change_signals(build_changes(calls, cfg))
    assert [s.key for s in signals] == ["change:code", "change:later"]
    assert len(signals[0].evidence) == 4  # three calls and the category


def test_security_group_and_trail_stopping_changes_are_surfaced(cfg: Config) -> None:
    events = [
        event("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "sg-1", event_id="sg"),
        event("StopLogging", "cloudtrail.amazonaws.com", "skafu-trail", event_id="stop"),
        event("DeleteAlarms", "monitoring.amazonaws.com", "x-alarm", event_id="alarm"),
        event("UpdateFunctionCode20150331v2", event_id="deploy"),
    ]
    assert {c.id for c in security_changes(build_changes(events, cfg))} == {"sg", "stop"}
