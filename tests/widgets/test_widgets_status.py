"""StatusBadge, FreshnessLabel and the age/countdown formats."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tests.widgets.widget_helpers import screen_text, wait_for
from widgets import STATUS_LEVELS, FreshnessLabel, StatusBadge, format_age, format_countdown, status_level

GENERIC = ["ok", "warn", "fail", "unknown", "stale", "healthy", "degraded", "unhealthy"]


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0s"),
        (12, "12s"),
        (59.9, "59s"),
        (4 * 60 + 59, "4m"),
        (2 * 3600 + 1, "2h"),
        (3 * 86400, "3d"),
        (-5, "0s"),
        (None, "—"),
    ],
)
def test_format_age(seconds: float | None, shown: str) -> None:
    assert format_age(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(14 * 60 + 5, "14m 05s"), (45, "45s"), (2 * 3600 + 3 * 60, "2h 03m"), (-3 * 60, "-3m overdue")],
)
def test_format_countdown(seconds: float, shown: str) -> None:
    assert format_countdown(seconds) == shown


def test_every_generic_status_has_a_distinct_symbol_per_severity() -> None:
    by_class: dict[str, set[str]] = {}
    for status in GENERIC:
        level = status_level(status)
        by_class.setdefault(level.css_class, set()).add(level.symbol)
    assert all(len(symbols) == 1 for symbols in by_class.values())
    assert len({next(iter(s)) for s in by_class.values()}) == len(by_class)
    assert status_level("no such status") == STATUS_LEVELS["unknown"]
    assert status_level(" Healthy ") == STATUS_LEVELS["healthy"]


class BadgeApp(App[None]):
    def compose(self) -> ComposeResult:
        for status in GENERIC:
            yield StatusBadge(status, id=f"b-{status}")
        yield StatusBadge("healthy", label="[b]all good[/]", id="custom")


@pytest.mark.parametrize("no_color", [False, True])
async def test_badges_show_symbol_and_word(no_color: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = BadgeApp()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        lines = screen_text(pilot).splitlines()
        for index, status in enumerate(GENERIC):
            level = STATUS_LEVELS[status]
            assert lines[index].rstrip() == f"{level.symbol} {status}"
            assert app.query_one(f"#b-{status}").has_class(level.css_class)
        assert lines[len(GENERIC)].rstrip() == "● [b]all good[/]"


async def test_badge_follows_status_changes() -> None:
    app = BadgeApp()
    async with app.run_test(size=(40, 12)) as pilot:
        badge = app.query_one("#b-ok", StatusBadge)
        badge.status = "unhealthy"
        await pilot.pause()
        assert badge.text == "✖ unhealthy"
        assert badge.has_class("-fail") and not badge.has_class("-ok")
        assert screen_text(pilot).splitlines()[0].rstrip() == "✖ unhealthy"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FreshApp(App[None]):
    def __init__(self, clock: Clock, tick: float | None) -> None:
        super().__init__()
        self.clock = clock
        self.tick = tick

    def compose(self) -> ComposeResult:
        yield FreshnessLabel(
            "GuardDuty", state="fresh", updated_at=1000.0, stale_after=120, clock=self.clock, tick=self.tick
        )


async def test_freshness_label_ages_and_turns_stale() -> None:
    clock = Clock(1012.0)
    app = FreshApp(clock, tick=0.02)
    async with app.run_test(size=(50, 3)) as pilot:
        label = app.query_one(FreshnessLabel)
        await pilot.pause()
        assert screen_text(pilot).splitlines()[0].rstrip() == "● GuardDuty fresh 12s"

        clock.now = 1000.0 + 4 * 60 + 1  # past stale_after
        await wait_for(pilot, lambda: label.has_class("-stale"))
        await pilot.pause()
        assert screen_text(pilot).splitlines()[0].rstrip() == "◌ GuardDuty stale 4m"

        label.mark("fresh", updated_at=clock.now)
        await pilot.pause()
        assert label.text == "● GuardDuty fresh 0s" and not label.has_class("-stale")

        label.mark("throttled")
        clock.now += 600
        label.refresh_age()
        await pilot.pause()
        assert label.text == "◌ GuardDuty throttled 10m" and label.has_class("-stale")

        label.mark("error", detail="access denied (guardduty:ListFindings)")
        clock.now += 600
        label.refresh_age()
        await pilot.pause()
        assert label.text == "✖ GuardDuty error: access denied (guardduty:ListFindings) 20m"
        assert label.has_class("-fail")


async def test_freshness_label_repaints_only_when_its_text_changes() -> None:
    clock = Clock(1000.0 + 65)
    app = FreshApp(clock, tick=None)
    async with app.run_test(size=(50, 3)) as pilot:
        label = app.query_one(FreshnessLabel)
        await pilot.pause()
        assert label.text.endswith(" 1m")
        renders = label.render_count
        assert renders >= 1

        for now in (1066.0, 1090.0, 1119.0):  # still "1m": each tick re-reads the clock, nothing repaints
            clock.now = now
            label.refresh_age()
            await pilot.pause()
        assert label.render_count == renders

        clock.now = 1120.0  # "2m"
        label.refresh_age()
        await wait_for(pilot, lambda: label.render_count == renders + 1)
        assert label.text.endswith(" 2m")
