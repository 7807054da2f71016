"""One Api's connection to the server: GraphQL over HTTP and file transfers, with
authentication, the user agent, a deadline per attempt, bounded retries and typed
errors. Every decision (what a reply means, whether to retry, how long to wait) is
made in :mod:`wandb_typed._core.exchange`; this module only sends and waits.

The API key goes only into the ``Authorization`` header of requests to the
configured server's own origin: a signed storage URL on another host, or a redirect
to one, gets no credentials. The key is never logged or put in a message or repr.
"""

from __future__ import annotations

import base64
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx

from .._core.exchange import (
    Retryable,
    detach,
    encode_body,
    graphql_outcome,
    name_of,
    operation_kind,
    retry_delay,
    transport_failure,
)
from .._core.files import redact
from .._core.writes import is_idempotent
from ..config import Settings
from ..errors import APIStatusError, ResponseValidationError, UsageError, WandbError, clip
from ..paths import http_url
from ._mode import sleep

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["AsyncConnection"]

logger = logging.getLogger("wandb_typed.http")
T = TypeVar("T")
MAX_REDIRECTS = 5
#: An attempt's whole exchange (send, headers, body) must end within this many
#: read timeouts: a server that trickles bytes cannot hold a call forever.
DEADLINE_TIMEOUTS = 3.0


