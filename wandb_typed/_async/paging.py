"""Lazy collections over Relay connections: :class:`AsyncPaginator` and
:class:`AsyncSizedPaginator`.

A collection fetches nothing until it is iterated. Every ``async for`` starts a
fresh walk from the first page (or from the cursor it was created with) and holds
one page at a time. ``pages()`` yields whole :class:`Page` objects whose
``end_cursor`` lets a later walk resume with :meth:`AsyncPaginator.from_cursor`.
Within one walk an item seen on an earlier page is not yielded again, and a server
that does not make progress raises :class:`PaginationError` (see
:class:`~wandb_typed._core.paging.Walk`).
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Generic, TypeVar, overload

from typing_extensions import Self

from .._core.checks import check_int
from .._core.paging import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    Page,
    PageSizer,
    Walk,
    check_index,
    check_per_page,
    check_total,
)
from ._mode import AsyncAhead, AsyncCollectionOps

__all__ = ["AsyncPaginator", "AsyncSizedPaginator", "FetchPage"]

T = TypeVar("T")

#: Pages of an uncounted listing that ``count()`` keeps for the next walk.
MAX_STASHED_PAGES = 20

#: Fetch one page: ``(cursor, page size) -> Page``.
FetchPage = Callable[[str | None, int], Awaitable[Page[T]]]


class AsyncPaginator(Generic[T]):
    """A lazy, re-iterable collection backed by a Relay connection."""

    def __init__(
        self,
        fetch: FetchPage[T],
        *,
        per_page: int,
        what: str,
        start: str | None = None,
        key: Callable[[T], object] | None = None,
        max_per_page: int = MAX_PER_PAGE,
    ) -> None:
        self._fetch = fetch
        self.per_page: int = check_per_page(per_page, maximum=max_per_page)
        """Items per request."""
        self.start: str | None = start
        """The cursor this collection starts after (``None``: the beginning)."""
        self._what = what
        self._key = key
        self._max_per_page = max_per_page
        # The default call (no per_page given) adapts its page size up to the server's
        # maximum; an explicit per_page is the largest page asked for.
        self._adaptive = per_page is DEFAULT_PER_PAGE
        self.prefetch: bool = True
        """Fetch the next page while the caller works on one (set ``False`` to fetch
        only when asked)."""
        # Pages count() fetched, as (cursor, page), for the next walk to reuse once.
        self._stash: list[tuple[str | None, Page[T]]] = []

    def __repr__(self) -> str:
        start = f", start={self.start!r}" if self.start else ""
        return f"<{type(self).__name__} {self._what} per_page={self.per_page}{start} (lazy)>"

    def from_cursor(self, cursor: str | None) -> Self:
        """The same collection, starting after ``cursor`` (a ``Page.end_cursor``)."""
        clone = copy.copy(self)
        clone.start = cursor
        clone._stash = []
        return clone

    def _walk(self) -> Walk[T]:
        return Walk(self.start, self._key, self._what)

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        loop = self._loop()
        try:
            while (page := await self._next(loop)) is not None:
                for item in page.items:
                    yield item
        finally:
            await loop.ahead.cancel()  # now, not when collected

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Iterate whole pages; each one's ``end_cursor`` resumes after it.

        While the caller works on a page, the next one is already being fetched (one
        page ahead, no more, from the second page on); closing the iteration
        (``break``, an exception, ``aclose()``) cancels it. The page size adapts as pages come back
        (:class:`~wandb_typed._core.paging.PageSizer`); the items do not depend on it.
        """
        loop = self._loop()
        try:
            while (page := await self._next(loop)) is not None:
                yield page
        finally:
            await loop.ahead.cancel()

    def _loop(self) -> _PageLoop[T]:
        sizer = PageSizer(self.per_page, self._max_per_page, adaptive=self._adaptive)
        return _PageLoop(self._walk(), sizer)

    async def _next(self, loop: _PageLoop[T]) -> Page[T] | None:
        """The next page of a walk (its new items), or ``None`` after the last; starts
        fetching the one after it."""
        walk, sizer, ahead = loop.walk, loop.sizer, loop.ahead
        if walk.done:
            return None
        if self._stashed(walk.cursor) and (walk.started or not self.start):
            page = self._stash.pop(0)[1]
            sizer.observe(self.per_page, len(page.items), 0.0)
        else:
            self._stash = []
            if ahead.holds(walk.cursor):
                page, asked, seconds = await ahead.take()
            else:
                page, asked, seconds = await self._timed(walk.cursor, sizer.size)
            sizer.observe(asked, len(page.items), seconds)
        page = walk.accept(page)
        loop.pages += 1
        # From the second page on: a caller that stops within the first page (the first
        # item, next(iter(...))) costs one request, as it did before prefetch.
        if loop.pages > 1 and not walk.done and self.prefetch and not self._stashed(walk.cursor):
            ahead.start(walk.cursor, partial(self._timed, walk.cursor, sizer.size))
        return page

    def _stashed(self, cursor: str | None) -> bool:
        return bool(self._stash) and self._stash[0][0] == cursor

    async def _timed(self, cursor: str | None, size: int) -> tuple[Page[T], int, float]:
        """One page, the size asked and the seconds it took."""
        t0 = PageSizer.clock()
        page = await self._fetch(cursor, size)
        return page, size, PageSizer.clock() - t0

    async def first_page(self) -> Page[T]:
        """Fetch just the first page."""
        return await self._fetch(self.start, self.per_page)

    async def take(self, n: int) -> list[T]:
        """The first ``n`` items (fetching only as many pages as that needs)."""
        n = check_int(n, "take(n): n", 0)
        walk, out = self._walk(), list[T]()
        while not walk.done and len(out) < n:
            size = min(self.per_page, max(n - len(out), 1))
            out.extend(walk.accept(await self._fetch(walk.cursor, size)).items)
        return out[:n]


