"""Helpers the sources share: pagination with a page cap, time conversion."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Iterable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_MAX_PAGES = 50
"""A runaway listing stops here; a poll must stay bounded in time and calls."""


async def pages(
    client: Any, operation: str, *, max_pages: int = DEFAULT_MAX_PAGES, **params: Any
) -> AsyncIterator[dict[str, Any]]:
    """Pages of ``operation`` (snake_case, as the client method), at most ``max_pages`` of them."""
    paginator = client.get_paginator(operation)
    count = 0
    async for page in paginator.paginate(**params):
        yield page
        count += 1
        if count >= max_pages:
            break


def utc(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime from a botocore datetime, an ISO string or epoch seconds."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC)
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # Lambda writes "+0000" without a colon; fromisoformat accepts it since 3.11.
    try:
        return utc(datetime.fromisoformat(text))
    except ValueError:
        return None


def day(value: Any) -> date:
    """A date from Cost Explorer's ``YYYY-MM-DD`` (or a longer ISO timestamp)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def money(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


async def gather(awaitables: Iterable[Awaitable[T]], limit: int = 0) -> list[T]:
    """Run concurrently, results in order; the first failure cancels the rest and is raised as is
    (not as an ExceptionGroup), so the classifier sees the real cause. ``limit`` > 0 caps concurrency."""
    sem = asyncio.Semaphore(limit) if limit > 0 else None

    async def one(aw: Awaitable[T]) -> T:
        if sem is None:
            return await aw
        async with sem:
            return await aw

    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one(aw)) for aw in awaitables]
    except BaseExceptionGroup as group:
        raise _first(group) from None
    return [t.result() for t in tasks]


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc
