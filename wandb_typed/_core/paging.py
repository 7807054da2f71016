"""Paging bookkeeping shared by both modes: pages, the walk guard, de-duplication.

A :class:`Walk` is the state of one pass over a collection. It accepts each page,
drops items already seen on an earlier page of the same walk, and stops a server
that will not make progress: a cursor that does not advance, or several pages in a
row that bring nothing new (a server repeating the same items under fresh cursors),
raise :class:`~wandb_typed.errors.PaginationError` instead of looping forever.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, cast

from ..errors import InputError, PaginationError, ResponseValidationError
from .checks import check_int

__all__ = [
    "DEFAULT_PER_PAGE",
    "MAX_PER_PAGE",
    "Page",
    "PageSizer",
    "Walk",
    "check_per_page",
    "check_total",
    "page_of",
]

T = TypeVar("T")
N = TypeVar("N")
N_co = TypeVar("N_co", covariant=True)

MAX_PER_PAGE = 1000
#: Pages in a row that may bring no new item before a walk gives up.
MAX_STALLED_PAGES = 5
#: A server count above this is not a count (``len()`` must fit in a C ssize_t).
MAX_TOTAL = 2**62
#: A page answered faster than this may grow (seconds, request to parsed page).
FAST_PAGE_SECONDS = 1.0
#: A page slower than this shrinks the next one.
SLOW_PAGE_SECONDS = 4.0


class _DefaultPageSize(int):
    """The ``per_page`` a listing gets when the caller gives none: an ``int`` (50) that is
    its own object, so ``per_page is DEFAULT_PER_PAGE`` tells the default call (whose
    page size adapts) from an explicit ``per_page=50`` (an upper bound)."""

    __slots__ = ()


DEFAULT_PER_PAGE: int = _DefaultPageSize(50)
"""The default ``per_page`` of listings whose page size adapts (see :class:`PageSizer`):
50, told apart from an explicit ``per_page=50`` by identity."""


class PageSizer:
    """The page size of one walk, adapted to how pages come back (sans-I/O: the caller
    reports each page's item count and seconds).

    A walk starts at ``per_page``. With ``adaptive`` (the default call), a full page
    answered in under :data:`FAST_PAGE_SECONDS` doubles the next one (quadruples it when
    under a quarter of that), up to ``cap``, what the server allows; otherwise
    ``per_page`` is the cap, an explicit upper bound. A page slower than
    :data:`SLOW_PAGE_SECONDS` halves the next (never below one item). The size never
    changes which items come back: the next page starts after the last cursor, whatever
    its size.
    """

    @staticmethod
    def clock() -> float:
        """The clock pages are timed with (a test replaces it to drive the adaptation)."""
        return time.monotonic()

    def __init__(self, per_page: int, cap: int, *, adaptive: bool) -> None:
        self.size = per_page
        self.cap = cap if adaptive else per_page
        self.sizes: list[int] = []
        """The size asked for each page so far (for tests and benchmarks)."""

    def observe(self, asked: int, got: int, seconds: float) -> None:
        """Record a page of ``got`` items (``asked`` for) that took ``seconds``."""
        self.sizes.append(asked)
        if seconds > SLOW_PAGE_SECONDS:
            self.size = max(1, asked // 2)
        elif got >= asked and seconds < FAST_PAGE_SECONDS:
            factor = 4 if seconds < FAST_PAGE_SECONDS / 4 else 2
            self.size = min(self.cap, max(self.size, asked * factor))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a collection. ``end_cursor`` resumes after it."""

    items: tuple[T, ...]
    end_cursor: str | None
    has_next_page: bool
    total: int | None = None
    """The server's count of the whole collection (first pages of counted listings)."""


class _PageInfo(Protocol):
    @property
    def end_cursor(self) -> str | None: ...
    @property
    def has_next_page(self) -> bool: ...


class _Edge(Protocol[N_co]):
    @property
    def node(self) -> N_co | None: ...


class _Connection(Protocol[N_co]):
    """The shape every generated Relay connection model has."""

    @property
    def edges(self) -> Sequence[_Edge[N_co]]: ...
    @property
    def page_info(self) -> _PageInfo: ...


def page_of(
    conn: _Connection[N] | None, convert: Callable[[N], T], total: int | None = None
) -> Page[T]:
    """A :class:`Page` from a generated connection: null nodes are skipped, and the
    cursor is the last edge's where edges carry one (as the official client pages
    runs, files and reports), else ``pageInfo.endCursor``. No connection is an empty
    last page."""
    if conn is None:
        return Page((), None, False, total)
    items = tuple(convert(e.node) for e in conn.edges if e.node is not None)
    last = getattr(conn.edges[-1], "cursor", None) if conn.edges else None
    return Page(items, last or conn.page_info.end_cursor, conn.page_info.has_next_page, total)


def check_per_page(per_page: object, what: str = "per_page", maximum: int = MAX_PER_PAGE) -> int:
    """Validate a page size before any request is sent."""
    return check_int(per_page, what, 1, maximum)


def check_total(total: int | None, what: str) -> int | None:
    """A server count, checked: a negative or absurd count is a bad response."""
    if total is not None and not 0 <= total <= MAX_TOTAL:
        raise ResponseValidationError(f"{what}: the server's count {total} is not a valid count")
    return total


def check_index(index: object) -> int | slice:
    """An item index or slice for ``collection[i]`` / ``at(i)``."""
    if isinstance(index, slice):
        bounds = cast("tuple[object, object, object]", (index.start, index.stop, index.step))
        for part in bounds:
            if part is not None and (isinstance(part, bool) or not isinstance(part, int)):
                raise InputError(f"slice bounds must be ints or None, got {part!r}")
        start, stop, step = cast("tuple[int | None, int | None, int | None]", bounds)
        if step is not None and step < 1:
            raise InputError(f"slice step must be >= 1, got {step}")
        return slice(start, stop, step)
    if isinstance(index, bool) or not isinstance(index, int):
        raise InputError(f"index must be an int or a slice, got {type(index).__name__}")
    return index


class Walk(Generic[T]):
    """The state of one walk: cursor, loop guard and de-duplication."""

    def __init__(
        self,
        start: str | None,
        key: Callable[[T], object] | None,
        what: str,
        max_stalled: int | None = MAX_STALLED_PAGES,
    ) -> None:
        self.cursor = start
        self.done = False
        self.started = False
        self._key = key
        self._what = what
        self._max_stalled = max_stalled
        self._seen_cursors: set[str] = set() if start is None else {start}
        self._seen_keys: set[object] = set()
        self._stalled = 0

    def accept(self, page: Page[T]) -> Page[T]:
        """Record ``page`` and return it without items seen before; raise
        :class:`PaginationError` when the server makes no progress."""
        self.started = True
        items = page.items
        if self._key is not None:
            fresh: list[T] = []
            for item in items:
                k = self._key(item)
                if k not in self._seen_keys:
                    self._seen_keys.add(k)
                    fresh.append(item)
            if len(fresh) != len(items):
                items = tuple(fresh)
        self._stalled = 0 if items else self._stalled + 1
        if not page.has_next_page:
            self.done = True
        elif page.end_cursor is None or page.end_cursor in self._seen_cursors:
            raise PaginationError(
                f"{self._what}: the server said more pages follow but its cursor did not advance "
                f"(cursor {page.end_cursor!r}); stopping instead of looping forever"
            )
        elif self._max_stalled is not None and self._stalled >= self._max_stalled:
            raise PaginationError(
                f"{self._what}: {self._stalled} pages in a row brought no new item; "
                "stopping instead of looping forever"
            )
        else:
            self._seen_cursors.add(page.end_cursor)
            self.cursor = page.end_cursor
        if items is page.items:
            return page
        return Page(items, page.end_cursor, page.has_next_page, page.total)