class _PageLoop(Generic[T]):
    """The state of one walk of a paginator: the walk guard, the page sizer and the
    page ahead (:meth:`AsyncPaginator._next` advances it)."""

    def __init__(self, walk: Walk[T], sizer: PageSizer) -> None:
        self.walk = walk
        self.sizer = sizer
        self.ahead: AsyncAhead[tuple[Page[T], int, float]] = AsyncAhead()
        self.pages = 0
        """Pages handed to the caller so far."""


class AsyncSizedPaginator(AsyncPaginator[T], AsyncCollectionOps[T]):
    """A :class:`AsyncPaginator` that knows its size: ``count()`` (and, on the sync
    twin, ``len()``), and items by position with ``at(i)`` (sync: ``c[i]``, ``c[a:b]``)."""

    async def count(self) -> int:
        """The number of items (ignores ``start``).

        The server's count comes with the first page, which is kept for the next
        walk, so ``list(collection)`` (which calls ``len()``) costs no extra request.
        A listing the server does not count is counted by walking it, and the next
        walk reuses the pages that walk fetched (up to ``MAX_STASHED_PAGES``).
        """
        page = await self._fetch(None, self.per_page)
        stash: list[tuple[str | None, Page[T]]] = [(None, page)]
        total = check_total(page.total, self._what)
        if total is None:
            walk = Walk(None, self._key, self._what)
            total = len(walk.accept(page).items)
            while not walk.done:
                cursor = walk.cursor
                page = await self._fetch(cursor, self.per_page)
                if len(stash) < MAX_STASHED_PAGES:
                    stash.append((cursor, page))
                total += len(walk.accept(page).items)
        if self.start is None:
            self._stash = stash
        return total

    @overload
    async def at(self, index: int) -> T: ...
    @overload
    async def at(self, index: slice[int | None, int | None, int | None]) -> list[T]: ...
    async def at(self, index: int | slice[int | None, int | None, int | None]) -> T | list[T]:
        """The item at ``index`` (negative: from the end), or the items of a slice.
        Fetches only the pages up to the last item wanted (and the count, for
        negative positions). Raises ``IndexError`` past the end."""
        checked = check_index(index)
        if isinstance(checked, slice):
            start, stop, step = checked.start, checked.stop, checked.step
            if (start or 0) < 0 or (stop is not None and stop < 0):
                start, stop, step = checked.indices(await self.count())
            head = await self.take(stop) if stop is not None else [x async for x in self]
            return head[start:stop:step]
        position = checked
        if position < 0:
            position += await self.count()
        if position >= 0:
            head = await self.take(position + 1)
            if len(head) > position:
                return head[position]
        raise IndexError(f"{self._what}: index {checked} is out of range")
