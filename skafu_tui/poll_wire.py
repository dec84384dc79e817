"""What the dashboard and its poll process say to each other over their two pipes.

Frames are a 4-byte big-endian length and a pickle. Pickle is safe here: both ends are this
package, the pipes are private to the two processes (inherited by no one else), and pickled
records skip a second validation, which would cost the UI what the child just saved it.
Strings from AWS were made inert when the child built the records (:mod:`skafu_tui.sanitize`).

Child → parent: ``("status", text, failed)``, ``("clock", origin, monotonic, speed)`` (the demo
scenario's clock), ``("delta", fields)`` (the Snapshot fields that changed since the last delta;
``metrics`` as ``(changed series by key, removed keys)``).
Parent → child: ``("options", Options)`` first, then ``("refresh",)``, ``("pause", bool)``,
``("hot", names)``. Closing the parent's end tells the child to stop.
"""

from __future__ import annotations

import dataclasses
import pickle
import struct
from collections.abc import Mapping
from types import MappingProxyType
from typing import IO, Any

from skafu_tui.snapshot import Snapshot, SourceState, SourceStatus

_HEADER = struct.Struct("!I")
MAX_FRAME = 1 << 30
"""A frame longer than this means the stream is corrupt (a full Snapshot is ~0.4 MB)."""

DATA_FIELDS = frozenset(f.name for f in dataclasses.fields(Snapshot)) - {
    "taken_at", "account", "regions", "profile", "sources", "api_calls", "api_cost_usd",
}  # fmt: skip
"""Fields that carry polled records (the rest describe the poll itself)."""


class WireError(Exception):
    """The stream is not a sequence of frames (a crashed writer, a stray write)."""


def encode(message: tuple[Any, ...]) -> bytes:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(body)) + body


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = stream.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_message(stream: IO[bytes]) -> tuple[Any, ...] | None:
    """The next message, or None at the end of the stream; raises WireError on a torn frame."""
    header = _read_exact(stream, _HEADER.size)
    if not header:
        return None
    if len(header) < _HEADER.size:
        raise WireError("the stream ended inside a frame header")
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise WireError(f"a frame of {size} bytes")
    body = _read_exact(stream, size)
    if len(body) < size:
        raise WireError("the stream ended inside a frame")
    try:
        message = pickle.loads(body)
    except Exception as error:  # any unpickling failure means the stream is unusable
        raise WireError(f"an unreadable frame: {error}") from error
    if not isinstance(message, tuple) or not message or not isinstance(message[0], str):
        raise WireError("a frame that is not a message")
    return message


# --- Snapshot deltas -------------------------------------------------------------------------


def snapshot_delta(old: Snapshot | None, new: Snapshot) -> dict[str, Any]:
    """The fields of ``new`` that are not the very objects in ``old`` (the poller replaces only
    what a poll changed, so identity is exact and cheap); mappings as plain dicts."""
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(Snapshot):
        value = getattr(new, field.name)
        before = getattr(old, field.name) if old is not None else None
        if old is not None and value is before:
            continue
        if field.name == "metrics":
            previous: Mapping[str, Any] = before if before is not None else {}
            changed = {key: series for key, series in value.items() if previous.get(key) is not series}
            removed = tuple(key for key in previous if key not in value)
            fields["metrics"] = (changed, removed)
        elif isinstance(value, MappingProxyType):
            fields[field.name] = dict(value)
        else:
            fields[field.name] = value
    return fields


def _merge_sources(old: Mapping[str, SourceState], new: Mapping[str, SourceState]) -> dict[str, SourceState]:
    # A restarted poller reports every source pending until it polls it: what was known (the
    # data's age, why it stopped) stays until then.
    merged = dict(old)
    for name, state in new.items():
        if state.status is not SourceStatus.PENDING or name not in merged:
            merged[name] = state
    return merged


def apply_delta(old: Snapshot | None, fields: Mapping[str, Any], *, first_of_generation: bool = False) -> Snapshot:
    """``old`` with ``fields`` applied. ``first_of_generation``: the first delta of a restarted
    poll process, which has polled nothing yet; its empty records must not replace the data shown."""
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "metrics":
            changed, removed = value
            metrics = dict(old.metrics) if old is not None else {}
            for key in removed:
                metrics.pop(key, None)
            metrics.update(changed)
            changes["metrics"] = MappingProxyType(metrics)
        elif name == "sources":
            merged = _merge_sources(old.sources, value) if old is not None else dict(value)
            changes["sources"] = MappingProxyType(merged)
        else:
            changes[name] = value
    if old is None:
        return Snapshot(**changes)
    if first_of_generation:
        changes = {k: v for k, v in changes.items() if k not in DATA_FIELDS and k != "taken_at"}
        if not changes.get("account"):
            changes.pop("account", None)
    return old.with_changes(**changes)


def stopped(snapshot: Snapshot, cause: str, at: Any) -> Snapshot:
    """Every source of ``snapshot`` marked failed with ``cause``, keeping its data and its age."""
    sources = {
        name: dataclasses.replace(state, status=SourceStatus.ERROR, attempted_at=at, message=cause, action="")
        for name, state in snapshot.sources.items()
    }
    return snapshot.with_changes(sources=sources)
