"""The baseline: a bare Textual app showing one label (``--clock``: a clock label updated each second).

Run under the pty harness exactly like the dashboard, so startup and idle figures are ratios
against what Textual itself costs on this machine at this moment.
"""

from __future__ import annotations

import sys
import time

from textual.app import App, ComposeResult
from textual.widgets import Label

MARKER = "bare-app-ready"


class BareApp(App[None]):
    def __init__(self, clock: bool) -> None:
        super().__init__()
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield Label(MARKER, id="label")

    def on_mount(self) -> None:
        if self.clock:
            self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        self.query_one("#label", Label).update(f"{MARKER} {time.strftime('%H:%M:%S')}")


def main(argv: list[str]) -> int:
    BareApp(clock="--clock" in argv).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
