"""Runs: the typed :class:`Run`, the lazy :class:`Runs` collection, create/update/delete.

A listing gets identity, state, config and summary for a whole page in one
request (never one request per run); ``config_keys``/``summary_keys`` fetch only
those keys. ``light=True`` lists :class:`LightRun` objects instead: run id, display
name and state only, for listing thousands of runs cheaply;
``light_run.load()`` fetches the full :class:`Run`. The types keep the two apart:
a type checker flags ``light_run.config``.
"""

from __future__ import annotations

import random
import string
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from wandb_typed_gql.gc_pause import paused_gc

from ._modes import Async, M, Owned, Sync, op, op_property
from ._steps import Steps, call
from .errors import InputError, NotFoundError
from .filters import validate_filters, validate_order
from .paging import Page, SizedPaginator, check_per_page, page_of
from .paths import check_name, parse_object_path, parse_project_path
from .types import JSONObject, as_object
from .users import UserRef

if TYPE_CHECKING:
    from pandas import DataFrame
    from wandb_typed_gql.fragments import RunFields

    from .api import ApiBase
    from .files import File
    from .history import HistoryRow, HistoryScan
    from .sweeps import Sweep

__all__ = ["LightRun", "Run", "RunState", "Runs"]

#: Config keys W&B uses for itself; kept in ``raw_config``, left out of ``config``.
INTERNAL_CONFIG_KEYS = frozenset({"_wandb", "wandb_version"})


class RunState(str, Enum):
    """A run's state. States a newer server adds become pseudo-members, not errors."""

    RUNNING = "running"
    FINISHED = "finished"
    CRASHED = "crashed"
    FAILED = "failed"
    KILLED = "killed"
    PREEMPTED = "preempted"
    PREEMPTING = "preempting"
    PENDING = "pending"

    @classmethod
    def _missing_(cls, value: object) -> RunState | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return member


@dataclass(frozen=True)
class Fetch:
    """Which config and summary keys a run query asks for (``None``: all)."""

    config_keys: tuple[str, ...] | None = None
    summary_keys: tuple[str, ...] | None = None

    def variables(self) -> dict[str, Any]:
        return {
            "config_keys": list(self.config_keys) if self.config_keys is not None else None,
            "summary_keys": list(self.summary_keys) if self.summary_keys is not None else None,
        }


FULL = Fetch()


def _fingerprint(value: JSONObject) -> bytes:
    """A cheap serialization to tell later whether a dict was edited in place."""
    from pydantic_core import to_json  # imported on first use: keeps `import wandb_typed` light

    return to_json(value, serialize_unknown=True)


