"""Every daily check of the seed's ``Daily_Health_Checks`` as a :class:`Check` with evidence.

A check whose source is not ok (or has no data) is ``unknown`` with the source's cause as its
evidence, followed by what the last known data said: it is never silently ok.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.assess.capacity import CapacityAssessment
from skafu_tui.assess.common import Level, fmt_num, worst
from skafu_tui.assess.compliance import ComplianceAssessment
from skafu_tui.assess.freshness import source_issue
from skafu_tui.assess.health import ERROR_RATE, P95, SystemHealth
from skafu_tui.assess.resources import CPU, MEMORY, Resources
from skafu_tui.assess.security import SecurityAssessment, certificates_level
from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.config import Config

SYSTEM, PERFORMANCE, SECURITY, COMPLIANCE = "system", "performance", "security", "compliance"
AREAS = (SYSTEM, PERFORMANCE, SECURITY, COMPLIANCE)
"""The seed's four groups: System_Status, Performance_Metrics, Security_Checks, Compliance_Monitoring."""


@dataclass(frozen=True)
class Check:
    id: str
    area: str
    title: str
    status: Level
    evidence: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parts:
    """What the checks read (the assessment's other parts)."""

    system: SystemHealth
    resources: Resources
    security: SecurityAssessment
    compliance: ComplianceAssessment
    capacity: CapacityAssessment


Verdict = tuple[Level, str]


def _join(items: list[str], limit: int = 4) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; +{len(items) - limit} more" if len(items) > limit else "")


def _aws_health(p: Parts, cfg: Config) -> Verdict:
    events = p.resources.health_events
    if not events:
        return Level.OK, "no open AWS Health events"
    items = [f"{e.service} {e.event_type} ({e.region or 'global'}, {e.status})" for e in events]
    return Level.WARN, f"{len(events)} open: " + _join(items)


def _alb(p: Parts, cfg: Config) -> Verdict:
    alb = p.resources.alb
    if not alb.groups:
        return Level.UNKNOWN, "no target groups configured or found"
    parts = []
    for g in alb.groups:
        text = f"{g.name} {g.healthy}/{g.total} healthy"
        if g.unhealthy:
            text += " (" + ", ".join(f"{t.target_id} {t.state}" + (f": {t.reason}" if t.reason else "")
                                     for t in g.unhealthy[:3]) + ")"
        parts.append(text)
    return alb.level, "; ".join(parts)


def _database(p: Parts, cfg: Config) -> Verdict:
    db = p.resources.database
    if db is None:
        return Level.UNKNOWN, "no database configured"
    text = f"{db.instance_id} {db.status}"
    level = db.level
    if db.connections is not None:
        text += f", {fmt_num(db.connections)}/{fmt_num(db.max_connections)} connections"
        cap = p.capacity.database
        if cap is not None and cap.level in (Level.WARN, Level.FAIL) and cap.pct is not None:
            text += (f" ({cap.pct:.0f}% of max, above the "
                     f"{cfg.capacity.compute.optimal_pct:g}% planning level)")
            level = worst((level, Level.WARN))
    return level, text


def _lambda_errors(p: Parts, cfg: Config) -> Verdict:
    fns = [f for f in p.resources.lambdas if f.error_rate.value is not None]
    if not fns:
        return Level.UNKNOWN, "no Lambda invocation data in the window"
    bad = [f for f in fns if f.error_rate.breached]
    if bad:
        return worst(f.error_rate.status for f in bad), _join([
            f"{f.name}: error rate {fmt_num(f.error_rate.value, 2)}% "
            f"({'alert' if f.error_rate.status is Level.FAIL else 'target'} "
            f"{f.error_rate.alert if f.error_rate.status is Level.FAIL else f.error_rate.target:g}%)"
            for f in bad])
    top = max(fns, key=lambda f: f.error_rate.value or 0.0)
    return Level.OK, (f"{len(fns)} functions ≤ {cfg.kpis.error_rate_pct.target:g}% errors "
                      f"(highest {top.name} {fmt_num(top.error_rate.value, 2)}%)")


