"""AWS shapes from botocore's service models: strict seed validation and wire conversion.

botocore ships the documented shape of every request and response, so seeds are checked
against the very model the client parses with, and rest-json member renames
(GuardDuty's ``severity`` for ``Severity``) come from the model rather than hand-kept tables.
Values are normalised on the way in: timestamps become epoch seconds (floats).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from skafu_tui.demo.ext.base import AwsError, Call, SeedError
from skafu_tui.demo.ext.paging import iso, parse_time

_LOADER_LOCK = threading.Lock()


@cache
def _session() -> Any:
    import botocore.session

    return botocore.session.get_session()


@cache
def service_model(service: str) -> Any:
    """botocore's ServiceModel for a botocore service name (``guardduty``, ``ce``, ``health``)."""
    with _LOADER_LOCK:
        return _session().get_service_model(service)


def shape(service: str, name: str) -> Any:
    return service_model(service).shape_for(name)


def output_shape(service: str, operation: str) -> Any:
    return service_model(service).operation_model(operation).output_shape


def _join(where: str, member: str) -> str:
    return f"{where}.{member}" if where else member


def check(shp: Any, value: Any, where: str, *, wire: bool = False) -> Any:
    """Validate ``value`` against ``shp`` and return it normalised; SeedError names the bad field.

    With ``wire=True`` structure keys are read by their wire names (rest-json ``locationName``);
    the result always uses the SDK's member names.
    """
    kind = shp.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise SeedError(f"{where or 'body'}: expected an object")
        names = {(m.serialization.get("name", n) if wire else n): n for n, m in shp.members.items()}
        out: dict[str, Any] = {}
        for key, item in value.items():
            member = names.get(key)
            if member is None:
                raise SeedError(f"{_join(where, str(key))}: unknown member of {shp.name}")
            if item is not None:
                out[member] = check(shp.members[member], item, _join(where, member), wire=wire)
        for required in shp.required_members:
            if required not in out:
                raise SeedError(f"{_join(where, required)}: missing")
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise SeedError(f"{where}: expected a list")
        return [check(shp.member, item, f"{where}[{i}]", wire=wire) for i, item in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            raise SeedError(f"{where}: expected an object")
        return {str(k): check(shp.value, v, _join(where, str(k)), wire=wire) for k, v in value.items()}
    return _scalar(shp, value, where)


def _scalar(shp: Any, value: Any, where: str) -> Any:
    kind = shp.type_name
    if kind == "string":
        if not isinstance(value, str):
            raise SeedError(f"{where}: expected string")
        enum = getattr(shp, "enum", None) or []
        if enum and value not in enum:
            raise SeedError(f"{where}: expected one of {', '.join(enum)}")
        return value
    if kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise SeedError(f"{where}: expected integer")
        return value
    if kind in ("double", "float"):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise SeedError(f"{where}: expected number")
        return float(value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise SeedError(f"{where}: expected boolean")
        return value
    if kind == "timestamp":
        try:
            return parse_time(value)
        except ValueError:
            raise SeedError(f"{where}: expected a timestamp (epoch seconds or ISO 8601)") from None
    if kind == "blob":
        if not isinstance(value, str):
            raise SeedError(f"{where}: expected base64 string")
        return value
    return value


def to_wire(shp: Any, value: Any) -> Any:
    """SDK-form (normalised) value to its JSON wire form for this shape."""
    kind = shp.type_name
    if kind == "structure":
        return {
            shp.members[k].serialization.get("name", k): to_wire(shp.members[k], v)
            for k, v in value.items()
            if k in shp.members
        }
    if kind == "list":
        return [to_wire(shp.member, item) for item in value]
    if kind == "map":
        return {k: to_wire(shp.value, v) for k, v in value.items()}
    if kind == "timestamp" and shp.serialization.get("timestampFormat") == "iso8601":
        return iso(value)
    return value


def _from_text(shp: Any, text: str, where: str) -> Any:
    """A querystring/URI value (always text on the wire) as the member's type."""
    kind = shp.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("double", "float"):
            return float(text)
        if kind == "timestamp":
            return parse_time(text)
    except ValueError:
        raise SeedError(f"{where}: invalid {kind} {text!r}") from None
    if kind == "boolean":
        return text.lower() == "true"
    return text


def parse_input(service: str, operation: str, call: Call) -> dict[str, Any]:
    """The request as SDK-form parameters, validated against the operation's input shape.

    Reads the JSON body (by wire names), URI parameters and querystring members as the model
    places them; a malformed request is answered with ``ValidationException``.
    """
    model = service_model(service)
    shp = model.operation_model(operation).input_shape
    if shp is None:
        return {}
    rest = model.metadata.get("protocol", "").startswith("rest")
    raw: dict[str, Any] = {}
    body = call.body if isinstance(call.body, dict) else {}
    try:
        if not isinstance(call.body, dict):
            raise SeedError("body: expected a JSON object")
        for name, member in shp.members.items():
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            if location == "uri":
                if wire_name in call.path_params:
                    raw[wire_name] = _from_text(member, call.path_params[wire_name], name)
            elif location == "querystring":
                values = call.query.get(wire_name)
                if values:
                    raw[wire_name] = (
                        [_from_text(member.member, v, name) for v in values]
                        if member.type_name == "list"
                        else _from_text(member, values[0], name)
                    )
            elif location is None and rest and wire_name in body:
                raw[wire_name] = body[wire_name]
        if not rest:
            raw = dict(body)
        return dict(check(shp, raw, "", wire=True))
    except SeedError as exc:
        raise AwsError("ValidationException", str(exc)) from None