def _keys(value: object, what: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InputError(f"{what} must be a list of strings, got {type(value).__name__}")
    for key in value:
        if not isinstance(key, str) or not key:
            raise InputError(f"{what} must contain non-empty strings, got {key!r}")
    return tuple(value)


def _unwrap_config(raw: JSONObject) -> JSONObject:
    """``{"lr": {"value": 0.1, "desc": None}}`` -> ``{"lr": 0.1}``, without W&B's own keys."""
    out: JSONObject = {}
    for key, item in raw.items():
        if key in INTERNAL_CONFIG_KEYS:
            continue
        out[key] = item["value"] if isinstance(item, dict) and "value" in item else item
    return out


class _Editable:
    """A run's editable JSON object (``config``, ``summary``), kept in ``_<name>``.

    A fingerprint is taken the first time the dict is handed out (or it is replaced),
    so ``update()`` can tell whether it was edited in place, without serializing
    every run of a listing up front.
    """

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> _Editable: ...
    @overload
    def __get__(self, obj: object, owner: type) -> JSONObject: ...
    def __get__(self, obj: object, owner: type) -> _Editable | JSONObject:
        if obj is None:
            return self
        value: JSONObject = getattr(obj, f"_{self.name}")
        if getattr(obj, f"_{self.name}_seen") is None:
            setattr(obj, f"_{self.name}_seen", _fingerprint(value))
        return value

    def __set__(self, obj: object, value: JSONObject) -> None:
        if not isinstance(value, dict):
            raise InputError(f"run.{self.name} must be a dict, got {type(value).__name__}")
        if getattr(obj, f"_{self.name}_seen") is None:
            setattr(obj, f"_{self.name}_seen", b"")  # never equals a fingerprint: changed
        setattr(obj, f"_{self.name}", value)

    @staticmethod
    def edited(obj: object, name: str) -> bool:
        seen: bytes | None = getattr(obj, f"_{name}_seen")
        return seen is not None and _fingerprint(getattr(obj, f"_{name}")) != seen


class _RunIdentity(Owned[M]):
    """What a :class:`Run` and a :class:`LightRun` share: their identity."""

    entity: str
    project: str
    id: str

    @property
    def path(self) -> str:
        """``entity/project/run_id``; pass it back to ``api.run()``."""
        return f"{self.entity}/{self.project}/{self.id}"

    @property
    def url(self) -> str:
        """The run's page in the W&B app."""
        return f"{self._api.settings.app_url}/{self.entity}/{self.project}/runs/{self.id}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _RunIdentity) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)


class Run(_RunIdentity[M]):
    """A W&B run. Attributes are typed values; edit ``config``, ``summary``, ``tags``,
    ``notes``, ``name``, ``group``, ``job_type`` or ``description`` and call
    :meth:`update` to write the changes back."""

    entity: str
    project: str
    id: str
    """The run id (``entity/project/<id>`` in URLs)."""
    storage_id: str
    """The server's global id of the run."""
    name: str
    """The display name (settable)."""
    state: RunState | None
    tags: list[str]
    group: str | None
    job_type: str | None
    host: str | None
    notes: str | None
    description: str | None
    commit: str | None
    sweep_name: str | None
    project_internal_id: int
    read_only: bool
    created_at: datetime
    heartbeat_at: datetime | None
    history_line_count: int
    user: UserRef | None

    def __init__(
        self, api: ApiBase[M], entity: str, project: str, fields: RunFields, fetched: Fetch
    ) -> None:
        self._api = api
        self.entity = entity
        self.project = project
        self._sweep: Sweep[M] | None | Literal[False] = False
        self._apply(fields, fetched)

    def _apply(self, f: RunFields, fetched: Fetch) -> None:
        self._fetched = fetched
        self.id = f.name
        self.storage_id = f.id
        self.name = f.display_name or f.name
        self.state = RunState(f.state) if f.state else None
        self.tags = list(f.tags or [])
        self.group = f.group
        self.job_type = f.job_type
        self.host = f.host
        self.notes = f.notes
        self.description = f.description
        self.commit = f.commit
        self.sweep_name = f.sweep_name
        self.project_internal_id = f.project_id
        self.read_only = bool(f.read_only)
        self.created_at = f.created_at
        self.heartbeat_at = f.heartbeat_at
        self.history_line_count = f.history_line_count or 0
        self.user = UserRef(f.user.name, f.user.username) if f.user is not None else None
        self._raw_config: JSONObject = as_object(f.config, f"run {f.name}: config")
        self._config: JSONObject = _unwrap_config(self._raw_config)
        self._summary: JSONObject = as_object(f.summary_metrics, f"run {f.name}: summaryMetrics")
        self._system_metrics: JSONObject = as_object(
            f.system_metrics, f"run {f.name}: systemMetrics"
        )
        self._history_keys: JSONObject = as_object(f.history_keys, f"run {f.name}: historyKeys")
        # Edits are found at update() time: scalars are compared with their saved
        # values, config and summary with a fingerprint taken when first handed out.
        self._saved = self._scalars()
        self._config_seen: bytes | None = None  # see _Editable
        self._summary_seen: bytes | None = None

    # -- identity ------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        """Same as :attr:`name`."""
        return self.name

    @display_name.setter
    def display_name(self, value: str) -> None:
        self.name = value

    def __repr__(self) -> str:
        state = self.state.value if self.state is not None else "unknown"
        return f"<Run {self.path} {self.name!r} ({state})>"

    # -- JSON fields ---------------------------------------------------------------

    config = _Editable(
        """The run's config, values unwrapped from W&B's ``{"value": ...}``; editable."""
    )
    summary = _Editable("""The latest value of every logged key; editable (then :meth:`update`).""")

    @property
    def raw_config(self) -> JSONObject:
        """The config as stored (read-only): values wrapped as ``{"value": ..., "desc":
        ...}``, including W&B's internal ``_wandb`` key."""
        return self._raw_config

    @property
    def system_metrics(self) -> JSONObject:
        """The latest system metrics (GPU, CPU, memory, ...)."""
        return self._system_metrics

    @property
    def history_keys(self) -> JSONObject:
        """History key metadata as the server reports it (``lastStep``, ``keys``)."""
        return self._history_keys

    @property
    def last_step(self) -> int | None:
        """The last logged ``_step``, if the server reported it."""
        value = self.history_keys.get("lastStep")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    # -- writes --------------------------------------------------------------------

    def _scalars(self) -> dict[str, object]:
        return {
            "tags": tuple(self.tags),
            "notes": self.notes,
            "name": self.name,
            "group": self.group,
            "job_type": self.job_type,
            "description": self.description,
        }

    def _changes(self) -> dict[str, Any]:
        """The upsertBucket input fields that differ from what was fetched."""
        now, saved = self._scalars(), self._saved
        changed = {k for k in now if now[k] != saved[k]}
        changed |= {name for name in ("config", "summary") if _Editable.edited(self, name)}
        fields: dict[str, Any] = {}
        if "config" in changed:
            if self._fetched.config_keys is not None:
                raise InputError(
                    f"run {self.path}: config was fetched with config_keys, so writing it back would "
                    "drop the other keys; call run.reload() first"
                )
            fields["config"] = self._wrapped_config()
        if "summary" in changed:
            if self._fetched.summary_keys is not None:
                raise InputError(
                    f"run {self.path}: summary was fetched with summary_keys, so writing it back "
                    "would drop the other keys; call run.reload() first"
                )
            fields["summary_metrics"] = self._summary
        if "tags" in changed:
            if not all(isinstance(t, str) and t for t in self.tags):
                raise InputError(
                    f"run {self.path}: tags must be non-empty strings, got {self.tags!r}"
                )
            fields["tags"] = list(self.tags)
        for attr, key in (("notes", "notes"), ("name", "display_name"), ("group", "group_name"),
                          ("job_type", "job_type"), ("description", "description")):  # fmt: skip
            if attr in changed:
                value = getattr(self, attr)
                if value is not None and not isinstance(value, str):
                    raise InputError(f"run.{attr} must be a string, got {type(value).__name__}")
                fields[key] = value
        return fields

    def _wrapped_config(self) -> JSONObject:
        """The edited config in W&B's stored form, keeping descriptions and ``_wandb``."""
        out: JSONObject = {k: v for k, v in self._raw_config.items() if k in INTERNAL_CONFIG_KEYS}
        for key, value in self._config.items():
            old = self._raw_config.get(key)
            desc = old.get("desc") if isinstance(old, dict) and "value" in old else None
            out[key] = {"value": value, "desc": desc}
        return out

    @op
    def update(self) -> Steps[None]:
        """Write changed config, summary, tags, notes, name, group, job type and
        description back (one request; none when nothing changed)."""
        from wandb_typed_gql.input_types import UpsertBucketInput

        fields = self._changes()
        if not fields:
            return
        payload = UpsertBucketInput(id=self.storage_id, **fields)
        fetched = self._fetched
        result = yield from call(lambda c: c.upsert_run(input=payload, **fetched.variables()))
        if result.upsert_bucket is None or result.upsert_bucket.bucket is None:
            raise NotFoundError(f"run {self.path} no longer exists", operation_name="UpsertRun")
        self._apply(result.upsert_bucket.bucket, fetched)

    @op
    def delete(self, delete_artifacts: bool = False) -> Steps[None]:
        """Delete the run (and, with ``delete_artifacts``, the artifacts it logged)."""
        if not isinstance(delete_artifacts, bool):
            raise InputError("delete_artifacts must be True or False")
        storage_id = self.storage_id
        yield from call(lambda c: c.delete_run(id=storage_id, delete_artifacts=delete_artifacts))

    @op
    def reload(self) -> Steps[None]:
        """Fetch every field of the run again (drops unsaved edits)."""
        fields = yield from _fetch_fields(self._api, self.entity, self.project, self.id, FULL)
        self._apply(fields, FULL)

    load = reload

    # -- related objects -----------------------------------------------------------

    @op_property
    def sweep(self) -> Steps[Sweep[M] | None]:
        """The sweep the run belongs to (fetched on first use), or ``None``."""
        if self._sweep is False:
            if self.sweep_name is None:
                self._sweep = None
            else:
                from .sweeps import fetch_sweep

                self._sweep = yield from fetch_sweep(
                    self._api, self.entity, self.project, self.sweep_name
                )
        return self._sweep

    # -- history -------------------------------------------------------------------

    @overload
    def history(
        self: Run[Sync],
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        pandas: Literal[True] = ...,
        stream: Literal["default", "system"] = ...,
    ) -> DataFrame: ...
    @overload
    def history(
        self: Run[Sync],
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        *,
        pandas: Literal[False],
        stream: Literal["default", "system"] = ...,
    ) -> list[HistoryRow]: ...
    @overload
    def history(
        self: Run[Sync],
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        *,
        pandas: bool,
        stream: Literal["default", "system"] = ...,
    ) -> DataFrame | list[HistoryRow]: ...
    @overload
    def history(
        self: Run[Async],
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        pandas: Literal[True] = ...,
        stream: Literal["default", "system"] = ...,
    ) -> Awaitable[DataFrame]: ...
    @overload
    def history(
        self: Run[Async],
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        *,
        pandas: Literal[False],
        stream: Literal["default", "system"] = ...,
    ) -> Awaitable[list[HistoryRow]]: ...
    @overload
    def history(
        self: Run[Async],
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        *,
        pandas: bool,
        stream: Literal["default", "system"] = ...,
    ) -> Awaitable[DataFrame | list[HistoryRow]]: ...
    def history(
        self,
        samples: int = 500,
        keys: Sequence[str] | None = None,
        x_axis: str = "_step",
        pandas: bool = True,
        stream: Literal["default", "system"] = "default",
    ) -> Any:
        """Sampled history: at most ``samples`` rows chosen by the server.

        With ``keys``, rows hold ``x_axis`` and those keys; without, every key.
        ``stream="system"`` reads system metrics. Returns a pandas DataFrame when
        ``pandas`` is true and pandas is installed, else a list of rows. For every
        row, unsampled, use :meth:`scan_history`.
        """
        from .history import sampled_history

        return self._runner.run(sampled_history(self, samples, keys, x_axis, pandas, stream))

    def scan_history(
        self,
        keys: Sequence[str] | None = None,
        page_size: int = 1000,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> HistoryScan[M]:
        """Every history row with ``min_step <= _step < max_step``, streamed page by page.

        Lazy and re-iterable; memory stays constant (one page). With ``keys``, rows
        hold ``_step`` and those keys and only rows that have all of them are
        yielded. Resume a scan with ``scan.from_cursor(page.end_cursor)`` or with
        ``min_step`` = last seen ``_step`` + 1.
        """
        from .history import scan_history

        return scan_history(self, keys, page_size, min_step, max_step)

    # -- files ---------------------------------------------------------------------

    def files(
        self, names: Sequence[str] | None = None, per_page: int = 50
    ) -> SizedPaginator[File[M], M]:
        """The run's files (only ``names``, when given); lazy, ``len()`` from the server."""
        from .files import list_files

        return list_files(self, names, per_page)

    @op
    def file(self, name: str) -> Steps[File[M]]:
        """One file of the run by name (:class:`NotFoundError` if absent)."""
        from .files import fetch_file

        return (yield from fetch_file(self, name))

    @op
    def upload_file(self, path: str | Path, root: str | Path = ".") -> Steps[File[M]]:
        """Upload a local file; it is stored under its path relative to ``root``."""
        from .files import upload_file

        return (yield from upload_file(self, path, root))


@dataclass(frozen=True, eq=False)
class LightRun(_RunIdentity[M]):
    """A run as a light listing (``runs(light=True)``) returns it: identity and state.

    :meth:`load` fetches the full :class:`Run` (config, summary, storage id, everything
    else).
    """

    id: str
    """The run id (``entity/project/<id>``)."""
    name: str
    """The display name."""
    state: RunState | None
    entity: str
    project: str
    _api: ApiBase[M] = field(repr=False)

    @op
    def load(self) -> Steps[Run[M]]:
        """Fetch the full run."""
        fields = yield from _fetch_fields(self._api, self.entity, self.project, self.id, FULL)
        return Run(self._api, self.entity, self.project, fields, FULL)


class Runs(SizedPaginator[Run[M], M]):
    """The lazy collection of a project's runs (``len()`` is the server's count)."""

    @overload
    def histories(
        self: Runs[Sync],
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        format: Literal["default"] = ...,
        stream: Literal["default", "system"] = ...,
    ) -> list[HistoryRow]: ...
    @overload
    def histories(
        self: Runs[Sync],
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        *,
        format: Literal["pandas"],
        stream: Literal["default", "system"] = ...,
    ) -> DataFrame: ...
    @overload
    def histories(
        self: Runs[Async],
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        format: Literal["default"] = ...,
        stream: Literal["default", "system"] = ...,
    ) -> Awaitable[list[HistoryRow]]: ...
    @overload
    def histories(
        self: Runs[Async],
        samples: int = ...,
        keys: Sequence[str] | None = ...,
        x_axis: str = ...,
        *,
        format: Literal["pandas"],
        stream: Literal["default", "system"] = ...,
    ) -> Awaitable[DataFrame]: ...
    def histories(
        self,
        samples: int = 500,
        keys: Sequence[str] | None = None,
        x_axis: str = "_step",
        format: Literal["default", "pandas"] = "default",
        stream: Literal["default", "system"] = "default",
    ) -> Any:
        """Sampled history of every run, each row tagged with its ``run_id``: a list of
        rows, or one DataFrame with ``format="pandas"``."""
        from .history import histories_of

        return self._runner.run(histories_of(self, samples, keys, x_axis, format, stream))

    def _walk_steps(self) -> Steps[list[Run[M]]]:
        """All runs of the collection, page by page, as one step generator."""
        walk = self._walk()
        out: list[Run[M]] = []
        while not walk.done:
            page = walk.accept((yield from self._fetch(walk.cursor, self.per_page)))
            out.extend(page.items)
        return out


# -- module functions used by Api ---------------------------------------------------


def _fetch_fields(
    api: ApiBase[M], entity: str, project: str, name: str, fetched: Fetch
) -> Steps[RunFields]:
    result = yield from call(
        lambda c: c.run_by_name(entity=entity, project=project, name=name, **fetched.variables())
    )
    if result.project is None:
        raise NotFoundError.of(f"project {entity}/{project}", "RunByName")
    if result.project.run is None:
        raise NotFoundError.of(f"run {entity}/{project}/{name}", "RunByName")
    return result.project.run


def fetch_run(api: ApiBase[M], path: str) -> Steps[Run[M]]:
    """One run by path (see :mod:`wandb_typed.paths` for the accepted forms)."""
    parsed = parse_object_path(path, "run")
    entity = yield from api._resolve_entity(parsed.entity)
    project = parsed.project or api.settings.project
    assert parsed.name is not None
    fields = yield from _fetch_fields(api, entity, project, parsed.name, FULL)
    return Run(api, entity, project, fields, FULL)


@dataclass(frozen=True)
class _RunQuery:
    """A checked runs query: where, which runs, in what order."""

    entity: str | None
    project: str | None
    filters: JSONObject | None
    order: str
    what: str


def _run_query(path: str | None, filters: object, order: str, per_page: int) -> _RunQuery:
    """Check the arguments every runs listing takes (before any request)."""
    entity, project = parse_project_path(path) if path is not None else (None, None)
    query = _RunQuery(entity, project, validate_filters(filters), validate_order(order), "")
    check_per_page(per_page)
    return _RunQuery(**{**query.__dict__, "what": f"runs of {path or 'the default project'}"})


def _where(api: ApiBase[M], query: _RunQuery) -> Steps[tuple[str, str]]:
    entity = yield from api._resolve_entity(query.entity)
    return entity, query.project or api.settings.project


def list_runs(
    api: ApiBase[M],
    path: str | None,
    filters: object,
    order: str,
    per_page: int,
    include_sweeps: bool,
    config_keys: Sequence[str] | None,
    summary_keys: Sequence[str] | None,
) -> Runs[M]:
    """The lazy collection of a project's runs; every argument is checked here, first."""
    query = _run_query(path, filters, order, per_page)
    if not isinstance(include_sweeps, bool):
        raise InputError("include_sweeps must be True or False")
    fetched = Fetch(_keys(config_keys, "config_keys"), _keys(summary_keys, "summary_keys"))
    sweeps: dict[str, Sweep[M] | None] = {}

    def fetch(cursor: str | None, first: int) -> Steps[Page[Run[M]]]:
        entity, project = yield from _where(api, query)
        result = yield from call(
            lambda c: c.run_page(
                entity=entity, project=project, filters=query.filters, order=query.order,
                cursor=cursor, per_page=first, with_count=cursor is None, **fetched.variables(),
            )
        )  # fmt: skip
        if result.project is None:
            raise NotFoundError.of(f"project {entity}/{project}", "RunPage")
        with paused_gc():
            page = page_of(
                result.project.runs,
                lambda node: Run(api, entity, project, node, fetched),
                result.project.run_count,
            )
        if include_sweeps:
            yield from _attach_sweeps(api, entity, project, page.items, sweeps)
        return page

    return Runs(api, fetch, per_page=per_page, what=query.what, key=lambda r: r.storage_id)


def list_light_runs(
    api: ApiBase[M], path: str | None, filters: object, order: str, per_page: int
) -> SizedPaginator[LightRun[M], M]:
    """The lazy collection of a project's runs, identity and state only."""
    query = _run_query(path, filters, order, per_page)

    def fetch(cursor: str | None, first: int) -> Steps[Page[LightRun[M]]]:
        entity, project = yield from _where(api, query)
        result = yield from call(
            lambda c: c.light_run_page(
                entity=entity, project=project, filters=query.filters, order=query.order,
                cursor=cursor, per_page=first, with_count=cursor is None,
            )
        )  # fmt: skip
        if result.project is None:
            raise NotFoundError.of(f"project {entity}/{project}", "LightRunPage")
        return page_of(
            result.project.runs,
            lambda node: LightRun(
                id=node.name, name=node.display_name or node.name,
                state=RunState(node.state) if node.state else None,
                entity=entity, project=project, _api=api,
            ),
            result.project.run_count,
        )  # fmt: skip

    return SizedPaginator(api, fetch, per_page=per_page, what=query.what, key=lambda r: r.id)


def _attach_sweeps(
    api: ApiBase[M],
    entity: str,
    project: str,
    runs: Sequence[Run[M]],
    cache: dict[str, Sweep[M] | None],
) -> Steps[None]:
    """Give each run its sweep, fetching each distinct sweep once per collection."""
    from .sweeps import fetch_sweep

    for run in runs:
        if run.sweep_name is None:
            run._sweep = None
            continue
        if run.sweep_name not in cache:
            try:
                cache[run.sweep_name] = yield from fetch_sweep(api, entity, project, run.sweep_name)
            except NotFoundError:
                cache[run.sweep_name] = None
        run._sweep = cache[run.sweep_name]


def create_run(
    api: ApiBase[M], run_id: str | None, project: str | None, entity: str | None
) -> Steps[Run[M]]:
    """Create a run in state ``running`` (an existing id is upserted, as W&B does)."""
    from wandb_typed_gql.input_types import UpsertBucketInput

    name = check_name(run_id, "run id") if run_id is not None else _random_run_id()
    project_name = (
        check_name(project, "project name") if project is not None else api.settings.project
    )
    ent = yield from api._resolve_entity(entity)
    payload = UpsertBucketInput(
        name=name, model_name=project_name, entity_name=ent, state="running"
    )
    result = yield from call(lambda c: c.upsert_run(input=payload, **FULL.variables()))
    if result.upsert_bucket is None or result.upsert_bucket.bucket is None:
        raise NotFoundError(f"could not create run {ent}/{project_name}/{name}")
    return Run(api, ent, project_name, result.upsert_bucket.bucket, FULL)


def _random_run_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(random.SystemRandom().choice(alphabet) for _ in range(8))
