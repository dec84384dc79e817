"""Security & compliance: the seed's Security_Checks and Compliance_Monitoring at a glance.

Left (or first, when narrow): GuardDuty findings (``enter`` opens one in full), the security daily
checks, CloudTrail integrity, failed console logins over 24 h, certificates by days to expiry and
security-group changes. Right: the compliance score and daily checks, Config rules with their
non-compliant resources, backups of the last 24 h, log retention, encryption and access control.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable

from skafu_tui.assess.checks import COMPLIANCE, SECURITY
from skafu_tui.models import Finding
from skafu_tui.ui.filter_bar import FilterableMixin
from skafu_tui.ui.panes import security_rows as rows
from skafu_tui.ui.panes.security_common import ColumnsPane, Section, TextBlock, check_lines, freshness_line
from skafu_tui.ui.screens.finding import FindingScreen
from widgets.keyed_table import KeyedTable
from widgets.plot import PlotextPlot

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment
    from skafu_tui.config import Config
    from skafu_tui.snapshot import Snapshot


class SecurityPane(ColumnsPane, FilterableMixin):
    """GuardDuty, CloudTrail, logins, certificates, SG changes; Config, backups, retention, encryption."""

    title = "Security & compliance"
    sources = ("guardduty", "cloudtrail", "acm", "config", "backup", "logs", "s3", "rds")

    DEFAULT_CSS = """
    SecurityPane #sec-findings { max-height: 10; }
    SecurityPane #sec-certs { max-height: 8; }
    SecurityPane #comp-rules { max-height: 12; }
    SecurityPane #comp-backups { max-height: 9; }
    SecurityPane #comp-encryption { max-height: 10; }
    SecurityPane #sec-logins-plot { height: 9; }
    SecurityPane #comp-head { margin-top: 1; }
    SecurityPane.-wide #sec-logins-plot { height: 11; }
    """

    def __init__(self, cfg: Config, *, id: str | None = None) -> None:
        super().__init__(cfg, id=id)
        self._findings: tuple[Finding, ...] = ()

    def compose(self) -> ComposeResult:
        yield TextBlock(self.title + "  waiting for data…", id="sec-title", classes="pane-title")
        yield TextBlock(id="sec-head")
        yield Section("GuardDuty findings (enter: full finding)")
        yield KeyedTable(rows.FINDING_COLUMNS, name="findings", id="sec-findings")
        with Vertical(classes="columns"):
            with Vertical(classes="column -left", id="sec-left"):
                yield Section("Security checks (daily)")
                yield TextBlock(id="sec-checks")
                yield Section("CloudTrail")
                yield TextBlock(id="sec-trail")
                yield Section("Failed console logins, 24 h")
                yield TextBlock(id="sec-logins")
                yield PlotextPlot(title="failed logins per hour", x_axis="time", y_min=0, id="sec-logins-plot")
                yield Section("Certificates by days to expiry")
                yield KeyedTable(rows.CERT_COLUMNS, name="certificates", id="sec-certs")
                yield Section("Security-group changes, 24 h")
                yield TextBlock(id="sec-sg")
            with Vertical(classes="column", id="sec-right"):
                yield TextBlock(id="comp-head")
                yield Section("Compliance checks (daily)")
                yield TextBlock(id="comp-checks")
                yield Section("AWS Config rules")
                yield KeyedTable(rows.RULE_COLUMNS, name="config rules", id="comp-rules")
                yield Section("Backups, 24 h")
                yield TextBlock(id="comp-backup")
                yield KeyedTable(rows.BACKUP_COLUMNS, name="backups", id="comp-backups")
                yield Section("Log retention")
                yield TextBlock(id="comp-retention")
                yield Section("Encryption (S3, RDS)")
                yield KeyedTable(rows.ENCRYPTION_COLUMNS, name="encryption", id="comp-encryption")
                yield Section("Access control")
                yield TextBlock(id="comp-access")

    def draw_pane(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        sec, comp, cfg = assessment.security, assessment.compliance, self.cfg
        self._findings = sec.findings
        block = self._block
        block("#sec-title").show(freshness_line(self.title, assessment, self.sources))

        block("#sec-head").show(rows.findings_summary(sec))
        # Content width: the pane less its padding and vertical scrollbar.
        clips = rows.finding_clips(self.pane_width - 4)
        self._table("#sec-findings").set_rows(rows.finding_rows(sec, clips))
        block("#sec-checks").show(check_lines(c for c in assessment.checks if c.area == SECURITY))
        block("#sec-trail").show(rows.trail_text(sec))
        block("#sec-logins").show(rows.logins_text(sec, cfg.security.failed_login_warn_per_day))
        hourly = sec.failed_logins.hourly
        self.query_one("#sec-logins-plot", PlotextPlot).set_series(
            [("failed logins", [t.timestamp() for t in hourly.timestamps], list(hourly.values))]
        )
        self._table("#sec-certs").set_rows(
            rows.cert_rows(sec, cfg.security.certificate_warn_days, cfg.security.certificate_critical_days)
        )
        block("#sec-sg").show(rows.sg_text(sec))

        block("#comp-head").show(rows.compliance_summary(comp))
        block("#comp-checks").show(check_lines(c for c in assessment.checks if c.area == COMPLIANCE))
        self._table("#comp-rules").set_rows(rows.rule_rows(comp))
        block("#comp-backup").show(rows.backup_summary(comp))
        self._table("#comp-backups").set_rows(rows.backup_rows(comp))
        block("#comp-retention").show(rows.retention_text(comp))
        self._table("#comp-encryption").set_rows(rows.encryption_rows(comp))
        block("#comp-access").show(rows.access_text(comp))

    def _block(self, selector: str) -> TextBlock:
        return self.query_one(selector, TextBlock)

    def _table(self, selector: str) -> KeyedTable:
        return self.query_one(selector, KeyedTable)

    # --- drill-down -----------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "sec-findings" or event.row_key.value is None:
            return
        event.stop()
        self.open_finding(event.row_key.value)

    def open_finding(self, key: str) -> None:
        """Show the finding with row key ``key`` in full."""
        finding = rows.finding_at(self._findings, key)
        if finding is not None:
            self.app.push_screen(FindingScreen(finding))
