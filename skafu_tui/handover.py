"""The shift handover: what the operator starting a shift reads first.

Built from the ledger (incidents opened, acknowledged and resolved, notes, maintenance ticks,
runbook runs) and one poll (the change feed, the daily checks), over the last `span` (default 8 h):

    handover = build_handover(ledger, cfg, now=now, span=timedelta(hours=8), snapshot=s, assessment=a)
    text = handover_markdown(handover)          # or json.dumps(handover_dict(handover))

Pure apart from the ledger reads; the CLI (``skafu-tui handover``) is :func:`run_handover`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from skafu_tui.changes import Change, DueTask, build_changes, calendar, history_start, overdue, tracking_since
from skafu_tui.changes.feed import FEED_SPAN
from skafu_tui.incidents.review import md, md_block
from skafu_tui.procedures import DEFAULT_PROCEDURES, MaintenanceTask, Procedures

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment, Check
    from skafu_tui.config import Config
    from skafu_tui.ledger import Incident, Ledger, RunbookRun
    from skafu_tui.options import Options
    from skafu_tui.snapshot import Snapshot


@dataclass(frozen=True)
class HandoverNote:
    incident_id: int
    incident_title: str
    at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class MaintenanceDone:
    task: MaintenanceTask
    due_date: date
    """The start of the period it was done for."""
    actor: str
    at: datetime


@dataclass(frozen=True)
class Handover:
    platform: str
    generated_at: datetime
    since: datetime
    account: str = ""
    overall_status: str = ""
    opened: tuple[Incident, ...] = ()
    acknowledged: tuple[Incident, ...] = ()
    resolved: tuple[Incident, ...] = ()
    open_now: tuple[Incident, ...] = ()
    changes: tuple[Change, ...] = ()
    """Changes in the span, flagged (outside a maintenance window) first, then newest first."""
    failed_checks: tuple[Check, ...] = ()
    unknown_checks: tuple[Check, ...] = ()
    maintenance_done: tuple[MaintenanceDone, ...] = ()
    maintenance_overdue: tuple[DueTask, ...] = ()
    notes: tuple[HandoverNote, ...] = ()
    runbooks: tuple[RunbookRun, ...] = ()
    remarks: tuple[str, ...] = field(default=())
    """What the handover could not cover, in words (no ledger, no poll, change feed shorter than the span)."""


def _in(at: datetime | None, since: datetime) -> bool:
    return at is not None and at >= since


def _ordered_changes(changes: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(sorted(changes, key=lambda c: (not c.flagged, -c.when.timestamp(), c.id)))


def _ledger_part(
    ledger: Ledger, since: datetime, now: datetime, procedures: Procedures
) -> tuple[dict[str, Any], list[Incident]]:
    known = ledger.incidents(resolved_since=since - FEED_SPAN)
    open_now = [i for i in known if i.is_open]
    notes = [
        HandoverNote(incident.id, incident.title, note.at, note.author, note.text)
        for incident in known
        for note in ledger.notes(incident.id)
        if note.at >= since
    ]
    ticks = ledger.maintenance_ticks(since=history_start(now.date()))
    done = [
        MaintenanceDone(task, tick.due_date, tick.actor, tick.at)
        for (task_id, _), tick in ticks.items()
        if tick.ticked and tick.at >= since and (task := procedures.task(task_id)) is not None
    ]
    due = calendar(procedures.maintenance, ticks, now.date(), tracking_since(ticks.values()))
    runs = [
        run for run in ledger.runbook_runs()
        if run.finished_at is None or _in(run.started_at, since) or _in(run.finished_at, since)
    ]
    part = {
        "opened": tuple(i for i in known if _in(i.opened_at, since)),
        "acknowledged": tuple(i for i in known if _in(i.acknowledged_at, since)),
        "resolved": tuple(i for i in known if _in(i.resolved_at, since)),
        "open_now": tuple(open_now),
        "notes": tuple(sorted(notes, key=lambda n: n.at)),
        "maintenance_done": tuple(sorted(done, key=lambda d: d.at)),
        "maintenance_overdue": tuple(overdue(due)),
        "runbooks": tuple(runs),
    }
    return part, known


def build_handover(
    ledger: Ledger | None,
    cfg: Config,
    *,
    now: datetime,
    span: timedelta,
    snapshot: Snapshot | None = None,
    assessment: Assessment | None = None,
    procedures: Procedures = DEFAULT_PROCEDURES,
    remarks: Sequence[str] = (),
) -> Handover:
    """The handover for the `span` up to `now` (see the module docstring)."""
    from skafu_tui.assess import Level

    since = now - span
    notes = list(remarks)
    part: dict[str, Any] = {}
    known: list[Incident] = []
    if ledger is not None:
        part, known = _ledger_part(ledger, since, now, procedures)
    else:
        notes.append("no ledger: incidents, acknowledgements, notes and maintenance ticks are not included")
    changes: tuple[Change, ...] = ()
    if snapshot is not None:
        overrides = ledger.change_overrides() if ledger is not None else {}
        feed = build_changes(snapshot.trail_events, cfg, incidents=known, overrides=overrides)
        changes = _ordered_changes(c for c in feed if since <= c.when <= now)
        if span > FEED_SPAN:
            hours = int(FEED_SPAN.total_seconds() // 3600)
            notes.append(f"the change feed holds CloudTrail write events of the last {hours} h only")
    else:
        notes.append("no poll: changes and checks are not included")
    failed: tuple[Check, ...] = ()
    unknown: tuple[Check, ...] = ()
    if assessment is not None:
        failed = tuple(c for c in assessment.checks if c.status is Level.FAIL)
        unknown = tuple(c for c in assessment.checks if c.status is Level.UNKNOWN)
    return Handover(
        platform=cfg.platform.name,
        generated_at=now,
        since=since,
        account=assessment.account if assessment is not None else (snapshot.account if snapshot else ""),
        overall_status=assessment.system.overall_status.value if assessment is not None else "",
        changes=changes,
        failed_checks=failed,
        unknown_checks=unknown,
        remarks=tuple(notes),
        **part,
    )


# --- rendering ---------------------------------------------------------------------------------


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def _incident_line(incident: Incident, at: datetime | None = None, extra: str = "") -> str:
    services = ", ".join(md(s) for s in incident.services) or "—"
    stamp = f"{_when(at)} " if at is not None else ""
    return f"- {stamp}**{md(incident.incident_class)}** #{incident.id} {md(incident.title)} [{services}]{extra}"


def _change_line(change: Change) -> str:
    flag = "**OUTSIDE WINDOW** " if change.flagged else ""
    service = md(change.service) if change.service else "no service"
    who = md(change.who) if change.who else "unknown"
    return (
        f"- {flag}{_when(change.when)} {md(change.kind)}: {md(change.summary)} ({service}) by {who}"
        f" — {md(change.category)} ({change.category_source.value})"
    )


def handover_markdown(h: Handover) -> str:
    hours = (h.generated_at - h.since).total_seconds() / 3600
    out = [
        f"# {md(h.platform)} shift handover",
        "",
        f"From {_when(h.since)} to {_when(h.generated_at)} ({hours:g} h)."
        + (f" Account {md(h.account)}." if h.account else "")
        + (f" Overall status: **{md(h.overall_status)}**." if h.overall_status else ""),
    ]
    if h.remarks:
        out += ["", *(f"> {md(r)}" for r in h.remarks)]

    out += ["", f"## Incidents ({len(h.open_now)} open now)", "", "### Open now", ""]
    out += [
        _incident_line(i, i.opened_at, "" if i.acknowledged else " — **not acknowledged**") for i in h.open_now
    ] or ["- none"]
    for title, items, attr in (
        ("Opened", h.opened, "opened_at"),
        ("Acknowledged", h.acknowledged, "acknowledged_at"),
        ("Resolved", h.resolved, "resolved_at"),
    ):
        out += ["", f"### {title} ({len(items)})", ""]
        lines = []
        for incident in items:
            extra = f" by {md(incident.acknowledged_by or '')}" if attr == "acknowledged_at" else ""
            lines.append(_incident_line(incident, getattr(incident, attr), extra))
        out += lines or ["- none"]

    flagged = sum(1 for c in h.changes if c.flagged)
    out += ["", f"## Changes ({len(h.changes)}, {flagged} outside a maintenance window)", ""]
    out += [_change_line(c) for c in h.changes] or ["- none"]

    out += ["", f"## Checks that failed ({len(h.failed_checks)})", ""]
    out += [f"- ✗ {md(c.title)}: {md(c.evidence)}" for c in h.failed_checks] or ["- none"]
    if h.unknown_checks:
        out += ["", f"Could not be checked ({len(h.unknown_checks)}):", ""]
        out += [f"- ? {md(c.title)}: {md(c.evidence)}" for c in h.unknown_checks]

    out += ["", "## Maintenance", "", f"### Done ({len(h.maintenance_done)})", ""]
    out += [
        f"- {_when(d.at)} {md(d.task.text)} ({d.task.area}, {d.task.cadence.value}) by {md(d.actor)}"
        for d in h.maintenance_done
    ] or ["- none"]
    out += ["", f"### Overdue ({len(h.maintenance_overdue)})", ""]
    out += [
        f"- **OVERDUE** {md(d.task.text)} ({d.task.area}, {d.task.cadence.value}): "
        f"not done for the period from {d.missed}; due again by {d.period_end}"
        for d in h.maintenance_overdue
    ] or ["- none"]
    if h.runbooks:
        out += ["", "### Recovery runbooks", ""]
        for run in h.runbooks:
            state = f"finished {_when(run.finished_at)}" if run.finished_at else "in progress"
            done = sum(1 for t in run.ticks if t.ticked)
            out.append(
                f"- #{run.id} {md(run.runbook_id)}: started {_when(run.started_at)} by {md(run.started_by)},"
                f" {done} steps ticked, {state}"
            )

    out += ["", f"## Notes ({len(h.notes)})", ""]
    out += [
        f"- {_when(n.at)} on #{n.incident_id} {md(n.incident_title)}, {md(n.author)}:  \n  {md_block(n.text)}"
        for n in h.notes
    ] or ["- none"]
    out += ["", f"_Generated {_when(h.generated_at)}._", ""]
    return "\n".join(out)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _incident_dict(i: Incident) -> dict[str, Any]:
    return {
        "id": i.id,
        "class": i.incident_class,
        "title": i.title,
        "status": i.status.value,
        "services": list(i.services),
        "opened_at": _iso(i.opened_at),
        "acknowledged_at": _iso(i.acknowledged_at),
        "acknowledged_by": i.acknowledged_by,
        "resolved_at": _iso(i.resolved_at),
    }


def _change_dict(c: Change) -> dict[str, Any]:
    return {
        "id": c.id,
        "at": _iso(c.when),
        "kind": c.kind,
        "event": c.api,
        "service": c.service,
        "resources": list(c.resources),
        "who": c.who,
        "source_ip": c.source_ip,
        "category": c.category,
        "category_source": c.category_source.value,
        "in_window": c.in_window,
        "flagged": c.flagged,
    }


def handover_dict(h: Handover) -> dict[str, Any]:
    """The handover as JSON-ready data (``--format json``)."""
    return {
        "platform": h.platform,
        "generated_at": _iso(h.generated_at),
        "since": _iso(h.since),
        "account": h.account,
        "overall_status": h.overall_status,
        "remarks": list(h.remarks),
        "incidents": {
            "open_now": [_incident_dict(i) for i in h.open_now],
            "opened": [_incident_dict(i) for i in h.opened],
            "acknowledged": [_incident_dict(i) for i in h.acknowledged],
            "resolved": [_incident_dict(i) for i in h.resolved],
        },
        "changes": [_change_dict(c) for c in h.changes],
        "checks_failed": [{"id": c.id, "title": c.title, "evidence": c.evidence} for c in h.failed_checks],
        "checks_unknown": [{"id": c.id, "title": c.title, "evidence": c.evidence} for c in h.unknown_checks],
        "maintenance": {
            "done": [
                {"task": d.task.id, "text": d.task.text, "due_date": str(d.due_date), "by": d.actor, "at": _iso(d.at)}
                for d in h.maintenance_done
            ],
            "overdue": [
                {"task": d.task.id, "text": d.task.text, "missed_period_start": str(d.missed),
                 "due_by": str(d.period_end)}
                for d in h.maintenance_overdue
            ],
        },
        "runbooks": [
            {"id": r.id, "runbook": r.runbook_id, "started_at": _iso(r.started_at), "started_by": r.started_by,
             "finished_at": _iso(r.finished_at), "ticked": sum(1 for t in r.ticks if t.ticked)}
            for r in h.runbooks
        ],
        "notes": [
            {"incident_id": n.incident_id, "at": _iso(n.at), "author": n.author, "text": n.text} for n in h.notes
        ],
    }


# --- the command -------------------------------------------------------------------------------

PROG = "skafu-tui handover"
EXIT_OK, EXIT_FAILED, EXIT_BAD_CONFIG = 0, 1, 2


def _say(message: str) -> None:
    import sys

    from skafu_tui.sanitize import inert_line

    print(f"{PROG}: {inert_line(message, 2000)}", file=sys.stderr)


def _poll(cfg: Config, options: Options) -> Snapshot:
    """One complete poll, against the embedded demo when ``--demo`` (as ``skafu-tui report`` does)."""
    import asyncio

    from skafu_tui.report_cli import _poll as poll_once
    from skafu_tui.report_cli import _settings

    server = None
    if options.demo:
        from skafu_tui.demo.launcher import start_demo_server

        server = start_demo_server("skafu", speed=options.speed)
    try:
        settings = _settings(cfg, options, server.endpoint if server is not None else None)
        return asyncio.run(poll_once(cfg, settings))
    finally:
        if server is not None:
            server.stop()


def record_poll(ledger: Ledger, cfg: Config, snapshot: Snapshot, assessment: Assessment) -> None:
    """Run the incident engine once on `ledger` (a scratch ledger: what this poll shows as incidents)."""
    from skafu_tui.changes import change_signals
    from skafu_tui.incidents import IncidentEngine
    from skafu_tui.incidents.from_assessment import signals_from_assessment

    signals, unobserved = signals_from_assessment(assessment, snapshot, cfg)
    changes = build_changes(snapshot.trail_events, cfg, incidents=ledger.open_incidents())
    signals += change_signals(changes, cfg.changes.environment)
    IncidentEngine(ledger, cfg.incidents).update(signals, assessment.generated_at, unobserved=unobserved)


def run_handover(options: Options) -> int:
    """``skafu-tui handover [--since 8h] [--format markdown|json] [--output FILE]``."""
    import json
    import tempfile
    from pathlib import Path

    from skafu_tui.assess import assess
    from skafu_tui.config import ConfigError, load_config
    from skafu_tui.ledger import Ledger, LedgerError
    from skafu_tui.ledger_cli import LEDGER_FILE, ledger_path
    from skafu_tui.output import emit

    try:
        cfg = load_config(options.config_path).config
    except ConfigError as error:
        for problem in error.problems:
            _say(str(problem))
        return EXIT_BAD_CONFIG
    try:
        snapshot = _poll(cfg, options)
    except Exception as error:  # the CLI boundary: a crash becomes one line and exit 1
        _say(f"the poll failed: {type(error).__name__}: {error}")
        return EXIT_FAILED
    now = snapshot.taken_at
    assessment = assess(snapshot, cfg, now)
    path = None if options.demo and options.state_dir is None else ledger_path(options.state_dir)
    remarks: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="skafu-tui-handover-") as scratch:
            if path is not None and path.exists():
                ledger = Ledger.open(path, actor=cfg.platform.operator)
            else:
                # Nothing recorded: the incidents this poll shows are still worth handing over.
                ledger = Ledger.open(Path(scratch) / LEDGER_FILE, actor=cfg.platform.operator, clock=lambda: now)
                record_poll(ledger, cfg, snapshot, assessment)
                where = f"no ledger at {path}" if path is not None else "demo mode"
                remarks.append(f"{where}: incidents are what this poll shows now; no acks, notes or ticks recorded")
            with ledger:
                if ledger.problem is not None:
                    _say(ledger.problem.message)
                handover = build_handover(
                    ledger, cfg, now=now, span=options.since, snapshot=snapshot, assessment=assessment,
                    remarks=remarks,
                )
    except LedgerError as error:
        _say(str(error))
        return EXIT_FAILED
    if options.output_format == "json":
        text = json.dumps(handover_dict(handover), indent=2, ensure_ascii=False) + "\n"
    else:
        text = handover_markdown(handover)
    if not emit(text, options.output, _say):
        return EXIT_FAILED
    return EXIT_OK
