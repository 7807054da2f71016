"""GraphQL over HTTP: authentication, user agent, timeouts, bounded retries, typed errors.

:class:`Transport` holds the logic once, as a step generator
(:meth:`Transport.graphql_steps`): build the request, send it, look at the reply,
decide to retry (and how long to wait) or to raise one of ``wandb_typed.errors``.
:class:`SyncTransport` and :class:`AsyncTransport` only drive it; they are what
the generated clients' base class calls (``generated/.../base_client.py``).

The API key appears only in the ``Authorization`` header of GraphQL requests to
the configured server; it is never logged, never put in a message or a repr.
"""

from __future__ import annotations

import base64
import email.utils
import json
import logging
import random
import re
import time
from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import ValidationError
from pydantic_core import from_json
from wandb_typed_gql.gc_pause import paused_gc

from ._steps import AsyncRunner, Send, Sleep, Steps, SyncRunner
from .config import Settings
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    GraphQLError,
    GraphQLErrorDetail,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    WandbError,
)

logger = logging.getLogger("wandb_typed.http")

_MUTATION = re.compile(r"^\s*(?:#[^\n]*\n\s*)*mutation\b")
_OPERATION_NAME = re.compile(r"^\s*(?:#[^\n]*\n\s*)*(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)")


class _Retry(Exception):
    """Internal: the attempt failed in a way that may be retried."""

    def __init__(self, error: WandbError, delay: float | None = None) -> None:
        self.error = error
        self.delay = delay


class Transport:
    """Sans-I/O GraphQL exchange shared by the sync and async transports."""

    def __init__(
        self, settings: Settings, user_agent: str, rng: random.Random | None = None
    ) -> None:
        self.settings = settings
        self.user_agent = user_agent
        self._rng = rng or random.Random()
        token = base64.b64encode(f"api:{settings.api_key}".encode()).decode("ascii")
        self._authorization = f"Basic {token}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.settings.graphql_url!r})"

    # -- requests ---------------------------------------------------------------

    def headers(self) -> dict[str, str]:
        """Headers of a GraphQL request to the configured server (with the key)."""
        return {
            "Authorization": self._authorization,
            "User-Agent": self.user_agent,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def _body(self, query: str, operation_name: str | None, variables: Mapping[str, Any]) -> bytes:
        payload = {"query": query, "operationName": operation_name, "variables": dict(variables)}
        try:
            return json.dumps(payload, separators=(",", ":")).encode()
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{operation_name or 'operation'}: a variable is not JSON-serializable: {exc}"
            ) from None

    # -- the exchange -------------------------------------------------------------

    def graphql_steps(
        self, query: str, operation_name: str | None, variables: Mapping[str, Any]
    ) -> Steps[dict[str, Any]]:
        """Send one operation with bounded retries; return its ``data`` or raise."""
        name = operation_name or _name_of(query)
        mutation = bool(_MUTATION.match(query))
        body = self._body(query, name, variables)
        policy = self.settings.retry
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            request = httpx.Request(
                "POST", self.settings.graphql_url, content=body, headers=self.headers()
            )
            reply = yield Send(request)
            elapsed_ms = (time.monotonic() - started) * 1000
            try:
                data = self._outcome(reply, name, mutation, attempt)
            except _Retry as retry:
                last = attempt >= policy.max_attempts
                logger.debug(
                    "%s attempt %d/%d failed after %.0f ms: %s%s",
                    name,
                    attempt,
                    policy.max_attempts,
                    elapsed_ms,
                    retry.error,
                    "" if last else " (retrying)",
                )
                if last:
                    raise _with_attempts(retry.error, attempt) from None
                delay = policy.backoff(attempt, self._rng.random())
                if retry.delay is not None:
                    delay = max(delay, min(retry.delay, policy.max_retry_after))
                yield Sleep(delay)
                continue
            logger.debug("%s attempt %d ok in %.0f ms", name, attempt, elapsed_ms)
            return data

    def _outcome(
        self, reply: httpx.Response | httpx.TransportError, name: str, mutation: bool, attempt: int
    ) -> dict[str, Any]:
        """Map one reply to data, a final error (raised) or a retry (``_Retry``)."""
        policy = self.settings.retry
        url = self.settings.graphql_url
        if isinstance(reply, httpx.TransportError):
            conn_error, sent = _transport_error(reply, url, name, mutation)
            if _refused(reply):
                raise conn_error
            if not sent or not mutation:
                raise _Retry(conn_error)
            raise conn_error
        status = reply.status_code
        if status >= 400 or 300 <= status < 400:
            error = _status_error(reply, url, name)
            retryable = status in policy.retry_statuses and (not mutation or status == 429)
            if retryable:
                raise _Retry(error, _retry_after(reply) if status in (429, 503) else None)
            raise error
        try:
            with paused_gc():
                payload = from_json(reply.content)
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or ("data" not in payload and "errors" not in payload):
            invalid = ResponseValidationError(
                f"{name}: the server at {url} answered HTTP {status} with a body that is not a "
                f"GraphQL JSON response ({_excerpt(reply)!r}); a proxy or an incompatible server "
                "may be in the way",
                operation_name=name,
            )
            if not mutation:
                raise _Retry(invalid)
            raise invalid
        errors = payload.get("errors")
        data = payload.get("data")
        if errors:
            details = [
                GraphQLErrorDetail.from_json(e)
                for e in (errors if isinstance(errors, list) else [errors])
            ]
            raise _graphql_error(details, data if isinstance(data, dict) else None, name)
        if not isinstance(data, dict):
            raise ResponseValidationError(
                f"{name}: the response has no data object (got {type(data).__name__})",
                operation_name=name,
            )
        return data

    def invalid_response(
        self, operation_name: str, error: ValidationError, data: dict[str, Any]
    ) -> Exception:
        """Called by the generated client when ``data`` does not match its model."""
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
            for e in error.errors()[:5]
        )
        more = "" if error.error_count() <= 5 else f" (+{error.error_count() - 5} more)"
        return ResponseValidationError(
            f"{operation_name}: the response does not match the schema this client was generated "
            f"from: {problems}{more}. The server may be newer or older than expected.",
            operation_name=operation_name,
        )


