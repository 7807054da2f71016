"""What the sync facade needs that is not generated from the async one: written by
hand, once per mode (the async twin is ``wandb_typed/_async/_mode.py``)."""

from __future__ import annotations

import time
from typing import Generic, TypeVar, overload

__all__ = ["CollectionOps", "same_loop", "sleep"]

T = TypeVar("T")


def sleep(seconds: float) -> None:
    """Wait before a retry."""
    time.sleep(seconds)


def same_loop(bound: object | None) -> object | None:
    """No event loop in the blocking client: nothing to check."""
    return None


class CollectionOps(Generic[T]):
    """Protocol methods of a sized collection, by mode: ``len(c)`` is ``c.count()``
    and ``c[i]`` / ``c[a:b]`` is ``c.at(...)``, as the official client allows."""

    __slots__ = ()

    def count(self) -> int:
        """The number of items (implemented by the collection)."""
        raise NotImplementedError

    @overload
    def at(self, index: int) -> T: ...
    @overload
    def at(self, index: slice[int | None, int | None, int | None]) -> list[T]: ...
    def at(self, index: int | slice[int | None, int | None, int | None]) -> T | list[T]:
        """The item at ``index``, or the items of a slice (implemented by the collection)."""
        raise NotImplementedError

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice[int | None, int | None, int | None]) -> list[T]: ...
    def __getitem__(self, index: int | slice[int | None, int | None, int | None]) -> T | list[T]:
        return self.at(index)
