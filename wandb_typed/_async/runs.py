"""Runs: the typed :class:`AsyncRun`, the lazy :class:`AsyncRuns` collection,
create/update/delete.

A listing gets identity, state, config and summary for a whole page in one
request (never one request per run); ``config_keys``/``summary_keys`` fetch only
those keys. ``light=True`` lists :class:`AsyncLightRun` objects instead: run id,
display name and state only, for listing thousands of runs cheaply;
``light_run.load()`` fetches the full run (see ``light_runs``). The types keep the
two apart: a type checker flags ``light_run.config``.
"""

from __future__ import annotations

import logging
import random
import string
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast, overload

from _wandb_typed_gql.gc_pause import gc_paused_from_reply, paused_gc

from .._core.checks import check_bool
from .._core.history import HistoryRow
from .._core.paging import Page, page_of
from .._core.runs import FULL, Fetch, RunListingData, RunQuery
from .._core.typed import C, RunTypes, S
from ..errors import NotFoundError
from ..paths import check_name, parse_object_path
from ..types import PandasFrame, PolarsFrame
from .history import AsyncHistoryScan, histories_of, sampled_history, scan_history
from .paging import AsyncSizedPaginator, FetchPage
from .run_members import AsyncRunMembers
from .writes import delete_once

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import RunFields

    from .._core.progress import ProgressArg
    from .artifact_drafts import AsyncArtifactDraft
    from .artifacts import AsyncArtifact
    from .files import AsyncFile
    from .session import AsyncSession
    from .sweeps import AsyncSweep

__all__ = [
    "AsyncRun",
    "AsyncRuns",
    "AsyncTypedRun",
    "AsyncTypedRuns",
]

logger = logging.getLogger("wandb_typed")


