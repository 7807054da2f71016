"""One generic lazy collection for Relay connections.

A :class:`Paginator` fetches nothing until it is iterated. Every ``for`` (or
``async for``) starts a fresh walk from the first page (or from the cursor it was
created with); no page is cached on the collection, so a long walk holds one page
at a time. ``pages()`` yields whole :class:`Page` objects whose ``end_cursor``
lets a later walk resume with :meth:`Paginator.from_cursor`. Within one walk an
item seen on an earlier page is not yielded again, and a server that says there
are more pages without advancing its cursor raises :class:`PaginationError`
instead of looping forever.

:class:`SizedPaginator` adds ``len()`` (sync) and ``count()`` (both modes) from
the server's own count.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, overload

from typing_extensions import Self

from ._modes import Async, Bound, M, Sync, op
from ._steps import AsyncRunner, Runner, Steps
from .errors import InputError, PaginationError

__all__ = ["MAX_PER_PAGE", "Page", "Paginator", "SizedPaginator", "page_of"]

T = TypeVar("T")
MAX_PER_PAGE = 1000
_MAX_EMPTY_PAGES = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a collection. ``end_cursor`` resumes after it."""

    items: tuple[T, ...]
    end_cursor: str | None
    has_next_page: bool
    total: int | None = None


FetchPage = Callable[[str | None, int], Steps[Page[T]]]

N = TypeVar("N")
N_co = TypeVar("N_co", covariant=True)


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
    if isinstance(per_page, bool) or not isinstance(per_page, int):
        raise InputError(f"{what} must be an int, got {type(per_page).__name__}")
    if not 1 <= per_page <= maximum:
        raise InputError(f"{what} must be between 1 and {maximum}, got {per_page}")
    return per_page


class _Walk(Generic[T]):
    """The state of one walk: cursor bookkeeping, loop guard and de-duplication."""

    def __init__(
        self, start: str | None, key: Callable[[T], object] | None, what: str, max_empty: int | None
    ) -> None:
        self.cursor = start
        self.done = False
        self.started = False
        self._key = key
        self._what = what
        self._max_empty = max_empty
        self._seen_cursors: set[str] = set() if start is None else {start}
        self._seen_keys: set[object] = set()
        self._empty_in_a_row = 0

    def accept(self, page: Page[T]) -> Page[T]:
        self.started = True
        items = page.items
        if self._key is not None:
            fresh = []
            for item in items:
                k = self._key(item)
                if k not in self._seen_keys:
                    self._seen_keys.add(k)
                    fresh.append(item)
            items = tuple(fresh)
        self._empty_in_a_row = 0 if page.items else self._empty_in_a_row + 1
        if not page.has_next_page:
            self.done = True
        elif page.end_cursor is None or page.end_cursor in self._seen_cursors:
            raise PaginationError(
                f"{self._what}: the server said more pages follow but its cursor did not advance "
                f"(cursor {page.end_cursor!r}); stopping instead of looping forever"
            )
        elif self._max_empty is not None and self._empty_in_a_row >= self._max_empty:
            raise PaginationError(f"{self._what}: {self._max_empty} empty pages in a row; stopping")
        else:
            self._seen_cursors.add(page.end_cursor)
            self.cursor = page.end_cursor
        if items is page.items:
            return page
        return Page(items, page.end_cursor, page.has_next_page, page.total)


