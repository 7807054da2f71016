"""What a run offers beyond its data and edits: waiting for it to finish, setting
its state, asking it to stop, its console output and its ``wandb-metadata.json``.

:class:`AsyncRunMembers` is a base class of :class:`~wandb_typed.AsyncRun` (kept here so
``runs.py`` stays one concern; not exported: users meet its methods on the run);
its methods use the run's ``_session``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from .._core.checks import check_bool, check_int
from .._core.console_logs import ConsoleLogLine, line_from
from .._core.files import safe_destination
from .._core.history_exports import HistoryExports, export_file_name
from .._core.launch import PollPlan
from .._core.paging import Page
from .._core.runs import RunData, RunState
from ..errors import (
    IncompleteHistoryError,
    InputError,
    NotFoundError,
    ResponseValidationError,
    WaitTimeoutError,
)
from ..types import JSONObject, JSONValue
from ._mode import sleep
from .paging import AsyncPaginator

if TYPE_CHECKING:
    from .history import AsyncHistoryScan
    from .runs import AsyncRun
    from .session import AsyncSession

__all__ = ["FINISHED_STATES", "AsyncRunMembers", "wait_for_run"]

#: The states a run ends in: what :meth:`AsyncRunMembers.wait_until_finished` waits for.
FINISHED_STATES = frozenset({"finished", "failed", "crashed", "killed"})
#: Seconds between two checks of ``wait_until_finished``, as the official client's.
POLL_INTERVAL = 5.0
#: Console lines per request, unless ``per_page=`` says otherwise.
LOG_LINES_PER_PAGE = 1000


class AsyncRunMembers(RunData):
    """Waiting, state changes, stopping, console output and metadata of a run."""

    _session: AsyncSession
    _metadata: JSONObject | None
    state: RunState | None
    """``running``, ``finished``, ``crashed``, ``failed``, ``killed``, ... (``update_state``
    sets it)."""

    async def wait_until_finished(
        self, timeout: float | None = None, poll_interval: float = POLL_INTERVAL
    ) -> None:
        """Wait until the run has finished (``finished``, ``failed``, ``crashed`` or
        ``killed``), then fetch it again. Checks every ``poll_interval`` seconds, at
        most ``timeout`` seconds (``None``: no limit); cancelling the task (or Ctrl-C)
        stops the wait at once.

        Raises:
            WaitTimeoutError: ``timeout`` passed first (``timeout=0`` checks once).
        """

        await wait_for_run(
            self._session,
            cast("AsyncRun", self),
            PollPlan(timeout, poll_interval, what=f"run {self.path}"),
        )

    async def update_state(self, state: Literal["pending", "failed"]) -> bool:
        """Set the run's state: ``pending`` (requeue a run that ended or is running)
        or ``failed`` (mark a lost run). Returns ``True``; a transition the server
        refuses raises."""
        if state not in ("pending", "failed"):
            raise InputError(f"state must be 'pending' or 'failed', got {state!r}")
        from _wandb_typed_gql.input_types import UpdateRunStateInput

        result = await self._session.gql.update_run_state(
            input=UpdateRunStateInput(id=self.storage_id, state=state)
        )
        if result.update_run_state is None or not result.update_run_state.success:
            raise ResponseValidationError(
                f"the server did not set run {self.path} to {state}",
                operation_name="UpdateRunState",
            )
        self.state = RunState(state)
        return True

    async def stop(self) -> None:
        """Ask the run to stop (the app's "Stop run"): its process sees the flag at its
        next heartbeat and ends the run. Returns once the flag is set."""
        result = await self._session.gql.stop_run(id=self.storage_id)
        if result.stop_run is None or not result.stop_run.success:
            raise ResponseValidationError(
                f"the server did not flag run {self.path} to stop", operation_name="StopRun"
            )

    def console_logs(
        self, *, per_page: int = LOG_LINES_PER_PAGE, last: int | None = None
    ) -> AsyncPaginator[ConsoleLogLine]:
        """The run's console output, line by line (lazy); ``last=N``: only the last
        ``N`` lines, in one request."""
        return list_console_logs(self._session, self, per_page, last)

    @property
    def metadata(self) -> Awaitable[JSONObject | None]:
        """The run's ``wandb-metadata.json`` (host, Python, GPU, program, ...), fetched
        on first use; ``None`` if the run has none."""
        return self._load_metadata()

    async def _load_metadata(self) -> JSONObject | None:
        cached: JSONObject | None = getattr(self, "_metadata", None)
        if cached is None:
            cached = await fetch_metadata(self._session, self)
            self._metadata = cached
        return cached

    def beta_scan_history(
        self,
        keys: Sequence[str] | None = None,
        page_size: int = 1000,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> AsyncHistoryScan:
        """The official client's deprecated alias of ``scan_history`` (the same rows)."""
        from .history import scan_history

        return scan_history(self._session, self, keys, page_size, min_step, max_step)

    async def download_history_exports(
        self, download_dir: str | Path, require_complete_history: bool = True
    ) -> HistoryExports:
        """Download the run's history exported to parquet into ``download_dir`` (made
        if missing) and return the files. A server may hold steps not exported yet
        (the local server exports none): with ``require_complete_history`` that is an
        :class:`IncompleteHistoryError`; without, ``contains_live_data`` says so (read
        every row with ``scan_history``)."""
        return await download_exports(self._session, self, download_dir, require_complete_history)

    @property
    def json_config(self) -> str:
        """The config as JSON text in W&B's stored form (``{"key": {"value": ...,
        "desc": null}}``, ``_wandb`` first when present), as ``wandb.init`` takes it."""
        config: dict[str, JSONValue] = {}
        internal = self.raw_config.get("_wandb")
        if internal is not None:
            inner = internal.get("value") if isinstance(internal, dict) else internal
            config["_wandb"] = {"value": inner, "desc": None}
        for key, value in self.config.items():
            config[key] = {"value": value, "desc": None}
        return json.dumps(config)


async def download_exports(
    session: AsyncSession, run: RunData, download_dir: object, require_complete: bool
) -> HistoryExports:
    """Fetch the export URLs (and the count of live steps), then each file, MD5 aside
    (W&B gives none), atomically into ``download_dir``."""
    from .files import download_to

    check_bool(require_complete, "require_complete_history")
    if not isinstance(download_dir, (str, os.PathLike)):
        raise InputError(f"download_dir must be a path, got {type(download_dir).__name__}")
    root = Path(cast("str | os.PathLike[str]", download_dir))
    if root.exists() and not root.is_dir():
        raise InputError(f"download_dir {root} exists and is not a directory")
    result = await session.gql.run_parquet_history(
        entity=run.entity, project=run.project, run_name=run.id, live_keys=["_step"]
    )
    if result.project is None or result.project.run is None:
        raise NotFoundError.of(f"run {run.path}", "RunParquetHistory")
    exports = result.project.run.parquet_history
    live = len(exports.live_data)
    if live and require_complete:
        raise IncompleteHistoryError(
            f"run {run.path} has {live} history steps not exported to parquet yet "
            "(pass require_complete_history=False for the exported part)",
            live_steps=live,
        )
    root.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for index, url in enumerate(exports.parquet_urls):
        dest = safe_destination(root, export_file_name(url, index))
        await download_to(session.connection, url, dest, None, None)
        paths.append(dest)
    return HistoryExports(tuple(paths), live > 0)


async def wait_for_run(session: AsyncSession, run: AsyncRun, plan: PollPlan) -> None:
    """Poll ``run``'s state until it has finished, then fetch it again in place."""
    while True:
        result = await session.gql.run_state(entity=run.entity, project=run.project, name=run.id)
        if result.project is None or result.project.run is None:
            raise NotFoundError.of(f"run {run.path}", "RunState")
        state = result.project.run.state
        if state in FINISHED_STATES:
            break
        delay = plan.next_delay()
        if delay is None:
            raise WaitTimeoutError(
                f"run {run.path} did not finish within {plan.timeout:g} s (state {state})",
                state=state,
            )
        await sleep(delay)
    await run.reload()


def list_console_logs(
    session: AsyncSession, run: RunData, per_page: int, last: int | None
) -> AsyncPaginator[ConsoleLogLine]:
    """The lazy collection of a run's console lines (``last``: the tail, one page)."""
    if last is not None:
        check_int(last, "last", 1)

    async def fetch(cursor: str | None, first: int) -> Page[ConsoleLogLine]:
        if last is not None:
            tail = await session.gql.run_console_log_tail(
                entity=run.entity, project=run.project, run_name=run.id, last=last
            )
            if tail.project is None or tail.project.run is None:
                raise NotFoundError.of(f"run {run.path}", "RunConsoleLogTail")
            edges = tail.project.run.log_lines.edges if tail.project.run.log_lines else []
            lines = tuple(line_from(e.node) for e in edges if e.node is not None)
            return Page(lines, None, False)
        result = await session.gql.run_console_log_page(
            entity=run.entity, project=run.project, run_name=run.id, first=first, after=cursor
        )
        if result.project is None or result.project.run is None:
            raise NotFoundError.of(f"run {run.path}", "RunConsoleLogPage")
        conn = result.project.run.log_lines
        if conn is None:
            return Page((), None, False)
        lines = tuple(line_from(e.node) for e in conn.edges if e.node is not None)
        return Page(lines, conn.page_info.end_cursor, conn.page_info.has_next_page)

    return AsyncPaginator(
        fetch, per_page=per_page, what=f"console lines of {run.path}", key=lambda ln: ln.number
    )


async def fetch_metadata(session: AsyncSession, run: RunData) -> JSONObject | None:
    """``wandb-metadata.json`` of the run, parsed; ``None`` if the run has no such file."""
    from .files import fetch_bytes, fetch_file

    try:
        file = await fetch_file(session, cast("AsyncRun", run), "wandb-metadata.json")
    except NotFoundError:
        return None
    if not file.url:
        return None
    body = await fetch_bytes(session.connection, file.url, f"metadata of run {run.path}")
    try:
        parsed: object = json.loads(body)
    except ValueError as exc:
        raise ResponseValidationError(
            f"run {run.path}: wandb-metadata.json is not JSON: {exc}"
        ) from None
    if not isinstance(parsed, dict):
        raise ResponseValidationError(f"run {run.path}: wandb-metadata.json is not an object")
    return cast("JSONObject", parsed)
