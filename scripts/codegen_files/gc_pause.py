"""Pause the cyclic garbage collector while a response is decoded and validated.

Copied into the generated package by ariadne-codegen (``files_to_include``); the
source of truth is ``scripts/codegen_files/gc_pause.py``. It imports nothing heavy,
so the facade can use it without importing the models.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Generator
from contextlib import contextmanager
from contextvars import ContextVar

_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


def _pause() -> None:
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1


def _resume() -> None:
    global _gc_pauses
    with _gc_lock:
        _gc_pauses -= 1
        if _gc_pauses == 0 and _gc_was_enabled:
            gc.enable()


class ReplyPause:
    """A pause of the collector that begins when a reply has been decoded and ends
    when the block of :func:`gc_paused_from_reply` does (or at :meth:`end`)."""

    __slots__ = ("_state",)

    def __init__(self) -> None:
        self._state = 0  # 0: waiting for a reply, 1: paused, 2: over

    def take_over(self) -> bool:
        """Take over a pause that a decode began (once)."""
        if self._state != 0:
            return False
        self._state = 1
        return True

    def end(self) -> None:
        """End the pause now (e.g. before more network I/O); nothing more is taken over."""
        if self._state == 1:
            _resume()
        self._state = 2


_reply_pause: ContextVar[ReplyPause | None] = ContextVar("wandb_typed_reply_pause", default=None)


@contextmanager
def paused_gc() -> Generator[None, None, None]:
    """Pause the cyclic garbage collector while a response is decoded and validated.

    Decoding a page builds many containers but no reference cycles; a collector that
    runs meanwhile re-scans the whole growing page again and again (measured: about
    40% of the CPU of decoding a 1,000-run page). Re-entrant and thread-safe: the
    collector resumes when the last pause ends, and only if it was on when the first
    began. Inside :func:`gc_paused_from_reply`, a pause that ends normally is handed
    over to that block instead of ending (an error ends it as usual).
    """
    _pause()
    handed = False
    try:
        yield
        waiting = _reply_pause.get()
        handed = waiting is not None and waiting.take_over()
    finally:
        if not handed:
            _resume()


@contextmanager
def gc_paused_from_reply() -> Generator[ReplyPause, None, None]:
    """Keep the collector paused from the moment the block's reply is decoded (the
    first :func:`paused_gc` in it to end normally) until the block ends.

    A listing's page goes through three steps that each pause the collector (decode,
    validation, building the page's objects); between two pauses, the collector would
    scan everything the step before allocated (the whole decoded page) only to find
    it alive. Held from the decode to the built page, it scans what survives, once.
    The wait for the reply itself runs with the collector on.
    """
    pause = ReplyPause()
    token = _reply_pause.set(pause)
    try:
        yield pause
    finally:
        _reply_pause.reset(token)
        pause.end()