def _s3(p: Parts, cfg: Config) -> Verdict:
    r = p.resources
    if not r.buckets:
        return Level.UNKNOWN, "no buckets listed"
    if r.inaccessible_buckets:
        return Level.FAIL, f"{len(r.inaccessible_buckets)}/{len(r.buckets)} inaccessible: " + _join(
            [f"{b.name}" + (f" ({b.error})" if b.error else "") for b in r.inaccessible_buckets])
    return Level.OK, f"all {len(r.buckets)} buckets accessible"


def _cloudfront(p: Parts, cfg: Config) -> Verdict:
    r = p.resources
    if not r.distributions:
        return Level.UNKNOWN, "no distributions listed"
    if r.distributions_not_deployed:
        return Level.WARN, _join([f"{d.id} ({d.domain}) {d.status}{'' if d.enabled else ', disabled'}"
                                  for d in r.distributions_not_deployed])
    return Level.OK, f"all {len(r.distributions)} distributions deployed and enabled"


def _service_kpi(kpi: str, label: str, unit: str, digits: int) -> Callable[[Parts, Config], Verdict]:
    def check(p: Parts, cfg: Config) -> Verdict:
        readings = [(s.name, s.kpi(kpi)) for s in p.system.services]
        known = [(n, r) for n, r in readings if r is not None and r.value is not None]
        if not known:
            return Level.UNKNOWN, f"no {label} data for any service in the window"
        bad = [(n, r) for n, r in known if r.breached]
        if bad:
            return worst(r.status for _, r in bad), _join([
                f"{n}: {label} {fmt_num(r.value, digits)}{unit} "
                + (f"(alert {r.alert:g}{unit})" if r.status is Level.FAIL else f"(target {r.target:g}{unit})")
                for n, r in bad])
        name, top = max(known, key=lambda nr: nr[1].value or 0.0)
        text = f"{len(known)} services within target (highest {name} {fmt_num(top.value, digits)}{unit})"
        missing = [n for n, r in readings if r is None or r.value is None]
        if missing:
            return Level.UNKNOWN, text + "; no data for " + ", ".join(missing)
        return Level.OK, text
    return check


def _error_rates(p: Parts, cfg: Config) -> Verdict:
    level, text = _service_kpi(ERROR_RATE, "error rate", "%", 2)(p, cfg)
    if p.system.error_rate_pct is not None:
        text = f"platform {p.system.error_rate_pct:.2f}%; " + text
    return level, text


def _db_query(p: Parts, cfg: Config) -> Verdict:
    db = p.resources.database
    if db is None or db.query_latency.value is None:
        return Level.UNKNOWN, "no database query latency data in the window"
    r = db.query_latency
    return r.status, (f"{db.instance_id}: average {fmt_num(r.value)} ms "
                      f"(target {r.target:g} ms, alert {r.alert:g} ms)")


def _lambda_duration(p: Parts, cfg: Config) -> Verdict:
    fns = [f for f in p.resources.lambdas if f.max_duration.value is not None]
    if not fns:
        return Level.UNKNOWN, "no Lambda duration data in the window"
    top = max(fns, key=lambda f: f.max_duration.value or 0.0)
    bad = [f for f in fns if f.max_duration.breached]
    if bad:
        return worst(f.max_duration.status for f in bad), _join(
            [f"{f.name}: max {fmt_num(f.max_duration.value, 0)} ms (limit {f.max_duration.alert:g} ms)"
             for f in bad])
    return Level.OK, f"{len(fns)} functions; longest {top.name} {fmt_num(top.max_duration.value, 0)} ms"


def _cpu_memory(p: Parts, cfg: Config) -> Verdict:
    items, levels = [], []
    for name in (CPU, MEMORY):
        m = p.resources.infra(name)
        if m is None or m.kpi is None:
            continue
        levels.append(m.kpi.status)
        items.append(f"{name} {fmt_num(m.value)}% (target {m.kpi.target:g}%)")
    if not items:
        return Level.UNKNOWN, "no CPU or memory metric configured"
    return worst(levels), "; ".join(items)


def _guardduty(p: Parts, cfg: Config) -> Verdict:
    s = p.security
    minimum = cfg.security.finding_min_severity
    if not s.suspicious:
        return Level.OK, (f"no active findings ≥ {minimum:g} updated in 24 h "
                          f"({len(s.findings)} active in total)")
    return s.findings_level, f"{len(s.suspicious)} active ≥ {minimum:g} in 24 h: " + _join(
        [f"{f.severity_label} {f.severity:g} {f.type}" for f in s.suspicious], 3)


