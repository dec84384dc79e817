"""ACM: certificates and their expiry (NotAfter comes with the list; DescribeCertificate only
for a certificate whose summary lacks it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.sources._common import gather, pages, utc
from skafu_tui.models import Certificate

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("acm", "ListCertificates"), ("acm", "DescribeCertificate")})

KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
"""Without ``Includes`` ListCertificates returns RSA-2048 certificates only."""


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[Certificate]:
    client = await pool.client("acm", region)
    summaries: list[dict[str, Any]] = []
    async for page in pages(client, "list_certificates", Includes={"keyTypes": KEY_TYPES}):
        summaries.extend(page.get("CertificateSummaryList") or ())

    async def one(summary: dict[str, Any]) -> Certificate:
        not_after = utc(summary.get("NotAfter"))
        status = summary.get("Status", "")
        in_use = summary.get("InUse")
        if not_after is None:
            detail = (await client.describe_certificate(CertificateArn=summary["CertificateArn"])).get(
                "Certificate"
            ) or {}
            not_after = utc(detail.get("NotAfter"))
            status = status or detail.get("Status", "")
            if in_use is None:
                in_use = bool(detail.get("InUseBy"))
        return Certificate(
            arn=summary.get("CertificateArn", ""),
            domain=summary.get("DomainName", ""),
            not_after=not_after,
            status=status,
            in_use=bool(in_use),
            region=region,
        )

    return await gather((one(s) for s in summaries), limit=4)
