"""The five dashboard panes, by id (the ids in :data:`skafu_tui.ui.keys.PANES`)."""

from __future__ import annotations

from skafu_tui.ui.panes.base import Pane
from skafu_tui.ui.panes.capacity import CapacityPane
from skafu_tui.ui.panes.changes import ChangesPane
from skafu_tui.ui.panes.cost import CostPane
from skafu_tui.ui.panes.health import HealthPane
from skafu_tui.ui.panes.incidents import IncidentsPane
from skafu_tui.ui.panes.overview import OverviewPane
from skafu_tui.ui.panes.security import SecurityPane

PANE_CLASSES: dict[str, type[Pane]] = {
    "overview": OverviewPane,
    "health": HealthPane,
    "security": SecurityPane,
    "cost": CostPane,
    "capacity": CapacityPane,
    "incidents": IncidentsPane,
    "changes": ChangesPane,
}
