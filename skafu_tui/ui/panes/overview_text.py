"""The overview's lines in words: the platform summary, open incidents, cost against budget, alert rows."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from skafu_tui.assess.common import Level
from skafu_tui.ui.header import status_text
from skafu_tui.ui.panes.health_format import LEVEL_STYLE, clip, lead, mark
from widgets.text import plain

if TYPE_CHECKING:
    from skafu_tui.assess.alerts import Alert
    from skafu_tui.assess.business import BusinessMetric
    from skafu_tui.assess.cost import CostAssessment
    from skafu_tui.assess.freshness import SourceFreshness
    from skafu_tui.assess.health import SystemHealth

NO_LEDGER = "n/a until the ledger is wired"

PANE_OF_AREA = {
    "health": "health",
    "system": "health",
    "performance": "health",
    "security": "security",
    "compliance": "security",
    "capacity": "capacity",
    "cost": "cost",
}
"""Where ``enter`` on an alert goes, by the alert's area."""


SECTION_OF_CHECK = {
    "system.alb": "hl-alb",
    "system.lambda_errors": "hl-lambda",
    "performance.lambda_duration": "hl-lambda",
    "system.aws_health": "hl-events",
    "system.database": "hl-db-head",
    "performance.db_query": "hl-db-head",
    "system.s3": "hl-edge",
    "system.cloudfront": "hl-edge",
}
"""The health pane's section that explains a check (``enter`` on its alert scrolls there)."""


def alert_section(alert: Alert) -> str | None:
    """The id of the health pane's widget that explains ``alert``, if any."""
    kind, _, rest = alert.ref.partition(":")
    return SECTION_OF_CHECK.get(rest) if kind == "check" else None


def alert_target(alert: Alert) -> tuple[str, str | None]:
    """(pane id, service to select or None) for an alert's ``ref``/area."""
    kind, _, rest = alert.ref.partition(":")
    if kind == "service":
        return "health", rest
    if kind in ("capacity", "cost"):
        return kind, None
    return PANE_OF_AREA.get(alert.area, "overview"), None


def summary_line(system: SystemHealth) -> Text:
    """``✖ UNHEALTHY · 3/5 services healthy (60%) · error rate 1.76% · p95 277 ms``."""
    line = Text(end="")
    line.append_text(status_text(system.overall_status.value))
    total = len(system.services)
    line.append(f" · {system.healthy_count}/{total} services healthy ({system.service_availability_pct:.0f}%)")
    unknown = sum(1 for s in system.services if s.status.value == "unknown")
    if unknown:
        line.append(f", {unknown} without data", style="dim")
    rate = "—" if system.error_rate_pct is None else f"{system.error_rate_pct:.2f}%"
    p95 = "—" if system.response_time_ms is None else f"{system.response_time_ms:,.0f} ms"
    line.append(f" · error rate {rate} · p95 {p95}")
    return line


