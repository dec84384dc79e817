"""The skafu scenario's fixed cast and story timing: pure data derived from (seed, start).

Everything here is deterministic: randomness comes only from ``random.Random`` seeded with
strings built from the scenario seed (string seeds hash with SHA-512, so they do not depend on
``PYTHONHASHSEED``), and time only from the ``start`` passed in.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

MINUTE_HISTORY_HOURS = 3
"""One-minute datapoints cover at least this many hours before start (up to the hour boundary)."""
HOURLY_HISTORY_DAYS = 14
"""Hourly datapoints cover the time before that, back this many days."""

P1_SERVICE = "template-management-api"
P2_SERVICE = "observability-service"
DEPLOYER = "dana.okafor"
DEPLOYER_IP = "203.0.113.24"
ROLLBACK_ENGINEER = "sam.rivera"
ROLLBACK_IP = "203.0.113.61"
SG_CHANGER = "jordan.kim"
SG_CHANGER_IP = "198.51.100.23"
FAILED_LOGIN_IP = "192.0.2.201"
EXFIL_IP = "192.0.2.44"

DEPLOY_MINUTES_BEFORE_START = 25
ROLLBACK_MINUTES_AFTER_START = 20
FINDING_MINUTES_BEFORE_START = 12
SG_CHANGE_MINUTES_BEFORE_START = 47
CERT_EXPIRES_IN_DAYS = 9

DB_INSTANCE = "skafu-prod-db"
DB_MAX_CONNECTIONS = 100
DB_CONNECTIONS_NOW = 86
DB_CONNECTIONS_BASELINE = 50

ALB_NAME = "skafu-prod-alb"
ALB_DIMENSION = "app/skafu-prod-alb/50dc6c495c0c9188"
TARGET_GROUPS = ("skafu-api-tg", "skafu-web-tg")
ECS_CLUSTER = "skafu-prod"

BUDGET_NAME = "skafu-monthly"
BUDGET_USD = 12000.0

HIGH_FINDING_TYPE = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
HIGH_FINDING_SEVERITY = 8.0

DEPLOY_EVENT_NAME = "UpdateFunctionCode20150331v2"
"""CloudTrail's name for Lambda UpdateFunctionCode (the API version is part of it)."""


@dataclass(frozen=True)
class ServiceProfile:
    """One Skafu service's normal behaviour: API Gateway API backed by one Lambda function."""

    name: str
    critical: bool
    base_rpm: int
    """Requests per minute (rps = rpm / 60: every service runs above the 1000 rps target)."""
    base_error_pct: float
    median_ms: float
    sigma: float
    """Log-normal spread of latency samples; p95 is about median * exp(1.645 * sigma)."""

    @property
    def api_name(self) -> str:
        return self.name

    @property
    def function_name(self) -> str:
        return f"skafu-{self.name}"

    @property
    def health_check_id(self) -> str:
        return f"skafu-{self.name}"

    @property
    def alarm_5xx(self) -> str:
        return f"{self.name}-5xx"

    @property
    def alarm_p95(self) -> str:
        return f"{self.name}-latency-p95"

    @property
    def errors_alarm_threshold(self) -> float:
        """5XXError per minute that is 2 % (the error-rate alert) of normal traffic."""
        return float(round(self.base_rpm * 0.02))


SERVICES: tuple[ServiceProfile, ...] = (
    ServiceProfile("project-management-api", True, 72_000, 0.25, 78.0, 0.38),
    ServiceProfile("template-management-api", True, 66_000, 0.30, 84.0, 0.36),
    ServiceProfile("ai-integration-service", True, 64_500, 0.35, 92.0, 0.35),
    ServiceProfile("github-integration-service", True, 69_000, 0.20, 70.0, 0.40),
    # Mildly degraded all along: p95 ≈ 300 ms and ~1.4 % errors (past target, short of alert).
    ServiceProfile("observability-service", False, 78_000, 1.40, 158.0, 0.40),
)
SERVICE_NAMES = tuple(s.name for s in SERVICES)
LATENCY_SAMPLES_PER_MINUTE = 20


@dataclass(frozen=True)
class Incident:
    """A spell of degradation on one service, ramping in and out linearly."""

    service: str
    onset: datetime
    recovery: datetime
    peak_error_pct: float
    peak_median_ms: float
    availability_drop_pct: float
    cause: str
    ramp_up_min: float = 4.0
    ramp_down_min: float = 3.0

    def intensity(self, t: datetime) -> float:
        """0 (no effect) … 1 (full effect) at time t."""
        if t < self.onset:
            return 0.0
        if t < self.recovery:
            return min(1.0, (t - self.onset) / (self.ramp_up_min * MINUTE))
        return max(0.0, 1.0 - (t - self.recovery) / (self.ramp_down_min * MINUTE))


