"""The one error tree of wandb-typed.

Everything the client raises on purpose derives from :class:`WandbError`; bad
arguments raise :class:`InputError`, which is also a ``ValueError``. No raw httpx
or pydantic exception escapes the facade: transport failures, HTTP statuses,
GraphQL errors and responses that do not match the schema are mapped here once.
Messages say what happened and what to do, and never contain the API key.
Server-provided text is clipped (:func:`clip`) before it goes into a message, and
every message is bounded (:data:`MAX_MESSAGE`), so a hostile server cannot make
``str(exc)`` megabytes long. Every error pickles with all its attributes, so a
``ProcessPoolExecutor`` worker can raise one.

    WandbError
    ├── InputError (ValueError)            bad argument, raised before any request
    ├── ConfigValidationError (ValueError) a run's config/summary does not match its declared type
    ├── APIConnectionError                 could not reach the server
    │   └── APITimeoutError                no answer within the timeout
    ├── APIStatusError                     the server answered with an HTTP error
    │   ├── BadRequestError                400
    │   ├── AuthenticationError            401
    │   ├── PermissionDeniedError          403
    │   ├── NotFoundError (LookupError)    404, or a named object that does not exist
    │   │   └── TypeMismatchError (ValueError) it exists, with another type than asked
    │   ├── ConflictError                  409: the write clashes with what exists
    │   ├── RateLimitError                 429 (after retries)
    │   └── ServerError                    5xx (after retries)
    ├── GraphQLError                       the server returned GraphQL ``errors``
    │   ├── GraphQLPermissionDeniedError   code PERMISSION_ERROR: also a PermissionDeniedError
    │   ├── GraphQLNotFoundError           code NOT_FOUND: also a NotFoundError
    │   └── GraphQLConflictError           code CONFLICT: also a ConflictError
    ├── ResponseValidationError            the response does not match the schema
    ├── PaginationError                    a cursor that does not advance
    ├── UsageError (RuntimeError)          a closed client, or an AsyncApi on another event loop
    ├── MissingDependencyError (ImportError) an optional extra is not installed
    ├── UnsupportedServerFeatureError      the server lacks a feature this call needs
    ├── UnresolvedReferenceError           artifact references this client cannot fetch
    ├── VerificationError (ValueError)     local files differ from an artifact's manifest
    ├── WaitTimeoutError (TimeoutError)    a waiting method's timeout passed first
    ├── LaunchError                        a queued run failed before starting its run
    └── IncompleteHistoryError             part of a run's history is not exported yet
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeGuard, cast

if TYPE_CHECKING:
    from ._core.launch import QueueItemError

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigValidationError",
    "ConflictError",
    "GraphQLConflictError",
    "GraphQLError",
    "GraphQLErrorDetail",
    "GraphQLNotFoundError",
    "GraphQLPermissionDeniedError",
    "InputError",
    "MAX_MESSAGE",
    "MAX_SERVER_TEXT",
    "MissingDependencyError",
    "NotFoundError",
    "PaginationError",
    "UsageError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "ServerError",
    "TypeMismatchError",
    "UnresolvedReferenceError",
    "UnsupportedServerFeatureError",
    "VerificationError",
    "WaitTimeoutError",
    "LaunchError",
    "IncompleteHistoryError",
    "WandbError",
    "clip",
]

#: The longest message an error keeps (longer ones are clipped with a note).
MAX_MESSAGE = 8_000
#: The longest piece of server-provided text (an error message, a body excerpt)
#: that goes into a message; the HTTP layer clips with this too.
MAX_SERVER_TEXT = 1_000


def clip(text: str, limit: int = MAX_SERVER_TEXT) -> str:
    """``text`` cut to ``limit`` characters, saying how many were cut."""
    if limit < 0:
        raise InputError(f"clip limit must be >= 0, got {limit}")
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters]"


_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel = 4
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = MAX_SERVER_TEXT


def _restore(cls: type[WandbError], args: tuple[Any, ...], state: dict[str, Any]) -> WandbError:
    """Unpickle an error without calling its ``__init__`` (whose arguments are keyword-only)."""
    error = cls.__new__(cls, *args)
    super(WandbError, error).__init__(*args)  # the next base's __init__ (ImportError sets .msg)
    if isinstance(error, ImportError):
        name, path = state.pop("_import_name", None), state.pop("_import_path", None)
        error.name = name if isinstance(name, str) else None
        error.path = path if isinstance(path, str) else None
    error.__dict__.update(state)
    return error


class WandbError(Exception):
    """Base class of every error wandb-typed raises on purpose."""

    attempts: int = 1
    """How many attempts the request made before this error (retries included)."""

    def __init__(self, message: str) -> None:
        message = clip(message, MAX_MESSAGE)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        state = dict(self.__dict__)
        if isinstance(self, ImportError):
            state["_import_name"], state["_import_path"] = self.name, self.path
        return (_restore, (type(self), self.args, state))


class InputError(WandbError, ValueError):
    """An argument is malformed; raised before any request is sent."""


class ConfigValidationError(WandbError, ValueError):
    """A run's config or summary does not match the type it was read as
    (``run.config_as(T)``, ``run.summary_as(T)``, ``api.runs(..., config_type=T)``).

    ``run_path`` names the run, ``part`` is ``"config"`` or ``"summary"``, ``type_name``
    the declared type, and ``errors`` holds ``(key, message)`` per mismatch, the key
    dotted (``"model.layers.0"``; ``""`` for the whole object).
    """

    def __init__(
        self,
        message: str,
        *,
        run_path: str,
        part: str,
        type_name: str,
        errors: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.run_path: str = run_path
        self.part: str = part
        self.type_name: str = type_name
        self.errors: tuple[tuple[str, str], ...] = tuple(errors)

    @property
    def keys(self) -> tuple[str, ...]:
        """The dotted keys that did not match, in the order the validator reported them."""
        return tuple(key for key, _ in self.errors)


class APIConnectionError(WandbError):
    """The server could not be reached (refused, reset, DNS, TLS, ...)."""

    def __init__(self, message: str, *, url: str, attempts: int = 1) -> None:
        super().__init__(message)
        self.url = url
        self.attempts = attempts


class APITimeoutError(APIConnectionError):
    """The server did not answer within the configured timeout."""


class APIStatusError(WandbError):
    """The server answered with an HTTP error status."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        url: str = "",
        operation_name: str | None = None,
        attempts: int = 1,
        body: str = "",
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.url = url
        self.operation_name = operation_name
        self.attempts = attempts
        self.body = body
        self.request_id = request_id