class SyncTransport(Transport):
    """Blocking transport used by ``Api`` and the generated ``WandbClient``."""

    def __init__(self, settings: Settings, user_agent: str, runner: SyncRunner) -> None:
        super().__init__(settings, user_agent)
        self.runner = runner

    def graphql(
        self, query: str, operation_name: str | None, variables: dict[str, Any]
    ) -> dict[str, Any]:
        return self.runner.run(self.graphql_steps(query, operation_name, variables))


class AsyncTransport(Transport):
    """Async transport used by ``AsyncApi`` and the generated ``AsyncWandbClient``."""

    def __init__(self, settings: Settings, user_agent: str, runner: AsyncRunner) -> None:
        super().__init__(settings, user_agent)
        self.runner = runner

    async def graphql(
        self, query: str, operation_name: str | None, variables: dict[str, Any]
    ) -> dict[str, Any]:
        return await self.runner.run(self.graphql_steps(query, operation_name, variables))


# -- error mapping ---------------------------------------------------------------


def _name_of(query: str) -> str:
    match = _OPERATION_NAME.match(query)
    return match.group(1) if match else "anonymous operation"


def _refused(exc: httpx.TransportError) -> bool:
    """A refused connection means nothing listens there: retrying only wastes time."""
    if not isinstance(exc, httpx.ConnectError):
        return False
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "refused" in str(exc).lower()


