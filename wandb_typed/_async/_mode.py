"""What the async facade needs that cannot be generated from it: written by hand,
once per mode (the sync twin is ``wandb_typed/_sync/_mode.py``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from .._core.files import Stop
from ..errors import UsageError

if TYPE_CHECKING:
    import asyncio

__all__ = ["AsyncAhead", "AsyncCollectionOps", "run_bounded", "same_loop", "sleep"]

T = TypeVar("T")


async def sleep(seconds: float) -> None:
    """Wait before a retry."""
    import asyncio  # here, not at the top: importing wandb_typed stays light

    await asyncio.sleep(seconds)


def same_loop(bound: object | None) -> object | None:
    """The running event loop; :class:`UsageError` if ``bound`` is another one (an
    AsyncApi's HTTP client belongs to the loop it first ran in)."""
    import asyncio

    try:
        loop: object | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if bound is not None and loop is not bound:
        raise UsageError(
            "this AsyncApi's HTTP client belongs to another event loop (one that ran "
            "earlier, e.g. a previous asyncio.run()); create the AsyncApi inside the "
            "event loop that uses it, e.g. `async with AsyncApi() as api:` in each "
            "asyncio.run()"
        )
    return loop


class AsyncCollectionOps(Generic[T]):
    """Protocol methods of a sized collection, by mode. An async collection has no
    ``len()`` or ``[i]``, which would block the event loop: use ``await c.count()``
    and ``await c.at(i)``."""

    __slots__ = ()


async def run_bounded(
    jobs: Sequence[Callable[[], Awaitable[None]]], limit: int, stop: Stop
) -> None:
    """Run ``jobs`` with at most ``limit`` running at a time (``limit`` tasks take
    them in order). The first error cancels the jobs still running, waits for them
    to end (each deletes its partial file) and is raised; so is a cancellation of
    the caller. ``stop`` is set whenever the whole does not complete."""
    import asyncio

    if not jobs:
        return
    pending = iter(jobs)

    async def worker() -> None:
        for job in pending:  # a shared iterator: each job is taken once
            await job()

    tasks = [asyncio.ensure_future(worker()) for _ in range(min(limit, len(jobs)))]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        failed = [t for t in done if not t.cancelled() and t.exception() is not None]
        if failed:
            error = failed[0].exception()
            assert error is not None
            raise error
    except BaseException:
        stop.set()
        raise
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class AsyncAhead(Generic[T]):
    """At most one fetch running ahead of the caller (a paginator's next page): an
    asyncio task. :meth:`cancel` cancels it and waits for it to end, so once a walk
    is closed (``break``, an exception, ``aclose()``, cancellation) nothing it started
    is still running and no request of it is sent any more (the sync twin runs the
    fetch on a thread)."""

    def __init__(self) -> None:
        self._task: asyncio.Future[T] | None = None
        self._key: object = None

    def start(self, key: object, fetch: Callable[[], Awaitable[T]]) -> None:
        """Start ``fetch()`` now; :meth:`take` with the same ``key`` gets its result."""
        import asyncio

        async def run() -> T:
            return await fetch()

        self._key, self._task = key, asyncio.ensure_future(run())

    def holds(self, key: object) -> bool:
        """Whether the fetch running ahead is the one for ``key``."""
        return self._task is not None and self._key == key

    async def take(self) -> T:
        """The result of the fetch started last (its error, if it failed)."""
        task, self._task = self._task, None
        assert task is not None, "take() without start()"
        return await task

    def stop(self) -> None:
        """Cancel the fetch running ahead, if any, without waiting (:meth:`cancel` waits):
        a walk with several fetches ahead stops them all before it waits for any."""
        if self._task is not None:
            self._task.cancel()

    async def cancel(self) -> None:
        """Cancel the fetch running ahead, if any, and wait until it has ended."""
        import asyncio

        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
