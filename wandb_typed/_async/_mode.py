"""What the async facade needs that cannot be generated from it: written by hand,
once per mode (the sync twin is ``wandb_typed/_sync/_mode.py``)."""

from __future__ import annotations

from typing import Generic, TypeVar

__all__ = ["AsyncCollectionOps", "sleep"]

T = TypeVar("T")


async def sleep(seconds: float) -> None:
    """Wait before a retry."""
    import asyncio  # here, not at the top: importing wandb_typed stays light

    await asyncio.sleep(seconds)


class AsyncCollectionOps(Generic[T]):
    """Protocol methods of a sized collection, by mode. An async collection has no
    ``len()`` or ``[i]``, which would block the event loop: use ``await c.count()``
    and ``await c.at(i)``."""

    __slots__ = ()
