"""Hostile text through the overview and health panes: markup, an action link, a screen-clearing escape,
an RTL override and a 100 KB string, in a service name (config), alarm names and reasons, ALB targets,
S3, CloudFront, RDS and AWS Health events. Everything renders literally; nothing crashes or quits.

The records are built with ``model_copy`` (no validation), so the strings reach the UI raw: the panes'
own defences are tested, not only the sanitizer at the source boundary.
"""

from __future__ import annotations

from typing import Any

from skafu_tui.config import Config
from skafu_tui.snapshot import Snapshot
from skafu_tui.ui.app import SkafuApp
from skafu_tui.ui.panes.health_detail import ServiceDetailScreen
from tests.ui.conftest import FROZEN_NOW
from tests.ui.test_overview import drawn, screen_text, table, wait_until

HOSTILE = "[bold red]x[/] [@click=app.quit]q[/] \x1b[2J \u202eRTL"
BIG = "[b]" + "A" * 100_000 + "[/b]"


def hostile_world(cfg: Config, snap: Snapshot) -> tuple[Config, Snapshot, str]:
    victim = cfg.services[1]
    name = f"tmpl {HOSTILE}"
    renamed = {a: f"{a} {HOSTILE}" for a in victim.alarms}
    svc = victim.model_copy(update={"name": name, "alarms": list(renamed.values())})
    cfg2 = cfg.model_copy(update={"services": [svc if s is victim else s for s in cfg.services]})
    prefix = f"svc/{victim.name}/"
    metrics = {k.replace(prefix, f"svc/{name}/") if k.startswith(prefix) else k: v for k, v in snap.metrics.items()}
    snap2 = snap.with_changes(
        metrics=metrics,
        alarms=tuple(a.model_copy(update={"name": renamed.get(a.name, a.name), "reason": HOSTILE + BIG})
                     for a in snap.alarms),
        health_events=tuple(e.model_copy(update={"service": HOSTILE, "event_type": HOSTILE, "description": BIG})
                            for e in snap.health_events),
        target_health=tuple(t.model_copy(update={"target_id": HOSTILE, "reason": HOSTILE, "description": BIG})
                            for t in snap.target_health),
        buckets=tuple(b.model_copy(update={"name": HOSTILE, "accessible": False, "error": BIG})
                      for b in snap.buckets[:1]) + snap.buckets[1:],
        distributions=tuple(d.model_copy(update={"id": HOSTILE, "domain": BIG, "status": HOSTILE})
                            for d in snap.distributions),
        db_instances=tuple(d.model_copy(update={"status": HOSTILE, "engine": BIG}) for d in snap.db_instances),
    )
    return cfg2, snap2, name


def assert_literal(text: str) -> None:
    assert "[bold red]x[/]" in text and "[@click=app.quit]q[/]" in text
    assert "\x1b" not in text and "\u202e" not in text
    assert "␛[2J" in text and "<U+202E>" in text


async def test_hostile_text_renders_literally_everywhere(cfg, recorded_snapshot):
    cfg2, snap2, name = hostile_world(cfg, recorded_snapshot)
    app: Any = SkafuApp(cfg2, None, clock=lambda: FROZEN_NOW, start_session=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, snap2)
        victim = app.assessment.system.service(name)
        assert victim is not None and victim.status.value == "unhealthy"  # its renamed alarms matched
        assert_literal(screen_text(app))
        # Where "[@click=app.quit]" would be a link if it were parsed, clicking does nothing but move the cursor.
        for x in range(2, 30, 3):
            await pilot.click("#ov-services", offset=(x, 2))
        assert app.is_running and app.return_code is None

        await pilot.press("2")
        health = app.query_one("#health")
        await wait_until(pilot, lambda: health._drawn is app.assessment, "the health pane")
        services = table(app, "hl-services")
        services.focus()
        services.move_cursor_to_key(name)
        await pilot.pause()
        texts = [screen_text(app)]
        for widget_id in ("hl-alb", "hl-events"):
            app.query_one(f"#{widget_id}").scroll_visible(animate=False)
            await pilot.pause()
            texts.append(screen_text(app))
        assert_literal("\n".join(texts))
        assert all(len(line) <= 80 for text in texts for line in text.splitlines())

        await pilot.press("enter")
        assert isinstance(app.screen, ServiceDetailScreen)
        await pilot.pause()
        detail = screen_text(app)
        assert_literal(detail)
        assert "A" * 100_000 not in str(app.screen.query_one("#service-detail").render())
        await pilot.press("escape")
        assert app.is_running and app.return_code is None
