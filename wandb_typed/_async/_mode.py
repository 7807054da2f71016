"""What the async facade needs that cannot be generated from it: written by hand,
once per mode (the sync twin is ``wandb_typed/_sync/_mode.py``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from .._core.files import Stop
from ..errors import UsageError

__all__ = ["AsyncCollectionOps", "run_bounded", "same_loop", "sleep"]

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
