"""Pagination, limits and time filters shared by the extension handlers.

Tokens carry the sort key of the last item returned, not an offset: the scenario driver adds
items (CloudTrail events, findings) while a client pages, and an offset would then repeat or
skip items. Items must therefore have a unique sort key (add the id as a tie-breaker).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from skafu_tui.demo.ext.base import AwsError

T = TypeVar("T")
SortKey = tuple[Any, ...]


def parse_time(value: Any) -> float:
    """Epoch seconds from a number or an ISO 8601 string (naive means UTC); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("boolean is not a timestamp")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return _aware(value).timestamp()
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            pass
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        return _aware(parsed).timestamp()
    raise ValueError(f"{type(value).__name__} is not a timestamp")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(epoch: float) -> str:
    """ISO 8601 UTC with milliseconds and a ``Z``, the way AWS writes string timestamps."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_day(value: Any, where: str) -> date:
    """A ``YYYY-MM-DD`` day (a longer ISO string is cut to its date); ValueError names ``where``."""
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected a YYYY-MM-DD string")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"{where}: expected a YYYY-MM-DD date, got {value!r}") from None


def within(epoch: float | None, start: float | None, end: float | None) -> bool:
    """Inclusive range test; a missing bound is open, a missing value never matches a bound."""
    if start is None and end is None:
        return True
    if epoch is None:
        return False
    return (start is None or epoch >= start) and (end is None or epoch <= end)


def limit(value: Any, *, default: int, low: int, high: int, code: str, name: str) -> int:
    """Validate a MaxResults-style parameter the way the service does (``code`` on violation)."""
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise AwsError(code, f"{name} must be between {low} and {high}, got {value!r}")
    return value


def encode_token(key: SortKey) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_token(token: str) -> SortKey:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValueError("not a token issued by this server") from None
    if not isinstance(raw, list):
        raise ValueError("not a token issued by this server")
    return tuple(raw)


def page(
    items: Iterable[T],
    key: Callable[[T], SortKey],
    size: int,
    token: str | None,
    *,
    descending: bool = False,
    bad_token: Callable[[str], AwsError],
) -> tuple[list[T], str | None]:
    """Sort ``items`` by ``key`` and return the page after ``token`` plus the next token."""
    ordered: Sequence[T] = sorted(items, key=key, reverse=descending)
    start = 0
    if token:
        try:
            last = decode_token(token)
            start = next(
                (
                    i
                    for i, item in enumerate(ordered)
                    if (key(item) < last if descending else key(item) > last)
                ),
                len(ordered),
            )
        except (ValueError, TypeError) as exc:
            raise bad_token(f"Invalid pagination token: {exc}") from None
    chunk = list(ordered[start : start + size])
    more = start + size < len(ordered)
    return chunk, (encode_token(key(chunk[-1])) if more and chunk else None)


def sortable(value: Any) -> tuple[int, float, str]:
    """A key usable for any JSON scalar: numbers, then timestamps in strings, then other strings."""
    if isinstance(value, bool):
        return (0, float(value), "")
    if isinstance(value, int | float):
        return (0, float(value), "")
    if isinstance(value, str):
        try:
            return (0, parse_time(value), "") if value[:4].isdigit() and "-" in value else (1, 0.0, value)
        except ValueError:
            return (1, 0.0, value)
    return (2, 0.0, "") if value is None else (1, 0.0, json.dumps(value, sort_keys=True))
