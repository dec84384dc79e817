"""Changes and incidents linked both ways, ranked by overlap, within the configured window."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from skafu_tui.changes import build_changes, changes_before, incidents_after, link_window, prior_changes
from skafu_tui.config import Config, load_config
from tests.unit.test_change_feed import TUESDAY, FakeIncident, event

START = TUESDAY  # the incident's start


@pytest.fixture(scope="module")
def cfg() -> Config:
    return load_config(Path(__file__).resolve().parents[2] / "config.yaml").config


def _changes(cfg: Config) -> dict[str, object]:
    service_fn = cfg.services[1].lambda_functions[0]
    other_fn = cfg.services[2].lambda_functions[0]
    events = [
        event("UpdateFunctionCode20150331v2", resource=service_fn, at=START - timedelta(minutes=25), event_id="deploy"),
        event("UpdateFunctionCode20150331v2", resource=other_fn, at=START - timedelta(minutes=5), event_id="other"),
        event("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "sg-1", START - timedelta(minutes=47),
              event_id="sg"),
        event("UpdateFunctionCode20150331v2", resource=service_fn, at=START - timedelta(minutes=61), event_id="old"),
        event("UpdateFunctionCode20150331v2", resource=service_fn, at=START + timedelta(minutes=1), event_id="after"),
    ]
    return {c.id: c for c in build_changes(events, cfg)}


def test_changes_before_an_incident_rank_same_service_first(cfg: Config) -> None:
    changes = _changes(cfg)
    service = cfg.services[1]
    incident = FakeIncident(
        3, "P1", (service.name,), started_at=START, resources=(*service.resources, *service.lambda_functions)
    )
    window = link_window(cfg.changes.link_window_minutes)
    links = changes_before(incident, changes.values(), window)  # type: ignore[arg-type]
    # Within 60 minutes before the start; the same-service deploy first although another change is closer.
    assert [link.change.id for link in links] == ["deploy", "other", "sg"]
    assert links[0].shared_services == (service.name,)
    assert "same service" in links[0].overlap and links[1].overlap == "timing only"
    assert links[0].gap == timedelta(minutes=25)


def test_incidents_after_a_change_are_those_beginning_within_the_window(cfg: Config) -> None:
    changes = _changes(cfg)
    deploy = changes["deploy"]
    service = cfg.services[1].name
    window = link_window(cfg.changes.link_window_minutes)
    incidents = [
        FakeIncident(1, "P2", ("observability-service",), started_at=START - timedelta(minutes=10)),
        FakeIncident(2, "P1", (service,), started_at=START),
        FakeIncident(3, "P2", ("observability-service",), started_at=START + timedelta(minutes=10)),
        FakeIncident(4, "P1", (service,), started_at=START + timedelta(minutes=40)),  # 65 min after
        FakeIncident(5, "P3", (), started_at=START - timedelta(minutes=30)),  # before the change
    ]
    links = incidents_after(deploy, incidents, window)  # type: ignore[arg-type]
    assert [link.incident.id for link in links] == [2, 1, 3]


def test_both_directions_agree(cfg: Config) -> None:
    changes = _changes(cfg)
    service = cfg.services[1].name
    incident = FakeIncident(2, "P1", (service,), started_at=START)
    for link in changes_before(incident, changes.values()):  # type: ignore[arg-type]
        assert incident in [back.incident for back in incidents_after(link.change, [incident])]


def test_prior_changes_feed_the_review_export(cfg: Config) -> None:
    changes = _changes(cfg)
    service = cfg.services[1].name
    [first, *_] = prior_changes(FakeIncident(2, "P1", (service,), started_at=START), changes.values())  # type: ignore[arg-type]
    assert first.summary == f"lambda:UpdateFunctionCode {cfg.services[1].lambda_functions[0]}"
    assert first.who == "dana.okafor" and first.services == (service,)
    assert first.overlap.startswith("same service")
