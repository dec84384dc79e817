"""The daily report: the seed's ``DailyMonitoringChecklist`` (camelCase keys) plus detail, as a
JSON-ready dict and as Markdown. Pure: it renders an :class:`~skafu_tui.assess.Assessment`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from skafu_tui.assess import Assessment, Health, Level
from skafu_tui.assess.checks import AREAS
from skafu_tui.assess.freshness import describe
from skafu_tui.assess.resources import CPU, DISK, MEMORY, NETWORK
from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.config import Config

BUSINESS_KEYS = ("activeUsers", "projectsCreated", "apiCalls", "revenueImpact")
INFRASTRUCTURE_KEYS = (CPU, MEMORY, DISK, NETWORK)
FAIL_ON = ("degraded", "unhealthy")

_HEALTH_SYMBOL = {Health.HEALTHY: "✓", Health.DEGRADED: "!", Health.UNHEALTHY: "✗", Health.UNKNOWN: "?"}
_AREA_TITLES = {
    "system": "System status",
    "performance": "Performance metrics",
    "security": "Security checks",
    "compliance": "Compliance monitoring",
}


def _r(value: float | None, digits: int = 2) -> float | int | None:
    """Round for humans and JSON: whole numbers as ints, None stays None."""
    if value is None:
        return None
    rounded = round(float(value), digits)
    return int(rounded) if rounded.is_integer() else rounded


def _iso(ts: datetime | None) -> str | None:
    # Whole seconds: a report is read by people; sub-second precision is noise there.
    return None if ts is None else ts.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_report(assessment: Assessment, snapshot: Snapshot, cfg: Config) -> dict[str, Any]:
    """The report as a dict of JSON types, keys exactly the issue's (the seed's camelCase)."""
    a = assessment
    system = a.system
    services = [
        {
            "name": s.name,
            "status": s.status.value,
            "errorRate": _r(s.error_rate_pct),
            "p95LatencyMs": _r(s.p95_ms, 1),
            "throughputRps": _r(s.throughput_rps),
            "alarmsInAlarm": list(s.alarms_in_alarm),
            "breaches": [
                {"kpi": b.kpi, "value": _r(b.value), "target": _r(b.target), "alert": _r(b.alert)}
                for b in s.breaches
            ],
        }
        for s in system.services
    ]
    business: dict[str, Any] = dict.fromkeys(BUSINESS_KEYS)
    for m in a.business:
        business[m.name] = _r(m.value)
    infra: dict[str, Any] = dict.fromkeys(INFRASTRUCTURE_KEYS)
    for im in a.resources.infrastructure:
        infra[im.name] = _r(im.value, 1 if im.name == NETWORK else 2)
    sec = a.security
    return {
        "systemHealth": {
            "overallStatus": system.overall_status.value,
            "serviceAvailability": _r(system.service_availability_pct),
            "errorRate": _r(system.error_rate_pct, 3),
            "responseTime": _r(system.response_time_ms, 1),
            "services": services,
        },
        "businessMetrics": business,
        "securityMetrics": {
            "suspiciousActivity": sec.suspicious_activity,
            "failedLogins": sec.failed_logins.count,
            "newVulnerabilities": sec.new_vulnerabilities,
            "complianceScore": _r(a.compliance.score_pct),
        },
        "infrastructureMetrics": infra,
        "checks": [
            {"id": c.id, "area": c.area, "title": c.title, "status": c.status.value, "evidence": c.evidence}
            for c in a.checks
        ],
        "sources": {
            f.name: {
                "state": f.status.value,
                "fetchedAt": _iso(f.fetched_at),
                "error": None if f.ok else describe(f).removeprefix(f"{f.name}: "),
            }
            for f in a.sources
        },
        "generatedAt": _iso(a.generated_at),
        "account": a.account or snapshot.account,
        "regions": list(a.regions or snapshot.regions or cfg.aws.regions),
    }


def fail_on_met(report: dict[str, Any], fail_on: str | None) -> bool:
    """Whether ``--fail-on`` is met: ``degraded`` by degraded or unhealthy, ``unhealthy`` by unhealthy.

    An ``unknown`` overall status (no service data at all) meets either: a gate that cannot see
    the platform must not pass it as healthy.
    """
    if not fail_on:
        return False
    status = report["systemHealth"]["overallStatus"]
    if status == Health.UNKNOWN.value:
        return True
    if fail_on == "unhealthy":
        return bool(status == Health.UNHEALTHY.value)
    return status in (Health.DEGRADED.value, Health.UNHEALTHY.value)


# --- Markdown ----------------------------------------------------------------------------

def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:,}"  # already rounded by build_report
    text = str(value).replace("\r", " ").replace("\n", " ")
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return out


def _status(status: str) -> str:
    try:
        return f"{_HEALTH_SYMBOL[Health(status)]} {status}"
    except ValueError:
        return f"{Level(status).symbol} {status}"


def _unit(value: Any, unit: str) -> str:
    return "n/a" if value is None else f"{_cell(value)}{unit}"


def render_markdown(report: dict[str, Any], title: str = "Daily operations report") -> str:
    """The same content for humans: headings, tables, status words with symbols (✓ ! ✗ ?)."""
    sh = report["systemHealth"]
    lines = [
        f"# {_cell(title)}",
        "",
        f"Generated {report['generatedAt']} · account {_cell(report['account'] or 'unknown')} · "
        f"regions {_cell(', '.join(report['regions']) or 'none')}",
        "",
        "## System health",
        "",
        f"- Overall status: **{_status(sh['overallStatus'])}**",
        f"- Service availability: {_unit(sh['serviceAvailability'], '%')} of services healthy",
        f"- Error rate: {_unit(sh['errorRate'], '%')} (all services)",
        f"- Response time: {_unit(sh['responseTime'], ' ms')} (request-weighted p95)",
        "",
    ]
    lines += _table(
        ["Service", "Status", "Error rate %", "p95 ms", "Throughput rps", "Alarms in ALARM", "Breaches"],
        [
            [s["name"], _status(s["status"]), s["errorRate"], s["p95LatencyMs"], s["throughputRps"],
             ", ".join(s["alarmsInAlarm"]) or "none",
             "; ".join(f"{b['kpi']} {_cell(b['value'])} (target {_cell(b['target'])}, "
                       f"alert {_cell(b['alert'])})" for b in s["breaches"]) or "none"]
            for s in sh["services"]
        ],
    )
    lines += ["", "## Business metrics (last 24 h)", ""]
    lines += _table(["Metric", "Value"], [[k, v] for k, v in report["businessMetrics"].items()])
    lines += ["", "## Security metrics", ""]
    lines += _table(["Metric", "Value"], [[k, v] for k, v in report["securityMetrics"].items()])
    lines += ["", "## Infrastructure metrics", ""]
    units = {CPU: "%", MEMORY: "%", DISK: "%", NETWORK: " bytes/s"}
    lines += _table(["Metric", "Value"],
                    [[k, _unit(v, units.get(k, ""))] for k, v in report["infrastructureMetrics"].items()])
    lines += ["", "## Daily checks", ""]
    counts = {lv.value: 0 for lv in Level}
    for c in report["checks"]:
        counts[c["status"]] += 1
    lines.append(" · ".join(f"{Level(k).symbol} {k} {n}" for k, n in counts.items()))
    for area in AREAS:
        checks = [c for c in report["checks"] if c["area"] == area]
        if not checks:
            continue
        lines += ["", f"### {_AREA_TITLES.get(area, area)}", ""]
        lines += _table(["Status", "Check", "Evidence"],
                        [[_status(c["status"]), c["title"], c["evidence"]] for c in checks])
    lines += ["", "## Sources", ""]
    lines += _table(
        ["Source", "State", "Fetched at", "Error"],
        [[name, s["state"], s["fetchedAt"] or "never", s["error"] or ""]
         for name, s in report["sources"].items()],
    )
    return "\n".join(lines) + "\n"