class AsyncRun(AsyncRunMembers):
    """A W&B run. Attributes are typed values; edit ``config``, ``summary``, ``tags``,
    ``notes``, ``name``, ``group``, ``job_type`` or ``description`` and call
    :meth:`update` to write the changes back."""

    def __init__(
        self,
        session: AsyncSession,
        entity: str,
        project: str,
        fields: RunFields,
        fetched: Fetch,
        sweep: AsyncSweep | None | Literal[False] = False,
    ) -> None:
        self._session = session
        self._sweep: AsyncSweep | None | Literal[False] = sweep  # False: not fetched yet
        self._metadata = None
        super().__init__(entity, project, fields, fetched, session.settings.app_url)

    # -- writes --------------------------------------------------------------------

    async def update(self) -> None:
        """Write local edits back: ``config``, ``summary``, ``tags``, ``notes``,
        ``name``, ``group``, ``job_type``, ``description``. Nothing is sent when
        nothing changed.

        Only what was edited locally is written. Config and summary keys and tags
        are applied to the server's *current* values (read just before writing), so
        another client's edits to other keys survive. The remaining race: an edit
        made by someone else between that read and this write (two requests, a few
        milliseconds apart) is overwritten.
        """
        from _wandb_typed_gql.input_types import UpsertBucketInput

        changes = self._changes()
        if changes.empty:
            return
        current = None
        if changes.needs_current:
            current = await fetch_fields(self._session, self.entity, self.project, self.id, FULL)
        # Field names, not aliases: the generated models set populate_by_name.
        payload = UpsertBucketInput.model_validate(
            {"id": self.storage_id, **changes.fields(current)}
        )
        fetched = self._fetched
        result = await self._session.gql.upsert_run(
            input=payload, config_keys=fetched.config_list, summary_keys=fetched.summary_list
        )
        if result.upsert_bucket is None or result.upsert_bucket.bucket is None:
            raise NotFoundError(f"run {self.path} no longer exists", operation_name="UpsertRun")
        self._apply(result.upsert_bucket.bucket, fetched)

    async def delete(self, delete_artifacts: bool = False) -> None:
        """Delete the run (and, with ``delete_artifacts``, the artifacts it logged)."""
        check_bool(delete_artifacts, "delete_artifacts")
        gql = self._session.gql
        await delete_once(
            lambda: gql.delete_run(id=self.storage_id, delete_artifacts=delete_artifacts),
            f"run {self.path}",
        )

    async def reload(self) -> None:
        """Fetch every field of the run again (drops unsaved edits)."""
        fields = await fetch_fields(self._session, self.entity, self.project, self.id, FULL)
        self._apply(fields, FULL)

    async def load(self) -> None:
        """Same as :meth:`reload`."""
        await self.reload()

    # -- related objects -----------------------------------------------------------

    @property
    def sweep(self) -> Awaitable[AsyncSweep | None]:
        """The sweep the run belongs to (fetched on first use), or ``None``."""
        return self._load_sweep()

    async def _load_sweep(self) -> AsyncSweep | None:
        if self._sweep is False:
            if self.sweep_name is None:
                self._sweep = None
            else:
                from .sweeps import fetch_sweep

                self._sweep = await fetch_sweep(
                    self._session, self.entity, self.project, self.sweep_name
                )
        return self._sweep

    # -- history -------------------------------------------------------------------

    @overload
    async def history(
        self,
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        pandas: Literal[True] = ...,
        stream: Literal["default", "system"] = ...,
        *,
        polars: Literal[False] = ...,
    ) -> PandasFrame: ...
    @overload
    async def history(
        self,
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        *,
        pandas: Literal[False],
        stream: Literal["default", "system"] = ...,
        polars: Literal[False] = ...,
    ) -> list[HistoryRow]: ...
    @overload
    async def history(
        self,
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        pandas: bool = ...,
        stream: Literal["default", "system"] = ...,
        *,
        polars: Literal[True],
    ) -> PolarsFrame: ...
    @overload
    async def history(
        self,
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        *,
        pandas: bool,
        stream: Literal["default", "system"] = ...,
        polars: Literal[False] = ...,
    ) -> PandasFrame | list[HistoryRow]: ...
    async def history(
        self,
        samples: int = 500,
        keys: Sequence[str] | None = None,
        x_axis: str = "_step",
        pandas: bool = True,
        stream: Literal["default", "system"] = "default",
        *,
        polars: bool = False,
    ) -> PandasFrame | list[HistoryRow] | PolarsFrame:
        """Sampled history: at most ``samples`` rows chosen by the server.

        With ``keys``, rows hold ``x_axis`` and those keys; without, every key.
        ``stream="system"`` reads system metrics. Returns a pandas DataFrame when
        ``pandas`` is true (``MissingDependencyError`` without pandas), a polars one
        with ``polars=True`` (the ``polars`` extra; ``pandas`` is then ignored), else a
        list of rows. For every row, unsampled, use :meth:`scan_history`.
        """
        if check_bool(polars, "polars"):
            from .._core.polars_frames import polars_frame, require_polars

            require_polars("history(polars=True)")
            rows = await sampled_history(self._session, self, samples, keys, x_axis, False, stream)
            return polars_frame(cast("list[HistoryRow]", rows), "history(polars=True)")
        return await sampled_history(self._session, self, samples, keys, x_axis, pandas, stream)

    def scan_history(
        self,
        keys: Sequence[str] | None = None,
        page_size: int = 1000,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> AsyncHistoryScan:
        """Every history row with ``min_step <= _step < max_step``, streamed page by page.

        Lazy and re-iterable; memory stays constant (one page). With ``keys``, rows
        hold ``_step`` and those keys and only rows that have all of them are
        yielded. Resume a scan with ``scan.from_cursor(page.end_cursor)`` or with
        ``min_step`` = last seen ``_step`` + 1.
        """
        return scan_history(self._session, self, keys, page_size, min_step, max_step)

    # -- files ---------------------------------------------------------------------

    def files(
        self, names: Sequence[str] | None = None, per_page: int = 50
    ) -> AsyncSizedPaginator[AsyncFile]:
        """The run's files (only ``names``, when given); lazy, ``len()`` from the server."""
        from .files import list_files

        return list_files(self._session, self, names, per_page)

    async def file(self, name: str) -> AsyncFile:
        """One file of the run by name (:class:`NotFoundError` if absent)."""
        from .files import fetch_file

        return await fetch_file(self._session, self, name)

    async def upload_file(self, path: str | Path, root: str | Path = ".") -> AsyncFile:
        """Upload a local file; it is stored under its path relative to ``root``."""
        from .files import upload_file

        return await upload_file(self._session, self, path, root)

    # -- artifacts -----------------------------------------------------------------

    def logged_artifacts(self, per_page: int = 100) -> AsyncSizedPaginator[AsyncArtifact]:
        """The artifact versions the run logged (its outputs), in the order it did."""
        from .artifact_runs import list_run_artifacts

        return list_run_artifacts(self._session, self, "logged", per_page)

    def used_artifacts(self, per_page: int = 100) -> AsyncSizedPaginator[AsyncArtifact]:
        """The artifact versions the run used (its inputs), in the order it did."""
        from .artifact_runs import list_run_artifacts

        return list_run_artifacts(self._session, self, "used", per_page)

    async def use_artifact(
        self, artifact: AsyncArtifact, use_as: str | None = None
    ) -> AsyncArtifact:
        """Record ``artifact`` as an input of the run (``use_as``: how the run refers
        to it, default its name); returns it."""
        from .artifact_runs import use_artifact

        return await use_artifact(self._session, self, artifact, use_as)

    async def log_artifact(
        self,
        artifact: AsyncArtifact | AsyncArtifactDraft,
        aliases: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        progress: ProgressArg = None,
    ) -> AsyncArtifact:
        """Log ``artifact`` as an output of the run, adding ``aliases`` and ``tags``.

        A draft (:class:`AsyncArtifactDraft`, or ``version.new_draft()``) is saved as a
        new version of the run's project, as ``run.log_artifact()`` of the run SDK does
        (only files the server lacks are uploaded; ``progress=True`` draws a bar). An
        existing version of the run's own project is recorded as an output (found by
        its digest: no new version is created). Returns the version as the server
        has it now."""
        from .artifact_drafts import AsyncArtifactDraft
        from .artifact_runs import log_artifact

        if isinstance(artifact, AsyncArtifactDraft):
            return await artifact._log_to(self, aliases, tags, progress)  # pyright: ignore[reportPrivateUsage]
        return await log_artifact(self._session, self, artifact, aliases, tags)


class AsyncTypedRun(AsyncRun, Generic[C, S]):
    """A run from ``api.runs(..., config_type=..., summary_type=...)``: an
    :class:`AsyncRun` whose ``typed_config`` and ``typed_summary`` are its config and
    summary validated as the declared types (the plain dicts when a type was not
    declared), again after each ``reload()`` or ``update()``: an ``update()`` that
    writes a config the type rejects raises :class:`ConfigValidationError` once written."""

    def __init__(
        self,
        session: AsyncSession,
        entity: str,
        project: str,
        fields: RunFields,
        fetched: Fetch,
        sweep: AsyncSweep | None | Literal[False],
        types: RunTypes[C, S],
    ) -> None:
        self._types = types
        super().__init__(session, entity, project, fields, fetched, sweep)

    def _apply(self, f: RunFields, fetched: Fetch) -> None:
        super()._apply(f, fetched)
        self._typed_config = self._types.typed_config(self._config, self.path)
        self._typed_summary = self._types.typed_summary(self._summary, self.path)

    @property
    def typed_config(self) -> C:
        """The config as the declared ``config_type`` (validated when the run was fetched)."""
        return self._typed_config

    @property
    def typed_summary(self) -> S:
        """The summary as the declared ``summary_type`` (validated when the run was fetched)."""
        return self._typed_summary


R = TypeVar("R", bound=AsyncRun)


class _RunsBase(RunListingData, AsyncSizedPaginator[R]):
    """What every lazy collection of full runs has: ``count()``, ``at()``, ``histories()``,
    and its description (``entity``, ``project``, ``filters``, ``order``)."""

    def __init__(
        self, session: AsyncSession, fetch: FetchPage[R], *, per_page: int, query: RunQuery
    ) -> None:
        super().__init__(fetch, per_page=per_page, what=query.what, key=lambda r: r.storage_id)
        self._session = session
        self._query = query
        self._settings = session.settings

    @overload
    async def histories(
        self,
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        format: Literal["default"] = ...,
        stream: Literal["default", "system"] = ...,
    ) -> list[HistoryRow]: ...
    @overload
    async def histories(
        self,
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        *,
        format: Literal["pandas"],
        stream: Literal["default", "system"] = ...,
    ) -> PandasFrame: ...
    @overload
    async def histories(
        self,
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        *,
        format: Literal["polars"],
        stream: Literal["default", "system"] = ...,
    ) -> PolarsFrame: ...
    async def histories(
        self,
        samples: int = 500,
        keys: Sequence[str] | None = None,
        x_axis: str = "_step",
        format: Literal["default", "pandas", "polars"] = "default",
        stream: Literal["default", "system"] = "default",
    ) -> list[HistoryRow] | PandasFrame | PolarsFrame:
        """Sampled history of every run, each row tagged with its ``run_id``: a list of
        rows, or one DataFrame with ``format="pandas"`` or ``format="polars"`` (the
        ``polars`` extra)."""
        if format == "polars":
            from .._core.polars_frames import polars_frame, require_polars

            require_polars("histories(format='polars')")
            rows = await histories_of(self._session, self, samples, keys, x_axis, "default", stream)
            return polars_frame(
                cast("list[HistoryRow]", rows), "histories(format='polars')", sort_columns=True
            )
        return await histories_of(self._session, self, samples, keys, x_axis, format, stream)


class AsyncRuns(_RunsBase[AsyncRun]):
    """The lazy collection of a project's runs (``count()`` is the server's count)."""


class AsyncTypedRuns(_RunsBase[AsyncTypedRun[C, S]], Generic[C, S]):
    """The lazy collection of a project's runs with declared config and summary types
    (``api.runs(..., config_type=..., summary_type=...)``): each run is an
    :class:`AsyncTypedRun`, validated when its page arrives, so a run that does not
    match raises :class:`ConfigValidationError` (naming the run and key) from the
    iteration. To handle mismatches run by run, list untyped runs and call
    ``run.config_as(T)``."""

    def __aiter__(self) -> AsyncIterator[AsyncTypedRun[C, S]]:
        # Spelled out (the base already iterates): editors' completion (jedi) follows
        # the declared types through this signature, not through the generic bases.
        return super().__aiter__()


# -- module functions used by AsyncApi ------------------------------------------------


async def fetch_fields(
    session: AsyncSession, entity: str, project: str, name: str, fetched: Fetch
) -> RunFields:
    """The ``RunFields`` of one run; :class:`NotFoundError` when it or its project is missing."""
    result = await session.gql.run_by_name(
        entity=entity, project=project, name=name,
        config_keys=fetched.config_list, summary_keys=fetched.summary_list,
    )  # fmt: skip
    if result.project is None:
        raise NotFoundError.of(f"project {entity}/{project}", "RunByName")
    if result.project.run is None:
        raise NotFoundError.of(f"run {entity}/{project}/{name}", "RunByName")
    return result.project.run


async def fetch_run(session: AsyncSession, path: str) -> AsyncRun:
    """One run by path (see :mod:`wandb_typed.paths` for the accepted forms)."""
    parsed = parse_object_path(path, "run")
    entity = await session.resolve_entity(parsed.entity)
    project = parsed.project or session.settings.project
    assert parsed.name is not None
    fields = await fetch_fields(session, entity, project, parsed.name, FULL)
    return AsyncRun(session, entity, project, fields, FULL)


async def _where(session: AsyncSession, query: RunQuery) -> tuple[str, str]:
    entity = await session.resolve_entity(query.entity)
    return entity, query.project or session.settings.project


def _run_pages(
    session: AsyncSession,
    query: RunQuery,
    include_sweeps: bool,
    fetched: Fetch,
    make: Callable[[str, str, RunFields, AsyncSweep | None | Literal[False]], R],
) -> FetchPage[R]:
    """The page fetcher of a full runs listing; ``make`` builds each run."""
    sweeps: dict[str | None, AsyncSweep | None] = {}

    async def fetch(cursor: str | None, first: int) -> Page[R]:
        entity, project = await _where(session, query)
        with gc_paused_from_reply() as pause:  # from the decoded reply to the built page
            result = await session.gql.run_page(
                entity=entity, project=project, filters=query.filters, order=query.order,
                cursor=cursor, per_page=first, with_count=cursor is None,
                config_keys=fetched.config_list, summary_keys=fetched.summary_list,
            )  # fmt: skip
            if result.project is None:
                raise NotFoundError.of(f"project {entity}/{project}", "RunPage")
            conn = result.project.runs
            if include_sweeps and conn is not None:
                pause.end()  # more requests: the collector runs while they are waited for
                names = {e.node.sweep_name for e in conn.edges}
                await _load_sweeps(session, entity, project, names, sweeps)
            with paused_gc():
                return page_of(
                    conn,
                    lambda node: make(
                        entity, project, node,
                        sweeps.get(node.sweep_name) if include_sweeps else False,
                    ),
                    result.project.run_count,
                )  # fmt: skip

    return fetch


def list_runs(
    session: AsyncSession,
    path: str | None,
    filters: Mapping[str, object] | None,
    order: str,
    per_page: int,
    include_sweeps: bool,
    config_keys: Sequence[str] | None,
    summary_keys: Sequence[str] | None,
) -> AsyncRuns:
    """The lazy collection of a project's runs; every argument is checked here, first."""
    query = RunQuery.of(path, filters, order, per_page)
    check_bool(include_sweeps, "include_sweeps")
    fetched = Fetch.of(config_keys, summary_keys)
    fetch = _run_pages(
        session, query, include_sweeps, fetched,
        lambda entity, project, node, sweep: AsyncRun(
            session, entity, project, node, fetched, sweep
        ),
    )  # fmt: skip
    return AsyncRuns(session, fetch, per_page=per_page, query=query)


def list_typed_runs(
    session: AsyncSession,
    path: str | None,
    filters: Mapping[str, object] | None,
    order: str,
    per_page: int,
    include_sweeps: bool,
    config_keys: Sequence[str] | None,
    summary_keys: Sequence[str] | None,
    config_type: object,
    summary_type: object,
) -> AsyncTypedRuns[Any, Any]:
    """:func:`list_runs` whose runs are validated as the declared types."""
    query = RunQuery.of(path, filters, order, per_page)
    check_bool(include_sweeps, "include_sweeps")
    fetched = Fetch.of(config_keys, summary_keys)
    types = RunTypes.of(config_type, summary_type)
    fetch = _run_pages(
        session, query, include_sweeps, fetched,
        lambda entity, project, node, sweep: AsyncTypedRun(
            session, entity, project, node, fetched, sweep, types
        ),
    )  # fmt: skip
    return AsyncTypedRuns(session, fetch, per_page=per_page, query=query)


async def _load_sweeps(
    session: AsyncSession,
    entity: str,
    project: str,
    names: set[str | None],
    cache: dict[str | None, AsyncSweep | None],
) -> None:
    """Fetch each distinct sweep of a page once per collection (``None``: no sweep)."""
    from .sweeps import fetch_sweep

    for name in sorted(n for n in names if n is not None and n not in cache):
        try:
            cache[name] = await fetch_sweep(session, entity, project, name)
        except NotFoundError:
            cache[name] = None


async def create_run(
    session: AsyncSession, run_id: str | None, project: str | None, entity: str | None
) -> AsyncRun:
    """Create a run in state ``running`` (an existing id is upserted, as W&B does)."""
    from _wandb_typed_gql.input_types import UpsertBucketInput

    name = check_name(run_id, "run id") if run_id is not None else _random_run_id()
    project_name = (
        check_name(project, "project name") if project is not None else session.settings.project
    )
    ent = await session.resolve_entity(entity)
    payload = UpsertBucketInput(
        name=name, model_name=project_name, entity_name=ent, state="running"
    )
    result = await session.gql.upsert_run(input=payload, config_keys=None, summary_keys=None)
    if result.upsert_bucket is None or result.upsert_bucket.bucket is None:
        raise NotFoundError(f"could not create run {ent}/{project_name}/{name}")
    return AsyncRun(session, ent, project_name, result.upsert_bucket.bucket, FULL)


def _random_run_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(random.SystemRandom().choice(alphabet) for _ in range(8))
