"""``Api`` and ``AsyncApi``: the entry points.

Both are :class:`ApiBase`, where every method is defined once: ``Api`` is
``ApiBase[Sync]`` (methods return values), ``AsyncApi`` is ``ApiBase[Async]``
(methods return awaitables, collections support ``async for``). Only creating
and closing the HTTP client differs between them.

Constructing an ``Api`` resolves settings (see :mod:`wandb_typed.config`) and
nothing else: no request, no prompt, no import of the generated models. The first
call that needs the server creates the HTTP client.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import httpx

from . import projects as _projects
from . import reports as _reports
from . import runs as _runs
from . import sweeps as _sweeps
from ._modes import Async, Bound, M, Sync, op, op_property
from ._steps import AsyncRunner, Runner, Steps, SyncRunner, call
from .config import RetryPolicy, Settings, resolve_settings
from .errors import InputError
from .paging import Paginator, SizedPaginator
from .paths import check_name, parse_path, parse_project_path
from .projects import Project
from .reports import Report
from .runs import LightRun, Run, Runs
from .sweeps import Sweep
from .users import User

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import TracebackType

    from wandb_typed_gql.async_client import AsyncWandbClient
    from wandb_typed_gql.client import WandbClient

__all__ = ["Api", "ApiBase", "AsyncApi"]

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)

__version__ = "0.1.0"


class ApiBase(Bound[M]):
    """Queries the W&B server. Use :class:`Api` (blocking) or :class:`AsyncApi`.

    Args:
        overrides: ``base_url``, ``entity``, ``project``, ``organization``.
        timeout: seconds to wait for each response (connecting gets 5 s).
        api_key: the API key; see :mod:`wandb_typed.config` for the fallbacks
            (``WANDB_API_KEY``, netrc, settings file) and their precedence.
        retry: the :class:`RetryPolicy` (default: 5 attempts, exponential backoff).
        http_client: an ``httpx.Client`` (``httpx.AsyncClient`` for ``AsyncApi``)
            to send requests with, e.g. with proxies or a mock transport. Its own
            timeout applies; it is not closed by ``close()``.
        transport: an httpx transport for the client this object creates (e.g.
            ``httpx.MockTransport`` in tests).

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
        http_client: httpx.Client | httpx.AsyncClient | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if http_client is not None and transport is not None:
            raise InputError("pass either http_client or transport, not both")
        self._settings = resolve_settings(overrides, timeout, api_key, retry)
        self._http_client = http_client
        self._transport = transport
        self._runner_cache: Runner | None = None
        self._viewer_cache: User | None = None

    # -- plumbing ------------------------------------------------------------------

    @property
    def _runner(self) -> Runner:
        if self._runner_cache is None:
            self._runner_cache = self._make_runner()
        return self._runner_cache

    def _make_runner(self) -> Runner:
        raise NotImplementedError

    def _http(self, client_type: type[HttpT], transport_type: type[object]) -> HttpT:
        """The given or a new HTTP client of the kind this Api needs (checked first)."""
        kind = type(self).__name__
        if self._http_client is not None and not isinstance(self._http_client, client_type):
            raise InputError(f"{kind} needs an {client_type.__module__}.{client_type.__name__}")
        if self._transport is not None and not isinstance(self._transport, transport_type):
            raise InputError(
                f"{kind} needs an {transport_type.__module__}.{transport_type.__name__}"
            )
        if self._http_client is not None:
            return self._http_client
        transport: Any = self._transport  # its kind was checked above
        return client_type(transport=transport, timeout=self._timeout(), follow_redirects=False)

    def _timeout(self) -> httpx.Timeout:
        s = self._settings
        return httpx.Timeout(s.timeout, connect=min(s.connect_timeout, s.timeout))

    def __repr__(self) -> str:
        s = self._settings
        return (
            f"{type(self).__name__}(base_url={s.base_url!r}, entity={s.entity!r}, "
            f"project={s.project!r}, api_key=<from {s.api_key_source}>)"
        )

    # -- properties ----------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The resolved settings (the key is hidden from its repr)."""
        return self._settings

    @property
    def api_key(self) -> str:
        """The API key in use."""
        return self._settings.api_key

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header sent with every request."""
        return f"wandb-typed/{__version__} (python {platform.python_version()}; httpx {httpx.__version__})"

    @op_property
    def viewer(self) -> Steps[User]:
        """The user the API key belongs to (fetched once; ``flush()`` forgets it)."""
        return (yield from self._viewer())

    @op_property
    def default_entity(self) -> Steps[str | None]:
        """The viewer's default entity (as in ``wandb.Api``; a configured ``entity`` is
        ``settings.entity``, which paths without an entity use first)."""
        return (yield from self._viewer()).entity

    def flush(self) -> None:
        """Forget cached data (the viewer). Collections are never cached: each
        iteration reads fresh pages."""
        self._viewer_cache = None

    def _viewer(self) -> Steps[User]:
        if self._viewer_cache is None:
            result = yield from call(lambda c: c.viewer())
            if result.viewer is None:
                raise InputError("the server returned no viewer for this API key")
            self._viewer_cache = User.from_fields(result.viewer)
        return self._viewer_cache

    def _resolve_entity(self, entity: str | None) -> Steps[str]:
        """``entity`` if given, else the configured default, else the viewer's."""
        if entity is not None:
            return check_name(entity, "entity name")
        if self._settings.entity:
            return self._settings.entity
        viewer = yield from self._viewer()
        if not viewer.entity:
            raise InputError("no entity given and the viewer has no default entity; pass entity=")
        return viewer.entity

    # -- projects ------------------------------------------------------------------

    @op
    def project(self, name: str, entity: str | None = None) -> Steps[Project[M]]:
        """The project ``name`` of ``entity`` (default: the configured entity, else
        :attr:`default_entity`).

        Raises:
            NotFoundError: no such project (or not visible to this key).
        """
        return (yield from _projects.fetch_project(self, name, entity))

    def projects(self, entity: str | None = None, per_page: int = 200) -> Paginator[Project[M], M]:
        """The lazy collection of ``entity``'s projects; nothing is fetched until iterated."""
        return _projects.list_projects(self, entity, per_page)

    @op
    def create_project(
        self, name: str, entity: str | None = None, description: str | None = None
    ) -> Steps[Project[M]]:
        """Create the project (or update its description if it exists) and return it."""
        return (yield from _projects.upsert_project(self, name, entity, description))

    # -- runs ----------------------------------------------------------------------

    @overload
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = 50,
        include_sweeps: bool = True,
        *,
        light: Literal[False] = False,
        config_keys: Sequence[str] | None = None,
        summary_keys: Sequence[str] | None = None,
    ) -> Runs[M]: ...
    @overload
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = 50,
        include_sweeps: bool = True,
        *,
        light: Literal[True],
    ) -> SizedPaginator[LightRun[M], M]: ...
    @overload
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = 50,
        include_sweeps: bool = True,
        *,
        light: bool,
        config_keys: Sequence[str] | None = None,
        summary_keys: Sequence[str] | None = None,
    ) -> Runs[M] | SizedPaginator[LightRun[M], M]: ...
    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, object] | None = None,
        order: str = "+created_at",
        per_page: int = 50,
        include_sweeps: bool = True,
        *,
        light: bool = False,
        config_keys: Sequence[str] | None = None,
        summary_keys: Sequence[str] | None = None,
    ) -> Runs[M] | SizedPaginator[LightRun[M], M]:
        """The lazy collection of a project's runs; nothing is fetched until iterated.

        Args:
            path: ``entity/project`` or ``project`` (default: the configured ones).
            filters: a MongoDB-style filter, see :mod:`wandb_typed.filters`, e.g.
                ``{"config.lr": {"$gt": 0.01}, "state": "finished"}``.
            order: ``[+|-]field``: ``created_at``, ``heartbeat_at``,
                ``config.<key>``, ``summary_metrics.<key>``, ... (``+`` ascending).
            per_page: runs per request (1-1000).
            include_sweeps: attach each run's sweep (one request per distinct sweep).
            light: list :class:`LightRun` objects (identity and state only; no
                config, summary or sweep), the cheapest way to list many runs.
            config_keys / summary_keys: fetch only these config / summary keys.

        Raises:
            InputError: a malformed path, filter, order or page size (before any request).
        """
        if light is True:
            if config_keys is not None or summary_keys is not None:
                raise InputError(
                    "light=True fetches no config or summary; drop config_keys/summary_keys"
                )
            return _runs.list_light_runs(self, path, filters, order, per_page)
        if light is not False:
            raise InputError(f"light must be True or False, got {light!r}")
        return _runs.list_runs(
            self, path, filters, order, per_page, include_sweeps, config_keys, summary_keys
        )

    @op
    def run(self, path: str) -> Steps[Run[M]]:
        """One run: ``entity/project/run_id``, ``entity/project/runs/run_id``,
        ``project/run_id`` or ``run_id`` (with the configured defaults), or its URL.

        Raises:
            NotFoundError: no such run or project.
        """
        return (yield from _runs.fetch_run(self, path))

    @op
    def create_run(
        self, run_id: str | None = None, project: str | None = None, entity: str | None = None
    ) -> Steps[Run[M]]:
        """Create a run (state ``running``) with ``run_id`` (default: a random id)."""
        return (yield from _runs.create_run(self, run_id, project, entity))

    # -- sweeps and reports ----------------------------------------------------------

    @op
    def sweep(self, path: str) -> Steps[Sweep[M]]:
        """One sweep: ``entity/project/sweep_id`` (or ``.../sweeps/sweep_id``,
        ``project/sweep_id``, ``sweep_id``)."""
        return (yield from _sweeps.fetch_sweep_by_path(self, path))

    def reports(
        self, path: str = "", name: str | None = None, per_page: int = 50
    ) -> Paginator[Report, M]:
        """The lazy collection of a project's reports (``entity/project`` or ``project``)."""
        entity, project = parse_project_path(path) if path else (None, self._settings.project)
        return _reports.list_reports(self, entity, project, name, per_page)

    # -- paths ---------------------------------------------------------------------

    @op
    def from_path(self, path: str) -> Steps[Project[M] | Run[M] | Sweep[M] | Report]:
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
            return (yield from _projects.fetch_project(self, parsed.project, parsed.entity))
        entity = yield from self._resolve_entity(parsed.entity)
        project = parsed.project or self._settings.project
        assert parsed.name is not None
        if parsed.kind == "run":
            return (yield from _runs.fetch_run(self, f"{entity}/{project}/{parsed.name}"))
        if parsed.kind == "sweep":
            return (yield from _sweeps.fetch_sweep(self, entity, project, parsed.name))
        return (yield from _reports.fetch_report(self, entity, project, parsed.name))


