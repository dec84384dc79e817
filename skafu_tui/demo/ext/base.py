"""The extension seam: how our handlers sit in front of moto's WSGI app.

moto's server decides which backend answers from the SigV4 credential scope (the signing
service) and, for json protocols, from ``X-Amz-Target``. We do the same in a WSGI
middleware placed before moto: an operation we registered is answered here, everything else
falls through to moto untouched. Handlers for operations moto lacks are registered with
:func:`json_operation` or :func:`rest_operation`; seed endpoints with :func:`seed_kind`;
state cleared on ``POST /_skafu/reset`` with :func:`on_reset`.

Handlers must answer in AWS's documented response shape: the contract check is a real
aiobotocore client parsing the answer in the gap tests.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


class SeedError(ValueError):
    """A seed or request body is malformed; the message names the bad field (HTTP 400)."""


class AwsError(Exception):
    """An AWS-shaped error answer (``__type``/``code`` plus message) from a handler."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Call:
    """One decoded request as a handler sees it."""

    service: str
    """Signing service from the credential scope, e.g. ``config``, ``monitoring``, ``health``."""
    operation: str
    """Operation name, e.g. ``DescribeComplianceByConfigRule`` (json) or the registered name (rest)."""
    account: str
    region: str
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    """Decoded JSON body (``{}`` when empty)."""
    path_params: dict[str, str] = field(default_factory=dict)


@dataclass
class Reply:
    """What a handler returns: a JSON document and a status.

    ``body`` may also be ``str``/``bytes``, sent as is with ``content_type`` (query-protocol XML).
    """

    body: Any
    status: int = 200
    content_type: str = "application/x-amz-json-1.1"


JsonHandler = Callable[[Call], Reply | dict[str, Any]]
FastHandler = Callable[[dict[str, Any], bytes, str], Reply | None]
"""(WSGI environ, request body with its Content-Encoding undone, signing region) → the answer, or
None when moto must answer the request itself (it then reads the body from the start)."""
SeedHandler = Callable[[str, list[dict[str, Any]]], int]
"""Takes (account, items) and returns the number of items stored; raises SeedError."""


@dataclass
class _RestRoute:
    service: str
    method: str
    pattern: re.Pattern[str]
    operation: str
    handler: JsonHandler


JSON_OPERATIONS: dict[tuple[str, str], JsonHandler] = {}
JSON_FAST_PATHS: dict[tuple[str, str], FastHandler] = {}
REST_ROUTES: list[_RestRoute] = []
SEED_KINDS: dict[str, SeedHandler] = {}
RESET_HOOKS: list[Callable[[], None]] = []

class ScenarioClock(Protocol):
    """The running scenario's clock: ``GET /_skafu/clock`` answers with it."""

    speed: float

    def now(self) -> datetime: ...


SCENARIO_CLOCK: ScenarioClock | None = None
"""Set by the server once a scenario runs; the dashboard reads scenario time from it in demo mode
(at ``--speed 10`` the scenario's datapoints are stamped ten times faster than the wall clock)."""

LOCK = threading.RLock()
"""Guards every extension store: werkzeug serves requests on threads."""


def json_operation(service: str, operation: str) -> Callable[[JsonHandler], JsonHandler]:
    """Register a handler for a json-protocol operation (``X-Amz-Target`` ending in ``operation``)."""

    def deco(fn: JsonHandler) -> JsonHandler:
        JSON_OPERATIONS[(service, operation)] = fn
        return fn

    return deco


def json_fast_path(service: str, operation: str) -> Callable[[FastHandler], FastHandler]:
    """Register a faster answer to a json-protocol operation moto serves (it may decline: None)."""

    def deco(fn: FastHandler) -> FastHandler:
        JSON_FAST_PATHS[(service, operation)] = fn
        return fn

    return deco


def rest_operation(
    service: str, method: str, path_regex: str, operation: str
) -> Callable[[JsonHandler], JsonHandler]:
    """Register a handler for a rest-json route; named groups become ``Call.path_params``."""

    def deco(fn: JsonHandler) -> JsonHandler:
        REST_ROUTES.append(_RestRoute(service, method.upper(), re.compile(path_regex + r"$"), operation, fn))
        return fn

    return deco


def seed_kind(kind: str) -> Callable[[SeedHandler], SeedHandler]:
    """Register ``POST /_skafu/seed/{kind}``."""

    def deco(fn: SeedHandler) -> SeedHandler:
        SEED_KINDS[kind] = fn
        return fn

    return deco


def on_reset(fn: Callable[[], None]) -> Callable[[], None]:
    """Register a function that clears an extension's state on ``POST /_skafu/reset``."""
    RESET_HOOKS.append(fn)
    return fn


def reset_all() -> None:
    with LOCK:
        for hook in RESET_HOOKS:
            hook()


T = TypeVar("T")


class PerAccount(Generic[T]):
    """One store per account, made by ``factory`` on first use and dropped on reset."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._stores: dict[str, T] = {}
        on_reset(self.clear)

    def get(self, account: str) -> T:
        with LOCK:
            store = self._stores.get(account)
            if store is None:
                store = self._stores[account] = self._factory()
            return store

    def clear(self) -> None:
        with LOCK:
            self._stores.clear()


# --- small helpers shared by handlers -------------------------------------------------

def require(obj: dict[str, Any], key: str, typ: type | tuple[type, ...], where: str) -> Any:
    """Fetch ``obj[key]`` checking its type; a SeedError names ``where.key`` otherwise."""
    if not isinstance(obj, dict):
        raise SeedError(f"{where}: expected an object")
    if key not in obj:
        raise SeedError(f"{where}.{key}: missing")
    value = obj[key]
    if not isinstance(value, typ) or (typ in (int, float) and isinstance(value, bool)):
        name = typ.__name__ if isinstance(typ, type) else "/".join(t.__name__ for t in typ)
        raise SeedError(f"{where}.{key}: expected {name}")
    return value


def dumps(doc: Any) -> bytes:
    return json.dumps(doc, default=str).encode()
