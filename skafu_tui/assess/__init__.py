"""Pure assessment: a Snapshot and the Config in, an :class:`Assessment` out (no I/O, clock injected).

The names below are imported on first use, so a module that needs only part of the package
(the overview pane needs :mod:`skafu_tui.assess.freshness`) does not import all of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skafu_tui.lazy_names import lazy_names

if TYPE_CHECKING:
    from skafu_tui.assess.alerts import Alert
    from skafu_tui.assess.assessment import Assessment, assess
    from skafu_tui.assess.checks import Check
    from skafu_tui.assess.common import Breach, Health, KpiReading, Level, Series

_WHERE = {
    "Alert": "skafu_tui.assess.alerts",
    "Assessment": "skafu_tui.assess.assessment",
    "assess": "skafu_tui.assess.assessment",
    "Check": "skafu_tui.assess.checks",
    "Breach": "skafu_tui.assess.common",
    "Health": "skafu_tui.assess.common",
    "KpiReading": "skafu_tui.assess.common",
    "Level": "skafu_tui.assess.common",
    "Series": "skafu_tui.assess.common",
}

__all__ = ["Alert", "Assessment", "Breach", "Check", "Health", "KpiReading", "Level", "Series", "assess"]


__getattr__ = lazy_names(__name__, _WHERE, globals())