class AsyncConnection:
    """Sends GraphQL operations and file requests for one Api; the transport that the
    generated client (``AsyncWandbClient``) calls."""

    def __init__(self, settings: Settings, user_agent: str, http: httpx.AsyncClient) -> None:
        self.settings = settings
        self.user_agent = user_agent
        self.http = http
        self._rng = random.Random()
        token = base64.b64encode(f"api:{settings.api_key}".encode()).decode("ascii")
        self._authorization = f"Basic {token}"
        home = urlsplit(settings.base_url)
        self._origin = (home.scheme, home.hostname, home.port)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.settings.graphql_url!r})"

    # -- the one retry loop ------------------------------------------------------

    async def retrying(self, what: str, attempt: Callable[[int], Awaitable[T]]) -> T:
        """Run ``attempt(1)``, ``attempt(2)``, ... while it raises :class:`Retryable`
        and the retry policy allows, waiting with capped, jittered backoff. The final
        error is detached from every httpx exception (whose request holds the key)."""
        policy = self.settings.retry
        number = 0
        while True:
            number += 1
            final: WandbError | None = None
            delay = 0.0
            try:
                return await attempt(number)
            except WandbError as error:
                error.attempts = number  # e.g. a retried delete told "not found": done before
                final = error
            except Retryable as retry:
                detach(retry)  # retry_delay's frame keeps it, and it keeps the httpx error
                try:
                    delay = retry_delay(policy, number, retry, self._rng.random())
                except WandbError as error:
                    final = error
                else:
                    logger.debug(
                        "%s attempt %d/%d failed: %s (retrying in %.2f s)",
                        what, number, policy.max_attempts, retry.error, delay,
                    )  # fmt: skip
            if final is not None:
                raise detach(final)
            await sleep(delay)

    # -- GraphQL -----------------------------------------------------------------

    def headers(self) -> dict[str, str]:
        """Headers of a GraphQL request to the configured server (with the key)."""
        return {
            "Authorization": self._authorization,
            "User-Agent": self.user_agent,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    async def graphql(
        self, query: str, operation_name: str | None, variables: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Send one operation with bounded retries; return its ``data`` or raise."""
        name = operation_name or name_of(query)
        # Only a mutation that adds or creates is sent once (see _core/writes.py).
        mutation = operation_kind(query, operation_name) == "mutation" and not is_idempotent(name)
        body = encode_body(query, name, variables)
        url = self.settings.graphql_url

        async def attempt(number: int) -> dict[str, Any]:
            started = time.monotonic()
            request = httpx.Request(
                "POST", url, content=body, headers=self.headers(), extensions=self._timeouts()
            )
            response = await self._send(request, name, url, mutation)
            try:
                content = await self._read(response, started, url, name)
            except httpx.HTTPError as exc:
                raise transport_failure(exc, url, name, mutation) from None
            finally:
                await response.aclose()
            logger.debug(
                "%s attempt %d: HTTP %d in %.0f ms",
                name, number, response.status_code, (time.monotonic() - started) * 1000,
            )  # fmt: skip
            return graphql_outcome(
                response.status_code, response.headers, content,
                url=url, name=name, mutation=mutation, policy=self.settings.retry,
            )  # fmt: skip

        return await self.retrying(name, attempt)

    def _timeouts(self) -> dict[str, Any]:
        """The HTTP client's timeouts, carried by each request we build: httpx before
        0.28 applies none to a request built outside the client (it waited forever)."""
        return {"timeout": self.http.timeout.as_dict()}

    async def _send(
        self, request: httpx.Request, name: str, url: str, mutation: bool
    ) -> httpx.Response:
        """Send; a failure below HTTP is typed (and :class:`Retryable` when safe).

        Once sent (or failed), the request forgets its ``Authorization`` header: the
        response, an httpx exception and every traceback frame refer to it, and
        none of them may carry the key to a traceback printer or error tracker.
        """
        try:
            return await self.http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise transport_failure(exc, url, name, mutation) from None
        except RuntimeError as exc:
            if not self.http.is_closed:
                raise
            raise UsageError(
                f"{name}: this client was closed while the request was being made "
                "(close() or aclose() ran meanwhile); create a new Api"
            ) from exc
        finally:
            request.headers.pop("Authorization", None)

    async def _read(self, response: httpx.Response, started: float, url: str, name: str) -> bytes:
        """The whole body, within the attempt's deadline."""
        deadline = started + self.settings.timeout * DEADLINE_TIMEOUTS
        chunks: list[bytes] = []
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(
                    f"the response did not complete within {deadline - started:.0f} s",
                    request=response.request,
                )
        return b"".join(chunks)

    def invalid_response(
        self, operation_name: str, error: ValidationError, data: dict[str, Any]
    ) -> Exception:
        """Called by the generated client when ``data`` does not match its model."""
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {clip(e['msg'], 200)}"
            for e in error.errors()[:5]
        )
        more = "" if error.error_count() <= 5 else f" (+{error.error_count() - 5} more)"
        return ResponseValidationError(
            f"{operation_name}: the response does not match the schema this client was generated "
            f"from: {problems}{more}. The server may be newer or older than expected.",
            operation_name=operation_name,
        )

    # -- files -------------------------------------------------------------------

    def file_headers(self, url: str, credentials: bool = True) -> dict[str, str]:
        """Headers for a file request: credentials only for the server's own origin,
        and never when ``credentials`` is false (a reference URL: a third party's,
        whatever its host)."""
        headers = {"User-Agent": self.user_agent}
        if not credentials:
            return headers
        try:
            a = urlsplit(url)
            same = (a.scheme, a.hostname, a.port) == self._origin
        except ValueError:
            same = False
        if same:
            headers["Authorization"] = self._authorization
        return headers

    async def open(
        self,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        credentials: bool = True,
    ) -> httpx.Response:
        """Send a file request and return the streamed response (the caller closes it),
        following redirects; a transport failure raises :class:`Retryable`. A URL the
        server sent that is not a valid http(s) URL is a :class:`ResponseValidationError`.
        Without ``credentials`` (a reference URL) no redirect gets them either."""
        status = 0
        url = _join(self.settings.base_url + "/", url)
        for _ in range(MAX_REDIRECTS + 1):
            target = http_url(url, f"{method} URL", from_server=True)
            request = httpx.Request(
                method, target, content=content,
                headers={**self.file_headers(url, credentials), **(headers or {})},
                extensions=self._timeouts(),
            )  # fmt: skip
            response = await self._send(request, f"{method} {redact(url)}", redact(url), False)
            if not response.is_redirect:
                return response
            await response.aclose()
            status = response.status_code
            location = response.headers.get("location")
            if not location:
                raise APIStatusError(
                    f"{method} {redact(url)}: redirect without a Location header",
                    status_code=response.status_code,
                    url=redact(url),
                )
            url = _join(url, location)
        raise APIStatusError(
            f"{method} {redact(url)}: more than {MAX_REDIRECTS} redirects",
            status_code=status,
            url=redact(url),
        )


def _join(base: str, reference: str) -> str:
    """``reference`` resolved against ``base`` (an absolute URL stays as it is); one
    that cannot be parsed is the server's fault."""
    try:
        return urljoin(base, reference)
    except ValueError:
        raise ResponseValidationError(
            f"the server sent a file URL {clip(repr(reference), 200)} that is not a valid URL"
        ) from None