def _transport_error(
    exc: httpx.TransportError, url: str, name: str, mutation: bool
) -> tuple[APIConnectionError, bool]:
    """The typed error for a transport failure, and whether the request may have been sent."""
    not_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    maybe_applied = (
        " The mutation may or may not have been applied." if mutation and not not_sent else ""
    )
    if isinstance(exc, httpx.TimeoutException):
        phase = "connecting to" if not_sent else "waiting for"
        return (
            APITimeoutError(
                f"{name}: timed out {phase} {url}. Raise the timeout (Api(timeout=...) or "
                f"WANDB_HTTP_TIMEOUT) or try again later.{maybe_applied}",
                url=url,
            ),
            not not_sent,
        )
    if _refused(exc):
        message = (
            f"{name}: could not connect to {url} (connection refused). Is the server running, "
            "and is base_url (WANDB_BASE_URL) right?"
        )
    elif isinstance(exc, httpx.ConnectError):
        message = (
            f"{name}: could not connect to {url}: {exc}. Check base_url, DNS and proxy settings."
        )
    else:
        message = f"{name}: the connection to {url} failed mid-request: {type(exc).__name__}: {exc}.{maybe_applied}"
    return APIConnectionError(message, url=url), not not_sent


_STATUS_ERRORS: dict[int, tuple[type[APIStatusError], str]] = {
    400: (BadRequestError, "the server rejected the request as malformed"),
    401: (
        AuthenticationError,
        "the API key was rejected; check api_key= / WANDB_API_KEY / your netrc entry",
    ),
    403: (PermissionDeniedError, "the API key's user is not allowed to do this"),
    404: (NotFoundError, "the server has no such endpoint or object; check base_url and the path"),
    429: (RateLimitError, "rate limited; slow down or retry later"),
}


def _status_error(response: httpx.Response, url: str, name: str) -> APIStatusError:
    status = response.status_code
    cls, hint = _STATUS_ERRORS.get(status, (APIStatusError, "unexpected HTTP status"))
    if status >= 500:
        cls, hint = ServerError, "the server failed; retry later"
    if 300 <= status < 400:
        hint = (
            f"redirected to {response.headers.get('location', '?')}; set base_url to the final URL"
        )
    detail = _server_message(response)
    message = f"{name}: HTTP {status} from {url}: {hint}" + (
        f" (server said: {detail})" if detail else ""
    )
    kwargs: dict[str, Any] = {
        "status_code": status,
        "url": url,
        "operation_name": name,
        "body": _excerpt(response),
        "request_id": response.headers.get("x-request-id"),
    }
    if cls is RateLimitError:
        return RateLimitError(message, retry_after=_retry_after(response), **kwargs)
    return cls(message, **kwargs)


def _graphql_error(
    details: list[GraphQLErrorDetail], data: dict[str, Any] | None, name: str
) -> GraphQLError:
    shown = "; ".join(
        d.message + (f" (at {'.'.join(map(str, d.path))})" if d.path else "") for d in details[:3]
    )
    more = "" if len(details) <= 3 else f" (+{len(details) - 3} more)"
    partial = " Partial data was returned (see .data)." if data else ""
    return GraphQLError(
        f"{name}: the server returned errors: {shown}{more}.{partial}",
        errors=details,
        data=data,
        operation_name=name,
    )


def _with_attempts(error: WandbError, attempts: int) -> WandbError:
    """Say how many attempts were made (the retry budget is the user's to raise)."""
    if attempts > 1:
        error.message = f"{error.message} [gave up after {attempts} attempts]"
        error.args = (error.message,)
    if isinstance(error, (APIConnectionError, APIStatusError)):
        error.attempts = attempts
    return error


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _server_message(response: httpx.Response) -> str:
    try:
        payload = json.loads(response.content)
    except ValueError:
        return ""
    if isinstance(payload, dict):
        errors = payload.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))[:300]
        for key in ("error", "message", "detail"):
            if isinstance(payload.get(key), str):
                return str(payload[key])[:300]
    return ""


def _excerpt(response: httpx.Response, limit: int = 200) -> str:
    try:
        text = response.content[:limit].decode("utf-8", "replace")
    except httpx.ResponseNotRead:
        return ""
    return text + ("..." if len(response.content) > limit else "")
