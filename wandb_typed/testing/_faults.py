"""Deterministic fault injection for ``POST /graphql`` and the file routes.

A :class:`FaultPlan` decides, request by request, whether to fail it and how.
Decisions come from a ``random.Random(seed)``, so a given plan fails the same
requests on every run.  The plan is mutable while the server runs::

    server.faults.rate = 0.2               # 20% of GraphQL requests fail from now on
    server.faults.fail_next("429", "500")  # the next two GraphQL requests fail, in order
    server.faults.fail_next("503", target="RunPage")               # one named operation
    server.faults.fail_next("reset", target="GET /artifact-files")  # one route
    server.faults.injected["429"]          # how many 429s were sent so far

Routes are named as the request log and ``/_local/stats`` name them: ``GET /files``,
``PUT /files``, ``GET /artifact-files``, ``GET /artifact-manifests``,
``GET /artifacts``. A route fails only when a fault targets it, or when it is listed
in ``routes`` (then ``rate`` applies to it too).

Kinds:

``"500"``/``"502"``/``"503"``
    That HTTP status with a JSON ``{"errors": [...]}`` body.
``"429"``
    Rate limited, with ``Retry-After: <retry_after>`` (seconds).
``"reset"``
    The TCP connection is dropped without a response (RST).
``"slow"``
    The request waits ``slow_seconds`` (or until :meth:`FaultPlan.release_slow`)
    and then answers normally.
``"truncated"``
    Status 200 and only the first half of the body.
``"non_json"``
    Status 200 with an HTML error page (as some proxies do).

With ``when="before"`` a failed request is not executed; with ``"after"`` it is
executed (a mutation takes effect) and then the response is lost or replaced.
``operations`` limits faults to those GraphQL operation names.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["ALL_KINDS", "FaultKind", "FaultPlan"]

FaultKind = Literal["500", "502", "503", "429", "reset", "slow", "truncated", "non_json"]

ALL_KINDS: tuple[FaultKind, ...] = (
    "500",
    "502",
    "503",
    "429",
    "reset",
    "slow",
    "truncated",
    "non_json",
)


@dataclass
class FaultPlan:
    """Which ``/graphql`` requests to fail, and how (see the module docstring)."""

    rate: float = 0.0
    kinds: tuple[str, ...] = ALL_KINDS
    seed: int = 0
    retry_after: float = 1.0
    slow_seconds: float = 2.0
    when: Literal["before", "after"] = "before"
    operations: Collection[str] | None = None
    routes: Collection[str] = ()
    injected: Counter[str] = field(default_factory=Counter)
    _forced: list[tuple[str, str | None]] = field(default_factory=list, repr=False)
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _released: threading.Event = field(default_factory=threading.Event, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._check(self.kinds)

    @staticmethod
    def _check(kinds: Collection[str]) -> None:
        unknown = [k for k in kinds if k not in ALL_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; expected some of {ALL_KINDS}")

    def fail_next(self, *kinds: str, target: str | None = None) -> None:
        """Fail the next matching requests with these kinds, in order (ignores ``rate``):
        GraphQL requests, or only those of ``target``, an operation name (``RunPage``)
        or a route (``GET /artifact-files``)."""
        self._check(kinds)
        with self._lock:
            self._forced.extend((kind, target) for kind in kinds)

    def reset(self, *, seed: int | None = None) -> None:
        """Forget counters and queued faults; restart the random sequence."""
        with self._lock:
            if seed is not None:
                self.seed = seed
            self._rng = random.Random(self.seed)
            self._forced.clear()
            self.injected.clear()

    def pick(self, operation_name: str | None) -> str | None:
        """The fault for this GraphQL request, or ``None`` to serve it normally."""
        targeted = self._take_forced(operation_name)
        if targeted is not None:
            return targeted
        if self.operations is not None and operation_name not in self.operations:
            return None
        return self._take(untargeted=True)

    def pick_route(self, route: str) -> str | None:
        """The fault for a request of a file route (``GET /artifact-files``), or ``None``:
        only faults that target the route, or ``rate`` where ``routes`` lists it."""
        targeted = self._take_forced(route)
        if targeted is not None or route not in self.routes:
            return targeted
        return self._take(untargeted=False)

    def _take_forced(self, target: str | None) -> str | None:
        if target is None:
            return None
        with self._lock:
            for i, (kind, wanted) in enumerate(self._forced):
                if wanted == target:
                    del self._forced[i]
                    self.injected[kind] += 1
                    return kind
        return None

    def _take(self, *, untargeted: bool) -> str | None:
        with self._lock:
            forced = [i for i, (_, wanted) in enumerate(self._forced) if wanted is None]
            if untargeted and forced:
                kind = self._forced.pop(forced[0])[0]
            elif self.rate > 0 and self.kinds and self._rng.random() < self.rate:
                kind = self._rng.choice(list(self.kinds))
                self._check([kind])
            else:
                return None
            self.injected[kind] += 1
            return kind

    async def wait_slow(self) -> None:
        """A ``slow`` request's wait: ``slow_seconds``, or less once released."""
        deadline = time.monotonic() + self.slow_seconds
        while not self._released.is_set() and (left := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(left, 0.01))

    def release_slow(self) -> None:
        """End every ``slow`` wait now and skip later ones: a test that holds requests
        with a long ``slow_seconds`` (so a client timeout fires first, however busy the
        machine) lets them finish before the server stops."""
        self._released.set()

    @property
    def total_injected(self) -> int:
        """How many faults have been injected so far, all kinds together."""
        return sum(self.injected.values())
