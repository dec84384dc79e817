"""What the security & compliance pane shows, as rows and lines built from the assessment (pure).

Every AWS string goes into a cell or a ``Text`` literally (KeyedTable and ``plain`` never parse
markup); cells are clipped with a visible ``…`` and the full finding is one ``enter`` away.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.text import Text

from skafu_tui.assess.common import Level
from skafu_tui.assess.compliance import ComplianceAssessment
from skafu_tui.assess.security import CertificateExpiry, SecurityAssessment
from skafu_tui.models import BackupState, Compliance, Finding
from skafu_tui.ui.panes.security_common import clip, level_text, table_key, when
from widgets.keyed_table import Cell
from widgets.text import plain

Row = tuple[str, tuple[Cell, ...]]

FINDING_COLUMNS = ("severity", "updated", "title", "type", "resource")
NARROW_FINDING_CLIPS = (48, 48, 32)
"""Title, type, resource when they cannot all fit: the title shows, type and resource scroll into view."""
_FIXED_CELLS = 14 + 11 + 5 * 2
"""The severity (``✖ CRITICAL 9.5``) and updated (``MM-DD HH:MM``) columns and every column's padding."""


def finding_clips(width: int) -> tuple[int, int, int]:
    """How long a title, type and resource may be so the findings table fits ``width`` cells.

    Wide enough (about 100 columns), the three share the room (40/38/22 %) and the table never
    needs a horizontal scrollbar; narrower, the title keeps what is visible next to severity and
    time, and type and resource scroll into view.
    """
    room = width - _FIXED_CELLS - 1
    if room < 60:
        return max(20, min(NARROW_FINDING_CLIPS[0], room)), *NARROW_FINDING_CLIPS[1:]
    title, kind = room * 40 // 100, room * 38 // 100
    return title, kind, room - title - kind
CERT_COLUMNS = ("status", "domain", "days left", "expires", "in use")
RULE_COLUMNS = ("status", "rule / ↳ non-compliant resource", "failing")
RESOURCES_PER_RULE = 5
"""Non-compliant resources listed under a rule; the rest are counted."""
BACKUP_COLUMNS = ("state", "created", "resource", "message")
ENCRYPTION_COLUMNS = ("status", "kind", "resource", "encryption")

_SEVERITY_LEVEL = {"CRITICAL": Level.FAIL, "HIGH": Level.FAIL, "MEDIUM": Level.WARN, "LOW": Level.OK}
_BACKUP_LEVEL = {
    BackupState.COMPLETED: Level.OK,
    BackupState.FAILED: Level.FAIL,
    BackupState.ABORTED: Level.FAIL,
    BackupState.EXPIRED: Level.FAIL,
    BackupState.PARTIAL: Level.FAIL,
}
_COMPLIANCE_LEVEL = {
    Compliance.COMPLIANT: Level.OK,
    Compliance.NON_COMPLIANT: Level.FAIL,
    Compliance.NOT_APPLICABLE: Level.UNKNOWN,
    Compliance.INSUFFICIENT_DATA: Level.UNKNOWN,
}


def finding_key(f: Finding) -> str:
    return table_key(f.region, f.id)


def severity_text(f: Finding) -> Text:
    return level_text(_SEVERITY_LEVEL[f.severity_label], f"{f.severity_label} {f.severity:g}")


def finding_rows(security: SecurityAssessment, clips: tuple[int, int, int] = (48, 48, 32)) -> Iterator[Row]:
    """Highest severity first, newest first within a severity (the assessment's order).

    ``clips``: the longest title, type and resource shown (the full finding is on ``enter``).
    """
    title, kind, where = clips
    for f in security.findings:
        resource = " ".join(x for x in (f.resource_id, f.resource_type and f"({f.resource_type})") if x)
        yield finding_key(f), (
            severity_text(f), when(f.updated_at), clip(f.title, title), clip(f.type, kind), clip(resource, where)
        )


def findings_summary(security: SecurityAssessment) -> Text:
    text = Text()
    text.append_text(level_text(security.findings_level))
    text.append(" GuardDuty: ", style="bold")
    if security.findings_by_severity:
        text.append(", ".join(f"{n} {label}" for label, n in security.findings_by_severity))
    else:
        text.append("no active findings")
    text.append(f" · {security.suspicious_activity} suspicious, {security.new_vulnerabilities} new in 24 h")
    return text