LIVE_INCIDENT_FIRST_MINUTE = 45
LIVE_INCIDENT_LENGTH_MINUTES = 30
LIVE_INCIDENT_PERIOD_MINUTES = 90
_LIVE_ROTATION: tuple[tuple[str, float, float, float, str], ...] = (
    # service, peak error %, peak median ms, availability drop, cause
    ("ai-integration-service", 0.6, 400.0, 0.0, "upstream model endpoint latency"),
    ("github-integration-service", 4.5, 110.0, 1.2, "GitHub API rate limiting"),
    ("project-management-api", 3.2, 380.0, 0.8, "database lock contention"),
)


@dataclass(frozen=True)
class Deployment:
    """A code deployment recorded by CloudTrail."""

    event_id: str
    time: datetime
    engineer: str
    source_ip: str
    function_name: str
    code_sha256: str


@dataclass(frozen=True)
class Certificate:
    domain: str
    not_before: datetime
    not_after: datetime


@dataclass(frozen=True)
class Scenario:
    """The truth of one seeded skafu platform. Build it with :func:`build_scenario`."""

    seed: int
    start: datetime
    """Scenario "now" at seeding (UTC, whole seconds)."""
    services: tuple[ServiceProfile, ...]
    p1_incident: Incident
    deploy: Deployment
    rollback: Deployment
    finding_id: str
    finding_first_seen: datetime
    sg_change_time: datetime
    sg_change_event_id: str
    certificates: tuple[Certificate, ...]
    expiring_certificate: Certificate
    failed_backup_slot: datetime

    def __hash__(self) -> int:
        # Scenario keys the lru_caches of every per-minute function; the generated hash walks all
        # nested fields each call (a third of the seeder's time in the alarm history): keep it.
        cached: int | None = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(tuple(getattr(self, f.name) for f in fields(self)))
            object.__setattr__(self, "_hash", cached)
        return cached

    # -- time grid ------------------------------------------------------------------
    @property
    def minute0(self) -> datetime:
        """Start of the minute containing start: minute index 0 (the first the driver publishes)."""
        return self.start.replace(second=0)

    @property
    def first_minute_index(self) -> int:
        """Oldest one-minute datapoint: 3 hours before minute 0."""
        return -MINUTE_HISTORY_HOURS * 60

    @property
    def first_minute_time(self) -> datetime:
        return self.minute_time(self.first_minute_index)

    def minute_time(self, index: int) -> datetime:
        return self.minute0 + index * MINUTE

    def minute_index(self, t: datetime) -> int:
        """Index of the minute containing t."""
        return int((t - self.minute0) // MINUTE)

    def hourly_slots(self) -> list[tuple[datetime, float]]:
        """(timestamp, fraction of the hour covered) of hourly datapoints, oldest first.

        Each covers [t, t + 1 h) up to the one-minute region; the last may cover only the part
        of its hour before that region, so a Sum over any span counts every minute once.
        """
        end = self.first_minute_time
        last = end.replace(minute=0, second=0)
        first = last - HOURLY_HISTORY_DAYS * DAY
        slots = [(first + k * HOUR, 1.0) for k in range(int((last - first) / HOUR))]
        if end > last:
            slots.append((last, (end - last) / HOUR))
        return slots

    # -- story --------------------------------------------------------------------
    def service(self, name: str) -> ServiceProfile:
        for s in self.services:
            if s.name == name:
                return s
        raise KeyError(name)

    def live_incident(self, k: int) -> Incident:
        """The k-th periodic incident after start (k ≥ 0): the shift-long demo keeps moving."""
        service, err, med, avail, cause = _LIVE_ROTATION[k % len(_LIVE_ROTATION)]
        onset = self.start + (LIVE_INCIDENT_FIRST_MINUTE + k * LIVE_INCIDENT_PERIOD_MINUTES) * MINUTE
        return Incident(
            service=service,
            onset=onset,
            recovery=onset + LIVE_INCIDENT_LENGTH_MINUTES * MINUTE,
            peak_error_pct=err,
            peak_median_ms=med,
            availability_drop_pct=avail,
            cause=cause,
            ramp_up_min=3.0,
        )

    def incidents_at(self, t: datetime) -> list[Incident]:
        """Incidents with any effect at t."""
        out = [self.p1_incident] if self.p1_incident.intensity(t) > 0 else []
        offset = (t - self.start) / MINUTE - LIVE_INCIDENT_FIRST_MINUTE
        if offset >= 0:
            k = int(offset // LIVE_INCIDENT_PERIOD_MINUTES)
            for j in (k - 1, k):
                if j >= 0:
                    inc = self.live_incident(j)
                    if inc.intensity(t) > 0:
                        out.append(inc)
        return out

    @property
    def db_connections_max(self) -> int:
        return DB_MAX_CONNECTIONS


def in_production_window(t: datetime) -> bool:
    """The production maintenance window: first Sunday of the month, 02:00-06:00 UTC."""
    t = t.astimezone(UTC)
    return t.weekday() == 6 and t.day <= 7 and 2 <= t.hour < 6


def outside_window(t: datetime) -> datetime:
    """t, or the nearest earlier time (by whole hours) outside the production window."""
    while in_production_window(t):
        t -= HOUR
    return t


def rng(scenario_seed: int, *parts: object) -> random.Random:
    return random.Random("/".join([str(scenario_seed), *map(str, parts)]))


def make_uuid(r: random.Random) -> str:
    return str(uuid.UUID(int=r.getrandbits(128), version=4))


def make_hex(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


def normalize_start(start: datetime) -> datetime:
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    return start.astimezone(UTC).replace(microsecond=0)


def backup_slots(start: datetime, hours: int = 48) -> list[datetime]:
    """Database backup slots (every 4 hours, on the hour) in the `hours` before start, oldest first."""
    last = start.replace(minute=0, second=0, hour=start.hour - start.hour % 4)
    if last >= start:
        last -= 4 * HOUR
    slots: list[datetime] = []
    t = last
    while t >= start - hours * HOUR:
        slots.append(t)
        t -= 4 * HOUR
    return sorted(slots)


def _last_night_slot(start: datetime) -> datetime:
    """Last night's backup: the latest 00:00 or 04:00 UTC slot that has had an hour to finish.

    Always less than a day old (at most ~21 h), so it stays inside the dashboard's 24-hour backup
    window whatever time of day the scenario starts.
    """
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    candidates = [midnight + timedelta(days=d, hours=h) for d in (-1, 0) for h in (0, 4)]
    return max(t for t in candidates if t <= start - HOUR)


def build_scenario(seed: int = 7, start: datetime | None = None) -> Scenario:
    """The skafu scenario for (seed, start). ``start`` defaults to now: callers doing I/O pass it."""
    if start is None:
        start = datetime.now(UTC)
    start = normalize_start(start)
    r = rng(seed, "cast")
    template = next(s for s in SERVICES if s.name == P1_SERVICE)
    deploy_time = start - DEPLOY_MINUTES_BEFORE_START * MINUTE
    rollback_time = start + ROLLBACK_MINUTES_AFTER_START * MINUTE
    deploy = Deployment(make_uuid(r), deploy_time, DEPLOYER, DEPLOYER_IP, template.function_name, make_hex(r, 64))
    rollback = Deployment(
        make_uuid(r), rollback_time, ROLLBACK_ENGINEER, ROLLBACK_IP, template.function_name, make_hex(r, 64)
    )
    p1 = Incident(
        service=P1_SERVICE,
        onset=deploy_time + MINUTE,
        recovery=rollback_time,
        peak_error_pct=7.2,
        peak_median_ms=395.0,
        availability_drop_pct=2.6,
        cause=f"deployment by {DEPLOYER}",
    )
    expiring = Certificate(
        "webhooks.skafu.io",
        start - 356 * DAY,
        start + CERT_EXPIRES_IN_DAYS * DAY + 5 * HOUR,
    )
    certs = (
        Certificate("api.skafu.io", start - 165 * DAY, start + 200 * DAY),
        Certificate("app.skafu.io", start - 45 * DAY, start + 320 * DAY),
        expiring,
    )
    return Scenario(
        seed=seed,
        start=start,
        services=SERVICES,
        p1_incident=p1,
        deploy=deploy,
        rollback=rollback,
        finding_id=make_hex(r, 32),
        finding_first_seen=start - FINDING_MINUTES_BEFORE_START * MINUTE,
        sg_change_time=outside_window(start - SG_CHANGE_MINUTES_BEFORE_START * MINUTE),
        sg_change_event_id=make_uuid(r),
        certificates=certs,
        expiring_certificate=expiring,
        failed_backup_slot=_last_night_slot(start),
    )


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month_start(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)
