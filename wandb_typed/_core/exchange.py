"""The GraphQL exchange without I/O: request bodies, what a reply means, whether and
when to retry, and the typed error for every failure.

The connection (``_async/connection.py`` and its sync twin) sends requests and
sleeps; every decision is made here, once. A failure that may be retried is raised
as :class:`Retryable` (internal, never seen by users); the connection's one retry
loop asks :func:`retry_delay` how long to wait, or gets the final typed error.
"""

from __future__ import annotations

import email.utils
import functools
import json
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal, cast

import httpx

from ..config import RetryPolicy
from ..errors import (
    MAX_MESSAGE,
    REFUSAL_CODES,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GraphQLError,
    GraphQLErrorDetail,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    WandbError,
    clip,
)

__all__ = [
    "Retryable",
    "detach",
    "encode_body",
    "graphql_outcome",
    "operation_kind",
    "retry_delay",
    "status_error",
    "transport_failure",
]

OperationKind = Literal["query", "mutation", "subscription"]
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


class Retryable(Exception):
    """Internal: this attempt failed in a way that may be retried. ``delay`` is the
    server's hint (``Retry-After``), honoured up to the policy's cap."""

    def __init__(self, error: WandbError, delay: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.delay = delay


# -- the operation ---------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _definitions(document: str) -> tuple[tuple[str, str | None], ...]:
    """``(keyword, name)`` of each top-level definition, from a minimal GraphQL scan:
    comments, strings and selection sets are skipped, so a leading ``fragment`` or a
    ``#`` comment cannot hide what the operation is. Cached: the generated client sends
    the same few documents again and again, and a scan costs about a millisecond."""
    out: list[tuple[str, str | None]] = []
    i, n, depth = 0, len(document), 0
    expect_head = True
    while i < n:
        c = document[i]
        if c == "#":
            end = document.find("\n", i)
            i = n if end < 0 else end + 1
        elif document.startswith('"""', i):
            end = document.find('"""', i + 3)
            i = n if end < 0 else end + 3
        elif c == '"':
            i += 1
            while i < n and document[i] != '"':
                i += 2 if document[i] == "\\" else 1
            i += 1
        elif c in "{(":
            if depth == 0 and c == "{" and expect_head:
                out.append(("query", None))  # the shorthand `{ ... }` is a query
            depth += 1
            expect_head = False
            i += 1
        elif c in "})":
            depth = max(0, depth - 1)
            if depth == 0 and c == "}":
                expect_head = True
            i += 1
        elif depth == 0 and expect_head and (match := _NAME.match(document, i)):
            word = match.group()
            i = match.end()
            if word in ("query", "mutation", "subscription", "fragment"):
                j = i
                while j < n and document[j] in " \t\r\n,":
                    j += 1
                rest = _NAME.match(document, j)
                out.append((word, rest.group() if rest else None))
                expect_head = False
        else:
            i += 1
    return tuple(out)


def operation_kind(document: str, operation_name: str | None = None) -> OperationKind:
    """Whether the operation that will run is a query, mutation or subscription.

    Decided from the document's own definitions (the named one, else the only one).
    Anything unclear counts as a mutation: a mutation is never retried after it may
    have reached the server, so guessing "mutation" can cost a retry but never
    applies a write twice.
    """
    ops = [(kind, name) for kind, name in _definitions(document) if kind != "fragment"]
    if operation_name is not None:
        ops = [op for op in ops if op[1] == operation_name]
    if len(ops) != 1:
        return "mutation"
    kind = ops[0][0]
    if kind == "query":
        return "query"
    return "subscription" if kind == "subscription" else "mutation"


def name_of(document: str) -> str:
    """The first operation's name, for messages and logs."""
    for kind, name in _definitions(document):
        if kind != "fragment":
            return name or "anonymous operation"
    return "anonymous operation"


def encode_body(query: str, operation_name: str, variables: Mapping[str, Any]) -> bytes:
    """The JSON request body (UTF-8); an unserializable variable, or a string that is
    not Unicode text (a lone surrogate), is an :class:`InputError` naming it."""
    payload = {"query": query, "operationName": operation_name, "variables": dict(variables)}
    try:
        text = json.dumps(payload, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{operation_name}: a variable cannot be sent as JSON: {exc}") from None
    try:
        return text.encode()
    except UnicodeEncodeError:
        from .._encode import check_unicode

        for where, value in _strings(variables, "variables"):
            check_unicode(value, f"{operation_name}: {where}")
        raise InputError(f"{operation_name}: the request is not Unicode text") from None


def _strings(value: object, where: str) -> Iterator[tuple[str, str]]:
    """Every string (keys too) in a JSON-like value, with where it is."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in cast("Mapping[object, object]", value).items():
            if isinstance(key, str):
                yield f"{where}: key {key[:50]!r}", key
            yield from _strings(item, f"{where}[{str(key)[:50]!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(cast("Sequence[object]", value)):
            yield from _strings(item, f"{where}[{i}]")


# -- replies -----------------------------------------------------------------------


def graphql_outcome(
    status: int,
    headers: httpx.Headers,
    body: bytes,
    *,
    url: str,
    name: str,
    mutation: bool,
    policy: RetryPolicy,
) -> dict[str, Any]:
    """The ``data`` of a reply, or the typed error (raised; :class:`Retryable` when
    another attempt may succeed)."""
    from _wandb_typed_gql.gc_pause import paused_gc
    from pydantic_core import from_json

    if status >= 300:
        error = status_error(status, headers, body, url, name)
        if status in policy.retry_statuses and (not mutation or status == 429):
            raise Retryable(error, retry_after(headers) if status in (429, 503) else None)
        if mutation and (status >= 500 or status in policy.retry_statuses):
            _may_have_applied(error, name)
        raise error
    payload: object
    try:
        with paused_gc():  # a page's reply is many containers and no cycles
            payload = from_json(body)
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or ("data" not in payload and "errors" not in payload):
        invalid = ResponseValidationError(
            f"{name}: the server at {url} answered HTTP {status} with a body that is not a "
            f"GraphQL JSON response ({excerpt(body)!r}); a proxy or an incompatible server "
            "may be in the way",
            operation_name=name,
        )
        if not mutation:
            raise Retryable(invalid)
        raise _may_have_applied(invalid, name)
    reply = cast("dict[str, object]", payload)
    errors, data = reply.get("errors"), reply.get("data")
    if errors:
        listed = cast("list[object]", errors) if isinstance(errors, list) else [errors]
        details = [GraphQLErrorDetail.from_json(e) for e in listed]
        raise graphql_error(
            details, cast("dict[str, Any]", data) if isinstance(data, dict) else None, name, url
        )
    if not isinstance(data, dict):
        raise ResponseValidationError(
            f"{name}: the response has no data object (got {type(data).__name__})",
            operation_name=name,
        )
    return cast("dict[str, Any]", data)


def _may_have_applied(error: WandbError, name: str) -> WandbError:
    """Say in ``error`` that the write it reports may have landed (it is not retried)."""
    from .writes import may_have_applied

    error.message = clip(error.message + may_have_applied(name), MAX_MESSAGE)
    error.args = (error.message,)
    return error


def transport_failure(
    exc: httpx.HTTPError, url: str, name: str, mutation: bool
) -> WandbError | Retryable:
    """The typed error for a request that failed below HTTP, wrapped in
    :class:`Retryable` when retrying is safe: a refused connection never is (nothing
    listens there), a mutation that adds or creates only if it provably never left
    this machine (``mutation`` is true only for those: see :mod:`.writes`)."""
    from .writes import may_have_applied

    not_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    maybe = may_have_applied(name) if mutation and not not_sent else ""
    error: WandbError
    if isinstance(exc, httpx.TimeoutException):
        phase = "connecting to" if not_sent else "waiting for"
        error = APITimeoutError(
            f"{name}: timed out {phase} {url}. Raise the timeout (Api(timeout=...) or "
            f"WANDB_HTTP_TIMEOUT) or try again later.{maybe}",
            url=url,
        )
    elif refused(exc):
        return APIConnectionError(
            f"{name}: could not connect to {url} (connection refused). Is the server running, "
            "and is base_url (WANDB_BASE_URL) right?",
            url=url,
        )
    elif isinstance(exc, httpx.ConnectError):
        error = APIConnectionError(
            f"{name}: could not connect to {url}: {exc}. Check base_url, DNS and proxy settings.",
            url=url,
        )
    elif isinstance(exc, httpx.DecodingError):
        error = ResponseValidationError(
            f"{name}: the response from {url} could not be decoded ({exc})", operation_name=name
        )
    else:
        error = APIConnectionError(
            f"{name}: the connection to {url} failed mid-request: {type(exc).__name__}: "
            f"{clip(str(exc), 300)}.{maybe}",
            url=url,
        )
    return Retryable(error) if (not_sent or not mutation) else error


def detach(error: BaseException) -> BaseException:
    """Cut every link of ``error``'s chain (``__cause__``, ``__context__``, at any
    depth) to an httpx exception or a :class:`Retryable`: an httpx exception holds its
    ``.request``, whose ``Authorization`` header is the API key, and a traceback
    printer (``exc_info=True``, Sentry, rich) would walk there. What they said is in
    ``error``'s message already."""
    seen: set[int] = set()
    todo: list[BaseException] = [error]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for attr in ("__cause__", "__context__"):
            linked: BaseException | None = getattr(node, attr)
            if linked is None:
                continue
            if isinstance(linked, (httpx.HTTPError, httpx.StreamError, Retryable)):
                setattr(node, attr, None)
                if attr == "__context__":
                    node.__suppress_context__ = True
            else:
                todo.append(linked)
    return error


def refused(exc: BaseException) -> bool:
    """A refused connection means nothing listens there: retrying only wastes time."""
    if not isinstance(exc, httpx.ConnectError):
        return False
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "refused" in str(exc).lower()


_STATUS_ERRORS: dict[int, tuple[type[APIStatusError], str]] = {
    400: (BadRequestError, "the server rejected the request as malformed"),
    401: (
        AuthenticationError,
        "the API key was rejected; check api_key= / WANDB_API_KEY / your netrc entry",
    ),
    403: (PermissionDeniedError, "the API key's user is not allowed to do this"),
    404: (NotFoundError, "the server has no such endpoint or object; check base_url and the path"),
    409: (ConflictError, "the write clashes with what exists"),
    429: (RateLimitError, "rate limited; slow down or retry later"),
}


def status_error(
    status: int, headers: httpx.Headers, body: bytes, url: str, name: str
) -> APIStatusError:
    """The typed error for an HTTP error status (or an unexpected redirect)."""
    cls, hint = _STATUS_ERRORS.get(status, (APIStatusError, "unexpected HTTP status"))
    if status >= 500:
        cls, hint = ServerError, "the server failed; retry later"
    if 300 <= status < 400:
        hint = f"redirected to {clip(headers.get('location', '?'), 200)}; set base_url to the final URL"
    detail = server_message(body)
    message = f"{name}: HTTP {status} from {url}: {hint}" + (
        f" (server said: {detail})" if detail else ""
    )
    kwargs: dict[str, Any] = {
        "status_code": status,
        "url": url,
        "operation_name": name,
        "body": excerpt(body),
        "request_id": headers.get("x-request-id"),
    }
    if cls is RateLimitError:
        return RateLimitError(message, retry_after=retry_after(headers), **kwargs)
    return cls(message, **kwargs)


def graphql_error(
    details: list[GraphQLErrorDetail], data: dict[str, Any] | None, name: str, url: str = ""
) -> GraphQLError:
    """The typed error for a reply's ``errors``: the refusal the first recognised
    ``extensions.code`` names (:data:`REFUSAL_CODES`: a permission, not-found or
    conflict error that is also a :class:`GraphQLError`), else a plain one."""
    shown = "; ".join(
        d.message + (f" (at {clip('.'.join(map(str, d.path)), 200)})" if d.path else "")
        for d in details[:3]
    )
    more = "" if len(details) <= 3 else f" (+{len(details) - 3} more)"
    partial = " Partial data was returned (see .data)." if data else ""
    message = f"{name}: the server returned errors: {shown}{more}.{partial}"
    for detail in details:
        refusal = REFUSAL_CODES.get(str(detail.extensions.get("code")))
        if refusal is not None:
            return refusal(message, errors=details, data=data, operation_name=name, url=url)
    return GraphQLError(message, errors=details, data=data, operation_name=name)


# -- retrying ----------------------------------------------------------------------


def retry_delay(policy: RetryPolicy, attempt: int, retry: Retryable, unit_random: float) -> float:
    """Seconds to wait before the next attempt; raises the final error (saying how
    many attempts were made) once the policy's budget is spent."""
    if attempt >= policy.max_attempts:
        raise with_attempts(retry.error, attempt)
    delay = policy.backoff(attempt, unit_random)
    if retry.delay is not None:
        delay = max(delay, min(retry.delay, policy.max_retry_after))
    return delay


def with_attempts(error: WandbError, attempts: int) -> WandbError:
    """Say how many attempts were made (the retry budget is the user's to raise)."""
    if attempts > 1:
        error.message = f"{error.message} [gave up after {attempts} attempts]"
        error.args = (error.message,)
    error.attempts = attempts
    return error


def retry_after(headers: httpx.Headers) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date), if given."""
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, seconds) if seconds == seconds else None


def server_message(body: bytes) -> str:
    """The message a JSON error body carries, clipped."""
    try:
        payload: object = json.loads(body)
    except ValueError:
        return ""
    if isinstance(payload, dict):
        reply = cast("dict[str, object]", payload)
        errors = reply.get("errors")
        if isinstance(errors, list) and errors:
            first = cast("list[object]", errors)[0]
            if isinstance(first, dict):
                return clip(str(cast("dict[str, object]", first).get("message", "")), 300)
        for key in ("error", "message", "detail"):
            value = reply.get(key)
            if isinstance(value, str):
                return clip(value, 300)
    return ""


def excerpt(body: bytes, limit: int = 200) -> str:
    """The start of a body, for messages."""
    text = body[:limit].decode("utf-8", "replace")
    return text + ("..." if len(body) > limit else "")
