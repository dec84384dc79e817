"""The WSGI middleware in front of moto: control endpoints, our handlers, then moto.

Routing follows moto's own rule (the SigV4 credential scope names the service), so a request
for an operation we registered never reaches moto, and everything else reaches it untouched.
Nothing a client sends may stop the server: every failure becomes an HTTP answer.
"""

from __future__ import annotations

import io
import json
import re
import sys
import uuid
import zlib
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from skafu_tui.demo.ext import base
from skafu_tui.demo.ext.base import AwsError, Call, Reply, SeedError

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

MAX_BODY = 64 * 1024 * 1024
_ACCOUNT = re.compile(r"^\d{12}$")
_INDEX = re.compile(r"^\[(\d+)\]")
_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
}


class SkafuMiddleware:
    """Answers ``/_skafu/*`` and registered operations; passes the rest to ``moto_app``."""

    def __init__(self, moto_app: WsgiApp, reset_moto: Callable[[], None]) -> None:
        self.moto_app = moto_app
        self.reset_moto = reset_moto

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self._route(environ, start_response)
        except Exception as exc:
            # A bug in a handler (or in moto) must cost one request, never the server.
            doc = {"__type": "InternalFailure", "message": f"{type(exc).__name__}: {exc}"}
            return _send(start_response, 500, base.dumps(doc), "application/json", exc_info=sys.exc_info())

    # --- routing ------------------------------------------------------------------------

    def _route(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if path.startswith("/_skafu/"):
            return self._control(path, method, environ, start_response)
        if path == "/moto-api/reset" and method == "POST":
            base.reset_all()  # moto's reset drops detectors and rules: drop what hangs off them too
        service, region = _scope(environ.get("HTTP_AUTHORIZATION", ""))
        if service:
            try:
                fast = _fast_path(service, region, environ, start_response)
                if fast is not None:
                    return fast
                found = self._find(service, method, path, environ)
            except AwsError as exc:
                return _error(start_response, "json", exc.code, exc.message, exc.status)
            except _TooLarge:
                return _error(start_response, "json", "RequestEntityTooLarge", "body too large", 413)
            if found is not None:
                protocol, operation, handler, params, body = found
                call = Call(
                    service=service,
                    operation=operation,
                    account=environ.get("HTTP_X_MOTO_ACCOUNT_ID") or base.DEFAULT_ACCOUNT,
                    region=region,
                    method=method,
                    path=path,
                    query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
                    body=body,
                    path_params=params,
                )
                return _answer(protocol, handler, call, start_response)
        return self.moto_app(environ, start_response)

    def _find(
        self, service: str, method: str, path: str, environ: dict[str, Any]
    ) -> tuple[str, str, base.JsonHandler, dict[str, str], Any] | None:
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            operation = target.rsplit(".", 1)[-1]
            handler = base.JSON_OPERATIONS.get((service, operation))
            if handler is None:
                return None
            return "json", operation, handler, {}, _json_body(_read(environ))
        for route in base.REST_ROUTES:
            if route.service == service and route.method == method:
                match = route.pattern.match(path)
                if match:
                    raw = _read(environ) if method not in ("GET", "HEAD", "DELETE") else b""
                    return "rest-json", route.operation, route.handler, match.groupdict(), _json_body(raw)
        content_type = environ.get("CONTENT_TYPE", "")
        if method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
            if not any(s == service for s, _ in base.JSON_OPERATIONS):
                return None
            raw = _read(environ)
            environ["wsgi.input"] = io.BytesIO(raw)  # moto reads it again if we pass
            form = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
            handler = base.JSON_OPERATIONS.get((service, form.get("Action", "")))
            if handler is not None:
                return "query", form["Action"], handler, {}, form
        return None

    # --- control endpoints ----------------------------------------------------------------

    def _control(
        self, path: str, method: str, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        if path == "/_skafu/health":
            if method != "GET":
                return _message(start_response, 405, "use GET")
            doc: dict[str, Any] = {"status": "ok", "seedKinds": sorted(base.SEED_KINDS)}
            return _send(start_response, 200, base.dumps(doc), "application/json")
        if path == "/_skafu/clock":
            if method != "GET":
                return _message(start_response, 405, "use GET")
            clock = base.SCENARIO_CLOCK
            if clock is None:
                return _message(start_response, 404, "no scenario is running")
            doc = {"now": clock.now().isoformat(), "speed": clock.speed}
            return _send(start_response, 200, base.dumps(doc), "application/json")
        if path == "/_skafu/reset":
            if method != "POST":
                return _message(start_response, 405, "use POST")
            with base.LOCK:
                self.reset_moto()
                base.reset_all()
            return _send(start_response, 200, base.dumps({"status": "ok"}), "application/json")
        if path.startswith("/_skafu/seed/"):
            if method != "POST":
                return _message(start_response, 405, "use POST")
            return self._seed(path.removeprefix("/_skafu/seed/"), environ, start_response)
        return _message(start_response, 404, f"no such endpoint {path}")

    def _seed(self, kind: str, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        handler = base.SEED_KINDS.get(kind)
        if handler is None:
            known = ", ".join(sorted(base.SEED_KINDS))
            return _message(start_response, 404, f"unknown seed kind {kind!r} (known: {known})")
        try:
            groups = _by_account(_read(environ))
            stored = 0
            with base.LOCK:
                for account, entries in groups.items():
                    try:
                        stored += handler(account, [item for _, item in entries])
                    except SeedError as exc:
                        raise SeedError(_reindex(str(exc), [i for i, _ in entries])) from None
        except (SeedError, AwsError) as exc:
            return _message(start_response, 400, str(exc))
        except _TooLarge:
            return _message(start_response, 413, f"body larger than {MAX_BODY} bytes")
        return _send(start_response, 200, base.dumps({"kind": kind, "stored": stored}), "application/json")


# --- helpers ----------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


def _scope(auth: str) -> tuple[str, str]:
    """(signing service, region) from a SigV4 Authorization header; empty when unsigned."""
    try:
        credential = auth.split(",")[0].split()[1]
        _, _, region, service, _ = credential.split("=", 1)[1].split("/")
    except (IndexError, ValueError):
        return "", ""
    return service.lower(), region


def _content_length(environ: dict[str, Any]) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _read(environ: dict[str, Any]) -> bytes:
    length = _content_length(environ)
    if length > MAX_BODY:
        raise _TooLarge()
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _fast_path(
    service: str, region: str, environ: dict[str, Any], start_response: StartResponse
) -> Iterable[bytes] | None:
    """A registered fast path's answer, or None: moto answers (the body is put back for it)."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    handler = base.JSON_FAST_PATHS.get((service, target.rsplit(".", 1)[-1])) if target else None
    if handler is None or _content_length(environ) > MAX_BODY:
        return None
    raw = _read(environ)
    environ["wsgi.input"] = io.BytesIO(raw)
    encoding = str(environ.get("HTTP_CONTENT_ENCODING", "")).strip().lower()
    body = _gunzip(raw) if encoding == "gzip" else raw if encoding in ("", "identity") else None
    if body is None:
        return None
    reply = handler(environ, body, region)
    if reply is None:
        return None
    payload = reply.body if isinstance(reply.body, bytes) else base.dumps(reply.body)
    return _send(start_response, reply.status, payload, reply.content_type)


def _gunzip(raw: bytes) -> bytes | None:
    """One gzip member inflated to at most MAX_BODY bytes; None if it is not that."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, MAX_BODY + 1)
    except zlib.error:
        return None
    return out if inflater.eof and len(out) <= MAX_BODY else None


def _json_body(raw: bytes) -> Any:
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise AwsError("SerializationException", f"body is not valid JSON: {exc}") from None


def _by_account(raw: bytes) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    try:
        items = json.loads(raw) if raw.strip() else None
    except ValueError as exc:
        raise SeedError(f"body: invalid JSON ({exc})") from None
    if not isinstance(items, list):
        raise SeedError("body: expected a JSON list of objects")
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise SeedError(f"[{i}]: expected an object")
        item = dict(item)
        account = item.pop("account", base.DEFAULT_ACCOUNT)
        if not isinstance(account, str) or not _ACCOUNT.match(account):
            raise SeedError(f"[{i}].account: expected a 12-digit account id string")
        groups.setdefault(account, []).append((i, item))
    return groups


def _reindex(message: str, indices: list[int]) -> str:
    """Rewrite a handler's ``[k]`` (index within one account's items) to the index in the body."""
    match = _INDEX.match(message)
    if match and int(match.group(1)) < len(indices):
        return f"[{indices[int(match.group(1))]}]" + message[match.end() :]
    return message


def _answer(
    protocol: str, handler: base.JsonHandler, call: Call, start_response: StartResponse
) -> Iterable[bytes]:
    try:
        result = handler(call)
    except AwsError as exc:
        return _error(start_response, protocol, exc.code, exc.message, exc.status)
    except SeedError as exc:
        return _error(start_response, protocol, "ValidationException", str(exc), 400)
    reply = result if isinstance(result, Reply) else Reply(result)
    if isinstance(reply.body, bytes | str):
        payload = reply.body.encode() if isinstance(reply.body, str) else reply.body
        return _send(start_response, reply.status, payload, reply.content_type)
    content_type = "application/json" if protocol == "rest-json" else reply.content_type
    return _send(start_response, reply.status, base.dumps(reply.body), content_type)


def _error(
    start_response: StartResponse, protocol: str, code: str, message: str, status: int
) -> Iterable[bytes]:
    if protocol == "query":
        xml = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )
        return _send(start_response, status, xml.encode(), "text/xml")
    doc = {"__type": code, "message": message}
    content_type = "application/json" if protocol == "rest-json" else "application/x-amz-json-1.1"
    return _send(start_response, status, base.dumps(doc), content_type, [("x-amzn-ErrorType", code)])


def _message(start_response: StartResponse, status: int, message: str) -> Iterable[bytes]:
    return _send(start_response, status, base.dumps({"message": message}), "application/json")


def _send(
    start_response: StartResponse,
    status: int,
    payload: bytes,
    content_type: str,
    extra: list[tuple[str, str]] | None = None,
    exc_info: Any = None,
) -> Iterable[bytes]:
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(payload))),
        ("x-amzn-RequestId", str(uuid.uuid4())),
        *(extra or []),
    ]
    reason = _REASONS.get(status, "Error")
    if exc_info is not None:
        start_response(f"{status} {reason}", headers, exc_info)
    else:
        start_response(f"{status} {reason}", headers)
    return [payload]
