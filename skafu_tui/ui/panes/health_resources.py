"""The health pane's resources: ALB targets, database, Lambda, S3, CloudFront and AWS Health events.

Each part is a heading line (verdict mark and a summary in words) over a table or a gauge; every
AWS-derived string goes through ``plain``/``clip`` so it renders literally and bounded.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from skafu_tui.assess.common import Level, worst
from skafu_tui.ui.panes.health_format import clip, join_clipped, kpi_cell, lead, mark, set_text, threshold_words
from skafu_tui.ui.panes.health_table import FitTable
from widgets.gauge import ThresholdGauge
from widgets.text import SafeStatic, plain

if TYPE_CHECKING:
    from skafu_tui.assess.resources import LambdaHealth, Resources, TargetGroupHealth
    from skafu_tui.config import Config
    from skafu_tui.models import HealthEvent


def heading(name: str, level: Level, summary: str) -> Text:
    """``ALB targets ▲ 4/5 healthy``: the section's name, its verdict mark and a summary."""
    text = lead(f"{name} ")
    text.append_text(mark(level))
    text.append(" ")
    text.append_text(plain(summary))
    return text


def _when(ts: datetime | None) -> str:
    return ts.strftime("%m-%d %H:%M") if ts is not None else "—"


def _group_row(g: TargetGroupHealth) -> tuple[str, tuple[Text | str, ...]]:
    healthy = Text(f"{g.healthy}/{g.total} ", end="")
    healthy.append_text(mark(g.level))
    bad = []
    for t in g.unhealthy:
        state = "" if t.state == "unhealthy" else f" {t.state}"
        why = " — ".join(x for x in (t.reason, t.description) if x)
        bad.append(f"{t.target_id}{state}" + (f": {why}" if why else ""))
    detail = plain(join_clipped(bad)) if bad else Text("all healthy", style="dim", end="")
    return g.name, (clip(g.name, 60), healthy, detail)


def _lambda_row(fn: LambdaHealth) -> tuple[str, tuple[Text | str, ...]]:
    invocations = "—" if fn.invocations is None else f"{fn.invocations:,.0f}"
    cells = (clip(fn.name, 80), kpi_cell(fn.error_rate), kpi_cell(fn.max_duration), invocations)
    return f"{fn.service}/{fn.name}", cells


def _event_row(e: HealthEvent) -> tuple[str, tuple[Text | str, ...]]:
    status = e.status.lower()
    level = Level.WARN if status in ("open", "upcoming") else Level.UNKNOWN
    state = Text(f"{clip(e.status, 20)} ", end="")
    state.append_text(mark(level))
    where = clip(e.region or "global", 30)
    return e.arn, (state, _when(e.start), clip(e.event_type, 80), f"{where}: {clip(e.description)}")


