"""A fault-injecting HTTP proxy on loopback, between aiobotocore clients and the demo endpoint.

Clients point their ``endpoint_url`` at the proxy. Every request is forwarded untouched unless a
fault matches its (service, operation): then the proxy answers an AWS error in the service's own
wire protocol (json, rest-json, query, rest-xml or rpc-v2-cbor), a canned JSON body, drops the
connection, or delays before forwarding. The operation is named by a header a client hook adds
(``OP_HEADER``), so faults target exactly one API whatever its protocol.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
from aiohttp import web

OP_HEADER = "x-skafu-test-op"
_SKIP = {"host", "content-length", "transfer-encoding", "connection", "content-encoding"}


def tag_operation(model: Any, params: dict[str, Any], **_: Any) -> None:
    """``before-call`` hook: name the API call in a header for the proxy."""
    params.setdefault("headers", {})[OP_HEADER] = f"{model.service_model.service_name}.{model.name}"


CLIENT_HOOKS = (("before-call", tag_operation),)


@dataclass(frozen=True)
class Fault:
    kind: Literal["error", "reply", "drop", "delay"]
    status: int = 400
    code: str = ""
    message: str = "injected by the test proxy"
    body: Any = None
    """For ``reply``: the JSON document to answer with."""
    delay_s: float = 0.0


def error(status: int, code: str, message: str = "injected by the test proxy") -> Fault:
    return Fault("error", status=status, code=code, message=message)


def _cbor_text(text: str) -> bytes:
    raw = text.encode()
    n = len(raw)
    if n < 24:
        return bytes([0x60 | n]) + raw
    if n < 256:
        return bytes([0x78, n]) + raw
    return bytes([0x79]) + n.to_bytes(2, "big") + raw


def _cbor_map(doc: dict[str, str]) -> bytes:
    assert len(doc) < 24
    out = bytes([0xA0 | len(doc)])
    for key, value in doc.items():
        out += _cbor_text(key) + _cbor_text(value)
    return out


_PROTOCOLS: dict[str, str] = {}


def protocol_of(service: str) -> str:
    if service not in _PROTOCOLS:
        import botocore.session

        model = botocore.session.get_session().get_service_model(service)
        _PROTOCOLS[service] = model.resolved_protocol if hasattr(model, "resolved_protocol") else model.protocol
    return _PROTOCOLS[service]


def error_response(service: str, fault: Fault) -> web.Response:
    """``fault`` as the service's protocol spells an error."""
    protocol = protocol_of(service)
    headers = {"x-amzn-RequestId": "test-proxy", "x-amzn-ErrorType": fault.code}
    if protocol == "smithy-rpc-v2-cbor":
        body = _cbor_map({"__type": fault.code, "message": fault.message})
        headers["smithy-protocol"] = "rpc-v2-cbor"
        return web.Response(status=fault.status, body=body, headers=headers, content_type="application/cbor")
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": fault.code, "message": fault.message}).encode()
        return web.Response(status=fault.status, body=body, headers=headers, content_type="application/json")
    if protocol == "query":
        xml = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{fault.code}</Code>"
            f"<Message>{fault.message}</Message></Error><RequestId>test-proxy</RequestId></ErrorResponse>"
        )
    else:  # rest-xml
        xml = f"<Error><Code>{fault.code}</Code><Message>{fault.message}</Message><RequestId>x</RequestId></Error>"
    return web.Response(status=fault.status, text=xml, content_type="text/xml")


class FaultProxy:
    """Start with ``await proxy.start()``; ``proxy.faults[("guardduty", "ListFindings")] = error(...)``."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults: dict[tuple[str, str], Fault] = {}
        self.seen: Counter[tuple[str, str]] = Counter()
        self.endpoint = ""
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.endpoint = f"http://127.0.0.1:{port}"
        self._session = aiohttp.ClientSession(auto_decompress=False)
        return self.endpoint

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        tag = request.headers.get(OP_HEADER, ".")
        service, _, operation = tag.partition(".")
        key = (service, operation)
        self.seen[key] += 1
        fault = self.faults.get(key) or self.faults.get((service, "*"))
        if fault is not None:
            if fault.kind == "error":
                return error_response(service, fault)
            if fault.kind == "reply":
                return web.json_response(fault.body)
            if fault.kind == "drop":
                assert request.transport is not None
                request.transport.abort()
                raise asyncio.CancelledError  # nothing is written: the client sees the connection drop
            if fault.kind == "delay":
                await asyncio.sleep(fault.delay_s)
        return await self._forward(request)

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _SKIP}
        body = await request.read()
        async with self._session.request(
            request.method, self.upstream + request.path_qs, headers=headers, data=body, allow_redirects=False
        ) as upstream:
            payload = await upstream.read()
            out = {k: v for k, v in upstream.headers.items() if k.lower() not in _SKIP}
            return web.Response(status=upstream.status, body=payload, headers=out)
