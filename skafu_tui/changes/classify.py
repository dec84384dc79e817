"""Which CloudTrail write events are changes, and of which kind: config-driven pattern matching.

A pattern is ``service:EventName``. ``service`` is the first label of the event source
(``lambda`` for ``lambda.amazonaws.com``, ``monitoring`` for CloudWatch). The event part is
matched against the *start* of the event name, because CloudTrail appends API version suffixes
to some names (``UpdateFunctionCode20150331v2``, ``PublishVersion20150331``); ``*`` and ``?``
are wildcards. Matching is case-sensitive, as CloudTrail's names are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from functools import lru_cache

from skafu_tui.config.operations import ChangeKindRule
from skafu_tui.models import TrailEvent

_VERSION_SUFFIX = re.compile(r"\d{8}(v\d+)?$")


def event_service(source: str) -> str:
    """``lambda.amazonaws.com`` → ``lambda``; a source without dots is returned as it is."""
    return source.split(".", 1)[0].lower()


def base_name(name: str) -> str:
    """The event name without its API version suffix: ``UpdateFunctionCode20150331v2`` → ``UpdateFunctionCode``."""
    stripped = _VERSION_SUFFIX.sub("", name)
    return stripped or name


@lru_cache(maxsize=1024)
def _split(pattern: str) -> tuple[str, str]:
    service, _, event = pattern.partition(":")
    return service.lower(), event + "*"


def pattern_matches(pattern: str, service: str, name: str) -> bool:
    """Whether ``service:EventName`` `pattern` covers an event of `service` called `name`."""
    want_service, glob = _split(pattern)
    return want_service == service and fnmatchcase(name, glob)


def any_match(patterns: Iterable[str], event: TrailEvent) -> str | None:
    """The first of `patterns` that covers `event`, or ``None``."""
    service = event_service(event.source)
    return next((p for p in patterns if pattern_matches(p, service, event.name)), None)


def kind_of(event: TrailEvent, kinds: Mapping[str, ChangeKindRule]) -> str | None:
    """The first kind (in config order) whose patterns cover `event`; ``None``: not a change.

    Read-only events and calls that failed (``errorCode`` set) changed nothing and are not changes.
    """
    if event.read_only or event.error_code:
        return None
    return next((name for name, rule in kinds.items() if any_match(rule.events, event)), None)
