"""A run's data and edits, shared by ``Run`` and ``AsyncRun``: typed attributes,
the editable config and summary, what ``update()`` sends, and the checks every
runs listing makes before it sends anything."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar, cast

from .._encode import check_tags, check_unicode, to_json_object
from ..errors import InputError
from ..filters import validate_filters, validate_order
from ..paths import parse_project_path
from ..types import JSONObject, JSONValue, as_object
from .checks import check_dict, check_keys
from .enums import OpenStrEnum
from .paging import check_per_page
from .typed import validate_as
from .users import UserRef

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import RunFields

    from ..config import Settings

__all__ = [
    "RunListingData",
    "INTERNAL_CONFIG_KEYS",
    "FULL",
    "Fetch",
    "RunData",
    "RunIdentity",
    "RunQuery",
    "RunState",
]

T = TypeVar("T")

#: Config keys W&B uses for itself; kept in ``raw_config``, left out of ``config``.
INTERNAL_CONFIG_KEYS = frozenset({"_wandb", "wandb_version"})


class RunState(OpenStrEnum):
    """A run's state. States a newer server adds become pseudo-members, not errors."""

    RUNNING = "running"
    FINISHED = "finished"
    CRASHED = "crashed"
    FAILED = "failed"
    KILLED = "killed"
    PREEMPTED = "preempted"
    PREEMPTING = "preempting"
    PENDING = "pending"


#: The states this client knows, by value: a dict lookup per run of a listing.
_STATES: dict[str | None, RunState] = {state.value: state for state in RunState}


@dataclass(frozen=True)
class Fetch:
    """Which config and summary keys a run query asks for (``None``: all)."""

    config_keys: tuple[str, ...] | None = None
    summary_keys: tuple[str, ...] | None = None

    @classmethod
    def of(cls, config_keys: object, summary_keys: object) -> Fetch:
        """Checked key lists (before any request)."""
        return cls(check_keys(config_keys, "config_keys"), check_keys(summary_keys, "summary_keys"))

    @property
    def config_list(self) -> list[str] | None:
        """``config_keys`` as the query variable."""
        return list(self.config_keys) if self.config_keys is not None else None

    @property
    def summary_list(self) -> list[str] | None:
        """``summary_keys`` as the query variable."""
        return list(self.summary_keys) if self.summary_keys is not None else None


FULL = Fetch()


@dataclass(frozen=True)
class RunQuery:
    """A checked runs query: where, which runs, in what order."""

    entity: str | None
    project: str | None
    filters: JSONObject | None
    order: str
    what: str

    @classmethod
    def of(cls, path: str | None, filters: object, order: object, per_page: object) -> RunQuery:
        """Check the arguments every runs listing takes (before any request)."""
        entity, project = parse_project_path(path) if path is not None else (None, None)
        checked_filters, checked_order = validate_filters(filters), validate_order(order)
        check_per_page(per_page)
        what = f"runs of {path or 'the default project'}"
        return cls(entity, project, checked_filters, checked_order, what)


class RunListingData:
    """The read-only description of a runs listing (full or light): where from, which
    runs, in what order. Listings set ``_query`` and ``_settings``."""

    _query: RunQuery
    _settings: Settings

    @property
    def entity(self) -> str | None:
        """The entity the runs are listed from (``None``: the viewer's default entity,
        looked up with the first page)."""
        return self._query.entity or self._settings.entity

    @property
    def project(self) -> str:
        """The project the runs are listed from."""
        return self._query.project or self._settings.project

    @property
    def filters(self) -> JSONObject | None:
        """The filter the listing was made with (a copy), as sent."""
        return copy.deepcopy(self._query.filters)

    @property
    def order(self) -> str:
        """The order the listing was made with, e.g. ``+created_at``."""
        return self._query.order


def _fingerprint(value: JSONObject) -> bytes:
    """A cheap serialization to tell whether a dict was edited in place."""
    from pydantic_core import to_json  # imported on first use: keeps `import wandb_typed` light

    return to_json(value, serialize_unknown=True)


def _unwrap_config(raw: JSONObject) -> JSONObject:
    """``{"lr": {"value": 0.1, "desc": None}}`` -> ``{"lr": 0.1}``, without W&B's own keys."""
    internal = INTERNAL_CONFIG_KEYS
    return {
        key: item["value"] if type(item) is dict and "value" in item else item
        for key, item in raw.items()
        if key not in internal
    }


