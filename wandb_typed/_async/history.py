"""Run history: sampled rows (``run.history``), every row (``run.scan_history``),
and the sampled history of a whole collection (``runs.histories``).

A full scan ends at the run's last step as reported when the scan starts; resume
it later with ``from_cursor`` or ``min_step``. Where its windows go is decided by
:class:`~wandb_typed._core.history.ScanPlan`.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from typing_extensions import Self

from .._core.checks import check_bool, check_int, check_keys
from .._core.files import Stop
from .._core.history import (
    SCAN_WINDOWS_AHEAD,
    HistoryRow,
    ScanPlan,
    check_history_args,
    check_scan_args,
    frame,
    opening_windows,
    parse_rows,
    require_pandas,
    sampled_rows,
)
from .._core.paging import Page
from .._core.runs import RunData, RunIdentity
from ..errors import InputError, NotFoundError, WandbError
from ..types import JSONValue, PandasFrame
from ._mode import AsyncAhead, run_bounded

if TYPE_CHECKING:
    from .session import AsyncSession

__all__ = ["AsyncHistoryScan"]

#: ``runs.histories()``: how many runs' history requests are in flight at once.
HISTORIES_AT_ONCE = 8


async def history_rows(
    session: AsyncSession,
    run: RunIdentity,
    samples: int,
    keys: Sequence[str] | None,
    x_axis: str,
    stream: str,
) -> list[HistoryRow]:
    """Sampled rows of one run (see ``Run.history``)."""
    check_history_args(samples, keys, x_axis, stream)
    entity, project, name = run.entity, run.project, run.id
    if keys is None and stream == "system":
        events = await session.gql.run_system_events(
            entity=entity, project=project, name=name, samples=samples
        )
        if events.project is None or events.project.run is None:
            raise NotFoundError.of(f"run {run.path}", "RunSystemEvents")
        return parse_rows(events.project.run.events, "RunSystemEvents")
    if keys is None:
        sample = await session.gql.run_history_sample(
            entity=entity, project=project, name=name, samples=samples
        )
        if sample.project is None or sample.project.run is None:
            raise NotFoundError.of(f"run {run.path}", "RunHistorySample")
        return parse_rows(sample.project.run.history, "RunHistorySample")
    spec: JSONValue = {"keys": [x_axis, *[k for k in keys if k != x_axis]], "samples": samples}
    sampled = await session.gql.run_sampled_history(
        entity=entity, project=project, name=name, spec=spec
    )
    if sampled.project is None or sampled.project.run is None:
        raise NotFoundError.of(f"run {run.path}", "RunSampledHistory")
    return sampled_rows(sampled.project.run.sampled_history)


async def sampled_history(
    session: AsyncSession,
    run: RunIdentity,
    samples: int,
    keys: Sequence[str] | None,
    x_axis: str,
    pandas: bool,
    stream: str,
) -> PandasFrame | list[HistoryRow]:
    """``Run.history``: rows, or a DataFrame when asked for."""
    check_bool(pandas, "pandas")
    if pandas:
        require_pandas("history(pandas=True)")
    rows = await history_rows(session, run, samples, keys, x_axis, stream)
    return frame(rows, "history(pandas=True)") if pandas else rows


async def histories_of(
    session: AsyncSession,
    runs: AsyncIterable[RunIdentity],
    samples: int,
    keys: Sequence[str] | None,
    x_axis: str,
    format: str,
    stream: str,
) -> PandasFrame | list[HistoryRow]:
    """``Runs.histories``: every run's sampled rows, tagged with ``run_id``."""
    if format not in ("default", "pandas"):
        raise InputError(f"format must be 'default' or 'pandas', got {format!r}")
    check_history_args(samples, keys, x_axis, stream)
    if format == "pandas":
        require_pandas("histories(format='pandas')")
    listed = [run async for run in runs]
    found: list[list[HistoryRow]] = [[] for _ in listed]

    def job(i: int, run: RunIdentity) -> Callable[[], Awaitable[None]]:
        async def fetch() -> None:
            found[i] = await history_rows(session, run, samples, keys, x_axis, stream)

        return fetch

    # One request per run, as the official client sends, but HISTORIES_AT_ONCE of them in
    # flight: at a 50 ms round trip, 100 runs wait 0.65 s instead of 5 s. The first
    # error stops the rest (no new request starts) and is raised.
    await run_bounded([job(i, run) for i, run in enumerate(listed)], HISTORIES_AT_ONCE, Stop())
    out: list[HistoryRow] = []
    for run, rows in zip(listed, found, strict=True):
        for row in rows:
            row["run_id"] = run.id
            out.append(row)
    if format == "pandas":
        return frame(out, "histories(format='pandas')", sort_columns=True)  # as the official client
    return out


