"""Keep Python's cyclic garbage collector out of the way between a keypress and the frame answering it.

With the large state (1,000 incidents, 10,000 findings, 200 services) a full collection takes 40-300 ms
(measured in the pty drive benchmark; the app freezes its start-up objects, but render caches and polls
keep adding objects). Collections are triggered by allocation, so they land on whatever allocates: very
often a keypress (a pane switch, `enter` on an incident, `escape` back), which then takes 100-400 ms
instead of ~30. The app holds the collector for every key it receives.

:func:`hold_gc_until_painted` turns automatic collection off for one keypress and back on a moment
after the next frame has been written: a collection that was due then runs after the screen shows the
answer (while the operator reads it), instead of before. Nothing is skipped, only moved. Holds nest (a
key pressed while one is held extends it); a hold ends after :data:`MAX_HOLD_S` whatever happens, and
:func:`release_all` (the incident hub calls it when the app closes) ends every hold. Automatic
collection that something else turned off is left alone.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from textual.app import App
from textual.dom import DOMNode

SETTLE_S = 0.02
"""After the frame: time for the writer thread to hand it to the terminal before a collection may start
(a collection holds the GIL, so it would also hold back the frame's bytes)."""
MAX_HOLD_S = 1.0
"""A hold never lasts longer than this, even if no frame comes."""


class _Hold:
    """The process's one collector switch (``gc`` is per process), and who holds it."""

    def __init__(self) -> None:
        self.count = 0
        self.until = 0.0
        """Monotonic time after which every hold is over, released or not."""
        self.generation = 0
        """Bumped by :meth:`release_all`: a release from before it must not end a later hold."""

    def acquire(self) -> int | None:
        """Start a hold; its generation (to release it with), or ``None`` if not held."""
        now = time.monotonic()
        if self.count and now > self.until:
            self.release_all()  # a hold whose release never ran (its app went away)
        if not self.count:
            if not gc.isenabled():
                return None  # turned off by someone else: not ours to turn back on
            gc.disable()
        self.count += 1
        self.until = now + MAX_HOLD_S
        return self.generation

    def release(self, generation: int) -> None:
        if self.count and generation == self.generation:
            self.count -= 1
            if not self.count:
                gc.enable()

    def release_all(self) -> None:
        self.generation += 1
        if self.count:
            self.count = 0
            gc.enable()


_HOLD = _Hold()


def hold_gc_until_painted(node: DOMNode) -> None:
    """Hold automatic collection until just after the frame that follows `node`'s current message."""
    generation = _HOLD.acquire()
    if generation is None:
        return
    app: App[Any] = node.app
    done = False

    def release() -> None:
        nonlocal done
        if not done:
            done = True
            _HOLD.release(generation)

    # Runs after the next refresh of whichever screen is on top once this message is handled (the
    # detail screen after `enter`, the list after `escape`).
    node.call_after_refresh(lambda: app.set_timer(SETTLE_S, release))
    app.set_timer(MAX_HOLD_S, release)


def release_all() -> None:
    """End every hold now (the app is closing)."""
    _HOLD.release_all()


def gc_held() -> bool:
    """True while a hold keeps automatic collection off."""
    return _HOLD.count > 0
