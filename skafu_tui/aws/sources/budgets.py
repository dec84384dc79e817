"""AWS Budgets: the configured budget's limit, actual and forecast spend."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.errors import SourceProblem
from skafu_tui.aws.sources._common import money, pages
from skafu_tui.models import Budget
from skafu_tui.snapshot import SourceStatus

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("budgets", "DescribeBudgets"), ("sts", "GetCallerIdentity")})


def _budget(raw: dict[str, Any]) -> Budget:
    limit = raw.get("BudgetLimit") or {}
    spend = raw.get("CalculatedSpend") or {}
    forecast = spend.get("ForecastedSpend")
    return Budget(
        name=raw.get("BudgetName", ""),
        limit=money(limit.get("Amount")),
        actual=money((spend.get("ActualSpend") or {}).get("Amount")),
        forecast=money(forecast.get("Amount")) if forecast else None,
        unit=str(limit.get("Unit") or "USD"),
    )


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[Budget]:
    """The budget named in ``cost.budget_name`` (every budget when none is named)."""
    wanted = getattr(getattr(cfg, "cost", None), "budget_name", None)
    account = await pool.account_id()
    client = await pool.client("budgets", region)
    out: list[Budget] = []
    async for page in pages(client, "describe_budgets", AccountId=account):
        out.extend(
            _budget(raw) for raw in page.get("Budgets") or () if not wanted or raw.get("BudgetName") == wanted
        )
    if wanted and not out:
        raise SourceProblem(SourceStatus.ERROR, f"budget {wanted!r} not found in account {account}")
    return out