_Rows = tuple[list[HistoryRow], int]


class _Scan:
    """The state of one walk of a scan: where its windows go, the windows fetched
    ahead (contiguous, in step order), and how many pages the caller got."""

    def __init__(self, plan: ScanPlan) -> None:
        self.plan = plan
        self.ahead: deque[tuple[tuple[int, int], AsyncAhead[_Rows]]] = deque()
        self.pages = 0

    def top_up(self, fetch: Callable[[int, int], Awaitable[_Rows]], depth: int) -> None:
        """Start windows after the last one ahead until ``depth`` are in flight."""
        start = self.ahead[-1][0][1] if self.ahead else self.plan.lo
        while len(self.ahead) < depth and start < self.plan.stop:
            window = self.plan.window_from(start)
            self.launch(window, fetch)
            start = window[1]

    def launch(
        self, window: tuple[int, int], fetch: Callable[[int, int], Awaitable[_Rows]]
    ) -> None:
        """Start fetching ``window`` ahead, after the windows already in flight."""
        ahead: AsyncAhead[_Rows] = AsyncAhead()
        ahead.start(window, partial(fetch, *window))
        self.ahead.append((window, ahead))

    async def cancel(self) -> None:
        """Stop every window fetched ahead, then wait until all of them have ended."""
        pending = list(self.ahead)
        self.ahead.clear()
        for _, ahead in pending:
            ahead.stop()
        for _, ahead in pending:
            await ahead.cancel()