def incidents_line(counts: Mapping[str, int] | None, classes: Sequence[str]) -> Text:
    """``Incidents  P0 0 · P1 1 · P2 1 · P3 0`` (bold when a severe class is open), or why it is n/a."""
    line = lead("Incidents ")
    if counts is None:
        line.append(NO_LEDGER, style="dim")
        return line
    names = list(classes) + sorted(k for k in counts if k not in classes)
    for i, name in enumerate(names):
        n = int(counts.get(name, 0))
        if i:
            line.append(" · ", style="dim")
        style = LEVEL_STYLE[Level.FAIL] if n and i < 2 else (LEVEL_STYLE[Level.WARN] if n else "dim")
        line.append_text(plain(f"{name} {n}", style=style))
    if not any(counts.values()):
        line.append("  none open", style="dim")
    return line


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def cost_line(cost: CostAssessment, source: SourceFreshness | None = None) -> Text:
    """Month to date and forecast against the budget, and the latest day against the daily budget."""
    line = lead("Cost ")
    if source is not None and not source.has_data:
        line.append_text(plain(f"◌ {clip(source.cause or 'waiting for Cost Explorer', 160)}", style="dim"))
        return line
    unit = cost.unit
    used = cost.budget_used_pct
    line.append(f"month to date {_money(cost.month_to_date)} of {_money(cost.budget)} {unit}")
    line.append(f" ({used:.0f}%) " if used is not None else " ")
    line.append_text(mark(Level.FAIL if cost.over_budget else Level.OK if cost.budget else Level.UNKNOWN))
    line.append(f" · forecast {_money(cost.forecast_month_end)} ")
    line.append_text(mark(Level.WARN if cost.forecast_over_budget
                          else Level.UNKNOWN if cost.forecast_month_end is None else Level.OK))
    daily = cost.daily_budget
    line.append(f" · today {_money(cost.today_cost)} so far")
    if cost.last_day is not None and cost.last_day != cost.today:
        line.append(f" · {cost.last_day:%m-%d} {_money(cost.last_day_cost)}")
        if daily:
            line.append(f" of {_money(daily)}/day ")
            line.append_text(mark(Level.WARN if cost.last_day_cost > daily else Level.OK))
    elif daily:
        line.append(f" of {_money(daily)}/day")
    if cost.anomalies:
        line.append(f" · {len(cost.anomalies)} anomal{'y' if len(cost.anomalies) == 1 else 'ies'} ")
        line.append_text(mark(Level.WARN))
    return line


def alert_rows(alerts: Sequence[Alert]) -> list[tuple[str, tuple[Text | str, ...]]]:
    """Table rows (key, cells) for the alerts, keys unique even if two alerts share a ref."""
    rows: list[tuple[str, tuple[Text | str, ...]]] = []
    seen: set[str] = set()
    for alert in alerts:
        key = alert.ref or alert.title
        while key in seen:
            key += "'"
        seen.add(key)
        title = plain(clip(alert.title, 120), style=LEVEL_STYLE[alert.level] if alert.level is Level.FAIL else "")
        rows.append((key, (mark(alert.level), alert.area, title, clip(alert.detail))))
    return rows


def alerts_heading(alerts: Sequence[Alert], missing: int = 0) -> Text:
    """``Top alerts 18 · 9 ✖ 9 ▲ · enter opens the pane``; ``missing``: sources without fresh data."""
    line = lead("Top alerts ")
    fails = sum(1 for a in alerts if a.level is Level.FAIL)
    warns = sum(1 for a in alerts if a.level is Level.WARN)
    if not alerts:
        if missing:
            line.append(f"none raised, but {missing} sources are not fresh: alerts may be missing", style="dim")
        else:
            line.append("none: every check within target", style="dim")
        return line
    line.append(f"{len(alerts)} · ")
    line.append(f"{fails} ✖", style=LEVEL_STYLE[Level.FAIL] if fails else "dim")
    line.append(" ")
    line.append(f"{warns} ▲", style=LEVEL_STYLE[Level.WARN] if warns else "dim")
    line.append(" · enter opens its pane", style="dim")
    return line


def alert_detail(alert: Alert | None) -> Text:
    """The highlighted alert in full (bounded): title, area and evidence."""
    if alert is None:
        return Text("", end="")
    line = Text(end="")
    line.append_text(mark(alert.level))
    line.append(" ")
    line.append_text(plain(clip(alert.title, 120), style="bold"))
    line.append_text(plain(f" ({alert.area}) {clip(alert.detail, 600)}"))
    return line


def _words(camel: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", camel).lower().replace("api ", "API ")


def business_line(metrics: Sequence[BusinessMetric]) -> Text:
    """``Business 24 h  active users 1,234 · projects created 56 · …`` (the seed's businessMetrics)."""
    line = lead("Business 24 h ")
    if not metrics:
        line.append("none configured", style="dim")
        return line
    parts = [f"{_words(m.name)} {'—' if m.value is None else f'{m.value:,.0f}'}" for m in metrics]
    line.append(" · ".join(parts))
    return line
