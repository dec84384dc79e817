"""Typed messages from the live session's workers to the app's handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from skafu_tui.snapshot import Snapshot


@dataclass
class SnapshotReady(Message):
    """A poll completed; the assessment follows in :class:`AssessmentReady`."""

    snapshot: Snapshot


@dataclass
class AssessmentReady(Message):
    """A new assessment (computed off the event loop) is ready to draw."""

    snapshot: Snapshot
    assessment: Any


@dataclass
class SessionStatus(Message):
    """The live session's own state in words: connecting, demo starting, failed to start."""

    text: str
    failed: bool = False