class AsyncHistoryScan:
    """Every history row of a run in a step range; lazy, re-iterable, resumable."""

    def __init__(
        self,
        session: AsyncSession,
        run: RunIdentity,
        keys: Sequence[str] | None = None,
        page_size: int = 1000,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> None:
        checked = check_scan_args(keys, page_size, min_step, max_step)
        self._keys = checked[0]
        self.page_size: int = checked[1]
        """Rows (at most) per request."""
        self.min_step: int = checked[2]
        """The first step of the scan."""
        self.max_step: int | None = checked[3]
        """The end of the scan (exclusive; ``None``: the run's last step)."""
        self._session = session
        self._run = run
        self.prefetch: bool = True
        """Fetch the next window while the caller works on one (``False``: only when asked)."""

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} history of {self._run.path} from step {self.min_step} "
            f"page_size={self.page_size} (lazy)>"
        )

    def from_cursor(self, cursor: str | None) -> Self:
        """The same scan, resuming where a page's ``end_cursor`` left off."""
        clone = copy.copy(self)
        if cursor is not None:
            try:
                step = int(cursor)
            except ValueError:
                raise InputError(f"a history cursor is a step number, got {cursor!r}") from None
            clone.min_step = check_int(step, "history cursor", 0)
        return clone

    def __aiter__(self) -> AsyncIterator[HistoryRow]:
        return self._rows()

    async def _rows(self) -> AsyncIterator[HistoryRow]:
        scan = await self._start()
        try:
            while (page := await self._next(scan)) is not None:
                for row in page.items:
                    yield row
        finally:
            await scan.cancel()  # now, not when collected: no window after the caller

    async def pages(self) -> AsyncIterator[Page[HistoryRow]]:
        """Iterate whole pages; ``end_cursor`` is the next step to scan. The first
        window is asked for with the run's last step, and while the caller works on one
        window the next ones are already being fetched (up to ``SCAN_WINDOWS_AHEAD``
        while the history is dense, else one); closing the iteration cancels them, and
        no request is sent after that."""
        scan = await self._start()
        try:
            while (page := await self._next(scan)) is not None:
                yield page
        finally:
            await scan.cancel()

    async def _start(self, ahead_ok: bool = True) -> _Scan:
        """A new walk. With prefetch, its first windows are asked for together with the
        run's last step (their ranges do not depend on it: rows past the end are
        dropped), so the scan starts one round trip sooner: the first window, or, when
        the run object says its history is dense, up to ``SCAN_WINDOWS_AHEAD``."""
        scan = _Scan(ScanPlan(self.min_step, self.min_step, self.page_size))
        if self.prefetch and ahead_ok:
            lines, last = self._known_history()
            for window in opening_windows(
                self.min_step, self.page_size, self.max_step, lines, last
            ):
                scan.launch(window, self._window)
        try:
            scan.plan = ScanPlan(self.min_step, await self._stop(), self.page_size)
        except BaseException:
            await scan.cancel()
            raise
        return scan

    def _known_history(self) -> tuple[int | None, int | None]:
        """Rows and last step of the run's history as its object last saw them."""
        run = self._run
        if not isinstance(run, RunData):
            return None, None
        try:
            return run.history_line_count, run.last_step
        except WandbError:  # historyKeys unreadable: the scan reads the run's again
            return None, None

    async def _next(self, scan: _Scan, ahead_ok: bool = True) -> Page[HistoryRow] | None:
        """The next complete window's rows, or ``None`` at the end; starts fetching the
        windows after it (unless ``ahead_ok`` is false)."""
        plan = scan.plan
        while not plan.done:
            if scan.ahead and _fits(scan.ahead[0][0], plan):
                # fetched ahead: narrower than the plan now asks for is fine (each such
                # window is complete); one past the run's end loses its extra rows
                window, ahead = scan.ahead.popleft()
                hi = min(window[1], plan.stop)
                rows, count = await ahead.take()
                if window[1] > hi:
                    rows = [r for r in rows if not _at_or_after(r, hi)]
            else:
                await scan.cancel()  # they start at a step the plan has moved off
                lo, hi = plan.window()
                rows, count = await self._window(lo, hi)
            if plan.observe(hi, count):
                scan.pages += 1
                if not plan.done and self.prefetch and ahead_ok:
                    scan.top_up(self._window, SCAN_WINDOWS_AHEAD if plan.steady else 1)
                return Page(tuple(rows), str(plan.lo), not plan.done)
        return None

    async def take(self, n: int) -> list[HistoryRow]:
        """The first ``n`` rows."""
        n = check_int(n, "take(n): n", 0)
        out: list[HistoryRow] = []
        if n == 0:
            return out
        scan = await self._start(False)
        try:
            while len(out) < n and (page := await self._next(scan, False)) is not None:
                out.extend(page.items)
        finally:
            await scan.cancel()
        return out[:n]

    async def _stop(self) -> int:
        """The end of the scan: ``max_step``, or the run's last step + 1 if sooner."""
        run = self._run
        meta = await self._session.gql.run_history_keys(
            entity=run.entity, project=run.project, name=run.id
        )
        if meta.project is None or meta.project.run is None:
            raise NotFoundError.of(f"run {run.path}", "RunHistoryKeys")
        keys_meta = meta.project.run.history_keys
        last = keys_meta.get("lastStep") if isinstance(keys_meta, dict) else None
        if not isinstance(last, int) or isinstance(last, bool):
            last = (meta.project.run.history_line_count or 0) - 1
        end = max(0, min(last + 1, 2**63 - 1))
        return end if self.max_step is None else min(self.max_step, end)

    async def _window(self, lo: int, hi: int) -> tuple[list[HistoryRow], int]:
        """The rows with ``lo <= _step < hi`` (at most ``page_size``), and how many the
        server sent (before rows lacking a wanted key are dropped)."""
        run, size = self._run, self.page_size
        if self._keys is None:
            window = await self._session.gql.run_history_window(
                entity=run.entity, project=run.project, name=run.id,
                min_step=lo, max_step=hi, samples=size,
            )  # fmt: skip
            if window.project is None or window.project.run is None:
                raise NotFoundError.of(f"run {run.path}", "RunHistoryWindow")
            rows = parse_rows(window.project.run.history, "RunHistoryWindow")
            return rows, len(rows)
        # sampledHistory's maxStep is inclusive (wandb-core pages it that way).
        wanted = self._keys
        spec: JSONValue = {
            "keys": ["_step", *wanted],
            "minStep": lo,
            "maxStep": hi - 1,
            "samples": size,
        }
        sampled = await self._session.gql.run_sampled_history(
            entity=run.entity, project=run.project, name=run.id, spec=spec
        )
        if sampled.project is None or sampled.project.run is None:
            raise NotFoundError.of(f"run {run.path}", "RunSampledHistory")
        rows = sampled_rows(sampled.project.run.sampled_history)
        return [r for r in rows if all(k in r for k in wanted)], len(rows)


def _fits(window: tuple[int, int], plan: ScanPlan) -> bool:
    """Whether a window fetched ahead can be the plan's next: the very window the
    plan asks for, or one that starts there and is complete whatever it holds (at most
    ``page_size`` steps wide)."""
    if window[0] != plan.lo:
        return False
    return window[1] - window[0] <= plan.page_size or window == plan.window()


def _at_or_after(row: HistoryRow, step: int) -> bool:
    value = row.get("_step")
    return isinstance(value, int) and value >= step


def scan_history(
    session: AsyncSession,
    run: RunIdentity,
    keys: Sequence[str] | None,
    page_size: int,
    min_step: int | None,
    max_step: int | None,
) -> AsyncHistoryScan:
    """``Run.scan_history``: arguments checked now, rows fetched when iterated."""
    check_keys(keys, "keys")
    return AsyncHistoryScan(session, run, keys, page_size, min_step, max_step)
