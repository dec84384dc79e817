"""The incident detail screen's sections as Rich ``Text`` (pure: no widgets, no I/O).

Every string from AWS or an operator goes through :func:`widgets.text.plain`, so markup, escapes
and bidi marks show literally; the screen puts these in ``Static`` widgets that wrap long text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text

from skafu_tui.assess.health import ServiceHealth
from skafu_tui.config.incidents import IncidentClass
from skafu_tui.incidents import Checklist, IncidentClocks
from skafu_tui.incidents.clocks import format_duration
from skafu_tui.ledger import Incident, TimelineEntry
from skafu_tui.ui.header import status_text
from skafu_tui.ui.incident_related import Related
from skafu_tui.ui.incident_text import CLASS_STYLE, clock_text, state_of
from widgets.text import plain

KPI_LABELS = {
    "error_rate_pct": "error rate",
    "response_time_p95_ms": "p95",
    "throughput_rps": "throughput",
    "availability_pct": "availability",
}


def heading(text: str, hint: str = "") -> Text:
    line = Text(end="")
    line.append(text, style="bold underline")
    if hint:
        line.append(f"  {hint}", style="dim")
    return line


def header(incident: Incident, clocks: IncidentClocks, now: datetime) -> Text:
    state = state_of(incident)
    out = Text(end="")
    out.append(f"#{incident.id} ", style="bold")
    out.append_text(plain(f" {incident.incident_class} ", CLASS_STYLE.get(incident.incident_class, "bold")))
    out.append(f" {state.upper()} ", style="bold reverse" if state == "open" else "bold")
    out.append(" ")
    out.append_text(plain(incident.title, "bold"))
    out.append("\nresponse: ")
    out.append_text(clock_text(clocks.response, long=True))
    out.append("  │  escalation: ")
    out.append_text(clock_text(clocks.escalation, long=True))
    if clocks.review is not None:
        out.append("  │  review: ")
        out.append_text(clock_text(clocks.review, long=True))
    out.append("\nacknowledged: ")
    if incident.acknowledged_by and incident.acknowledged_at:
        out.append_text(plain(f"{incident.acknowledged_by} at {incident.acknowledged_at:%H:%M:%S} UTC"))
    else:
        out.append("✖ not yet (a)", style="bold")
    out.append("  │  commander: ")
    out.append_text(plain(incident.commander) if incident.commander else Text("— (c)", style="dim"))
    source = "operator override" if incident.class_source == "override" else f"rule {incident.rule}"
    age = format_duration(now - incident.started_at)
    out.append(f"\nstarted {incident.started_at:%Y-%m-%d %H:%M:%S} UTC ({age} ago)")
    out.append_text(plain(f"  │  class by {source}", "dim"))
    if incident.cleared_at is not None and incident.is_open:
        out.append(f"  │  signal clear since {incident.cleared_at:%H:%M:%S} UTC (resolves after the configured time)")
    if incident.resolved_at is not None:
        out.append(f"  │  resolved {incident.resolved_at:%H:%M:%S} UTC")
    if incident.reopened_count:
        out.append(f"  │  reopened {incident.reopened_count} times")
    return out


def _kpi(health: ServiceHealth) -> Text:
    out = Text(end="")
    for index, kpi in enumerate(health.kpis):
        if index:
            out.append(" · ")
        label = KPI_LABELS.get(kpi.kpi, kpi.kpi)
        value = "no data" if kpi.value is None else f"{kpi.value:.4g}{kpi.unit}"
        mark = {"fail": "✖ ", "warn": "⚠ "}.get(kpi.status.value, "")
        style = {"fail": "bold red", "warn": "yellow"}.get(kpi.status.value, "")
        out.append(f"{mark}{label} {value}", style=style)
        if kpi.breached:
            limit = kpi.alert if kpi.status.value == "fail" else kpi.target
            out.append(f" (limit {limit:g})", style="dim")
    return out


def services(incident: Incident, healths: Sequence[ServiceHealth | None], evidence: bool = True) -> Text:
    out = heading("Affected services now")
    if not incident.services:
        out.append("\n(no service: ")
        out.append_text(plain(", ".join(incident.resources[:5]) or "no resources recorded"))
        out.append(")")
    for name, health in zip(incident.services, healths, strict=False):
        out.append("\n")
        out.append_text(plain(name, "bold"))
        if health is None:
            out.append(": no assessment yet", style="dim")
            continue
        out.append_text(plain(f" ({health.feature}{', critical' if health.critical else ''}) "))
        out.append_text(status_text(health.status.value))
        out.append("\n  ")
        out.append_text(_kpi(health))
    if evidence and incident.evidence:
        out.append("\n")
        out.append_text(heading("Evidence"))
        for line in incident.evidence:
            out.append("\n• ")
            out.append_text(plain(line))
    return out


def related(found: Related | None) -> Text:
    out = heading("Related alarms, findings and AWS Health events")
    if found is None:
        out.append("\n(waiting for the first poll)", style="dim")
        return out
    if not (found.alarms or found.findings or found.health):
        out.append("\nnone found", style="dim")
    for alarm in found.alarms:
        out.append("\nalarm ")
        out.append_text(plain(alarm.name, "bold"))
        out.append(": ")
        symbol, style = {"ALARM": ("✖", "bold red"), "OK": ("●", "green")}.get(alarm.state.value, ("?", "yellow"))
        out.append(f"{symbol} {alarm.state.value}", style=style)
        if alarm.updated_at is not None:
            out.append(f" since {alarm.updated_at:%H:%M} UTC", style="dim")
        if alarm.reason:
            out.append("\n  ")
            out.append_text(plain(alarm.reason))
    for finding in found.findings:
        out.append("\nfinding ")
        out.append(f"[severity {finding.severity:g}] ", style="bold red" if finding.severity >= 7 else "bold")
        out.append_text(plain(finding.type, "bold"))
        out.append("\n  ")
        out.append_text(plain(finding.title))
        if finding.description and finding.description != finding.title:
            out.append("\n  ")
            out.append_text(plain(finding.description))
        out.append("\n  ")
        out.append_text(
            plain(f"resource {finding.resource_type} {finding.resource_id} · seen {finding.count} times · "
                  f"first {finding.created_at:%Y-%m-%d %H:%M} UTC · id {finding.id}", "dim")
        )
    if found.findings_total > len(found.findings):
        out.append(f"\n… and {found.findings_total - len(found.findings)} more findings on these resources",
                   style="dim")
    for event, why in found.health:
        out.append("\nAWS Health ")
        out.append_text(plain(f"{event.service} {event.event_type} ({event.status or 'unknown'})", "bold"))
        out.append_text(plain(f" — {why}", "dim"))
        if event.description:
            out.append("\n  ")
            out.append_text(plain(event.description))
        if event.entities:
            out.append("\n  ")
            out.append_text(plain("entities: " + ", ".join(event.entities[:10]), "dim"))
    return out


def communication(incident: Incident, cls: IncidentClass | None) -> Text:
    out = heading(f"Stakeholders and communication for {incident.incident_class}")
    if cls is None:
        out.append_text(plain(f"\n{incident.incident_class} is no longer a configured class", "bold red"))
        return out
    out.append_text(plain(f"\n{cls.description}", "italic"))
    out.append("\ntell: ")
    out.append_text(plain(", ".join(cls.stakeholders) or "—", "bold"))
    out.append("\nhow: ")
    out.append_text(plain(cls.communication or "—", "bold"))
    return out


def playbook(checklist: Checklist) -> Text:
    done, total = checklist.progress()
    out = heading("Playbook", "p: checklist")
    out.append(f"\n{done}/{total} ticked: ")
    out.append(" · ".join(f"{step.title} {step.done}/{step.total}" for step in checklist.steps))
    upcoming = checklist.next_item()
    if upcoming is not None:
        out.append("\nnext: ")
        out.append_text(plain(f"{upcoming.step.title()} / {upcoming.section} — {upcoming.text}"))
    return out


def review(incident: Incident, clocks: IncidentClocks) -> Text:
    out = heading("Post-incident review", "r: review   e: export")
    if clocks.review is None:
        out.append("\ndue within 48 hours of resolution (the incident is not resolved yet)", style="dim")
    else:
        out.append("\n")
        out.append_text(clock_text(clocks.review, long=True))
        if incident.review_completed_by:
            out.append_text(plain(f" — completed by {incident.review_completed_by}"))
    return out


def timeline(entries: Sequence[TimelineEntry]) -> Text:
    out = heading("Timeline", "n: note")
    for entry in entries:
        out.append(f"\n{entry.at:%m-%d %H:%M:%S} ", style="dim")
        out.append(f"{entry.kind.value:<12} ", style="bold")
        out.append_text(plain(entry.actor, "italic"))
        out.append(": ")
        out.append_text(plain(entry.text.replace("\n", "\n    ")))
    return out
