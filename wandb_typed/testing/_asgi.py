"""Plain-ASGI plumbing of the local server's routes: message types, headers, bounded
request bodies, whole responses (recorded on the request's :class:`RecordedRequest`),
JSON bodies, the lifespan protocol, and dropping a connection (fault injection).

Plain ASGI rather than a framework, so faults can cut a response or a connection.
"""

from __future__ import annotations

import json
import socket
import struct
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from ._recording import RecordedRequest

__all__ = [
    "Message",
    "Receive",
    "Scope",
    "Send",
    "TooLarge",
    "abort_connection",
    "error_body",
    "finish",
    "headers_of",
    "json_bytes",
    "json_object",
    "lifespan",
    "read_body",
    "read_body_into",
    "respond",
    "too_large",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class TooLarge(Exception):
    """The request body passed its limit (answered 413)."""


def headers_of(scope: Scope) -> dict[str, str]:
    """The request's headers, names lower-cased (latin-1, as HTTP/1.1 allows)."""
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def json_object(body: bytes) -> dict[str, object] | None:
    """The body as a JSON object (whose keys JSON makes strings), else ``None``."""
    try:
        payload: object = json.loads(body or b"null")
    except ValueError:
        return None
    return cast("dict[str, object]", payload) if isinstance(payload, dict) else None


def json_bytes(payload: object) -> bytes:
    """Compact JSON of a response body."""
    return json.dumps(payload, separators=(",", ":")).encode()


def error_body(message: str) -> bytes:
    """A GraphQL-shaped error body, ``{"errors": [{"message": ...}]}``, for any route."""
    return json_bytes({"errors": [{"message": message}]})


async def read_body(
    receive: Receive, headers: dict[str, str], limit: int, record: RecordedRequest
) -> bytes:
    """The request body, at most ``limit`` bytes: a larger ``Content-Length`` is refused
    before reading, a chunked body as soon as it passes the limit (:class:`TooLarge`)."""
    chunks: list[bytes] = []
    await read_body_into(receive, headers, limit, record, chunks.append)
    return b"".join(chunks)


async def read_body_into(
    receive: Receive,
    headers: dict[str, str],
    limit: int,
    record: RecordedRequest,
    sink: Callable[[bytes], object],
) -> None:
    """Hand the request body to ``sink`` piece by piece as it arrives, bounded like
    :func:`read_body` (nothing past ``limit`` reaches ``sink``)."""
    declared = headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared[:30]) > limit:
        raise TooLarge
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        record.request_bytes = size
        if size > limit:
            raise TooLarge
        if chunk:
            sink(chunk)
        if not message.get("more_body"):
            break


async def respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: str = "application/json",
    extra: list[tuple[bytes, bytes]] | None = None,
    *,
    content_length: int | None = None,
) -> None:
    """Send a whole response (also used by the artifact routes)."""
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body) if content_length is None else content_length).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def finish(
    send: Send,
    record: RecordedRequest,
    status: int,
    body: bytes,
    content_type: str = "application/json",
    extra: list[tuple[bytes, bytes]] | None = None,
    *,
    close: bool = False,
) -> None:
    """Answer and record the answer; ``close`` when the request body was not read (the
    connection cannot carry another request after an unread body)."""
    record.status = status
    record.response_bytes = len(body)
    headers = [*(extra or []), *([(b"connection", b"close")] if close else [])]
    await respond(send, status, body, content_type, headers)


async def too_large(send: Send, record: RecordedRequest, limit: int) -> None:
    """Answer 413 for a body over ``limit`` bytes (and close: the rest is unread)."""
    body = error_body(f"request body too large (the limit is {limit:,} bytes)")
    await finish(send, record, 413, body, close=True)


async def lifespan(receive: Receive, send: Send) -> None:
    """Acknowledge ASGI lifespan startup and shutdown (nothing to set up)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def abort_connection(send: Send) -> None:
    """Drop the client's TCP connection with a RST (uvicorn's h11 transport)."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionResetError("injected reset")  # uvicorn answers 500 instead
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