class BadRequestError(APIStatusError):
    """HTTP 400: the server rejected the request as malformed."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the API key is missing or was rejected."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the key's user may not do this."""


class NotFoundError(APIStatusError, LookupError):
    """HTTP 404, or a named object (entity, project, run, ...) that does not exist."""

    def __init__(self, message: str, *, status_code: int = 404, **kw: Any) -> None:
        super().__init__(message, status_code=status_code, **kw)

    @classmethod
    def of(cls, what: str, operation_name: str | None = None) -> NotFoundError:
        """``<what> not found``: the server answered null for a named object (which is
        also how it answers for an object this API key may not see)."""
        return cls(
            f"{what} not found (or not visible to this API key)", operation_name=operation_name
        )


class TypeMismatchError(NotFoundError, ValueError):
    """The object exists, but with another type than the one asked for (an artifact
    or collection looked up with the wrong ``type=``): a :class:`NotFoundError`, and
    the ``ValueError`` the official client raises, so seed-style ``except ValueError``
    code catches it too."""


class ConflictError(APIStatusError):
    """HTTP 409: the write clashes with what exists (a name already taken, an object
    of another kind or type under that name)."""


class RateLimitError(APIStatusError):
    """HTTP 429 after the configured retries; ``retry_after`` is the server's hint."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """HTTP 5xx after the configured retries."""


@dataclass(frozen=True)
class GraphQLErrorDetail:
    """One entry of a GraphQL ``errors`` list.

    ``message`` is clipped to :data:`MAX_SERVER_TEXT` characters (it goes into
    messages); ``full_message`` keeps the server's whole text.
    """

    message: str
    path: tuple[str | int, ...] = ()
    locations: tuple[tuple[int, int], ...] = ()
    extensions: Mapping[str, object] = field(default_factory=dict[str, object])
    full_message: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if not self.full_message:
            object.__setattr__(self, "full_message", self.message)

    @classmethod
    def from_json(cls, raw: object) -> GraphQLErrorDetail:
        """Read one error leniently: servers differ in what they include. Total: any
        JSON value gives a detail (fields of the wrong type are left out)."""
        if not isinstance(raw, Mapping):
            text = _text(raw)
            return cls(message=clip(text), full_message=text)
        error = cast("Mapping[object, object]", raw)
        text = _text(error.get("message", "unknown error"))
        path, locations, extensions = (
            error.get("path"), error.get("locations"), error.get("extensions")
        )  # fmt: skip
        places: list[tuple[int, int]] = []
        for loc in locations if _is_list(locations) else ():
            if isinstance(loc, Mapping):
                place = cast("Mapping[object, object]", loc)
                line, column = place.get("line"), place.get("column")
                if _is_int(line) and _is_int(column):
                    places.append((line, column))
        return cls(
            message=clip(text),
            full_message=text,
            path=tuple(p for p in path if _is_int(p) or isinstance(p, str))
            if _is_list(path)
            else (),
            locations=tuple(places),
            extensions={str(k): v for k, v in cast("Mapping[object, object]", extensions).items()}
            if isinstance(extensions, Mapping)
            else {},
        )


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_list(value: object) -> TypeGuard[Sequence[object]]:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _text(value: object) -> str:
    """A server value as text: strings as they are, anything else as a bounded repr."""
    if isinstance(value, str):
        return value
    return _SHORT_REPR.repr(value)


class GraphQLError(WandbError):
    """The server returned GraphQL ``errors`` (with or without partial ``data``)."""

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[GraphQLErrorDetail],
        data: Mapping[str, object] | None = None,
        operation_name: str | None = None,
    ) -> None:
        WandbError.__init__(self, message)  # not super(): a refusal's next base is HTTP's
        self.errors: tuple[GraphQLErrorDetail, ...] = tuple(errors)
        """Each entry of the response's ``errors`` list."""
        self.data: Mapping[str, object] | None = data
        """The partial ``data`` the server sent with the errors, if any."""
        self.operation_name = operation_name


