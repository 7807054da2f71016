"""The Api class, the entry point: settings, the connection, and every top-level method.

Constructing one resolves settings (see :mod:`wandb_typed.config`) and nothing else:
no request, no prompt, no import of the generated models. The first call that
needs the server creates the HTTP client.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, overload

import httpx

from .._core.checks import check_instance
from .._core.jobs import JobSummary
from .._core.paging import DEFAULT_PER_PAGE
from .._core.typed import C, S
from ..config import RetryPolicy, Settings, resolve_settings
from ..errors import InputError
from ..paths import parse_path, parse_project_path
from ..types import JSONObject
from . import artifact_collections as _collections
from . import artifact_types as _types
from . import artifacts as _artifacts
from . import jobs as _jobs
from . import light_runs as _light
from . import projects as _projects
from . import reports as _reports
from . import runs as _runs
from . import sweeps as _sweeps
from .api_registries import AsyncApiRegistries
from .api_teams import AsyncApiTeams
from .artifact_collections import AsyncArtifactCollection
from .artifact_types import AsyncArtifactType
from .artifacts import AsyncArtifact
from .jobs import AsyncJob
from .light_runs import AsyncLightRuns
from .paging import AsyncSizedPaginator
from .projects import AsyncProject
from .reports import AsyncReport
from .runs import AsyncRun, AsyncRuns, AsyncTypedRuns
from .session import AsyncSession
from .sweeps import AsyncSweep
from .users import AsyncUser

if TYPE_CHECKING:
    from _wandb_typed_gql.async_client import AsyncWandbClient

__all__ = ["AsyncApi"]


class AsyncApi(AsyncApiRegistries, AsyncApiTeams):
    """Queries the W&B server.

    Args:
        overrides: ``base_url``, ``entity``, ``project``, ``organization``.
        timeout: seconds to wait for each response (connecting gets 5 s).
        api_key: the API key; see :mod:`wandb_typed.config` for the fallbacks
            (``WANDB_API_KEY``, netrc, settings file) and their precedence.
        retry: the :class:`RetryPolicy` (default: 5 attempts, exponential backoff).
        http_client: an ``httpx.AsyncClient`` to send requests with (proxies, custom
            TLS, a mock transport). Its own timeouts apply; ``aclose()`` leaves it open.
        transport: an ``httpx.AsyncBaseTransport`` for the client this object
            creates (e.g. ``httpx.MockTransport`` in tests).

    Raises:
        InputError: a setting is malformed or no API key can be found.
    """

    def __init__(
        self,
        overrides: Mapping[str, str | None] | None = None,
        timeout: float | None = None,
        api_key: str | None = None,
        *,
        retry: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        check_instance(http_client, httpx.AsyncClient, "http_client")
        check_instance(transport, httpx.AsyncBaseTransport, "transport")
        if http_client is not None and transport is not None:
            raise InputError("pass either http_client or transport, not both")
        settings: Settings | InputError
        try:
            settings = resolve_settings(overrides, timeout, api_key, retry)
        except InputError as exc:
            settings = exc
        if isinstance(settings, InputError):
            del api_key  # crash reporters capture frame locals: keep the key out of them
            raise settings
        self._session = AsyncSession(settings, http_client, transport)

    def __repr__(self) -> str:
        session: AsyncSession | None = getattr(self, "_session", None)
        if session is None:
            return f"<{type(self).__name__} (not configured)>"
        s = session.settings
        return (
            f"{type(self).__name__}(base_url={s.base_url!r}, entity={s.entity!r}, "
            f"project={s.project!r}, api_key=<from {s.api_key_source}>)"
        )

    async def aclose(self) -> None:
        """Close the HTTP client this object created (a given ``http_client`` stays open)."""
        await self._session.aclose()

    async def __aenter__(self) -> AsyncApi:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- properties ----------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The resolved settings (the key is hidden from its repr)."""
        return self._session.settings

    @property
    def api_key(self) -> str:
        """The API key in use."""
        return self._session.settings.api_key

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header sent with every request."""
        return self._session.user_agent

    @property
    def client(self) -> AsyncWandbClient:
        """The generated, typed GraphQL client (one method per operation in ``queries/``),
        sharing this object's authentication, retries and errors."""
        return self._session.gql

    @property
    def viewer(self) -> Awaitable[AsyncUser]:
        """The user the API key belongs to (fetched once; ``flush()`` forgets it)."""
        return self._session.viewer()

    @property
    def default_entity(self) -> Awaitable[str | None]:
        """The viewer's default entity (as in ``wandb.Api``; a configured ``entity`` is
        ``settings.entity``, which paths without an entity use first)."""
        return self._default_entity()

    async def _default_entity(self) -> str | None:
        return (await self._session.viewer()).entity

    def flush(self) -> None:
        """Forget cached data (the viewer). Collections are never cached: each
        iteration reads fresh pages."""
        self._session.viewer_cache = None

    # -- projects ------------------------------------------------------------------

    async def project(self, name: str, entity: str | None = None) -> AsyncProject:
        """The project ``name`` of ``entity`` (default: the configured entity, else
        :attr:`default_entity`).

        Raises:
            NotFoundError: no such project (or not visible to this key).
        """
        return await _projects.fetch_project(self._session, name, entity)

    def projects(
        self, entity: str | None = None, per_page: int = 200
    ) -> AsyncSizedPaginator[AsyncProject]:
        """The lazy collection of ``entity``'s projects; nothing is fetched until iterated."""
        return _projects.list_projects(self._session, entity, per_page)

    async def create_project(
        self, name: str, entity: str | None = None, description: str | None = None
    ) -> AsyncProject:
        """Create the project (or update its description if it exists) and return it."""
        return await _projects.upsert_project(self._session, name, entity, description)

    # -- runs ----------------------------------------------------------------------

    @overload
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = DEFAULT_PER_PAGE,
        include_sweeps: bool = True,
        *,
        light: Literal[False] = False,
        config_keys: Sequence[str] | None = None,
        summary_keys: Sequence[str] | None = None,
        config_type: None = None,
        summary_type: None = None,
    ) -> AsyncRuns: ...
    @overload
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = DEFAULT_PER_PAGE,
        include_sweeps: bool = True,
        *,
        light: Literal[True],
    ) -> AsyncLightRuns: ...
    @overload
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = DEFAULT_PER_PAGE,
        include_sweeps: bool = True,
        *,
        light: bool,
        config_keys: Sequence[str] | None = None,
        summary_keys: Sequence[str] | None = None,
    ) -> AsyncRuns | AsyncLightRuns: ...
    @overload
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = DEFAULT_PER_PAGE,
        include_sweeps: bool = True,
        *,
        light: Literal[False] = False,
        config_keys: Sequence[str] | None = None,
        summary_keys: Sequence[str] | None = None,
        config_type: type[C],
        summary_type: None = None,
    ) -> AsyncTypedRuns[C, JSONObject]: ...
    @overload
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = DEFAULT_PER_PAGE,
        include_sweeps: bool = True,
        *,
        light: Literal[False] = False,
        config_keys: Sequence[str] | None = None,
        summary_keys: Sequence[str] | None = None,
        config_type: None = None,
        summary_type: type[S],
    ) -> AsyncTypedRuns[JSONObject, S]: ...
    @overload
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = DEFAULT_PER_PAGE,
        include_sweeps: bool = True,
        *,
        light: Literal[False] = False,
        config_keys: Sequence[str] | None = None,
        summary_keys: Sequence[str] | None = None,
        config_type: type[C],
        summary_type: type[S],
    ) -> AsyncTypedRuns[C, S]: ...
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = DEFAULT_PER_PAGE,
        include_sweeps: bool = True,
        *,
        light: bool = False,
        config_keys: Sequence[str] | None = None,
        summary_keys: Sequence[str] | None = None,
        config_type: type[object] | None = None,
        summary_type: type[object] | None = None,
    ) -> AsyncRuns | AsyncLightRuns | AsyncTypedRuns[Any, Any]:
        """The lazy collection of a project's runs; nothing is fetched until iterated.

        Args:
            path: ``entity/project`` or ``project`` (default: the configured ones).
            filters: a MongoDB-style filter, see :mod:`wandb_typed.filters`, e.g.
                ``{"config.lr": {"$gt": 0.01}, "state": "finished"}``, or one built
                with the typed fields: ``(Config("lr") > 0.01) & State.eq("finished")``.
            order: ``[+|-]field``: ``created_at``, ``heartbeat_at``,
                ``config.<key>``, ``summary_metrics.<key>``, ... (``+`` ascending).
            per_page: runs per request (1-1000). Without it the page size adapts: it
                starts at 50 and grows while pages come back fast, up to 1,000; an
                explicit ``per_page`` is the largest page asked for.
            include_sweeps: attach each run's sweep (one request per distinct sweep).
            light: list :class:`LightRun` objects (identity and state only; no
                config, summary or sweep), the cheapest way to list many runs.
            config_keys: fetch only these config keys.
            summary_keys: fetch only these summary keys.
            config_type: a pydantic model, ``TypedDict`` or dataclass: list
                :class:`TypedRun` objects whose ``typed_config`` is the config
                validated as this type.
            summary_type: the same for ``typed_summary``.

        Returns:
            By case (each is an overload, so a type checker knows which):
            ``runs(path)`` a :class:`Runs` of full runs;
            ``runs(path, light=True)`` a collection of :class:`LightRun`;
            ``runs(path, config_type=T)`` (or ``summary_type=S``) a :class:`TypedRuns`
            whose runs carry ``typed_config: T`` (``typed_summary: S``).

        Raises:
            InputError: a malformed path, filter, order, page size or type (before
                any request).
            ConfigValidationError: while iterating, a run whose config or summary
                does not match the declared type.
        """
        if light is True:
            if config_keys is not None or summary_keys is not None:
                raise InputError(
                    "light=True fetches no config or summary; drop config_keys/summary_keys"
                )
            if config_type is not None or summary_type is not None:
                raise InputError(
                    "light=True fetches no config or summary; drop config_type/summary_type"
                )
            return _light.list_light_runs(self._session, path, filters, order, per_page)
        if light is not False:
            raise InputError(f"light must be True or False, got {light!r}")
        if config_type is not None or summary_type is not None:
            return _runs.list_typed_runs(
                self._session, path, filters, order, per_page, include_sweeps,
                config_keys, summary_keys, config_type, summary_type,
            )  # fmt: skip
        return _runs.list_runs(
            self._session, path, filters, order, per_page, include_sweeps, config_keys, summary_keys
        )

    async def run(self, path: str = "") -> AsyncRun:
        """One run: ``entity/project/run_id``, ``entity/project/runs/run_id``,
        ``entity/project:run_id``, ``project/run_id`` or ``run_id`` (with the configured
        defaults), or its URL; no path means the configured default run
        (``overrides={"run": ...}``).

        Raises:
            InputError: a malformed path, or no path and no default run.
            NotFoundError: no such run or project.
        """
        if path == "" and self.settings.run:
            path = self.settings.run
        return await _runs.fetch_run(self._session, path)

    async def create_run(
        self, run_id: str | None = None, project: str | None = None, entity: str | None = None
    ) -> AsyncRun:
        """Create a run (state ``running``) with ``run_id`` (default: a random id)."""
        return await _runs.create_run(self._session, run_id, project, entity)

    # -- sweeps and reports ----------------------------------------------------------

    async def sweep(self, path: str = "") -> AsyncSweep:
        """One sweep: ``entity/project/sweep_id`` (or ``.../sweeps/sweep_id``,
        ``project/sweep_id``, ``sweep_id``)."""
        return await _sweeps.fetch_sweep_by_path(self._session, path)

    def reports(
        self, path: str = "", name: str | None = None, per_page: int = 50
    ) -> AsyncSizedPaginator[AsyncReport]:
        """The lazy collection of a project's reports (``entity/project`` or ``project``)."""
        entity, project = parse_project_path(path) if path else (None, self.settings.project)
        return _reports.list_reports(self._session, entity, project, name, per_page)

    # -- artifacts -------------------------------------------------------------------

    async def artifact(self, name: str, type: str | None = None) -> AsyncArtifact:
        """One artifact version: ``entity/project/name:alias``, ``project/name:vN`` or
        ``name:alias`` (the configured entity and project; no version means
        ``latest``), or a registry path ``wandb-registry-<registry>/<name>:<alias>``
        (the configured ``organization``).

        Raises:
            InputError: a malformed name (before any request).
            NotFoundError: no such version, or it is not of ``type``.
        """
        return await _artifacts.fetch_artifact(self._session, name, type)

    async def artifact_exists(self, name: str, type: str | None = None) -> bool:
        """Whether the version ``name`` exists (and is of ``type``, when given)."""
        return await _artifacts.artifact_exists(self._session, name, type)

    def artifacts(
        self,
        type_name: str,
        name: str,
        per_page: int = 50,
        tags: Sequence[str] | None = None,
    ) -> AsyncSizedPaginator[AsyncArtifact]:
        """The lazy collection of a collection's committed versions, newest first.

        Args:
            type_name: the collection's artifact type, e.g. ``model``.
            name: ``entity/project/collection``, ``project/collection`` or ``collection``.
            per_page: versions per request (1-1000).
            tags: only versions having every one of these tags.
        """
        return _artifacts.list_artifacts(self._session, type_name, name, per_page, tags)

    def artifact_versions(
        self, type_name: str, name: str, per_page: int = 50
    ) -> AsyncSizedPaginator[AsyncArtifact]:
        """Deprecated: use :meth:`artifacts`."""
        warnings.warn(
            "artifact_versions() is deprecated; use artifacts(type_name, name)",
            DeprecationWarning,
            stacklevel=2,
        )
        return _artifacts.list_artifacts(self._session, type_name, name, per_page, None)

    async def artifact_type(self, type_name: str, project: str | None = None) -> AsyncArtifactType:
        """The artifact type ``type_name`` of ``project`` (``project`` or
        ``entity/project``; default: the configured one)."""
        return await _types.fetch_artifact_type(self._session, type_name, project)

    def artifact_types(self, project: str | None = None) -> AsyncSizedPaginator[AsyncArtifactType]:
        """The lazy collection of a project's artifact types."""
        return _types.list_artifact_types(self._session, project)

    async def artifact_collection(self, type_name: str, name: str) -> AsyncArtifactCollection:
        """One collection of ``type_name`` by ``[entity/][project/]name``.

        Raises:
            NotFoundError: no such collection, or it is of another type.
        """
        return await _collections.fetch_collection(self._session, type_name, name)

    def artifact_collections(
        self, project_name: str, type_name: str, per_page: int = 50
    ) -> AsyncSizedPaginator[AsyncArtifactCollection]:
        """The lazy collection of a project's collections of one type
        (``project_name``: ``project`` or ``entity/project``)."""
        return _collections.list_collections(self._session, project_name, type_name, per_page)

    async def artifact_collection_exists(self, name: str, type: str) -> bool:
        """Whether the collection ``[entity/][project/]name`` exists with ``type``."""
        return await _collections.collection_exists(self._session, name, type)

    async def job(self, name: str, path: str | Path | None = None) -> AsyncJob:
        """The job version ``name`` (an artifact of type ``job``), downloaded into
        ``path`` (default: ``./artifacts/<name>``), with its ``wandb-job.json`` read.

        Raises:
            NotFoundError: no such version, or it is not a job.
        """
        return await _jobs.fetch_job(self._session, name, path)

    async def list_jobs(self, entity: str, project: str) -> list[JobSummary]:
        """Every job of ``entity/project``, each with its first versions."""
        return await _jobs.list_jobs(self._session, entity, project)

    # -- paths ---------------------------------------------------------------------

    async def from_path(self, path: str) -> AsyncProject | AsyncRun | AsyncSweep | AsyncReport:
        """The object a path names: ``project`` or ``entity/project`` (a
        :class:`Project`), ``entity/project/run_id`` or ``.../runs/run_id`` (a
        :class:`Run`), ``.../sweeps/sweep_id`` (a :class:`Sweep`),
        ``.../reports/name`` (a :class:`Report`).

        Raises:
            InputError: the path is malformed or names an unknown kind.
            NotFoundError: the object does not exist.
        """
        parsed = parse_path(path)
        if parsed.kind == "project":
            assert parsed.project is not None
            return await _projects.fetch_project(self._session, parsed.project, parsed.entity)
        entity = await self._session.resolve_entity(parsed.entity)
        project = parsed.project or self.settings.project
        assert parsed.name is not None
        if parsed.kind == "run":
            return await _runs.fetch_run(self._session, f"{entity}/{project}/{parsed.name}")
        if parsed.kind == "sweep":
            return await _sweeps.fetch_sweep(self._session, entity, project, parsed.name)
        return await _reports.fetch_report(self._session, entity, project, parsed.name)
