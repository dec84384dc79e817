"""AWS Config: compliance per rule, and the non-compliant resources of each failing rule."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.sources._common import gather, pages
from skafu_tui.models import Compliance, ConfigRuleCompliance, ResourceRef

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset(
    {("config", "DescribeComplianceByConfigRule"), ("config", "GetComplianceDetailsByConfigRule")}
)

DETAIL_MAX_PAGES = 4
"""400 resources per rule are enough to act on; the rule's count says how many more."""
CONCURRENCY = 4


def _compliance(value: Any) -> Compliance:
    try:
        return Compliance(str(value))
    except ValueError:
        return Compliance.INSUFFICIENT_DATA


async def _non_compliant(client: Any, rule: str) -> tuple[ResourceRef, ...]:
    out: list[ResourceRef] = []
    async for page in pages(
        client,
        "get_compliance_details_by_config_rule",
        max_pages=DETAIL_MAX_PAGES,
        ConfigRuleName=rule,
        ComplianceTypes=["NON_COMPLIANT"],
    ):
        for result in page.get("EvaluationResults") or ():
            qualifier = (result.get("EvaluationResultIdentifier") or {}).get(
                "EvaluationResultQualifier"
            ) or {}
            out.append(
                ResourceRef(
                    resource_type=qualifier.get("ResourceType", ""),
                    resource_id=qualifier.get("ResourceId", ""),
                )
            )
    return tuple(out)


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[ConfigRuleCompliance]:
    client = await pool.client("config", region)
    rules: list[tuple[str, Compliance]] = []
    async for page in pages(client, "describe_compliance_by_config_rule"):
        for raw in page.get("ComplianceByConfigRules") or ():
            rules.append(
                (
                    raw.get("ConfigRuleName", ""),
                    _compliance((raw.get("Compliance") or {}).get("ComplianceType")),
                )
            )
    failing = [name for name, state in rules if state is Compliance.NON_COMPLIANT]
    details = await gather((_non_compliant(client, name) for name in failing), limit=CONCURRENCY)
    resources = dict(zip(failing, details, strict=True))
    return [
        ConfigRuleCompliance(
            rule_name=name, compliance=state, non_compliant=resources.get(name, ()), region=region
        )
        for name, state in rules
    ]
