"""Snapshots to and from JSON: record a poll, replay it later, shift it in time.

Used to pin the UI's layout tests to one recorded poll of the demo platform, and by
``--replay`` to look at a recorded moment without AWS. Records keep their types on the way
back (pydantic validates them again, so a hand-edited file cannot smuggle in raw text).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, get_args, get_type_hints

from pydantic import BaseModel, TypeAdapter

from skafu_tui import models
from skafu_tui.snapshot import Snapshot, SourceState, SourceStatus

FORMAT = "skafu-tui-snapshot/1"

# The Snapshot module names its record types for type checkers only: resolve them in models.
_HINTS = get_type_hints(Snapshot, localns=vars(models))


def _record_type(field: str) -> Any:
    hint = _HINTS[field]
    args = get_args(hint)
    return args[0] if args else hint


def to_dict(snapshot: Snapshot) -> dict[str, Any]:
    out: dict[str, Any] = {"format": FORMAT}
    for field in dataclasses.fields(Snapshot):
        value = getattr(snapshot, field.name)
        if field.name == "sources":
            out["sources"] = {k: _state_dict(v) for k, v in value.items()}
        elif field.name == "metrics":
            out["metrics"] = {k: v.model_dump(mode="json") for k, v in value.items()}
        elif isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
            out[field.name] = [v.model_dump(mode="json") for v in value]
        elif isinstance(value, BaseModel):
            out[field.name] = value.model_dump(mode="json")
        elif isinstance(value, datetime):
            out[field.name] = value.isoformat()
        elif isinstance(value, tuple):
            out[field.name] = list(value)
        else:
            out[field.name] = value
    return out


def _state_dict(state: SourceState) -> dict[str, Any]:
    d = dataclasses.asdict(state)
    for key in ("fetched_at", "attempted_at"):
        d[key] = d[key].isoformat() if d[key] else None
    d["status"] = state.status.value
    return d


def _state(d: dict[str, Any]) -> SourceState:
    return SourceState(
        name=d["name"],
        status=SourceStatus(d["status"]),
        fetched_at=datetime.fromisoformat(d["fetched_at"]) if d.get("fetched_at") else None,
        attempted_at=datetime.fromisoformat(d["attempted_at"]) if d.get("attempted_at") else None,
        cadence_s=float(d.get("cadence_s", 60.0)),
        message=d.get("message", ""),
        action=d.get("action", ""),
    )


def from_dict(data: dict[str, Any]) -> Snapshot:
    if data.get("format") != FORMAT:
        raise ValueError(f"not a skafu-tui snapshot (format {data.get('format')!r}, expected {FORMAT!r})")
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(Snapshot):
        if field.name not in data:
            continue
        raw = data[field.name]
        if field.name == "taken_at":
            kwargs["taken_at"] = datetime.fromisoformat(raw)
        elif field.name == "sources":
            kwargs["sources"] = MappingProxyType({k: _state(v) for k, v in raw.items()})
        elif field.name == "metrics":
            from skafu_tui.models import MetricSeries

            kwargs["metrics"] = MappingProxyType({k: MetricSeries.model_validate(v) for k, v in raw.items()})
        elif field.name == "cost_forecast":
            from skafu_tui.models import CostForecast

            kwargs["cost_forecast"] = None if raw is None else CostForecast.model_validate(raw)
        elif isinstance(raw, list) and field.name != "regions":
            adapter: TypeAdapter[Any] = TypeAdapter(_record_type(field.name))
            kwargs[field.name] = tuple(adapter.validate_python(item) for item in raw)
        elif field.name == "regions":
            kwargs["regions"] = tuple(raw)
        else:
            kwargs[field.name] = raw
    return Snapshot(**kwargs)


def save(snapshot: Snapshot, path: Path) -> None:
    path.write_text(json.dumps(to_dict(snapshot), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def load(path: Path) -> Snapshot:
    return from_dict(json.loads(path.read_text(encoding="utf-8")))


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, datetime):
        return value + delta
    if isinstance(value, date):
        return value + timedelta(days=delta.days)
    if isinstance(value, BaseModel):
        changes = {name: _shift(getattr(value, name), delta) for name in type(value).model_fields}
        return value.model_copy(update=changes)
    if isinstance(value, tuple):
        return tuple(_shift(v, delta) for v in value)
    if isinstance(value, SourceState):
        return dataclasses.replace(
            value,
            fetched_at=_shift(value.fetched_at, delta),
            attempted_at=_shift(value.attempted_at, delta),
        )
    if isinstance(value, MappingProxyType):
        return MappingProxyType({k: _shift(v, delta) for k, v in value.items()})
    return value


def shifted(snapshot: Snapshot, delta: timedelta) -> Snapshot:
    """The same snapshot moved in time by ``delta`` (whole days keep calendar dates consistent)."""
    changes = {f.name: _shift(getattr(snapshot, f.name), delta) for f in dataclasses.fields(Snapshot)}
    return Snapshot(**changes)
