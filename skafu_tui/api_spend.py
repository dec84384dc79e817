"""The dashboard's own modelled AWS API spend, for the UI (which may not import ``skafu_tui.aws``).

A pure facade over :func:`skafu_tui.aws.pricing.modelled_monthly_cost`: importing it loads no AWS
library (``skafu_tui.aws`` imports aiobotocore only inside functions), and the model stays in one
place. If the model moves out of ``skafu_tui.aws``, only this import changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from skafu_tui.aws.pricing import modelled_monthly_cost

if TYPE_CHECKING:
    from skafu_tui.config import Config


@dataclass(frozen=True)
class ModelledSpend:
    """Modelled dollars per operator-month at the configured cadences."""

    always_on_usd: float
    """Running 24 hours a day."""
    shift_usd: float
    """Running one 8-hour shift a day."""
    hot_services: int
    """Services assumed not healthy all month (their KPIs polled at the hot cadence)."""


def modelled_spend(cfg: Config, hot_services: int = 0) -> ModelledSpend:
    """What the configured poll plan costs per month, 24x7 and for an 8-hour shift."""
    return ModelledSpend(
        always_on_usd=modelled_monthly_cost(cfg, 24.0, hot_services=hot_services).total_usd,
        shift_usd=modelled_monthly_cost(cfg, 8.0, hot_services=hot_services).total_usd,
        hot_services=hot_services,
    )
