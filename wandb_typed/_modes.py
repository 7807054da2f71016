"""Sync and async from one definition: the ``Sync``/``Async`` mode parameter and ``@op``.

Every resource class is generic over a mode ``M`` (default :class:`Sync`). Its
I/O methods are written once, as step generators (see ``_steps``), and decorated
with :class:`op`. Reading the method through a ``Thing[Sync]`` gives a function
that returns the value; through a ``Thing[Async]`` a function that returns an
awaitable. Type checkers see exactly that, parameters included:

    class Run(Bound[M]):
        @op
        def update(self) -> Steps[None]: ...

    run.update()              # Run (= Run[Sync]): returns None
    await arun.update()       # Run[Async]: returns Awaitable[None]
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Concatenate, Generic, cast, overload

from typing_extensions import ParamSpec, Self, TypeVar

from ._steps import AsyncRunner, Runner, Steps, SyncRunner

if TYPE_CHECKING:
    from .api import ApiBase

__all__ = ["Async", "Bound", "M", "Owned", "Sync", "op", "op_property"]


class Sync:
    """Mode marker: I/O methods block and return their value."""


class Async:
    """Mode marker: I/O methods return awaitables."""


M = TypeVar("M", bound="Sync | Async", default=Sync)
P = ParamSpec("P")
T = TypeVar("T")
S = TypeVar("S")


class Bound(Generic[M]):
    """Base of objects that can do I/O: they know the runner of their ``Api``."""

    __slots__ = ()

    @property
    def _runner(self) -> Runner:
        raise NotImplementedError

    def _sync_runner(self) -> SyncRunner:
        runner = self._runner
        if not isinstance(runner, SyncRunner):
            raise TypeError(f"{type(self).__name__} belongs to an AsyncApi; use `async for`")
        return runner

    def _async_runner(self) -> AsyncRunner:
        runner = self._runner
        if not isinstance(runner, AsyncRunner):
            raise TypeError(f"{type(self).__name__} belongs to a sync Api; use `for`")
        return runner


class Owned(Bound[M]):
    """An object fetched through an Api (a project, run, sweep, ...): it does its I/O
    with that Api's runner, kept in ``_api``."""

    __slots__ = ()
    _api: ApiBase[M]

    @property
    def _runner(self) -> Runner:
        return self._api._runner


class op(Generic[S, P, T]):
    """Turn a step-generator method into a blocking or an async method, by mode."""

    def __init__(self, fn: Callable[Concatenate[S, P], Steps[T]]) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__  # help() and IDEs show the method's own docstring

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: Bound[Sync], owner: type[Any]) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: Bound[Async], owner: type[Any]) -> Callable[P, Awaitable[T]]: ...
    def __get__(self, obj: Bound[Any] | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        fn, run = self.fn, obj._runner.run

        @functools.wraps(fn)
        def bound(*args: Any, **kwargs: Any) -> Any:
            return run(fn(cast(S, obj), *args, **kwargs))

        return bound


class op_property(Generic[S, T]):
    """A read-only property whose value needs I/O: ``api.viewer`` / ``await aapi.viewer``."""

    def __init__(self, fn: Callable[[S], Steps[T]]) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__  # help() and IDEs show the method's own docstring

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: Bound[Sync], owner: type[Any]) -> T: ...
    @overload
    def __get__(self, obj: Bound[Async], owner: type[Any]) -> Awaitable[T]: ...
    def __get__(self, obj: Bound[Any] | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        return obj._runner.run(self.fn(cast(S, obj)))