class Paginator(Bound[M], Generic[T, M]):
    """A lazy, re-iterable collection backed by a Relay connection."""

    def __init__(
        self,
        owner: Bound[M],
        fetch: FetchPage[T],
        *,
        per_page: int,
        what: str,
        start: str | None = None,
        key: Callable[[T], object] | None = None,
        max_per_page: int = MAX_PER_PAGE,
        max_empty_pages: int | None = _MAX_EMPTY_PAGES,
    ) -> None:
        self._owner: Bound[M] = owner
        self._fetch = fetch
        self.per_page = check_per_page(per_page, maximum=max_per_page)
        self.start = start
        self._what = what
        self._key = key
        self._max_empty = max_empty_pages
        self._stash: Page[T] | None = None

    @property
    def _runner(self) -> Runner:
        return self._owner._runner

    def __repr__(self) -> str:
        start = f", start={self.start!r}" if self.start else ""
        return f"<{type(self).__name__} {self._what} per_page={self.per_page}{start} (lazy)>"

    def from_cursor(self, cursor: str | None) -> Self:
        """The same collection, starting after ``cursor`` (a ``Page.end_cursor``)."""
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update(self.__dict__)
        clone.start = cursor
        return clone

    def _walk(self) -> _Walk[T]:
        return _Walk(self.start, self._key, self._what, self._max_empty)

    # -- sync --------------------------------------------------------------------

    def __iter__(self: Paginator[T, Sync]) -> Iterator[T]:
        for page in self._sync_pages():
            yield from page.items

    def _next_page(self, walk: _Walk[T]) -> Steps[Page[T]]:
        """The walk's next page: the one ``count()`` just fetched, if it is that page."""
        stash, self._stash = self._stash, None
        if stash is not None and walk.cursor == self.start and not walk.started:
            page = stash
        else:
            page = yield from self._fetch(walk.cursor, self.per_page)
        return walk.accept(page)

    def _sync_pages(self) -> Iterator[Page[T]]:
        runner = self._sync_runner()
        walk = self._walk()
        while not walk.done:
            yield runner.run(self._next_page(walk))

    # -- async -------------------------------------------------------------------

    async def __aiter__(self: Paginator[T, Async]) -> AsyncIterator[T]:
        async for page in self._async_pages():
            for item in page.items:
                yield item

    async def _async_pages(self) -> AsyncIterator[Page[T]]:
        runner = self._async_runner()
        walk = self._walk()
        while not walk.done:
            yield await runner.run(self._next_page(walk))

    # -- both --------------------------------------------------------------------

    @overload
    def pages(self: Paginator[T, Sync]) -> Iterator[Page[T]]: ...
    @overload
    def pages(self: Paginator[T, Async]) -> AsyncIterator[Page[T]]: ...
    def pages(self) -> Iterator[Page[T]] | AsyncIterator[Page[T]]:
        """Iterate whole pages (``for`` or ``async for``, by mode)."""
        if isinstance(self._runner, AsyncRunner):
            return self._async_pages()
        return self._sync_pages()

    @op
    def first_page(self) -> Steps[Page[T]]:
        """Fetch just the first page."""
        return (yield from self._fetch(self.start, self.per_page))

    @op
    def take(self, n: int) -> Steps[list[T]]:
        """Fetch the first ``n`` items (only as many pages as that needs)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InputError(f"take(n): n must be an int >= 0, got {n!r}")
        walk, out = self._walk(), list[T]()
        while not walk.done and len(out) < n:
            page = walk.accept(
                (yield from self._fetch(walk.cursor, min(self.per_page, max(n - len(out), 1))))
            )
            out.extend(page.items)
        return out[:n]


class SizedPaginator(Paginator[T, M]):
    """A :class:`Paginator` whose first page carries the server's total count."""

    @op
    def count(self) -> Steps[int]:
        """The server's count of all items (ignores ``start``).

        Fetches the first page, which carries the count, and keeps it for the next
        iteration, so ``list(collection)`` (which calls ``len()``) costs no extra request.
        """
        page = yield from self._fetch(None, self.per_page)
        if self.start is None:
            self._stash = page
        if page.total is not None:
            return page.total
        walk, total = self._walk(), 0  # no server count for this listing: count the items
        walk.cursor = None
        page = walk.accept(page)
        total += len(page.items)
        while not walk.done:
            total += len(walk.accept((yield from self._fetch(walk.cursor, self.per_page))).items)
        return total

    def __len__(self: SizedPaginator[T, Sync]) -> int:
        if isinstance(self._runner, AsyncRunner):
            raise TypeError(
                f"len() needs a sync Api; with AsyncApi use `await {self._what!r}.count()`"
            )
        return self.count()
