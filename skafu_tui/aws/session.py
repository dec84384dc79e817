"""AWS settings and the pool of long-lived clients every source borrows from.

Clients are made once per (account, region, service) and held in an ``AsyncExitStack`` for the
app's lifetime: adaptive retry keeps its rate-limiter state in the client, and the first client
of a service costs ~20 ms of CPU (model parsing, class building). The models are parsed lean
(:mod:`skafu_tui.aws.lean_models`) and every client of a pool shares one TLS context
(:mod:`skafu_tui.aws.tls`). Every client gets the read-only guard, the API-call meter and the
error tagging hook before it is handed out.

aiobotocore is imported inside methods only: importing this module is free.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

from skafu_tui.aws.errors import SERVICE_KEY
from skafu_tui.aws.lean_models import use_lean_models
from skafu_tui.aws.pricing import ApiMeter
from skafu_tui.aws.ratelimit import RateLimiter
from skafu_tui.aws.readonly import guard_client
from skafu_tui.aws.tls import shared_tls_session_class
from skafu_tui.models import Identity

if TYPE_CHECKING:
    from skafu_tui.config import Config

RetryMode = Literal["standard", "adaptive", "legacy"]
GLOBAL_REGION = "us-east-1"
"""Where the global APIs live (Cost Explorer, Budgets, CloudFront, Health, S3's bucket list)."""

EventHandler = Callable[..., Any]


@dataclass(frozen=True)
class AwsSettings:
    """How to reach AWS: from config's ``aws`` section, overridden by command-line options."""

    profile: str | None = None
    """Named profile; ``None`` uses the standard credential chain (env, SSO, instance role…)."""
    regions: tuple[str, ...] = (GLOBAL_REGION,)
    """Regions to read; the first is the primary (metrics, STS)."""
    endpoint_url: str | None = None
    """One endpoint for every service (the embedded demo server, a proxy in tests)."""
    retry_mode: RetryMode = "adaptive"
    max_attempts: int = 3
    """Total attempts per call, the first included (botocore's ``total_max_attempts``)."""
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 20.0
    ca_bundle: str | None = None
    """PEM bundle to verify TLS with; ``None`` leaves botocore's default (``AWS_CA_BUNDLE`` honoured)."""
    credentials: tuple[str, str] | None = field(default=None, repr=False)
    """Fixed access key and secret: only for the demo server and tests."""
    max_pool_connections: int = 20

    @property
    def primary_region(self) -> str:
        return self.regions[0] if self.regions else GLOBAL_REGION

    @classmethod
    def from_config(
        cls,
        cfg: Config | None = None,
        *,
        profile: str | None = None,
        regions: Iterable[str] = (),
        endpoint_url: str | None = None,
        ca_bundle: str | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> AwsSettings:
        """Settings from ``cfg.aws``; any argument given (a CLI option) wins over the config."""
        aws = getattr(cfg, "aws", None)

        def pick(name: str, default: Any) -> Any:
            value = getattr(aws, name, None)
            return default if value is None else value

        chosen = tuple(regions) or tuple(pick("regions", (GLOBAL_REGION,)))
        return cls(
            profile=profile or pick("profile", None),
            regions=tuple(dict.fromkeys(chosen)) or (GLOBAL_REGION,),
            endpoint_url=endpoint_url or pick("endpoint_url", None),
            retry_mode=pick("retry_mode", "adaptive"),
            max_attempts=int(pick("max_attempts", 3)),
            connect_timeout_s=float(pick("connect_timeout_s", 5.0)),
            read_timeout_s=float(pick("read_timeout_s", 20.0)),
            ca_bundle=str(ca) if (ca := ca_bundle or pick("ca_bundle", None)) else None,
            credentials=credentials,
        )

    @classmethod
    def from_options(cls, cfg: Config | None, options: Any) -> AwsSettings:
        """Settings from config plus a CLI options object (attributes ``profile``, ``regions``/``region``,
        ``endpoint_url``, ``ca_bundle``; missing ones are ignored)."""
        regions = getattr(options, "regions", None) or getattr(options, "region", None) or ()
        if isinstance(regions, str):
            regions = (regions,)
        return cls.from_config(
            cfg,
            profile=getattr(options, "profile", None),
            regions=regions,
            endpoint_url=getattr(options, "endpoint_url", None),
            ca_bundle=getattr(options, "ca_bundle", None),
        )


def tag_error_service(http_response: Any, parsed: Any, model: Any, **_: Any) -> None:
    """``after-call``: record the client's service in an error response, so the classifier can
    name the IAM action (``guardduty:ListFindings``) of a ClientError."""
    if int(getattr(http_response, "status_code", 200)) >= 300 and isinstance(parsed, dict):
        parsed.setdefault("ResponseMetadata", {})[SERVICE_KEY] = str(model.service_model.service_name)


def utc_timestamp(value: Any) -> datetime:
    """botocore timestamp parser: epoch numbers straight to UTC datetimes.

    botocore's default converts every timestamp to the local zone through dateutil, which cost
    half the CPU of a poll (GetMetricData returns thousands of timestamps)."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError):
        from botocore.utils import parse_timestamp

        parsed: datetime = parse_timestamp(value)
        return parsed.astimezone(UTC)


class ClientPool:
    """Long-lived aiobotocore clients per (account, region, service), closed together.

    Use as ``async with ClientPool(settings) as pool: cw = await pool.client("cloudwatch", region)``.
    ``client_hooks`` are extra ``(event, handler)`` pairs registered on every client (tests, benches).
    """

    def __init__(
        self,
        settings: AwsSettings,
        *,
        meter: ApiMeter | None = None,
        client_hooks: Sequence[tuple[str, EventHandler]] = (),
    ) -> None:
        self.settings = settings
        self.meter = meter or ApiMeter()
        self._hooks = tuple(client_hooks)
        self._stack: AsyncExitStack | None = None
        self._session: Any = None
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._locks: dict[tuple[str, str, str], asyncio.Lock] = {}
        self._create_lock = asyncio.Lock()
        self._http_session_cls: Any = None
        self._identity: Identity | None = None
        self._identity_lock = asyncio.Lock()
        self._limiters: dict[tuple[str, str], RateLimiter] = {}
        self._closed = False

    @property
    def account_key(self) -> str:
        """Which credentials the clients use; one pool holds one account's credentials."""
        return self.settings.profile or "default"

    async def __aenter__(self) -> Self:
        self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def _open(self) -> AsyncExitStack:
        if self._closed:
            raise RuntimeError("the client pool is closed")
        if self._stack is None:
            self._stack = AsyncExitStack()
        return self._stack

    async def aclose(self) -> None:
        """Close every client (their aiohttp sessions). Safe to call twice."""
        self._closed = True
        stack, self._stack = self._stack, None
        self._clients.clear()
        if stack is not None:
            await stack.aclose()

    async def client(self, service: str, region: str | None = None) -> Any:
        """The client for ``service`` in ``region`` (default: the primary region), made on first use."""
        key = (self.account_key, region or self.settings.primary_region, service)
        found = self._clients.get(key)
        if found is not None:
            return found
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            found = self._clients.get(key)
            if found is None:
                # One client at a time, in the order the sources ask, each after a turn of the event
                # loop: creation is ~20 ms of CPU that never yields, so without the turn every source
                # made its client before any request already queued (a second GetMetricData, a
                # LookupEvents) went out. Threads made it worse: 16 creations fighting for the GIL.
                async with self._create_lock:
                    await asyncio.sleep(0)
                    found = self._clients[key] = await self._create(service, key[1])
            return found

    async def _create(self, service: str, region: str) -> Any:
        from aiobotocore.config import AioConfig
        from aiobotocore.session import AioSession

        stack = self._open()
        s = self.settings
        if self._session is None:
            session = AioSession(profile=s.profile) if s.profile else AioSession()
            session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=utc_timestamp)
            use_lean_models(session)
            self._session = session
            self._http_session_cls = shared_tls_session_class()
        config = AioConfig(
            retries={"mode": s.retry_mode, "total_max_attempts": s.max_attempts},
            connect_timeout=s.connect_timeout_s,
            read_timeout=s.read_timeout_s,
            max_pool_connections=s.max_pool_connections,
            user_agent_extra="skafu-tui",
            http_session_cls=self._http_session_cls,
        )
        kwargs: dict[str, Any] = {"region_name": region, "config": config}
        if s.endpoint_url:
            kwargs["endpoint_url"] = s.endpoint_url
        if s.ca_bundle:
            kwargs["verify"] = s.ca_bundle
        if s.credentials is not None:
            kwargs["aws_access_key_id"], kwargs["aws_secret_access_key"] = s.credentials
        client = await stack.enter_async_context(self._session.create_client(service, **kwargs))
        guard_client(client)
        events = client.meta.events
        events.register("provide-client-params", self.meter.on_params)
        events.register("after-call", self.meter.on_after_call)
        events.register("after-call", tag_error_service)
        for event, handler in self._hooks:
            events.register(event, handler)
        return client

    async def identity(self) -> Identity:
        """Who the credentials are (sts:GetCallerIdentity), asked once."""
        async with self._identity_lock:
            if self._identity is None:
                sts = await self.client("sts", self.settings.primary_region)
                answer = await sts.get_caller_identity()
                self._identity = Identity(account=answer.get("Account", ""), arn=answer.get("Arn", ""))
            return self._identity

    async def account_id(self) -> str:
        return (await self.identity()).account

    def limiter(self, name: str, region: str, rate: float, burst: float = 1.0) -> RateLimiter:
        """A rate limiter shared by every caller of one API in one account and region."""
        key = (f"{self.account_key}/{name}", region)
        found = self._limiters.get(key)
        if found is None:
            found = self._limiters[key] = RateLimiter(rate, burst)
        return found
