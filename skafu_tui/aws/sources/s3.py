"""S3: every bucket, whether we may read its configuration, and its default encryption.

A bucket without an explicit encryption rule reports ``encryption=None`` (S3 applies SSE-S3 by
default since 2023, so that is not "unencrypted"). Each bucket is asked in its own region.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.aws.errors import DENIED_CODES
from skafu_tui.aws.sources._common import gather, pages
from skafu_tui.models import Bucket

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("s3", "ListBuckets"), ("s3", "GetBucketEncryption")})
CONCURRENCY = 8


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    return str(((response or {}).get("Error") or {}).get("Code") or "") if isinstance(response, dict) else ""


async def _bucket(pool: ClientPool, name: str, region: str) -> Bucket | None:
    client = await pool.client("s3", region)
    try:
        answer = await client.get_bucket_encryption(Bucket=name)
    except Exception as exc:
        code = _code(exc)
        if code == "ServerSideEncryptionConfigurationNotFoundError":
            return Bucket(name=name, accessible=True, encryption=None, region=region)
        if code in DENIED_CODES:
            return Bucket(
                name=name,
                accessible=False,
                error="access denied (s3:GetEncryptionConfiguration)",
                region=region,
            )
        if code == "NoSuchBucket":
            return None  # deleted since the listing
        raise
    rules = (answer.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or [{}]
    algorithm = (rules[0].get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm")
    return Bucket(name=name, accessible=True, encryption=algorithm, region=region)


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[Bucket]:
    client = await pool.client("s3", region)
    listed: list[tuple[str, str]] = []
    async for page in pages(client, "list_buckets"):
        for raw in page.get("Buckets") or ():
            listed.append((raw.get("Name", ""), raw.get("BucketRegion") or region))
    results = await gather((_bucket(pool, name, where) for name, where in listed), limit=CONCURRENCY)
    return [b for b in results if b is not None]
