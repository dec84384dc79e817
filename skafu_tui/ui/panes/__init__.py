"""The dashboard panes, by id (the ids in :data:`skafu_tui.ui.keys.PANES`).

:data:`PANE_CLASSES` imports a pane's module the first time its class is asked for, so the
launch screen (the overview) paints without importing the other panes (and what they import).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skafu_tui.ui.panes.base import Pane

_WHERE: dict[str, tuple[str, str]] = {
    "overview": ("skafu_tui.ui.panes.overview", "OverviewPane"),
    "health": ("skafu_tui.ui.panes.health", "HealthPane"),
    "security": ("skafu_tui.ui.panes.security", "SecurityPane"),
    "cost": ("skafu_tui.ui.panes.cost", "CostPane"),
    "capacity": ("skafu_tui.ui.panes.capacity", "CapacityPane"),
    "incidents": ("skafu_tui.ui.panes.incidents", "IncidentsPane"),
    "changes": ("skafu_tui.ui.panes.changes", "ChangesPane"),
}


class _PaneClasses(Mapping[str, "type[Pane]"]):
    def __getitem__(self, pane_id: str) -> type[Pane]:
        module, name = _WHERE[pane_id]
        found: type[Pane] = getattr(importlib.import_module(module), name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(_WHERE)

    def __len__(self) -> int:
        return len(_WHERE)


PANE_CLASSES: Mapping[str, type[Pane]] = _PaneClasses()
