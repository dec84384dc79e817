"""The live session: the demo endpoint (if any) and the poller, for the dashboard's lifetime.

No Textual here. It runs in the poll process (:mod:`skafu_tui.poll_child`), which forwards the
Snapshots it publishes through ``on_snapshot`` and its own state in words through ``on_status``.
Pause and hot services asked for before the poller exists are applied when it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.config import Config
    from skafu_tui.demo.launcher import DemoServer
    from skafu_tui.options import Options
    from skafu_tui.poller import Poller

DEMO_CREDENTIALS = ("demo", "demo")

DEMO_CADENCE_SCALE = 0.1
"""The demo polls ten times faster than production cadences (its endpoint is free and local)."""


def demo_cadence_scale(speed: float) -> float:
    """Faster scenario time needs faster polling to show it: divide by the speed-up."""
    return DEMO_CADENCE_SCALE / max(1.0, speed)


class LiveSession:
    """Starts what the app needs to see AWS (or the demo), then polls until closed."""

    def __init__(
        self,
        cfg: Config,
        options: Options,
        on_snapshot: Callable[[Snapshot], None],
        on_status: Callable[[str, bool], None],
    ) -> None:
        self.cfg = cfg
        self.options = options
        self.on_snapshot = on_snapshot
        self.on_status = on_status
        self.poller: Poller | None = None
        self.demo: DemoServer | None = None
        self.endpoint: str | None = options.endpoint_url
        self.clock: Callable[[], datetime] | None = None
        """Scenario time in demo mode (None: the wall clock)."""
        self._paused = False
        self._hot: tuple[str, ...] = ()

    async def run(self) -> None:
        """Start the demo endpoint if asked, then poll forever (until cancelled)."""
        from skafu_tui.aws.session import AwsSettings
        from skafu_tui.poller import Poller

        scale = 1.0
        if self.options.demo:
            from skafu_tui.demo.launcher import DemoStartError, astart_demo_server

            self.on_status("starting the embedded demo platform…", False)
            try:
                self.demo = await astart_demo_server("skafu", speed=self.options.speed)
            except (DemoStartError, OSError) as error:
                self.on_status(str(error), True)
                return
            self.endpoint = self.demo.endpoint
            scale = demo_cadence_scale(self.options.speed)
            from skafu_tui.demo.launcher import scenario_clock

            self.clock = await asyncio.to_thread(scenario_clock, self.endpoint)
            settings = AwsSettings.from_config(
                self.cfg, profile=None, regions=self.options.regions,
                endpoint_url=self.endpoint, credentials=DEMO_CREDENTIALS,
            )
        else:
            settings = AwsSettings.from_options(self.cfg, self.options)
        self.on_status("connecting…", False)
        if self.clock is not None:
            self.poller = Poller(
                self.cfg, settings, self.on_snapshot, cadence_scale=scale, clock=self.clock,
                clock_rate=self.options.speed if self.options.speed > 0 else 1.0,
            )
        else:
            self.poller = Poller(self.cfg, settings, self.on_snapshot, cadence_scale=scale)
        self.set_paused(self._paused)
        self.set_hot_services(self._hot)
        try:
            await self.poller.run()
        finally:
            await self.aclose()

    def refresh_now(self) -> None:
        if self.poller is not None:
            self.poller.refresh_now()

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        if self.poller is None:
            return
        if paused:
            self.poller.pause()
        else:
            self.poller.resume()

    def set_hot_services(self, names: Iterable[str]) -> None:
        self._hot = tuple(names)
        if self.poller is not None:
            self.poller.set_hot_services(self._hot)

    async def aclose(self) -> None:
        poller, self.poller = self.poller, None
        if poller is not None:
            with contextlib.suppress(Exception):
                await poller.aclose()
        demo, self.demo = self.demo, None
        if demo is not None:
            await demo.astop()
