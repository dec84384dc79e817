"""Hidden benchmark entry: the real dashboard fed one recorded Snapshot, with a frozen clock.

    python -m benchmarks.replay_app --snapshot FILE [--config FILE] --state-dir DIR [--large]

No poller and no AWS: the app draws the Snapshot once (as if a poll had just completed) and then
nothing changes on screen unless a key is pressed, so every byte after a keypress is that key's
answer. Bells and banners are off (a toast expiring seconds later would repaint mid-measurement);
``--large`` also drops the low-severity finding rule, so 10,000 findings open only the incidents
of the severe ones (the large state is 1,000 incidents, not 10,000).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import skafu_tui.ui.app
from skafu_tui.config import load_config
from skafu_tui.snapshot_io import load
from skafu_tui.ui.app import SkafuApp

if TYPE_CHECKING:
    from skafu_tui.config import Config
    from skafu_tui.snapshot import Snapshot


def quiet_config(cfg: Config, *, drop_low_severity: bool) -> Config:
    """``cfg`` with every class's bell off; optionally without the catch-all low-severity finding rule."""
    classes = {name: cls.model_copy(update={"bell": False}) for name, cls in cfg.incidents.classes.items()}
    rules = list(cfg.incidents.rules)
    if drop_low_severity:
        rules = [r for r in rules if not (r.when.signal == "finding" and not r.when.min_severity)]
    incidents = cfg.incidents.model_copy(update={"classes": classes, "rules": rules})
    return cfg.model_copy(update={"incidents": incidents})


class ReplayApp(SkafuApp):
    """The dashboard, fed ``replay`` once it is up."""

    # Textual resolves a relative CSS_PATH against the subclass's module: point at the app's own.
    CSS_PATH = str(Path(skafu_tui.ui.app.__file__).with_name("app.tcss"))

    def __init__(self, cfg: Config, replay: Snapshot, state_dir: Path) -> None:
        at: datetime = replay.taken_at
        super().__init__(cfg, None, clock=lambda: at, start_session=False, state_dir=state_dir)
        self.replay = replay

    def on_ready(self) -> None:
        self.feed(self.replay)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.replay_app")
    parser.add_argument("--snapshot", type=Path, required=True)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--large", action="store_true")
    args = parser.parse_args(argv)
    cfg = quiet_config(load_config(args.config).config, drop_low_severity=args.large)
    ReplayApp(cfg, load(args.snapshot), args.state_dir).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
