"""What the sync facade needs that is not generated from the async one: written by
hand, once per mode (the async twin is ``wandb_typed/_async/_mode.py``)."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Generic, TypeVar, overload

from .._core.files import Stop, Stopped

__all__ = ["Ahead", "CollectionOps", "run_bounded", "same_loop", "sleep"]

T = TypeVar("T")


#: In a thread running a fetch ahead (:class:`Ahead`): the event that abandons it.
_ABANDON: ContextVar[threading.Event | None] = ContextVar("wandb_typed_abandon", default=None)


class _Abandoned(Exception):
    """A fetch running ahead was abandoned during a retry's wait: no further attempt."""


def sleep(seconds: float) -> None:
    """Wait before a retry; in a fetch running ahead that was abandoned meanwhile,
    stop instead (so no request is sent after the caller is gone)."""
    abandon = _ABANDON.get()
    if abandon is None:
        time.sleep(seconds)
    elif abandon.wait(seconds):
        raise _Abandoned


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


def run_bounded(jobs: Sequence[Callable[[], None]], limit: int, stop: Stop) -> None:
    """Run ``jobs`` with at most ``limit`` running at a time, on ``limit`` threads (one
    job, or ``limit`` 1, runs in the calling thread). The first error sets ``stop``,
    so the jobs still running end at their next chunk (each deletes its partial
    file); every thread is joined, then the error is raised. ``KeyboardInterrupt``
    in the calling thread does the same.

    Plain threads rather than a ``ThreadPoolExecutor``: a thread is recorded before
    it starts, so one started while Ctrl-C lands is still joined (the executor records
    it only after ``start()`` returns)."""
    import threading

    if not jobs:
        return
    workers = min(limit, len(jobs))
    if workers == 1:
        for job in jobs:
            job()
        return
    pending = iter(jobs)
    lock = threading.Lock()
    finished = threading.Event()  # every worker is done, or one failed
    errors: list[BaseException] = []
    running = [workers]

    def worker() -> None:
        try:
            while not stop.is_set:
                with lock:
                    job = next(pending, None)
                if job is None:
                    return
                job()
        except Stopped:
            pass
        except BaseException as exc:  # re-raised in the calling thread
            with lock:
                errors.append(exc)
            stop.set()
            finished.set()
        finally:
            with lock:
                running[0] -= 1
                if running[0] == 0:
                    finished.set()

    threads: list[threading.Thread] = []
    try:
        for n in range(workers):
            thread = threading.Thread(target=worker, name=f"wandb-typed-transfer-{n}", daemon=True)
            threads.append(thread)
            thread.start()
        finished.wait()
    except BaseException:
        stop.set()
        raise
    finally:
        for thread in threads:
            if thread.ident is not None:
                thread.join()
    if errors:
        raise errors[0]


class Ahead(Generic[T]):
    """At most one fetch running ahead of the caller (a paginator's next page): a
    worker thread. :meth:`cancel` abandons it (a retry's wait ends at once and no
    further attempt is sent) and joins the thread, so once a walk is closed
    (``break``, an exception, Ctrl-C, ``close()``) nothing it started is running. A
    request already in flight is let finish: a blocking socket cannot be interrupted
    (the async twin cancels its task)."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._abandon = threading.Event()
        self._key: object = None
        self._result: list[T] = []
        self._error: list[BaseException] = []

    def start(self, key: object, fetch: Callable[[], T]) -> None:
        """Start ``fetch()`` on a thread; :meth:`take` with the same ``key`` gets its result."""
        abandon, result, error = threading.Event(), list[T](), list[BaseException]()
        context = contextvars.copy_context()
        context.run(_ABANDON.set, abandon)

        def run() -> None:
            if abandon.is_set():  # abandoned before this thread ran: send nothing
                return
            try:
                result.append(context.run(fetch))
            except BaseException as exc:  # handed to take(), in the caller's thread
                error.append(exc)

        thread = threading.Thread(target=run, name="wandb-typed-prefetch", daemon=True)
        self._key, self._thread, self._abandon = key, thread, abandon
        self._result, self._error = result, error
        thread.start()

    def holds(self, key: object) -> bool:
        """Whether the fetch running ahead is the one for ``key``."""
        return self._thread is not None and self._key == key

    def take(self) -> T:
        """The result of the fetch started last (its error, if it failed)."""
        thread, self._thread = self._thread, None
        assert thread is not None, "take() without start()"
        thread.join()
        if self._error:
            raise self._error[0]
        return self._result[0]

    def stop(self) -> None:
        """Abandon the fetch running ahead, if any, without waiting (:meth:`cancel` waits):
        a walk with several fetches ahead stops them all before it joins any."""
        if self._thread is not None:
            self._abandon.set()

    def cancel(self) -> None:
        """Abandon the fetch running ahead, if any, and wait until its thread has ended."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._abandon.set()
            thread.join()
