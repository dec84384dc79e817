"""Response, escalation and review clocks at their exact edges, from config.yaml's class times."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skafu_tui.config import Config, load_config
from skafu_tui.incidents import NEAR_FRACTION, ClockStatus, incident_clocks, review_clock
from skafu_tui.ledger import ClassSource, Incident, IncidentStatus
from skafu_tui.procedures import REVIEW_DUE

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(REPO / "config.yaml").config


def incident(cls: str, **changes: object) -> Incident:
    base = Incident(
        id=1,
        key="k",
        kind="service_unhealthy",
        incident_class=cls,
        class_source=ClassSource.RULE,
        rule_class=cls,
        rule="r",
        title="t",
        services=(),
        resources=(),
        evidence=(),
        severity=None,
        status=IncidentStatus.OPEN,
        started_at=T0,
        opened_at=T0,
        last_seen_at=T0,
        cleared_at=None,
        resolved_at=None,
        reopened_count=0,
        commander=None,
        acknowledged_by=None,
        acknowledged_at=None,
        review_completed_at=None,
        review_completed_by=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("cls", ["P0", "P1", "P2", "P3"])
@pytest.mark.parametrize("which", ["response", "escalation"])
def test_running_clock_edges(config: Config, cls: str, which: str) -> None:
    minutes = getattr(config.incidents.classes[cls], f"{which}_minutes")
    span = timedelta(minutes=minutes)
    deadline = T0 + span
    near_from = deadline - span * NEAR_FRACTION

    def status(at: datetime) -> ClockStatus:
        found = getattr(incident_clocks(incident(cls), config.incidents, at), which)
        assert found is not None and found.deadline == deadline
        return found.status  # type: ignore[no-any-return]

    assert status(T0) is ClockStatus.OK
    assert status(near_from - SECOND) is ClockStatus.OK
    assert status(near_from) is ClockStatus.NEAR
    assert status(deadline - SECOND) is ClockStatus.NEAR
    assert status(deadline) is ClockStatus.OVERDUE
    assert status(deadline + timedelta(hours=5)) is ClockStatus.OVERDUE


def test_acknowledgement_stops_the_response_clock_only(config: Config) -> None:
    span = timedelta(minutes=config.incidents.classes["P1"].response_minutes)
    on_time = incident("P1", acknowledged_at=T0 + span, acknowledged_by="alice")
    clocks = incident_clocks(on_time, config.incidents, T0 + 10 * span)
    assert clocks.response is not None and clocks.response.status is ClockStatus.MET
    assert clocks.response.stopped_at == T0 + span and clocks.response.text == "met"
    assert clocks.escalation is not None and clocks.escalation.status is ClockStatus.OVERDUE

    late = incident("P1", acknowledged_at=T0 + span + timedelta(minutes=3))
    missed = incident_clocks(late, config.incidents, T0 + 10 * span).response
    assert missed is not None and missed.status is ClockStatus.MISSED and missed.text == "missed by 3m"


def test_resolution_stops_escalation_and_starts_review(config: Config) -> None:
    escalation = timedelta(minutes=config.incidents.classes["P2"].escalation_minutes)
    resolved_at = T0 + escalation - SECOND
    done = incident("P2", status=IncidentStatus.RESOLVED, resolved_at=resolved_at)
    clocks = incident_clocks(done, config.incidents, resolved_at + timedelta(days=30))
    assert clocks.escalation is not None and clocks.escalation.status is ClockStatus.MET
    assert clocks.review is not None and clocks.review.deadline == resolved_at + REVIEW_DUE
    assert clocks.review.status is ClockStatus.OVERDUE

    assert review_clock(incident("P2"), T0) is None
    due = review_clock(done, resolved_at + REVIEW_DUE - SECOND)
    assert due is not None and due.status is ClockStatus.NEAR
    reviewed = replace(done, review_completed_at=resolved_at + REVIEW_DUE)
    met = review_clock(reviewed, resolved_at + timedelta(days=9))
    assert met is not None and met.status is ClockStatus.MET


def test_clock_text_counts_down(config: Config) -> None:
    span = timedelta(minutes=config.incidents.classes["P0"].response_minutes)
    at = T0 + span - timedelta(minutes=4, seconds=30)
    clock = incident_clocks(incident("P0"), config.incidents, at).response
    assert clock is not None and clock.text == "4m left"
    over = incident_clocks(
        incident("P0"), config.incidents, T0 + span + timedelta(hours=1, minutes=5)
    ).response
    assert over is not None and over.text == "overdue 1h05m"


def test_unknown_class_has_no_incident_clocks(config: Config) -> None:
    clocks = incident_clocks(incident("P9"), config.incidents, T0)
    assert clocks.response is None and clocks.escalation is None