def _cloudtrail(p: Parts, cfg: Config) -> Verdict:
    t = p.security.trail
    if not t.trails:
        return Level.FAIL, "no CloudTrail trail"
    problems = [f"{n} not logging" for n in t.not_logging]
    problems += [f"{n} log file validation off" for n in t.no_validation]
    problems += [f"{n} delivery error" for n in t.delivery_errors]
    tampering = [f"{e.name} by {e.username or 'unknown'} at {e.at:%H:%M}" for e in p.security.trail_tampering]
    if tampering:
        # Logging may be back on now, but a gap in the record is itself the finding.
        return Level.FAIL, _join(problems + tampering)
    if problems:
        return t.level, _join(problems)
    return Level.OK, f"{len(t.trails)} trail(s) logging with log file validation"


def _failed_logins(p: Parts, cfg: Config) -> Verdict:
    fl = p.security.failed_logins
    text = f"{fl.count} failed console logins in 24 h (warn at {cfg.security.failed_login_warn_per_day})"
    if fl.by_user:
        text += "; top: " + ", ".join(f"{u} x{n}" for u, n in fl.by_user[:3])
    return fl.level, text


def _certificates(p: Parts, cfg: Config) -> Verdict:
    certs = p.security.certificates
    if not certs:
        return Level.OK, "no certificates"
    level = certificates_level(certs)
    soon = [c for c in certs if c.level is not Level.OK]
    sec = cfg.security
    if not soon:
        first = certs[0]
        return level, f"{len(certs)} certificates; soonest {first.certificate.domain} in {first.days} days"
    return level, _join([
        f"{c.certificate.domain}: " + ("expiry unknown" if c.days is None else
                                       "expired" if c.days < 0 else f"{c.days} days to expiry")
        + f" (warn {sec.certificate_warn_days}, critical {sec.certificate_critical_days})" for c in soon])


def _security_groups(p: Parts, cfg: Config) -> Verdict:
    changes = p.security.security_group_changes
    if not changes:
        return Level.OK, "no security group changes in 24 h"
    return Level.WARN, f"{len(changes)} in 24 h, review: " + _join(
        [f"{e.name} by {e.username or '?'} at {e.at:%H:%M}" for e in changes], 3)


def _config_rules(p: Parts, cfg: Config) -> Verdict:
    c = p.compliance.config
    if c.score_pct is None:
        return Level.UNKNOWN, f"no evaluated Config rules ({c.not_evaluated} not evaluated)"
    text = f"score {c.score_pct:.1f}% ({c.compliant}/{c.compliant + c.non_compliant} compliant)"
    bad = [r for r in c.rules if r.compliance == "NON_COMPLIANT"]
    if bad:
        text += "; non-compliant: " + _join(
            [f"{r.rule_name} ({len(r.non_compliant)} resources)" for r in bad], 3)
    return c.level, text


def _backup(p: Parts, cfg: Config) -> Verdict:
    b = p.compliance.backups
    text = f"24 h: {b.completed} completed, {len(b.failed)} failed"
    if b.newest_completed_age_h is None:
        text += "; no completed backup found"
    else:
        text += f"; newest completed {b.newest_completed_age_h:.1f} h ago (max {b.max_age_hours:g} h)"
    if b.failed:
        text += "; failed: " + _join([f"{j.resource_arn or j.id} {j.state}" for j in b.failed], 2)
    return b.level, text


def _retention(p: Parts, cfg: Config) -> Verdict:
    r = p.compliance.retention
    if not r.groups:
        return Level.UNKNOWN, "no log groups listed"
    if r.below_policy:
        return r.level, f"{len(r.below_policy)}/{len(r.groups)} below {r.min_days} days: " + _join(
            [f"{g.name} ({g.retention_days} d)" for g in r.below_policy], 3)
    return r.level, f"all {len(r.groups)} log groups keep ≥ {r.min_days} days"


