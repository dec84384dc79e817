"""The whole configuration: `Config`, its sections, and the checks that span sections.

Every platform-specific fact lives here (services, metrics, thresholds, incident classes, windows,
cadences); nothing about Skafu is hard-coded elsewhere. Sections are defined in the modules named for
what they own and re-exported here, so `from skafu_tui.config.models import X` works for all of them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Self

from pydantic import Field, model_validator

from skafu_tui.config._base import ConfigModel, NonEmptyStr
from skafu_tui.config.incidents import (
    IncidentClass,
    IncidentRule,
    Incidents,
    RuleCondition,
    Signal,
)
from skafu_tui.config.kpis import KpiOverrides, Kpis, OverallStatusRule, Threshold
from skafu_tui.config.metrics import Aggregate, MetricRef, Service, ServiceMetrics, is_statistic
from skafu_tui.config.operations import Cadence, ChangeCategory, Changes, MaintenanceWindow
from skafu_tui.config.platform_settings import (
    AwsSettings,
    Backup,
    Capacity,
    ComputeCapacity,
    ConnectionCapacity,
    Cost,
    Database,
    DatabaseMetrics,
    HealthSettings,
    LoadBalancer,
    PlatformInfo,
    Projection,
    Security,
    StorageCapacity,
)

__all__ = [
    "Aggregate",
    "AwsSettings",
    "Backup",
    "Cadence",
    "Capacity",
    "ChangeCategory",
    "Changes",
    "ComputeCapacity",
    "Config",
    "ConnectionCapacity",
    "ConsistencyError",
    "Cost",
    "Database",
    "DatabaseMetrics",
    "IncidentClass",
    "IncidentRule",
    "Incidents",
    "Issue",
    "KpiOverrides",
    "Kpis",
    "LoadBalancer",
    "MaintenanceWindow",
    "MetricRef",
    "OverallStatusRule",
    "PlatformInfo",
    "Projection",
    "RuleCondition",
    "Security",
    "Service",
    "ServiceMetrics",
    "Signal",
    "StorageCapacity",
    "Threshold",
    "is_statistic",
]

Loc = tuple[str | int, ...]
"""A location in the config document: mapping keys and list indices from the root."""


def format_loc(loc: Loc) -> str:
    """`('services', 2, 'metrics')` → `services[2].metrics`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part or any(char in part for char in ".[] ") or not part.isprintable():
            text += f"[{part!r}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Issue:
    """A problem that spans sections: where it is, what is wrong, and the other place involved."""

    loc: Loc
    message: str
    related: Loc | None = None


class ConsistencyError(Exception):
    """The sections are each valid but disagree with each other (raised by `Config` validation).

    Deliberately not a ValueError: pydantic lets it through unwrapped, with every issue's location.
    """

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(f"{format_loc(issue.loc)}: {issue.message}" for issue in issues))


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