class _GraphQLRefusal(GraphQLError):
    """A GraphQL error whose ``extensions.code`` says what kind of refusal it is: it is
    raised as that kind too (a :class:`PermissionDeniedError`, ...), so one ``except``
    catches the refusal whether it came as an HTTP status or in a 200 reply."""

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[GraphQLErrorDetail],
        data: Mapping[str, object] | None = None,
        operation_name: str | None = None,
        url: str = "",
    ) -> None:
        GraphQLError.__init__(
            self, message, errors=errors, data=data, operation_name=operation_name
        )
        self.status_code: int = 200
        """The reply's HTTP status: a refusal in a GraphQL reply comes with 200."""
        self.url: str = url
        self.body: str = ""
        self.request_id: str | None = None


class GraphQLPermissionDeniedError(_GraphQLRefusal, PermissionDeniedError):
    """The server refused the operation (``extensions.code`` ``PERMISSION_ERROR``): the
    key's user may not read or write this. A :class:`GraphQLError` with ``errors``."""


class GraphQLNotFoundError(_GraphQLRefusal, NotFoundError):
    """An object the operation names does not exist (``extensions.code``
    ``NOT_FOUND``). A :class:`GraphQLError` with ``errors``."""


class GraphQLConflictError(_GraphQLRefusal, ConflictError):
    """The write clashes with what exists (``extensions.code`` ``CONFLICT``). A
    :class:`GraphQLError` with ``errors``."""


#: GraphQL ``extensions.code`` values and the typed refusal each one raises.
REFUSAL_CODES: Mapping[str, type[_GraphQLRefusal]] = {
    "PERMISSION_ERROR": GraphQLPermissionDeniedError,
    "FORBIDDEN": GraphQLPermissionDeniedError,
    "NOT_FOUND": GraphQLNotFoundError,
    "CONFLICT": GraphQLConflictError,
}