_to_json: Callable[[object], bytes] | None = None


def _to_text(value: object) -> bytes:
    """``value`` as JSON text (pydantic-core's serializer, looked up once)."""
    global _to_json
    if _to_json is None:
        from pydantic_core import to_json

        _to_json = to_json
    return _to_json(value)


_from_json: Callable[[str | bytes], JSONValue] | None = None


def _object_of(text: str | bytes | None, what: str | Callable[[], str]) -> JSONObject:
    """A JSONString field that must hold a JSON object, parsed (null means empty); text
    that is not JSON, or JSON that is not an object, is a ``ResponseValidationError``
    naming ``what`` (a callable: the name is only built for an error)."""
    global _from_json
    if text is None:
        return {}
    if _from_json is None:  # pydantic-core on first use: keeps `import wandb_typed` light
        from pydantic_core import from_json

        _from_json = from_json
    try:
        value = _from_json(text)
    except ValueError as exc:
        from ..errors import ResponseValidationError, clip

        raise ResponseValidationError(
            f"{_named(what)} is not JSON ({clip(str(exc), 200)})"
        ) from None
    if type(value) is dict:
        return cast("JSONObject", value)
    return as_object(value, _named(what))


def _named(what: str | Callable[[], str]) -> str:
    return what if isinstance(what, str) else what()


#: The GraphQL name of each JSONString field a run keeps as text (for messages).
_FIELD_NAMES = {
    "raw_config": "config",
    "summary": "summaryMetrics",
    "system_metrics": "systemMetrics",
    "history_keys": "historyKeys",
}

# A run's JSON fields (config, summary, system metrics; historyKeys too) are kept as text,
# parsed on first access (``RunData._parsed``). The editable ones (``config``,
# ``summary``) are diffed by ``update()`` against that text, parsed again: the value as
# fetched, whatever was edited in place since.


def _diff(current: JSONObject, before: JSONObject, name: str) -> tuple[JSONObject, tuple[str, ...]]:
    """Top-level keys of ``current`` set or changed since ``before``, and keys deleted."""
    # Encoded first: a value that cannot be sent (bytes, a lone surrogate, a set) is an
    # InputError naming its key even where its fingerprint would match what was read
    # (b"" and "" serialize alike).
    encoded = to_json_object(current, name)  # numpy, datetimes, ...; InputError naming the key
    if _fingerprint(encoded) == _fingerprint(before):
        return {}, ()
    changed = {k: v for k, v in encoded.items() if k not in before or before[k] != v}
    return changed, tuple(k for k in before if k not in encoded)


@dataclass(frozen=True)
class RunChanges:
    """What ``update()`` will write: scalar fields, and the keys and tags edited locally.

    Config, summary and tags are written as the server's *current* values with only
    the local edits applied, so two clients editing different keys both keep theirs.
    """

    scalars: dict[str, str | None]
    config_set: JSONObject
    config_deleted: tuple[str, ...]
    summary_set: JSONObject
    summary_deleted: tuple[str, ...]
    tags_added: tuple[str, ...]
    tags_removed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.scalars or self.needs_current)

    @property
    def needs_current(self) -> bool:
        """Whether the server's current config, summary or tags must be read first."""
        return bool(
            self.config_set or self.config_deleted or self.summary_set
            or self.summary_deleted or self.tags_added or self.tags_removed
        )  # fmt: skip

    def fields(self, current: RunFields | None) -> dict[str, object]:
        """The upsertBucket input: the scalars, plus the edits applied to ``current``."""
        out: dict[str, object] = dict(self.scalars)
        if current is None:
            return out
        if self.config_set or self.config_deleted:
            raw = dict(_object_of(current.config, f"run {current.name}: config"))
            for key in self.config_deleted:
                raw.pop(key, None)
            for key, value in self.config_set.items():
                old = raw.get(key)
                desc = old.get("desc") if isinstance(old, dict) and "value" in old else None
                raw[key] = {"value": value, "desc": desc}
            out["config"] = raw
        if self.summary_set or self.summary_deleted:
            summary = dict(_object_of(current.summary_metrics, f"run {current.name}: summary"))
            for key in self.summary_deleted:
                summary.pop(key, None)
            summary.update(self.summary_set)
            out["summary_metrics"] = summary
        if self.tags_added or self.tags_removed:
            tags = [t for t in current.tags or [] if t not in self.tags_removed]
            out["tags"] = tags + [t for t in self.tags_added if t not in tags]
        return out