def trail_text(security: SecurityAssessment) -> Text:
    t = security.trail
    text = Text()
    text.append_text(level_text(t.level))
    if not t.trails:
        text.append(" no CloudTrail trail found")
        return text
    for index, trail in enumerate(t.trails):
        text.append(" " if index == 0 else "\n  ")
        text.append_text(plain(trail.name, style="bold"))
        text.append(": " + ("logging" if trail.is_logging else "NOT LOGGING"))
        text.append(", log-file validation " + ("on" if trail.log_file_validation else "OFF"))
        if trail.multi_region:
            text.append(", multi-region")
        if trail.latest_delivery_at is not None:
            text.append(f", last delivery {when(trail.latest_delivery_at)}")
        if trail.latest_delivery_error:
            text.append_text(plain(f", delivery error: {trail.latest_delivery_error}"))
    return text


def logins_text(security: SecurityAssessment, warn_at: int) -> Text:
    fl = security.failed_logins
    text = Text()
    text.append_text(level_text(fl.level))
    text.append(f" {fl.count} failed console logins in 24 h (warn at {warn_at})")
    if fl.by_user:
        text.append("\n  by user: ", style="bold")
        text.append_text(plain(", ".join(f"{u} x{n}" for u, n in fl.by_user[:5])))
        if len(fl.by_user) > 5:
            text.append(f", +{len(fl.by_user) - 5} more")
    if fl.by_source_ip:
        text.append("\n  by IP:   ", style="bold")
        text.append_text(plain(", ".join(f"{ip} x{n}" for ip, n in fl.by_source_ip[:5])))
        if len(fl.by_source_ip) > 5:
            text.append(f", +{len(fl.by_source_ip) - 5} more")
    return text


def cert_days(c: CertificateExpiry, warn: int, critical: int) -> str:
    if c.days is None:
        return "unknown"
    if c.days < 0:
        return f"expired {-c.days} d ago"
    if c.level is Level.FAIL:
        return f"{c.days} d (critical ≤ {critical})"
    if c.level is Level.WARN:
        return f"{c.days} d (warn ≤ {warn})"
    return f"{c.days} d"


def cert_rows(security: SecurityAssessment, warn: int, critical: int) -> Iterator[Row]:
    for c in security.certificates:
        cert = c.certificate
        yield table_key(cert.region, cert.arn), (
            level_text(c.level),
            clip(cert.domain),
            cert_days(c, warn, critical),
            when(cert.not_after),
            "yes" if cert.in_use else "no",
        )


def sg_text(security: SecurityAssessment) -> Text:
    changes = security.security_group_changes
    text = Text()
    if not changes:
        text.append_text(level_text(Level.OK))
        text.append(" no security-group changes in 24 h")
        return text
    text.append_text(level_text(Level.WARN))
    text.append(f" {len(changes)} change(s) in 24 h: review")
    for e in changes[:8]:
        groups = ", ".join(r.resource_id for r in e.resources if r.resource_id)
        line = f"\n  {when(e.at)} {e.name} by {e.username or '?'}"
        line += f" from {e.source_ip}" if e.source_ip else ""
        line += f" on {groups}" if groups else ""
        text.append_text(plain(line))
    if len(changes) > 8:
        text.append(f"\n  +{len(changes) - 8} more")
    return text


def compliance_summary(compliance: ComplianceAssessment) -> Text:
    c = compliance.config
    text = Text()
    text.append_text(level_text(c.level))
    text.append(" Compliance score ", style="bold")
    if c.score_pct is None:
        text.append("n/a (no evaluated Config rules)")
    else:
        text.append(f"{c.score_pct:.1f}%", style="bold")
        text.append(f" ({c.compliant}/{c.compliant + c.non_compliant} rules compliant")
        text.append(f", {c.not_evaluated} not evaluated)" if c.not_evaluated else ")")
    return text


def rule_rows(compliance: ComplianceAssessment) -> Iterator[Row]:
    """Non-compliant first; each rule's failing resources on indented rows below it (a narrow
    column shows a resource id before a long resource type)."""
    for r in compliance.config.rules:
        key = table_key(r.region, r.rule_name)
        failing = len(r.non_compliant)
        yield key, (
            level_text(_COMPLIANCE_LEVEL[r.compliance], r.compliance.value),
            clip(r.rule_name, 46),
            str(failing) if failing else "—",
        )
        for ref in r.non_compliant[:RESOURCES_PER_RULE]:
            yield table_key(key, ref.resource_type, ref.resource_id), (
                "", clip(f"  ↳ {ref.resource_id} ({ref.resource_type})", 46), "")
        if failing > RESOURCES_PER_RULE:
            yield table_key(key, "more"), ("", f"  ↳ +{failing - RESOURCES_PER_RULE} more", "")