class ResponseValidationError(WandbError):
    """The response is not JSON, or does not match the shape the schema promises."""

    def __init__(self, message: str, *, operation_name: str | None = None) -> None:
        super().__init__(message)
        self.operation_name = operation_name


class MissingDependencyError(WandbError, ImportError):
    """An optional dependency (pandas, PyYAML) is needed for this call."""


class PaginationError(WandbError):
    """The server said there are more pages but its cursor did not advance."""


def is_not_found(error: WandbError) -> bool:
    """Whether ``error`` says the object does not exist (a 404, or a GraphQL error
    whose message or ``extensions.code`` says so)."""
    if isinstance(error, NotFoundError):
        return True
    if isinstance(error, GraphQLError):
        return any(
            "not found" in d.message.lower() or d.extensions.get("code") == "NOT_FOUND"
            for d in error.errors
        )
    return False


class UsageError(WandbError, RuntimeError):
    """The client is used in a way it cannot serve: after ``close()``, or an
    ``AsyncApi`` from an event loop other than the one it first ran in."""


class UnsupportedServerFeatureError(WandbError):
    """The server does not support a feature this call needs."""

    def __init__(self, message: str, *, feature: str) -> None:
        super().__init__(message)
        self.feature = feature


#: How many paths an artifact error names in its message (all are in its attributes).
MAX_LISTED = 20


def _listed(paths: Sequence[str]) -> str:
    shown = ", ".join(clip(p, 200) for p in paths[:MAX_LISTED])
    return shown + (f" (+{len(paths) - MAX_LISTED} more)" if len(paths) > MAX_LISTED else "")


class UnresolvedReferenceError(WandbError):
    """An artifact's reference entries point at storage this client cannot read
    (``s3://``, ``gs://``, ...; plain ``http(s)://`` references are fetched).
    ``references`` maps each entry's path to its URI. Pass
    ``allow_missing_references=True`` to download the rest."""

    def __init__(self, message: str, *, references: Mapping[str, str]) -> None:
        shown = [
            f"{p} -> {u.partition('?')[0]}{'?…' if '?' in u else ''}" for p, u in references.items()
        ]
        super().__init__(f"{message}: {_listed(shown)}")
        self.references: dict[str, str] = dict(references)


class VerificationError(WandbError, ValueError):
    """Local files differ from an artifact's manifest: ``missing`` and ``mismatched``
    (size or MD5) entries, and ``unexpected`` files that are not in it."""

    def __init__(
        self,
        message: str,
        *,
        missing: Sequence[str] = (),
        mismatched: Sequence[str] = (),
        unexpected: Sequence[str] = (),
    ) -> None:
        parts = [
            f"{label}: {_listed(paths)}"
            for label, paths in (
                ("missing", missing), ("mismatched", mismatched), ("unexpected", unexpected)
            )
            if paths
        ]  # fmt: skip
        super().__init__(f"{message} ({'; '.join(parts)})")
        self.missing: tuple[str, ...] = tuple(missing)
        self.mismatched: tuple[str, ...] = tuple(mismatched)
        self.unexpected: tuple[str, ...] = tuple(unexpected)


class WaitTimeoutError(WandbError, TimeoutError):
    """A waiting method (``wait_until_running``, ``wait_until_finished``) gave up:
    its ``timeout`` passed before what it waits for happened. ``state`` is the last
    state it saw."""

    def __init__(self, message: str, *, state: str | None = None) -> None:
        super().__init__(message)
        self.state: str | None = state


class LaunchError(WandbError):
    """A queued run failed before it started its run; ``error`` is the reason the
    launch agent reported (its message, stage and files), when it gave one."""

    def __init__(self, message: str, *, error: QueueItemError | None = None) -> None:
        super().__init__(message)
        self.error: QueueItemError | None = error


class IncompleteHistoryError(WandbError):
    """``download_history_exports(require_complete_history=True)``: part of the run's
    history is not exported to parquet yet (``live_steps`` steps; typically a run
    still running). Pass ``require_complete_history=False`` for the exported part."""

    def __init__(self, message: str, *, live_steps: int) -> None:
        super().__init__(message)
        self.live_steps: int = live_steps
