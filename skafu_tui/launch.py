"""The dashboard's entry: start the poll process first, then the UI.

The poll process (:mod:`skafu_tui.poll_child`) imports the AWS libraries, validates the config,
creates its clients and polls on the machine's other core while this process imports Textual and
paints; by the time the UI attaches after its first frame, the first polls are under way. Nothing
heavy is imported here before the child is started.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skafu_tui.options import Options


def run_dashboard(options: Options) -> int:
    """Run the dashboard until the operator quits; returns the exit status (2: invalid config)."""
    from skafu_tui.config.locate import peek_config
    from skafu_tui.poll_process import PollProcess

    session = PollProcess.spawn(options, fork=True)
    # Start-up allocates ~60,000 long-lived objects (modules, classes, widgets): the cyclic
    # collector would scan them again and again for nothing. The app re-enables it after its
    # first frame.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        from skafu_tui.ui.app import run_app

        return run_app(options, session=session, peek=peek_config(options.config_path))
    finally:
        if gc_was_enabled:
            gc.enable()
        session.close()