class HealthResources(Vertical):
    """The resource sections of the health pane; :meth:`show` redraws them from an assessment."""

    DEFAULT_CSS = """
    HealthResources { height: auto; }
    HealthResources > .heading { margin-top: 1; }
    HealthResources > FitTable { height: auto; max-height: 12; }
    HealthResources > ThresholdGauge { margin-left: 2; }
    """

    def compose(self) -> ComposeResult:
        yield SafeStatic(id="hl-alb-head", classes="heading")
        yield FitTable(["target group", "healthy", "not healthy (reason)"], flex=2, caps={0: 24},
                       id="hl-alb", name="ALB targets")
        yield SafeStatic(id="hl-db-head", classes="heading")
        yield ThresholdGauge("connections", None, precision=0, unit="", id="hl-db-conn")
        yield SafeStatic(id="hl-lambda-head", classes="heading")
        yield FitTable(["function", "err %", "max ms", "invocations"], flex=0, id="hl-lambda", name="Lambda")
        yield SafeStatic(id="hl-edge", classes="heading")
        yield SafeStatic(id="hl-events-head", classes="heading")
        yield FitTable(["status", "start", "event", "description"], flex=3, caps={0: 12, 2: 30},
                       id="hl-events", name="AWS Health events")

    def show(self, res: Resources, cfg: Config) -> None:
        self._alb(res)
        self._database(res, cfg)
        self._lambdas(res)
        self._edge(res)
        self._events(res)

    def _static(self, widget_id: str) -> SafeStatic:
        return self.query_one(f"#{widget_id}", SafeStatic)

    def _table(self, widget_id: str) -> FitTable:
        return self.query_one(f"#{widget_id}", FitTable)

    def _alb(self, res: Resources) -> None:
        alb = res.alb
        summary = f"{alb.healthy}/{alb.total} targets healthy in {len(alb.groups)} target groups"
        if not alb.groups:
            summary = "no target groups configured or found"
        set_text(self._static("hl-alb-head"), heading("ALB targets", alb.level, summary))
        table = self._table("hl-alb")
        table.display = bool(alb.groups)
        table.set_rows(_group_row(g) for g in alb.groups)

    def _database(self, res: Resources, cfg: Config) -> None:
        db = res.database
        gauge = self.query_one("#hl-db-conn", ThresholdGauge)
        if db is None:
            set_text(self._static("hl-db-head"), heading("Database", Level.UNKNOWN, "no database configured"))
            gauge.display = False
            return
        line = heading("Database", db.level, "")
        line.append_text(plain(clip(db.instance_id, 60), style="bold"))
        line.append_text(plain(f" {clip(db.status, 40)}"))
        if db.instance is not None and db.instance.engine:
            line.append_text(plain(f" ({clip(db.instance.engine, 30)})", style="dim"))
        q = db.query_latency
        line.append(" · query latency ")
        line.append_text(kpi_cell(q, unit=True))
        line.append(f" {threshold_words(q)}", style="dim")
        if db.cpu_pct is not None:
            line.append(f" · CPU {db.cpu_pct:.0f}%")
        set_text(self._static("hl-db-head"), line)
        gauge.display = True
        top = float(db.max_connections or 0) or max(db.connections or 0.0, 1.0)
        compute = cfg.capacity.compute
        gauge.label = f"connections of {db.max_connections}" if db.max_connections else "connections"
        gauge.maximum = top
        gauge.target = top * compute.optimal_pct / 100.0
        gauge.alert = top * compute.scaling_threshold_pct / 100.0
        gauge.value = db.connections

    def _lambdas(self, res: Resources) -> None:
        fns = res.lambdas
        level = worst((f.level for f in fns), default=Level.UNKNOWN)
        bad = [f for f in fns if f.level in (Level.WARN, Level.FAIL)]
        summary = f"{len(fns)} functions" + (f", {len(bad)} past target or alert" if bad else ", all within target")
        if fns:
            summary += f" · errors {threshold_words(fns[0].error_rate)} · max duration ≤ " \
                       f"{fns[0].max_duration.alert:,g} ms"
        set_text(self._static("hl-lambda-head"), heading("Lambda", level, summary))
        table = self._table("hl-lambda")
        table.display = bool(fns)
        table.set_rows(_lambda_row(f) for f in fns)

    def _edge(self, res: Resources) -> None:
        if not res.buckets:
            s3 = heading("S3", Level.UNKNOWN, "no buckets listed")
        elif res.inaccessible_buckets:
            names = [f"{b.name}" + (f" ({b.error})" if b.error else "") for b in res.inaccessible_buckets]
            s3 = heading("S3", Level.FAIL, f"{len(res.inaccessible_buckets)}/{len(res.buckets)} buckets "
                                           f"inaccessible: {join_clipped(names, 160)}")
        else:
            s3 = heading("S3", Level.OK, f"{len(res.buckets)}/{len(res.buckets)} buckets accessible")
        dists = res.distributions
        if not dists:
            cf = heading("CloudFront", Level.UNKNOWN, "no distributions listed")
        elif res.distributions_not_deployed:
            items = [f"{d.id} {d.status}{'' if d.enabled else ' (disabled)'}" for d in res.distributions_not_deployed]
            cf = heading("CloudFront", Level.WARN, f"{len(res.distributions_not_deployed)}/{len(dists)} not deployed: "
                                                   f"{join_clipped(items, 160)}")
        else:
            items = [f"{d.id} ({d.domain})" for d in dists]
            cf = heading("CloudFront", Level.OK, f"{len(dists)}/{len(dists)} deployed and enabled: "
                                                 f"{join_clipped(items, 160)}")
        set_text(self._static("hl-edge"), Text("\n", end="").join([s3, cf]))

    def _events(self, res: Resources) -> None:
        events = res.health_events
        summary = f"{len(events)} open or upcoming" if events else "no open events"
        set_text(self._static("hl-events-head"),
            heading("AWS Health", Level.WARN if events else Level.OK, summary))
        table = self._table("hl-events")
        table.display = bool(events)
        rows: list[tuple[str, tuple[Text | str, ...]]] = []
        seen: set[str] = set()
        for e in events:
            key, cells = _event_row(e)
            while key in seen:  # ARNs are unique in AWS; keep the table usable if a source repeats one
                key += "'"
            seen.add(key)
            rows.append((key, cells))
        table.set_rows(rows)

