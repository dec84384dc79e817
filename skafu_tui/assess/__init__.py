"""Pure assessment: a Snapshot and the Config in, an :class:`Assessment` out (no I/O, clock injected)."""

from skafu_tui.assess.alerts import Alert
from skafu_tui.assess.assessment import Assessment, assess
from skafu_tui.assess.checks import Check
from skafu_tui.assess.common import Breach, Health, KpiReading, Level, Series

__all__ = ["Alert", "Assessment", "Breach", "Check", "Health", "KpiReading", "Level", "Series", "assess"]