class Api(ApiBase[Sync]):
    """The blocking client. Every method returns its value; see :class:`ApiBase`."""

    _http_client: httpx.Client | None

    def _make_runner(self) -> SyncRunner:
        http = self._http(httpx.Client, httpx.BaseTransport)
        settings, agent = self._settings, self.user_agent

        def make_client(runner: SyncRunner) -> WandbClient:
            from wandb_typed_gql.client import WandbClient

            from ._http import SyncTransport

            return WandbClient(SyncTransport(settings, agent, runner))

        return SyncRunner(http, make_client)

    @property
    def client(self) -> WandbClient:
        """The generated, typed GraphQL client (one method per operation in ``queries/``),
        sharing this object's authentication, retries and errors."""
        return self._sync_runner().client

    def close(self) -> None:
        """Close the HTTP client this object created."""
        if self._runner_cache is not None and self._http_client is None:
            self._sync_runner().http.close()
        self._runner_cache = None

    def __enter__(self) -> Api:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncApi(ApiBase[Async]):
    """The async client: methods return awaitables, collections support ``async for``."""

    _http_client: httpx.AsyncClient | None

    def _make_runner(self) -> AsyncRunner:
        http = self._http(httpx.AsyncClient, httpx.AsyncBaseTransport)
        settings, agent = self._settings, self.user_agent

        def make_client(runner: AsyncRunner) -> AsyncWandbClient:
            from wandb_typed_gql.async_client import AsyncWandbClient

            from ._http import AsyncTransport

            return AsyncWandbClient(AsyncTransport(settings, agent, runner))

        return AsyncRunner(http, make_client)

    @property
    def client(self) -> AsyncWandbClient:
        """The generated async GraphQL client, sharing this object's settings."""
        return self._async_runner().client

    async def aclose(self) -> None:
        """Close the HTTP client this object created."""
        if self._runner_cache is not None and self._http_client is None:
            await self._async_runner().http.aclose()
        self._runner_cache = None

    async def __aenter__(self) -> AsyncApi:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
