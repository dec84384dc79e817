"""The post-incident review as a Markdown document: summary, impact, timeline, changes before the
start, the review areas' answers and the action items.

Every piece of text (titles and evidence from AWS, operators' notes) is escaped so it reads
literally: it cannot add headings, links, HTML or table cells to the document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from skafu_tui.config.incidents import Incidents
from skafu_tui.incidents.clocks import incident_clocks
from skafu_tui.ledger import ActionItem, Incident, Ledger, ReviewAnswer, TimelineEntry
from skafu_tui.procedures import DEFAULT_PROCEDURES, Procedures
from skafu_tui.sanitize import inert

CHANGE_LOOKBACK = timedelta(minutes=60)
"""Changes this long before an incident's start are listed (the issue's 60 minutes)."""

# Characters that start emphasis, code, links, HTML, headings or table cells anywhere in a line;
# list and block markers (-, +, =, "1.") matter only at a line's start (see _escape).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&])")
_BULLET = re.compile(r"^(\s*)([-+=])")
_ORDINAL = re.compile(r"^(\s*\d+)([.)])")


@dataclass(frozen=True)
class PriorChange:
    """A change from the change feed shown in the review (the caller ranks and filters)."""

    at: datetime
    summary: str
    """What changed, e.g. ``lambda:UpdateFunctionCode skafu-template-management-api``."""
    who: str = ""
    services: tuple[str, ...] = ()
    overlap: str = ""
    """Why it is relevant, e.g. ``same service``; empty when it only precedes the start."""


def _escape(line: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", line)
    return _ORDINAL.sub(r"\1\\\2", _BULLET.sub(r"\1\\\2", escaped))


def md(text: str) -> str:
    """One line of untrusted text, inert and with Markdown punctuation escaped."""
    return _escape(inert(text, 4000).replace("\r", " ").replace("\n", " "))


def md_block(text: str, indent: str = "  ") -> str:
    """Multi-line untrusted text: each line escaped, hard line breaks, indented under a list item."""
    lines = inert(text).replace("\r", "").split("\n")
    return ("  \n" + indent).join(_escape(line) for line in lines)


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M:%S UTC")


def _span(start: datetime, end: datetime | None) -> str:
    if end is None:
        return "ongoing"
    minutes = int((end - start).total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def review_markdown(
    incident: Incident,
    *,
    cfg: Incidents,
    now: datetime,
    timeline: Sequence[TimelineEntry] = (),
    answers: Sequence[ReviewAnswer] = (),
    action_items: Sequence[ActionItem] = (),
    changes_before: Sequence[PriorChange] = (),
    procedures: Procedures = DEFAULT_PROCEDURES,
) -> str:
    cls = cfg.classes.get(incident.incident_class)
    clocks = incident_clocks(incident, cfg, now, procedures.review_due)
    out: list[str] = [f"# Post-incident review: #{incident.id} {md(incident.title)}", ""]

    source = "operator override" if incident.class_source == "override" else f"rule {md(incident.rule)}"
    out += [
        "## Summary",
        "",
        f"- **Class:** {md(incident.incident_class)}"
        + (f" — {md(cls.description)}" if cls else "")
        + f" ({source})",
        f"- **Status:** {incident.status.value}"
        + (f", reopened {incident.reopened_count} times" if incident.reopened_count else ""),
        f"- **Started:** {_when(incident.started_at)}",
        f"- **Opened:** {_when(incident.opened_at)}",
        f"- **Signal cleared:** {_when(incident.cleared_at)}",
        f"- **Resolved:** {_when(incident.resolved_at)}",
        f"- **Acknowledged:** {_when(incident.acknowledged_at)}"
        + (f" by {md(incident.acknowledged_by)}" if incident.acknowledged_by else ""),
        f"- **Incident commander:** {md(incident.commander) if incident.commander else '—'}",
    ]
    for name, found in (
        ("Response", clocks.response),
        ("Escalation", clocks.escalation),
        ("Review", clocks.review),
    ):
        if found is not None:
            out.append(f"- **{name} clock:** {found.text} (due {_when(found.deadline)})")
    if cls is not None:
        out += [
            f"- **Stakeholders:** {', '.join(md(s) for s in cls.stakeholders) or '—'}",
            f"- **Communication:** {md(cls.communication) or '—'}",
        ]
    out += ["", "### Evidence", ""]
    out += [f"- {md(e)}" for e in incident.evidence] or ["- (none recorded)"]

    end = incident.cleared_at or incident.resolved_at
    out += [
        "",
        "## Impact",
        "",
        f"- **Affected services:** {', '.join(md(s) for s in incident.services) or '—'}",
        f"- **Resources:** {', '.join(md(r) for r in incident.resources) or '—'}",
        f"- **Duration:** {_span(incident.started_at, end)} (from the start until the signal cleared)",
    ]
    if incident.acknowledged_at is not None:
        out.append(f"- **Time to acknowledge:** {_span(incident.opened_at, incident.acknowledged_at)}")
    if incident.severity is not None:
        out.append(f"- **Finding severity:** {incident.severity:g}")

    out += ["", "## Timeline", ""]
    out += [
        f"- {_when(e.at)} — **{e.kind.value}** ({md(e.actor)}): {md_block(e.text)}" for e in timeline
    ] or ["- (no entries)"]

    minutes = int(CHANGE_LOOKBACK.total_seconds() // 60)
    out += ["", f"## Changes in the {minutes} minutes before the start", ""]
    for change in changes_before:
        who = f" by {md(change.who)}" if change.who else ""
        why = f" — {md(change.overlap)}" if change.overlap else ""
        services = f" [{', '.join(md(s) for s in change.services)}]" if change.services else ""
        out.append(f"- {_when(change.at)}: {md(change.summary)}{who}{services}{why}")
    if not changes_before:
        out.append("- (none found in the change feed)")

    by_question = {(a.area, a.question): a for a in answers}
    out += [
        "",
        "## Review",
        "",
        f"Due within {int(procedures.review_due.total_seconds() // 3600)} hours of resolution.",
    ]
    for area in procedures.review_areas:
        out += ["", f"### {area.title}"]
        for question in area.questions:
            answer = by_question.get((area.id, question))
            text = md_block(answer.answer, "") if answer and answer.answer.strip() else "_(not answered)_"
            credit = f" — {md(answer.actor)}, {_when(answer.at)}" if answer and answer.answer.strip() else ""
            out += ["", f"**{md(question)}**", "", text + credit]

    out += ["", "## Action items", ""]
    if action_items:
        out += ["| # | Action | Owner | Deadline | Done |", "|---|---|---|---|---|"]
        for item in action_items:
            deadline = item.deadline.isoformat() if item.deadline else "—"
            done = f"yes ({md(item.done_by or '')}, {_when(item.done_at)})" if item.done else "no"
            out.append(f"| {item.id} | {md(item.text)} | {md(item.owner)} | {deadline} | {done} |")
    else:
        out.append("- (none yet)")
    out += ["", f"_Exported {_when(now)}._", ""]
    return "\n".join(out)


def export_review(
    ledger: Ledger,
    incident_id: int,
    cfg: Incidents,
    *,
    now: datetime,
    changes_before: Sequence[PriorChange] = (),
    procedures: Procedures = DEFAULT_PROCEDURES,
) -> str:
    """The review document for an incident in the ledger (``skafu-tui incidents export ID``)."""
    incident = ledger.incident(incident_id)
    if incident is None:
        raise LookupError(f"there is no incident #{incident_id} in the ledger")
    return review_markdown(
        incident,
        cfg=cfg,
        now=now,
        timeline=ledger.timeline(incident_id),
        answers=ledger.review_answers(incident_id),
        action_items=ledger.action_items(incident_id),
        changes_before=changes_before,
        procedures=procedures,
    )