class RunIdentity:
    """What every run object has: where it lives and its id."""

    entity: str
    project: str
    id: str
    """The run id (``entity/project/<id>`` in URLs)."""
    _app_url: str

    @property
    def path(self) -> str:
        """``entity/project/run_id``; pass it back to ``api.run()``."""
        return f"{self.entity}/{self.project}/{self.id}"

    @property
    def url(self) -> str:
        """The run's page in the W&B app."""
        return f"{self._app_url}/{self.entity}/{self.project}/runs/{self.id}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunIdentity) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)


class LightRunData(RunIdentity):
    """A run as a light listing (``runs(light=True)``) returns it: identity and state."""

    name: str
    """The display name."""
    state: RunState | None

    def __init__(
        self, entity: str, project: str, id: str, name: str, state: RunState | None, app_url: str
    ) -> None:
        self.entity = entity
        self.project = project
        self.id = id
        self.name = name
        self.state = state
        self._app_url = app_url

    def __repr__(self) -> str:
        state = self.state.value if self.state is not None else "unknown"
        return f"<{type(self).__name__} {self.path} {self.name!r} ({state})>"


class RunData(RunIdentity):
    """A W&B run's data. Attributes are typed values; ``config``, ``summary``,
    ``tags``, ``notes``, ``name``, ``group``, ``job_type`` and ``description`` are
    editable (``update()`` writes the changes back)."""

    id: str
    """The run id (``entity/project/<id>`` in URLs)."""
    storage_id: str
    """The server's global id of the run."""
    name: str
    """The display name (settable)."""
    state: RunState | None
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
        self, entity: str, project: str, fields: RunFields, fetched: Fetch, app_url: str
    ) -> None:
        self.entity = entity
        self.project = project
        self._app_url = app_url
        self._apply(fields, fetched)

    def _apply(self, f: RunFields, fetched: Fetch) -> None:
        self._fetched = fetched
        self.id = f.name
        self.storage_id = f.id
        self.name = f.display_name or f.name
        self.state = _STATES.get(f.state) or (RunState(f.state) if f.state else None)
        self._tags = list(f.tags or [])
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
        # JSON text until first read (see _parsed); parsed values in _values. historyKeys
        # arrives decoded: it is kept as text too, so that a page of runs holds no nested
        # containers for the cyclic collector to walk until they are read.
        history = f.history_keys
        self._texts: dict[str, str | bytes | None] = {
            "raw_config": f.config,
            "summary": f.summary_metrics,
            "system_metrics": f.system_metrics,
            "history_keys": None if history is None else _to_text(history),
        }
        self._values: dict[str, JSONObject] = {}
        # Edits are found at update() time: scalars are compared with their saved
        # values, config and summary (once handed out) with the text as fetched.
        self._saved = self._scalars()
        self._saved_tags = tuple(self._tags)

    def _parsed(self, name: str, fresh: bool = False) -> JSONObject:
        """``raw_config``, ``config``, ``summary``, ``system_metrics`` or ``history_keys``:
        parsed from the fetched text on first use and kept (``fresh``: parsed again, not kept: the value
        as fetched, for ``update()`` to diff against)."""
        if not fresh:
            value = self._values.get(name)
            if value is not None:
                return value
        if name == "config":
            raw = self._values.get("raw_config")  # shared if already read, else not kept
            value = _unwrap_config(raw if raw is not None and not fresh else self._raw(name))
        else:
            value = self._raw(name)
        if not fresh:
            self._values[name] = value
        return value

    def _raw(self, name: str) -> JSONObject:
        """A JSON field parsed from its text (``config``: ``raw_config``'s)."""
        name = "raw_config" if name == "config" else name
        return _object_of(self._texts[name], lambda: f"run {self.id}: {_FIELD_NAMES[name]}")

    @property
    def _config(self) -> JSONObject:
        return self._parsed("config")

    @property
    def _summary(self) -> JSONObject:
        return self._parsed("summary")

    def __repr__(self) -> str:
        state = self.state.value if self.state is not None else "unknown"
        return f"<{type(self).__name__} {self.path} {self.name!r} ({state})>"

    @property
    def display_name(self) -> str:
        """Same as :attr:`name`."""
        return self.name

    @display_name.setter
    def display_name(self, value: str) -> None:
        self.name = value

    @property
    def config(self) -> JSONObject:
        """The run's config, values unwrapped from W&B's ``{"value": ...}``; editable
        (in place or by assignment; then ``update()``)."""
        return self._parsed("config")

    @config.setter
    def config(self, value: JSONObject) -> None:
        self._values["config"] = cast("JSONObject", check_dict(value, "run.config"))

    @property
    def summary(self) -> JSONObject:
        """The latest value of every logged key; editable (then ``update()``)."""
        return self._parsed("summary")

    @summary.setter
    def summary(self, value: JSONObject) -> None:
        self._values["summary"] = cast("JSONObject", check_dict(value, "run.summary"))

    def config_as(self, type_: type[T]) -> T:
        """The config validated as ``type_``: a pydantic model, a ``TypedDict`` or a
        dataclass declaring the keys you use (other keys are ignored unless the type
        forbids extras). A new object each call; editing it does not edit the run.

        Raises:
            ConfigValidationError: the config does not match (names the run and keys).
            InputError: ``type_`` is not a type pydantic can validate with.
        """
        return validate_as(type_, self._config, self.path, "config")

    def summary_as(self, type_: type[T]) -> T:
        """The summary validated as ``type_`` (see :meth:`config_as`).

        Raises:
            ConfigValidationError: the summary does not match (names the run and keys).
            InputError: ``type_`` is not a type pydantic can validate with.
        """
        return validate_as(type_, self._summary, self.path, "summary")

    @property
    def raw_config(self) -> JSONObject:
        """The config as stored (read-only): values wrapped as ``{"value": ..., "desc":
        ...}``, including W&B's internal ``_wandb`` key."""
        return self._parsed("raw_config")

    @property
    def system_metrics(self) -> JSONObject:
        """The latest system metrics (GPU, CPU, memory, ...)."""
        return self._parsed("system_metrics")

    @property
    def history_keys(self) -> JSONObject:
        """History key metadata as the server reports it (``lastStep``, ``keys``)."""
        return self._parsed("history_keys")

    @property
    def last_step(self) -> int | None:
        """The last logged ``_step``, if the server reported it."""
        value = self.history_keys.get("lastStep")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def tags(self) -> list[str]:
        """The run's tags; editable (append, remove or assign a list; then ``update()``)."""
        return self._tags

    @tags.setter
    def tags(self, value: list[str]) -> None:
        self._tags = check_tags(value, f"run {self.path}: tags")

    # -- what update() sends ------------------------------------------------------------

    def _edits(self, name: str) -> tuple[JSONObject, tuple[str, ...]]:
        """Keys of ``config``/``summary`` set or deleted since fetched (none if the value
        was never handed out, so never edited)."""
        current = self._values.get(name)
        if current is None:
            return {}, ()
        return _diff(current, self._parsed(name, fresh=True), name)

    def _scalars(self) -> dict[str, object]:
        return {
            "notes": self.notes,
            "display_name": self.name,
            "group_name": self.group,
            "job_type": self.job_type,
            "description": self.description,
        }

    def _changes(self) -> RunChanges:
        """What differs from what was fetched (checked: bad values raise ``InputError``)."""
        scalars: dict[str, str | None] = {}
        for key, value in self._scalars().items():
            if value == self._saved[key]:
                continue
            if value is None:
                hint = " (set '' to clear it)" if key in ("notes", "description") else ""
                raise InputError(
                    f"run {self.path}: W&B ignores a null {key}, so it cannot be unset this "
                    f"way{hint}"
                )
            if not isinstance(value, str):
                raise InputError(f"run {self.path}: {key} must be a string, got {value!r}")
            scalars[key] = check_unicode(value, f"run {self.path}: {key}")
        tags = check_tags(self._tags, f"run {self.path}: tags")
        config_set, config_deleted = self._edits("config")
        summary_set, summary_deleted = self._edits("summary")
        return RunChanges(
            scalars=scalars,
            config_set=config_set,
            config_deleted=config_deleted,
            summary_set=summary_set,
            summary_deleted=summary_deleted,
            tags_added=tuple(t for t in tags if t not in self._saved_tags),
            tags_removed=tuple(t for t in self._saved_tags if t not in tags),
        )
