"""What the async facade needs that cannot be generated from it: written by hand,
once per mode (the sync twin is ``wandb_typed/_sync/_mode.py``)."""

from __future__ import annotations

from typing import Generic, TypeVar

from ..errors import UsageError

__all__ = ["AsyncCollectionOps", "same_loop", "sleep"]

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