class Config(ConfigModel):
    """Everything skafu-tui knows about the platform it watches, read from config.yaml."""

    platform: PlatformInfo
    """Platform name, environment and operator."""

    aws: AwsSettings = Field(default_factory=AwsSettings)
    """How to reach AWS (regions, retries, timeouts, CA bundle, profile)."""

    evaluation_window_minutes: int = Field(default=15, ge=1, le=1440)
    """KPIs are computed over this many trailing minutes."""

    kpis: Kpis = Field(default_factory=Kpis)
    """Platform-wide KPI thresholds; default: the operational procedures' figures."""

    overall_status: OverallStatusRule = Field(default_factory=OverallStatusRule)
    """How the share of healthy services becomes the overall status."""

    services: list[Service] = Field(min_length=1)
    """The services whose health makes up the platform's, in display order."""

    business_metrics: dict[NonEmptyStr, MetricRef] = Field(default_factory=dict)
    """Report key (e.g. `activeUsers`) to the metric that gives it over the last 24 h."""

    infrastructure_metrics: dict[NonEmptyStr, MetricRef] = Field(default_factory=dict)
    """Report key (e.g. `cpuUtilization`) to the metric that gives it."""

    database: Database | None = None
    """The database instance; unset: no database checks."""

    load_balancer: LoadBalancer | None = None
    """The load balancer; unset: no target health checks."""

    capacity: Capacity = Field(default_factory=Capacity)
    """Capacity planning thresholds and forecasts."""

    security: Security = Field(default_factory=Security)
    """Security check levels."""

    backup: Backup = Field(default_factory=Backup)
    """Backup verification."""

    health: HealthSettings = Field(default_factory=HealthSettings)
    """Where AWS Health events are read from (the API, or a log group without a support plan)."""

    cost: Cost = Field(default_factory=Cost)
    """Budget and anomaly settings."""

    incidents: Incidents = Field(default_factory=Incidents)
    """Incident classes and the rules that raise incidents."""

    changes: Changes = Field(default_factory=Changes)
    """Change categories."""

    maintenance_windows: list[MaintenanceWindow] = Field(default_factory=list)
    """Recurring maintenance windows per environment."""

    cadence: Cadence = Field(default_factory=Cadence)
    """Seconds between polls per source."""

    keys: dict[NonEmptyStr, NonEmptyStr] = Field(default_factory=dict)
    """Key remapping: binding id (e.g. `refresh`, `pane.health`) to keys (Textual key names, comma-separated,
    e.g. `ctrl+r,f5`); unlisted bindings keep their default keys."""

    def service(self, name: str) -> Service | None:
        """The service called `name`, if configured."""
        return next((service for service in self.services if service.name == name), None)

    def kpis_for(self, service: Service | str) -> Kpis:
        """The thresholds a service is judged by: the platform's with its overrides applied."""
        found = self.service(service) if isinstance(service, str) else service
        return self.kpis if found is None else self.kpis.with_overrides(found.kpis)

    def alarm_owners(self) -> dict[str, str]:
        """Alarm name to the name of the service it belongs to."""
        return {alarm: service.name for service in self.services for alarm in service.alarms}

    def windows_for(self, environment: str) -> list[MaintenanceWindow]:
        """The maintenance windows of `environment`."""
        return [window for window in self.maintenance_windows if window.environment == environment]

    @model_validator(mode="after")
    def _sections_agree(self) -> Self:
        issues = [*self._service_issues(), *self._rule_issues()]
        if issues:
            raise ConsistencyError(issues)
        return self

    def _service_issues(self) -> Iterator[Issue]:
        names: dict[str, int] = {}
        alarms: dict[str, tuple[int, int]] = {}
        for index, service in enumerate(self.services):
            if service.name in names:
                yield Issue(
                    ("services", index, "name"),
                    f"duplicate service name {service.name!r}",
                    ("services", names[service.name], "name"),
                )
            names.setdefault(service.name, index)
            for position, alarm in enumerate(service.alarms):
                if alarm in alarms:
                    owner, first = alarms[alarm]
                    owner_name = (
                        "this service" if owner == index else f"service {self.services[owner].name!r}"
                    )
                    yield Issue(
                        ("services", index, "alarms", position),
                        f"alarm {alarm!r} already belongs to {owner_name}",
                        ("services", owner, "alarms", first),
                    )
                alarms.setdefault(alarm, (index, position))
            for kpi, override in service.kpis:
                default: Threshold = getattr(self.kpis, kpi)
                if override is not None and override.higher_is_better != default.higher_is_better:
                    yield Issue(
                        ("services", index, "kpis", kpi, "higher_is_better"),
                        f"must be {str(default.higher_is_better).lower()} like kpis.{kpi}",
                    )

    def _rule_issues(self) -> Iterator[Issue]:
        classes = sorted(self.incidents.classes)
        services = [service.name for service in self.services]
        rule_names: dict[str, int] = {}
        for index, rule in enumerate(self.incidents.rules):
            where = ("incidents", "rules", index)
            if rule.name in rule_names:
                yield Issue(
                    (*where, "name"),
                    f"duplicate rule name {rule.name!r}",
                    ("incidents", "rules", rule_names[rule.name], "name"),
                )
            rule_names.setdefault(rule.name, index)
            if rule.incident_class not in self.incidents.classes:
                yield Issue(
                    (*where, "class"),
                    f"{rule.incident_class!r} is not an incident class (classes: {', '.join(classes)})",
                )
            target = rule.when.service
            if target is not None and target not in services:
                yield Issue(
                    (*where, "when", "service"),
                    f"{target!r} is not a configured service{_did_you_mean(target, services)}",
                )
