"""What the poll process's start-up and memory rely on in the client pool: clients made one at a
time without holding back requests already queued, one TLS context per pool, service models
parsed lean (botocore's models exactly, minus their documentation)."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import pytest
from botocore.loaders import Loader
from sources_support import settings_for

from skafu_tui.aws.catalog import OPERATIONS
from skafu_tui.aws.lean_models import strip_documentation, use_lean_models
from skafu_tui.aws.session import ClientPool
from skafu_tui.aws.tls import shared_tls_session_class
from skafu_tui.heap import trim_heap

SERVICES = sorted({service for service, _ in OPERATIONS})


def documented(node: Any) -> bool:
    if isinstance(node, dict):
        return "documentation" in node or any(documented(v) for v in node.values())
    return isinstance(node, list) and any(documented(v) for v in node)


async def test_a_queued_request_goes_out_before_the_next_client_is_made(demo_endpoint: str) -> None:
    # Each creation is CPU that never yields: without a turn of the loop before it, every source
    # made its client before the sub-requests of the first source (its second GetMetricData)
    # were even started.
    order: list[str] = []

    def sent(model: Any, **_: Any) -> None:
        order.append(f"sent {model.name}")

    async with ClientPool(settings_for(demo_endpoint), client_hooks=[("before-call", sent)]) as pool:
        create = pool._create

        async def recorded(service: str, region: str) -> Any:
            client = await create(service, region)
            order.append(f"made {service}")
            return client

        pool._create = recorded  # type: ignore[method-assign]

        async def first() -> None:
            cloudwatch = await pool.client("cloudwatch")
            # The sub-request starts as a task of its own, as the sources' gather() does.
            await asyncio.create_task(cloudwatch.list_metrics())

        async def other(service: str) -> None:
            await pool.client(service)

        await asyncio.gather(first(), *(other(s) for s in ("acm", "rds", "logs")))
    assert order.index("sent ListMetrics") < order.index("made logs")
    assert [o for o in order if o.startswith("made")] == ["made cloudwatch", "made acm", "made rds", "made logs"]


async def test_a_pool_loads_the_ca_bundle_once(demo_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from aiobotocore.httpsession import AIOHTTPSession

    built: list[ssl.SSLContext] = []
    upstream = AIOHTTPSession._build_verify_context

    def counting(self: Any) -> ssl.SSLContext:
        context: ssl.SSLContext = upstream(self)
        built.append(context)
        return context

    monkeypatch.setattr(AIOHTTPSession, "_build_verify_context", counting)
    async with ClientPool(settings_for(demo_endpoint)) as pool:
        clients = [await pool.client(s) for s in ("sts", "cloudwatch", "acm")]
        await asyncio.gather(
            clients[0].get_caller_identity(), clients[1].list_metrics(), clients[2].list_certificates()
        )
    assert len(built) == 1
    # Shared, not weakened: the one context still verifies certificates and host names.
    assert built[0].verify_mode is ssl.CERT_REQUIRED and built[0].check_hostname


def test_tls_contexts_are_shared_per_setting_and_per_pool() -> None:
    session_class = shared_tls_session_class()
    verified = session_class(verify=True)._build_ssl_contexts(None)[0]
    assert session_class(verify=True)._build_ssl_contexts(None)[0] is verified
    unverified = session_class(verify=False)._build_ssl_contexts(None)[0]
    assert unverified is not verified and unverified.verify_mode is ssl.CERT_NONE
    assert shared_tls_session_class()(verify=True)._build_ssl_contexts(None)[0] is not verified


@pytest.mark.parametrize("kind", ["service-2", "endpoint-rule-set-1", "paginators-1"])
def test_lean_models_are_botocores_minus_documentation(kind: str) -> None:
    class Session:  # the one component use_lean_models touches
        def __init__(self) -> None:
            self.loader = Loader()

        def get_component(self, name: str) -> Loader:
            assert name == "data_loader"
            return self.loader

    lean = Session()
    use_lean_models(lean)
    upstream = Loader()
    for service in SERVICES:
        theirs = upstream.load_service_model(service, kind)
        ours = lean.loader.load_service_model(service, kind)
        assert type(ours) is dict
        if kind == "service-2":
            assert documented(theirs["shapes"]) and documented(theirs["operations"])
            assert not documented(ours["shapes"]) and not documented(ours["operations"])
            strip_documentation(theirs)
        assert ours == theirs, service


def test_trimming_the_heap_is_skipped_where_malloc_trim_does_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    class NoTrim:
        def __init__(self, name: Any) -> None:
            pass

    monkeypatch.setattr(ctypes, "CDLL", NoTrim)
    trim_heap()  # no AttributeError: a libc without malloc_trim is simply not trimmed
