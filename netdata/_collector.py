"""Python's cyclic garbage collector paused while a fleet-sized job runs (push, build)."""

from __future__ import annotations

import gc
import threading
from contextlib import ContextDecorator


class _CollectorPaused(ContextDecorator):
    """Python's cyclic garbage collector off while a fleet run is in progress.

    A run holds every device's configuration (thousands of dicts and lists per
    device), so the collector kept traversing them: 40 % of the pusher's CPU for
    1,000 48-port leaves, 15 % of a build's Python CPU for 200, and it found
    nothing (a whole run leaves no cyclic garbage: measured, docs/push.md and
    docs/build.md). Reference counting still frees everything; the collector is
    re-enabled (if it was on) when the last concurrent run ends (one counter for
    every user: a build and a push may overlap in one process).
    """

    _lock = threading.Lock()
    _runs = 0
    _was_enabled = False

    def __enter__(self) -> _CollectorPaused:
        with self._lock:
            if _CollectorPaused._runs == 0:
                _CollectorPaused._was_enabled = gc.isenabled()
                gc.disable()
            _CollectorPaused._runs += 1
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            _CollectorPaused._runs -= 1
            if _CollectorPaused._runs == 0 and _CollectorPaused._was_enabled:
                gc.enable()


collector_paused = _CollectorPaused()
"""A context manager and decorator: the collector is off while any user is inside."""
