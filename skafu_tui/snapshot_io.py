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

SHARED_STR_MAX = 64
"""Strings up to this long (regions, types, account ids) are kept once however often they repeat."""

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


class _Shared:
    """One object per distinct timestamp, and per distinct short string, across a whole file.

    JSON gives a new object for every value, and pydantic keeps what it is given: a recorded
    Snapshot's metric series share a few hundred timestamps between a quarter of a million points,
    and findings repeat their region, type and times. Parsed once each, they are held once each
    (with the large benchmark state, ~12 MB less for as long as the Snapshot is shown).
    """

    _DATETIME: TypeAdapter[datetime] | None = None

    def __init__(self) -> None:
        self.times: dict[str, datetime] = {}
        self.strings: dict[str, str] = {}

    def time(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        parsed = self.times.get(value)
        if parsed is None:
            if _Shared._DATETIME is None:
                _Shared._DATETIME = TypeAdapter(datetime)
            # The fields' own validator: the same type and tzinfo as validating the field would give.
            parsed = self.times[value] = _Shared._DATETIME.validate_python(value)
        return parsed

    def string(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) <= SHARED_STR_MAX:
            return self.strings.setdefault(value, value)
        return value

    def series(self, raw: Any) -> Any:
        if isinstance(raw, dict) and isinstance(raw.get("timestamps"), list):
            raw = {**raw, "timestamps": [self.time(t) for t in raw["timestamps"]]}
        return raw

    def record(self, raw: Any, time_fields: frozenset[str]) -> Any:
        if not isinstance(raw, dict):
            return raw  # pydantic words the error
        return {k: self.time(v) if k in time_fields else self.string(v) for k, v in raw.items()}


def _time_fields(record: Any) -> frozenset[str]:
    """The fields of a record type that hold a datetime (or None)."""
    fields = getattr(record, "model_fields", {})
    return frozenset(
        name for name, info in fields.items()
        if info.annotation is datetime or datetime in get_args(info.annotation)
    )


def from_dict(data: dict[str, Any]) -> Snapshot:
    if data.get("format") != FORMAT:
        raise ValueError(f"not a skafu-tui snapshot (format {data.get('format')!r}, expected {FORMAT!r})")
    kwargs: dict[str, Any] = {}
    shared = _Shared()
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

            kwargs["metrics"] = MappingProxyType(
                {k: MetricSeries.model_validate(shared.series(v)) for k, v in raw.items()}
            )
        elif field.name == "cost_forecast":
            from skafu_tui.models import CostForecast

            kwargs["cost_forecast"] = None if raw is None else CostForecast.model_validate(raw)
        elif isinstance(raw, list) and field.name != "regions":
            record = _record_type(field.name)
            adapter: TypeAdapter[Any] = TypeAdapter(record)
            times = _time_fields(record)
            kwargs[field.name] = tuple(adapter.validate_python(shared.record(item, times)) for item in raw)
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
