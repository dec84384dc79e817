"""ELBv2 target health moto cannot produce (``unhealthy``), set by the ``target-health`` seed.

moto derives health from registration and EC2 state only, so it never reports ``unhealthy``.
The seed ``POST /_skafu/seed/target-health`` takes
``[{"TargetGroupArn", "Id", "Port"?, "State", "Reason"?, "Description"?}]`` and
DescribeTargetHealth then reports that state for the (registered) target, with the same
TargetHealth shape AWS uses. Overrides live on moto's ``FakeTargetGroup`` objects, so moto's
reset (which rebuilds every backend) drops them together with the target groups; a target
deregistered later falls back to moto's own answer.

``moto.elbv2.models`` imports all of moto's EC2 (about a second): it is imported, and
``FakeTargetGroup.health_for`` patched, on the first seed, not at server start. Until something
is seeded there is nothing to override.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from moto.core.utils import get_service_model

from .base import LOCK, SeedError, on_reset, seed_kind

_ATTR = "_skafu_health_overrides"
_ARN = re.compile(
    r"^arn:aws[a-z-]*:elasticloadbalancing:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):targetgroup/[^/]+/[^/]+$"
)
_FIELDS = {"TargetGroupArn", "Id", "Port", "State", "Reason", "Description", "account"}


@dataclass(frozen=True)
class HealthOverride:
    state: str
    reason: str | None
    description: str | None


@cache
def _enum(shape: str) -> tuple[str, ...]:
    """Allowed values straight from botocore's ELBv2 model, so the seed accepts what AWS can say."""
    return tuple(get_service_model("elbv2").shape_for(shape).enum)


Overrides = dict[tuple[str, int | None], HealthOverride]
"""(target id, port or None for any port) -> the health to report."""


def _overrides(group: Any) -> Overrides | None:
    found: Overrides | None = group.__dict__.get(_ATTR)
    return found


def _wrap_health_for(original: Callable[..., Any], status_class: type) -> Callable[..., Any]:
    def health_for(self: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
        status = original(self, target, ec2_backend)
        overrides = _overrides(self)
        if not overrides or target["Id"] not in self.targets:
            return status
        try:
            port: int | None = int(status.port)
        except (TypeError, ValueError):
            port = None
        override = overrides.get((target["Id"], port)) or overrides.get((target["Id"], None))
        if override is None:
            return status
        return status_class(
            status.instance_id, status.port, status.health_check_port,
            override.state, override.reason, override.description,
        )

    return health_for


def _patched_models() -> Any:
    """``moto.elbv2.models``, imported and with ``health_for`` patched (idempotent)."""
    from moto.elbv2 import models

    group_class = models.FakeTargetGroup
    if not getattr(group_class, "_skafu_patched", False):
        patched = _wrap_health_for(group_class.health_for, models.FakeHealthStatus)
        setattr(group_class, "health_for", patched)  # noqa: B010
        setattr(group_class, "_skafu_patched", True)  # noqa: B010
    return models


def _opt_str(item: dict[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise SeedError(f"{where}.{key}: expected string")
    return value


def _validate(
    backends: Any, account: str, i: int, item: Any
) -> tuple[Any, str, int | None, HealthOverride]:
    where = f"[{i}]"
    if not isinstance(item, dict):
        raise SeedError(f"{where}: expected an object")
    for key in item:
        if key not in _FIELDS:
            raise SeedError(f"{where}.{key}: unknown field")
    for key in ("TargetGroupArn", "Id", "State"):
        if key not in item:
            raise SeedError(f"{where}.{key}: missing")
    arn = _opt_str(item, "TargetGroupArn", where) or ""
    match = _ARN.match(arn)
    if not match:
        raise SeedError(f"{where}.TargetGroupArn: expected a target group ARN")
    if match["account"] != account:
        raise SeedError(f"{where}.TargetGroupArn: belongs to account {match['account']}, not {account}")
    try:
        group = backends[account][match["region"]].target_groups.get(arn)
    except KeyError:
        group = None
    if group is None:
        raise SeedError(f"{where}.TargetGroupArn: no such target group")
    target_id = _opt_str(item, "Id", where)
    if not target_id:
        raise SeedError(f"{where}.Id: expected non-empty string")
    if target_id not in group.targets:
        raise SeedError(f"{where}.Id: {target_id} is not registered in the target group")
    port = item.get("Port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535):
        raise SeedError(f"{where}.Port: expected an integer between 1 and 65535")
    state = item["State"]
    if state not in _enum("TargetHealthStateEnum"):
        raise SeedError(f"{where}.State: expected one of {', '.join(_enum('TargetHealthStateEnum'))}")
    reason = _opt_str(item, "Reason", where)
    if reason is not None and reason not in _enum("TargetHealthReasonEnum"):
        raise SeedError(f"{where}.Reason: expected one of {', '.join(_enum('TargetHealthReasonEnum'))}")
    description = _opt_str(item, "Description", where)
    _opt_str(item, "account", where)
    return group, target_id, port, HealthOverride(state, reason, description)


def seed_target_health(account: str, items: list[dict[str, Any]]) -> int:
    if not isinstance(items, list):
        raise SeedError("body: expected a JSON list of target health objects")
    with LOCK:
        backends = _patched_models().elbv2_backends
        parsed = [_validate(backends, account, i, item) for i, item in enumerate(items)]  # all or nothing
        for group, target_id, port, override in parsed:
            table: Overrides = group.__dict__.setdefault(_ATTR, {})
            table[(target_id, port)] = override
    return len(parsed)


def reset() -> None:
    models = sys.modules.get("moto.elbv2.models")
    if models is None:  # never imported: no target group, no override
        return
    with LOCK:
        for _account, _region, backend in models.elbv2_backends.iter_backends():
            groups: dict[str, Any] = getattr(backend, "target_groups", {})
            for group in groups.values():
                group.__dict__.pop(_ATTR, None)


_installed: list[bool] = []


def install() -> None:
    """Register the seed kind and reset hook (idempotent); moto is patched on the first seed."""
    with LOCK:
        if _installed:
            return
        seed_kind("target-health")(seed_target_health)
        on_reset(reset)
        _installed.append(True)
