"""Fetch: a server's schema by introspection, as SDL (``wandb-typed schema fetch``),
sent as the client sends its requests and failing with the client's typed errors."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, cast

from ..config import DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Settings
from ..errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    GraphQLError,
    GraphQLErrorDetail,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    clip,
)
from ..paths import parse_http_url
from ._common import require_graphql

if TYPE_CHECKING:
    import httpx
    from graphql import IntrospectionQuery


#: The largest introspection response :func:`fetch_schema` reads.
MAX_SCHEMA_BYTES: int = 64 * 1024 * 1024


def fetch_schema(
    url: str, settings: Settings | None, *, transport: httpx.BaseTransport | None = None
) -> str:
    """The SDL of the server at ``url`` (its base URL or its ``/graphql`` endpoint),
    fetched by introspection with the key in ``settings``, sent only to the settings'
    own server, as the client sends it (one attempt, no retries); with ``settings``
    ``None``, without any key (default timeouts). Raises the client's typed errors.
    ``transport`` is an httpx transport to send through (tests, proxies)."""
    require_graphql()
    from graphql import build_client_schema, get_introspection_query, print_schema

    endpoint = _endpoint(url, settings)
    body = json.dumps(
        {
            "query": get_introspection_query(descriptions=True),
            "operationName": "IntrospectionQuery",
        }
    ).encode()
    payload = _post(endpoint, body, settings, transport)
    errors = payload.get("errors")
    if errors:
        # a JSON array is a list of JSON values; anything else is one error
        raw: list[object] = cast("list[object]", errors) if isinstance(errors, list) else [errors]
        details = [GraphQLErrorDetail.from_json(e) for e in raw]
        raise GraphQLError(
            f"IntrospectionQuery: the server returned errors: {details[0].message} "
            "(servers may disable introspection)",
            errors=details,
            operation_name="IntrospectionQuery",
        )
    data = payload.get("data")
    if not isinstance(data, dict):
        raise ResponseValidationError(
            "IntrospectionQuery: the response has no data object",
            operation_name="IntrospectionQuery",
        )
    try:
        schema = build_client_schema(cast("IntrospectionQuery", data))
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
        raise ResponseValidationError(
            f"IntrospectionQuery: the server's introspection result is not a schema: {clip(str(exc), 300)}",
            operation_name="IntrospectionQuery",
        ) from None
    return print_schema(schema) + "\n"


def same_server(url: str, base_url: str) -> bool:
    """Whether ``url`` is on the server ``base_url`` names (scheme, host and port)."""
    a, b = parse_http_url(url, "schema URL"), parse_http_url(base_url, "base_url")
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def _endpoint(url: str, settings: Settings | None) -> str:
    parts = parse_http_url(url, "schema URL")
    endpoint = url.rstrip("/")
    if not parts.path.rstrip("/").endswith("/graphql"):
        endpoint += "/graphql"
    if settings is None:
        return endpoint
    home = parse_http_url(settings.base_url, "base_url")
    if (parts.scheme, parts.hostname, parts.port) != (home.scheme, home.hostname, home.port):
        raise InputError(
            f"schema URL {url!r} is not on the settings' server {settings.base_url}; "
            "the API key is only sent to its own server (resolve settings for this URL)"
        )
    return endpoint


_STATUS: dict[int, type[APIStatusError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def _post(
    endpoint: str, body: bytes, settings: Settings | None, transport: httpx.BaseTransport | None
) -> dict[str, object]:
    import httpx

    from .. import __version__

    headers = {
        "User-Agent": f"wandb-typed/{__version__} (schema tools)",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    if settings is not None:
        token = base64.b64encode(f"api:{settings.api_key}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
        timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
    else:
        timeout = httpx.Timeout(DEFAULT_TIMEOUT, connect=DEFAULT_CONNECT_TIMEOUT)
    waited = timeout.read
    name = "IntrospectionQuery"
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, transport=transport) as client,
            client.stream("POST", endpoint, content=body, headers=headers) as response,
        ):
            content = bytearray()
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > MAX_SCHEMA_BYTES:
                    raise ResponseValidationError(
                        f"{name}: the response from {endpoint} is larger than "
                        f"{MAX_SCHEMA_BYTES} bytes",
                        operation_name=name,
                    )
    except httpx.TimeoutException as exc:
        raise APITimeoutError(
            f"{name}: no answer from {endpoint} within {waited} s ({type(exc).__name__})",
            url=endpoint,
        ) from None
    except httpx.TransportError as exc:
        raise APIConnectionError(
            f"{name}: could not reach {endpoint}: {type(exc).__name__}: {clip(str(exc), 300)}",
            url=endpoint,
        ) from None
    status = response.status_code
    if status >= 300:
        text = clip(bytes(content[:2000]).decode("utf-8", "replace"), 300)
        cls = ServerError if status >= 500 else _STATUS.get(status, APIStatusError)
        hint = (
            f"; redirected to {clip(response.headers.get('location', '?'), 200)}"
            if status < 400
            else ""
        )
        raise cls(
            f"{name}: HTTP {status} from {endpoint}{hint}"
            + (f" (server said: {text})" if text else ""),
            status_code=status,
            url=endpoint,
            operation_name=name,
            body=text,
            request_id=response.headers.get("x-request-id"),
        )
    try:
        payload: object = json.loads(content)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python reads
        payload = None
    if not isinstance(payload, dict):
        raise ResponseValidationError(
            f"{name}: the server at {endpoint} did not answer with a GraphQL JSON object",
            operation_name=name,
        )
    return cast("dict[str, object]", payload)  # a JSON object's keys are strings
