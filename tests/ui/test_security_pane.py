"""The security & compliance pane over the recorded demo poll: what the operator sees, derived from the
assessment of that poll (not literals), the finding drill-down, the `/` filter, stale sources, and
hostile text from AWS shown literally everywhere including the finding screen.

The helpers at the top are shared by the cost and capacity pane tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from textual.pilot import Pilot

from skafu_tui.assess.checks import COMPLIANCE, SECURITY
from skafu_tui.models import Finding
from skafu_tui.snapshot import Snapshot, SourceStatus
from skafu_tui.ui.app import SkafuApp
from skafu_tui.ui.keys import PANES
from skafu_tui.ui.panes.security_common import TextBlock, clip
from skafu_tui.ui.panes.security_rows import finding_key
from skafu_tui.ui.screens.finding import FindingScreen
from tests.ui.conftest import wait_for_data
from widgets.keyed_table import KeyedTable
from widgets.plot import PlotextPlot

KEYS = {pane: key for pane, _, key in PANES}


async def wait_until(pilot: Pilot[Any], condition: Callable[[], Any], what: str, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
    await pilot.pause()


async def show_pane(app: SkafuApp, pilot: Pilot[Any], snapshot: Snapshot, pane_id: str) -> Any:
    """Feed ``snapshot``, switch to the pane, wait until it drew and its plots can build."""
    app.feed(snapshot)
    await wait_for_data(app, pilot)
    await pilot.press(KEYS[pane_id])
    pane = app.query_one(f"#{pane_id}")
    await wait_until(pilot, lambda: pane._drawn is app.assessment, f"the {pane_id} pane to draw")
    await wait_until(pilot, lambda: all(p.ready for p in pane.query(PlotextPlot)), "plotext")
    app.clear_notifications()  # incident banners belong to the incident screens' tests
    await pilot.pause()
    return pane


def screen_text(app: SkafuApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def block(pane: Any, selector: str) -> str:
    return str(pane.query_one(selector, TextBlock).text)


def pilot_app(make_app: Callable[..., SkafuApp], tmp_path: Path, now: datetime | None = None) -> SkafuApp:
    return make_app(now, state_dir=tmp_path) if now is not None else make_app(state_dir=tmp_path)


# --- what the pane shows ---------------------------------------------------------------------------------


async def test_the_pane_shows_findings_checks_and_compliance_from_the_assessment(make_app, recorded_snapshot, tmp_path):
    app = pilot_app(make_app, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await show_pane(app, pilot, recorded_snapshot, "security")
        sec = app.assessment.security
        table = pane.query_one("#sec-findings", KeyedTable)
        assert table.displayed_keys == [finding_key(f) for f in sec.findings]
        severities = [f.severity for f in sec.findings]
        assert severities == sorted(severities, reverse=True)
        first = table.row_text(table.displayed_keys[0])
        assert first[0] == f"✖ {sec.findings[0].severity_label} {sec.findings[0].severity:g}"
        assert sec.findings[0].title[:40] in first[2]
        head = block(pane, "#sec-head")
        for label, count in sec.findings_by_severity:
            assert f"{count} {label}" in head
        assert app.focused is table  # the pane's main table takes focus: enter and / act on it

        # The daily checks of both areas: status symbol and word, title, evidence.
        for area, selector in ((SECURITY, "#sec-checks"), (COMPLIANCE, "#comp-checks")):
            lines = block(pane, selector).splitlines()
            checks = [c for c in app.assessment.checks if c.area == area]
            assert len(lines) == len(checks)
            for line, check in zip(lines, checks, strict=True):
                symbol = {"ok": "●", "warn": "▲", "fail": "✖", "unknown": "?"}[check.status.value]
                assert line == f"{symbol} {check.status.value.upper()} {check.title}: {check.evidence}"

        # Compliance, certificates, logins and security-group changes.
        comp = app.assessment.compliance
        assert f"Compliance score {comp.score_pct:.1f}%" in block(pane, "#comp-head")
        rules = pane.query_one("#comp-rules", KeyedTable)
        for rule in comp.config.rules:
            key = f"{rule.region}\x1f{rule.rule_name}"
            assert rule.compliance.value in rules.row_text(key)[0]
            below = rules.displayed_keys[rules.displayed_keys.index(key) + 1:][: len(rule.non_compliant)]
            for ref, row in zip(rule.non_compliant, below, strict=True):
                assert rules.row_text(row)[1] == clip(f"  ↳ {ref.resource_id} ({ref.resource_type})", 46)
        backups = pane.query_one("#comp-backups", KeyedTable)
        assert len(backups.displayed_keys) == len(comp.backups.jobs_24h)
        for job in comp.backups.failed:
            assert job.state.value in backups.row_text(f"{job.region}\x1f{job.id}")[0]
        for group in comp.retention.below_policy:
            assert f"{group.name}: {group.retention_days} days" in block(pane, "#comp-retention")
        encryption = pane.query_one("#comp-encryption", KeyedTable)
        flagged = [encryption.row_text(k)[2] for k in encryption.displayed_keys
                   if "NOT ENCRYPTED" in encryption.row_text(k)[0]]
        assert sorted(flagged) == sorted(comp.encryption.unencrypted_buckets + comp.encryption.unencrypted_databases)
        certs = pane.query_one("#sec-certs", KeyedTable)
        for c in sec.certificates:
            row = certs.row_text(f"{c.certificate.region}\x1f{c.certificate.arn}")
            assert row[1] == c.certificate.domain and row[2].startswith(f"{c.days} d")
        plot = pane.query_one("#sec-logins-plot", PlotextPlot)
        assert plot.series[0][2] == sec.failed_logins.hourly.values
        assert f"{sec.failed_logins.count} failed console logins" in block(pane, "#sec-logins")
        for change in sec.security_group_changes:
            assert f"{change.name} by {change.username}" in block(pane, "#sec-sg")


async def test_enter_opens_the_finding_in_full_escape_closes_and_slash_filters(
    make_app, recorded_snapshot, tmp_path
):
    app = pilot_app(make_app, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await show_pane(app, pilot, recorded_snapshot, "security")
        finding = app.assessment.security.findings[0]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FindingScreen), "the finding screen")
        shown = app.screen.shown_text
        for value in (finding.title, finding.type, finding.description, finding.resource_id, finding.id,
                      f"{finding.updated_at:%Y-%m-%d %H:%M:%S} UTC"):
            assert value in shown
        assert '"Severity"' in shown or '"severity"' in shown  # the raw JSON, pretty-printed
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.screen_stack[0], "the finding screen to close")
        table = pane.query_one("#sec-findings", KeyedTable)
        assert app.focused is table

        wanted = app.assessment.security.findings[-1]
        needle = wanted.title.split()[0].lower()
        await pilot.press("slash", *needle)
        expected = [finding_key(f) for f in app.assessment.security.findings if needle in f.title.lower()
                    or needle in f.type.lower() or needle in f.resource_id.lower()]
        await wait_until(pilot, lambda: table.displayed_keys == expected, "the filtered rows")
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(table.displayed_keys) == len(app.assessment.security.findings),
                         "the filter to clear")


async def test_title_line_dims_a_failed_source_with_its_cause(make_app, recorded_snapshot, tmp_path, frozen_now):
    sources = dict(recorded_snapshot.sources)
    sources["guardduty"] = replace(sources["guardduty"], status=SourceStatus.DENIED,
                                   message="access denied (guardduty:ListFindings)",
                                   action="guardduty:ListFindings")
    snapshot = recorded_snapshot.with_changes(sources=MappingProxyType(sources))
    app = pilot_app(make_app, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await show_pane(app, pilot, snapshot, "security")
        title = block(pane, "#sec-title")
        src = app.assessment.source("guardduty")
        assert src is not None and src.age_s is not None
        assert f"✖ guardduty: access denied (guardduty:ListFindings); data {src.age_s:.0f} s old" in title
        assert src is not None and src.has_data  # stale data stays visible
        assert pane.query_one("#sec-findings", KeyedTable).displayed_keys
        assert "guardduty" not in title.split("✖")[0]  # not also listed as fresh
        assert "cloudtrail, acm, config, backup, logs, s3, rds <1m" in title


# --- hostile text ----------------------------------------------------------------------------------------

HOSTILE_TITLE = "[bold red]x[/] [@click=app.quit]q[/] \x1b]52;c;SGVsbG8=\x07 \u202eevil\u202c zero\u200bwidth"
HUGE = "A" * 100_000


def hostile_snapshot(snapshot: Snapshot) -> Snapshot:
    base = snapshot.findings[0]
    data = base.model_dump()
    data.update(id="hostile-1", title=HOSTILE_TITLE, description=HOSTILE_TITLE + " " + HUGE,
                type="[@click=app.quit]Recon:EC2/x[/]", resource_id="i-\x1b[2Jbad", severity=8.9,
                raw='{"Title": "' + HOSTILE_TITLE.replace("\x1b", "\\u001b").replace("\x07", "\\u0007") + '"}')
    hostile = Finding.model_validate(data)
    return snapshot.with_changes(findings=(hostile, *snapshot.findings))


async def test_hostile_finding_text_renders_literally_in_table_and_modal(make_app, recorded_snapshot, tmp_path):
    app = pilot_app(make_app, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await show_pane(app, pilot, hostile_snapshot(recorded_snapshot), "security")
        table = pane.query_one("#sec-findings", KeyedTable)
        key = next(k for k in table.displayed_keys if k.endswith("hostile-1"))
        row = " ".join(table.row_text(key))
        assert "[bold red]x[/]" in row and "[@click=app.quit]" in row
        screen = screen_text(app)
        assert "[bold red]x[/]" in screen and "\x1b" not in screen and "\u202e" not in screen
        table.move_cursor_to_key(key)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FindingScreen), "the finding screen")
        shown = app.screen.shown_text
        assert "[bold red]x[/] [@click=app.quit]q[/]" in shown
        assert "␛]52;c;SGVsbG8=␇" in shown  # the OSC 52 clipboard write, made visible
        assert "<U+202E>evil" in shown and "zero<U+200B>width" in shown
        assert "more characters)" in shown  # 100 KB cut with a visible marker
        assert all(ch not in shown for ch in ("\x1b", "\x07", "\u202e", "\u200b"))
        modal = screen_text(app)
        assert "[bold red]x[/]" in modal and "\x1b" not in modal
        await pilot.press("end")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.screen_stack[0], "the finding screen to close")
        assert app.is_running  # [@click=app.quit] did not quit


def hostile(record: Any, **fields: str) -> Any:
    """``record`` with ``fields`` replaced, validated as a source would build it (SafeStr applies)."""
    return type(record).model_validate({**record.model_dump(), **fields})


async def test_hostile_text_in_every_security_field_renders_literally(make_app, recorded_snapshot, tmp_path):
    s = recorded_snapshot
    h = HOSTILE_TITLE
    snapshot = s.with_changes(
        certificates=tuple(hostile(c, domain=h) for c in s.certificates),
        config_rules=tuple(hostile(r, rule_name=f"{h}-{i}") for i, r in enumerate(s.config_rules)),
        backup_jobs=tuple(hostile(j, status_message=h, resource_arn=h) for j in s.backup_jobs),
        log_groups=tuple(hostile(g, name=f"{h}-{i}") for i, g in enumerate(s.log_groups)),
        trails=tuple(hostile(t, name=h) for t in s.trails),
        trail_events=tuple(hostile(e, username=h, source_ip=h) for e in s.trail_events),
        buckets=tuple(hostile(b, name=f"{h}-{i}") for i, b in enumerate(s.buckets)),
    )
    app = pilot_app(make_app, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await show_pane(app, pilot, hostile_snapshot(snapshot), "security")
        shown = "\n".join(b.text for b in pane.query(TextBlock))
        for table in pane.query(KeyedTable):
            shown += "\n".join(" ".join(table.row_text(k)) for k in table.displayed_keys)
        assert shown.count("[bold red]x[/]") >= 8 and "[@click=app.quit]q[/]" in shown
        assert all(ch not in shown for ch in ("\x1b", "\x07", "\u202e", "\u200b"))
        for where in (pane.scroll_home, pane.scroll_end):  # paint the top and the bottom of the pane
            where(animate=False)
            await pilot.pause()
            screen = screen_text(app)
            assert "[bold red]x[/]" in screen and "\x1b" not in screen and "\u202e" not in screen
        assert app.is_running
