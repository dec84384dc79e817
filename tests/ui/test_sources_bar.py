"""The sources bar names each source once and says its data's age once, whatever the cause."""

from __future__ import annotations

from textual.app import App, ComposeResult

from skafu_tui.assess.freshness import SourceFreshness
from skafu_tui.snapshot import SourceStatus
from skafu_tui.ui.header import SourcesBar


def fresh(name: str, status: SourceStatus, *, has_data: bool, age_s: float | None = None, message: str = "",
          action: str = "") -> SourceFreshness:
    return SourceFreshness(name=name, status=status, fetched_at=None, age_s=age_s, cadence_s=30.0, message=message,
                           action=action, has_data=has_data)


class BarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SourcesBar()


async def test_each_source_is_named_once_with_its_age_once() -> None:
    app = BarApp()
    async with app.run_test(size=(240, 5)) as pilot:
        bar = app.query_one(SourcesBar)
        bar.show((
            fresh("metrics", SourceStatus.OK, has_data=True, age_s=5),
            fresh("alarms", SourceStatus.PENDING, has_data=False),
            fresh("cost", SourceStatus.STALE, has_data=True, age_s=780),
            fresh("guardduty", SourceStatus.ERROR, has_data=True, age_s=13, message="access denied",
                  action="guardduty:ListFindings"),
        ))
        await pilot.pause()
        text = str(bar.render())
        assert text.startswith("sources 1/4 fresh")
        for name in ("alarms", "cost", "guardduty"):
            assert text.count(f" {name}: ") == 1, text
        assert "alarms: no data yet" in text
        assert "cost: stale (13 min old)" in text and text.count(" old") == 2
        assert "guardduty: access denied (guardduty:ListFindings); data 13 s old" in text