def backup_summary(compliance: ComplianceAssessment) -> Text:
    """Counts and the newest completed backup, then each failed job with its message in full."""
    b = compliance.backups
    text = Text()
    text.append_text(level_text(b.level))
    text.append(f" 24 h: {b.completed} completed, {len(b.failed)} failed, {b.running} running")
    if b.newest_completed_age_h is None:
        text.append("; no completed backup found")
    else:
        text.append(f"; newest completed {b.newest_completed_age_h:.1f} h ago (max {b.max_age_hours:g} h)")
    for j in b.failed[:3]:
        text.append("\n  ")
        text.append_text(level_text(Level.FAIL, j.state.value))
        text.append_text(plain(f" {when(j.created_at)} {_resource_name(j.resource_arn) or j.id}: "
                               f"{j.status_message or 'no message'}"))
    if len(b.failed) > 3:
        text.append(f"\n  +{len(b.failed) - 3} more failed")
    return text


def _resource_name(arn: str) -> str:
    return arn.rsplit(":", 1)[-1] if arn else ""


def backup_rows(compliance: ComplianceAssessment) -> Iterator[Row]:
    for j in compliance.backups.jobs_24h:
        level = _BACKUP_LEVEL.get(j.state, Level.UNKNOWN)
        yield table_key(j.region, j.id), (
            level_text(level, j.state.value),
            when(j.created_at),
            clip(_resource_name(j.resource_arn) or j.id, 24),
            clip(j.status_message or "—", 28),
        )


def retention_text(compliance: ComplianceAssessment) -> Text:
    r = compliance.retention
    text = Text()
    if not r.groups:
        text.append_text(level_text(Level.UNKNOWN))
        text.append(" no log groups listed")
        return text
    text.append_text(level_text(r.level))
    never = sum(1 for g in r.groups if g.retention_days is None)
    text.append(f" {len(r.groups) - len(r.below_policy)}/{len(r.groups)} log groups keep ≥ {r.min_days} days")
    if never:
        text.append(f" ({never} never expire)")
    for g in r.below_policy[:8]:
        text.append_text(plain(f"\n  ✖ {g.name}: {g.retention_days} days (policy ≥ {r.min_days})"))
    if len(r.below_policy) > 8:
        text.append(f"\n  +{len(r.below_policy) - 8} more below policy")
    return text


def encryption_rows(compliance: ComplianceAssessment) -> Iterator[Row]:
    """Unencrypted first: S3 buckets and RDS instances with how each is (or is not) encrypted."""
    e = compliance.encryption
    rows: list[tuple[int, Row]] = []
    for be in e.buckets:
        level = Level.OK if be.encrypted else Level.FAIL
        rows.append((level.rank, (table_key("s3", be.bucket.region, be.bucket.name), (
            level_text(level, "encrypted" if be.encrypted else "NOT ENCRYPTED"),
            "S3", clip(be.bucket.name, 28), clip(be.how, 26)))))
    bad_dbs = set(e.unencrypted_databases)
    for db in e.databases:
        ok = db.id not in bad_dbs
        level = Level.OK if ok else Level.FAIL
        how = "storage encrypted" if db.encrypted else "storage unencrypted"
        if db.encrypted and not ok:
            how = "Config: non-compliant"
        rows.append((level.rank, (table_key("rds", db.region, db.id), (
            level_text(level, "encrypted" if ok else "NOT ENCRYPTED"),
            "RDS", clip(db.id, 28), clip(f"{how} ({db.engine})" if db.engine else how, 26)))))
    rows.sort(key=lambda r: -r[0])  # stable: keeps buckets/databases in name order within a level
    for _, row in rows:
        yield row


def access_text(compliance: ComplianceAssessment) -> Text:
    a = compliance.access
    text = Text()
    text.append_text(level_text(a.level))
    bad = [r for r in a.rules if r.compliance is Compliance.NON_COMPLIANT]
    text.append(f" {len(a.rules) - len(bad)}/{len(a.rules)} access rules compliant, "
                f"{len(a.findings)} IAM/credential finding(s)")
    for r in bad:
        text.append_text(plain(f"\n  ✖ {r.rule_name}: NON_COMPLIANT ({len(r.non_compliant)} resources)"))
    for f in a.findings[:5]:
        text.append("\n  ")
        text.append_text(severity_text(f))
        text.append_text(plain(f" {clip(f.type, 72)}"))
    return text


def finding_at(findings: tuple[Finding, ...], key: str) -> Finding | None:
    return next((f for f in findings if finding_key(f) == key), None)