def _encryption(p: Parts, cfg: Config) -> Verdict:
    e = p.compliance.encryption
    bad = [f"bucket {n} unencrypted" for n in e.unencrypted_buckets]
    bad += [f"database {n} unencrypted" for n in e.unencrypted_databases]
    named = set(e.unencrypted_buckets) | set(e.unencrypted_databases)
    bad += [f"{rule}: {ref.resource_type} {ref.resource_id}" for rule, ref in e.rule_violations
            if ref.resource_id not in named]
    if bad:
        return e.level, _join(bad)
    return e.level, f"{len(e.buckets)} buckets and {len(e.databases)} databases encrypted"


def _access(p: Parts, cfg: Config) -> Verdict:
    a = p.compliance.access
    bad = [f"{r.rule_name} NON_COMPLIANT" for r in a.rules if r.compliance == "NON_COMPLIANT"]
    bad += [f"{f.severity_label} {f.type}" for f in a.findings]
    if bad:
        return a.level, _join(bad, 3)
    return a.level, f"{len(a.rules)} access rules compliant, no IAM findings"


_CheckFn = Callable[[Parts, "Config"], Verdict]


def _definitions(cfg: Config) -> list[tuple[str, str, str, tuple[str, ...], _CheckFn]]:
    k = cfg.kpis
    return [
        ("system.aws_health", SYSTEM, "AWS Service Health Dashboard", ("health",), _aws_health),
        ("system.alb", SYSTEM, "Application Load Balancer health", ("elbv2",), _alb),
        ("system.database", SYSTEM, "Database connection status", ("rds", "metrics"), _database),
        ("system.lambda_errors", SYSTEM, "Lambda function error rates", ("metrics",), _lambda_errors),
        ("system.s3", SYSTEM, "S3 bucket accessibility", ("s3",), _s3),
        ("system.cloudfront", SYSTEM, "CloudFront distribution status", ("cloudfront",), _cloudfront),
        ("performance.response_time", PERFORMANCE,
         f"API response times (< {k.response_time_p95_ms.target:g}ms P95)", ("metrics",),
         _service_kpi(P95, "p95", " ms", 0)),
        ("performance.db_query", PERFORMANCE,
         f"Database query performance (< {k.db_query_ms.target:g}ms average)", ("metrics",), _db_query),
        ("performance.lambda_duration", PERFORMANCE,
         f"Lambda function duration (< {k.lambda_duration_ms.alert / 1000:g}s timeout)", ("metrics",),
         _lambda_duration),
        ("performance.error_rate", PERFORMANCE,
         f"Error rates (< {k.error_rate_pct.target:g}% across all services)", ("metrics",), _error_rates),
        ("performance.cpu_memory", PERFORMANCE,
         f"Memory and CPU utilization (< {max(k.cpu_pct.target, k.memory_pct.target):g}%)", ("metrics",),
         _cpu_memory),
        ("security.guardduty", SECURITY, "GuardDuty findings review", ("guardduty",), _guardduty),
        ("security.cloudtrail", SECURITY, "CloudTrail log integrity", ("cloudtrail",), _cloudtrail),
        ("security.failed_logins", SECURITY, "Failed authentication attempts", ("cloudtrail",),
         _failed_logins),
        ("security.certificates", SECURITY, "Certificate expiration status", ("acm",), _certificates),
        ("security.security_groups", SECURITY, "Security group changes", ("cloudtrail",), _security_groups),
        ("compliance.config", COMPLIANCE, "AWS Config compliance status", ("config",), _config_rules),
        ("compliance.backup", COMPLIANCE, "Backup completion verification", ("backup",), _backup),
        ("compliance.log_retention", COMPLIANCE, "Log retention compliance", ("logs",), _retention),
        ("compliance.encryption", COMPLIANCE, "Encryption status verification", ("s3", "rds", "config"),
         _encryption),
        ("compliance.access_control", COMPLIANCE, "Access control audit", ("config", "guardduty"), _access),
    ]


def run_checks(parts: Parts, snapshot: Snapshot, cfg: Config, now: datetime) -> tuple[Check, ...]:
    out = []
    for check_id, area, title, sources, fn in _definitions(cfg):
        level, evidence = fn(parts, cfg)
        issue = source_issue(snapshot, now, *sources)
        if issue is not None:
            has_data = all(snapshot.source(s).has_data for s in sources)
            last = f"; last known: {level.symbol} {evidence}" if has_data else ""
            level, evidence = Level.UNKNOWN, issue + last
        out.append(Check(check_id, area, title, level, evidence, sources))
    return tuple(out)
