"""The one error tree of wandb-typed.

Everything the client raises on purpose derives from :class:`WandbError`; bad
arguments raise :class:`InputError`, which is also a ``ValueError``. No raw httpx
or pydantic exception escapes the facade: transport failures, HTTP statuses,
GraphQL errors and responses that do not match the schema are mapped here once.
Messages say what happened and what to do, and never contain the API key.

    WandbError
    ├── InputError (ValueError)            bad argument, raised before any request
    ├── APIConnectionError                 could not reach the server
    │   └── APITimeoutError                no answer within the timeout
    ├── APIStatusError                     the server answered with an HTTP error
    │   ├── BadRequestError                400
    │   ├── AuthenticationError            401
    │   ├── PermissionDeniedError          403
    │   ├── NotFoundError (LookupError)    404, or a named object that does not exist
    │   ├── RateLimitError                 429 (after retries)
    │   └── ServerError                    5xx (after retries)
    ├── GraphQLError                       the server returned GraphQL ``errors``
    ├── ResponseValidationError            the response does not match the schema
    ├── PaginationError                    a cursor that does not advance
    ├── MissingDependencyError (ImportError) an optional extra is not installed
    └── UnsupportedServerFeatureError      the server lacks a feature this call needs
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "GraphQLError",
    "GraphQLErrorDetail",
    "InputError",
    "MissingDependencyError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "ServerError",
    "UnsupportedServerFeatureError",
    "WandbError",
]


class WandbError(Exception):
    """Base class of every error wandb-typed raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class InputError(WandbError, ValueError):
    """An argument is malformed; raised before any request is sent."""


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
        """``<what> not found``: the server answered null for a named object."""
        return cls(f"{what} not found", operation_name=operation_name)


class RateLimitError(APIStatusError):
    """HTTP 429 after the configured retries; ``retry_after`` is the server's hint."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """HTTP 5xx after the configured retries."""


@dataclass(frozen=True)
class GraphQLErrorDetail:
    """One entry of a GraphQL ``errors`` list."""

    message: str
    path: tuple[str | int, ...] = ()
    locations: tuple[tuple[int, int], ...] = ()
    extensions: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: object) -> GraphQLErrorDetail:
        """Read one error leniently: servers differ in what they include."""
        if not isinstance(raw, Mapping):
            return cls(message=str(raw))
        path = raw.get("path") or ()
        locations = raw.get("locations") or ()
        extensions = raw.get("extensions") or {}
        return cls(
            message=str(raw.get("message", "unknown error")),
            path=tuple(p for p in path if isinstance(p, (str, int)))
            if isinstance(path, Sequence)
            else (),
            locations=tuple(
                (int(loc.get("line", 0)), int(loc.get("column", 0)))
                for loc in locations
                if isinstance(loc, Mapping)
            )
            if isinstance(locations, Sequence)
            else (),
            extensions=dict(extensions) if isinstance(extensions, Mapping) else {},
        )


class GraphQLError(WandbError):
    """The server returned GraphQL ``errors`` (with or without partial ``data``)."""

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[GraphQLErrorDetail],
        data: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> None:
        super().__init__(message)
        self.errors = tuple(errors)
        self.data = data
        self.operation_name = operation_name


class ResponseValidationError(WandbError):
    """The response is not JSON, or does not match the shape the schema promises."""

    def __init__(self, message: str, *, operation_name: str | None = None) -> None:
        super().__init__(message)
        self.operation_name = operation_name


class MissingDependencyError(WandbError, ImportError):
    """An optional dependency (pandas, PyYAML) is needed for this call."""


class PaginationError(WandbError):
    """The server said there are more pages but its cursor did not advance."""


class UnsupportedServerFeatureError(WandbError):
    """The server does not support a feature this call needs."""

    def __init__(self, message: str, *, feature: str) -> None:
        super().__init__(message)
        self.feature = feature
