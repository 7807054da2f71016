"""Responses that carry stored contents: a blob file streamed from disk in bounded
chunks (or bytes from an in-memory store, sliced the same way), with ``HEAD``
answered from headers alone and one ``Range`` honoured.

uvicorn (0.55, h11) implements neither ASGI's ``http.response.zerocopysend`` nor
``http.response.pathsend``, so a file cannot be handed to ``sendfile`` from here:
each chunk is read into one buffer and written to the transport, and the
transport's flow control makes the next read wait while the client is behind, so
a download holds at most about one chunk however large the file.

Ranges: the official client asks ``Range: bytes=START-END`` for files of 2 GiB and
more (``multipart_download``); ours asks for whole files.  One ``bytes=`` range
(``a-b``, ``a-`` or ``-n``) is answered 206 with ``Content-Range``; a range past
the end 416; several ranges, or one that does not parse, get the whole file (as
RFC 9110 allows).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ._asgi import abort_connection

if TYPE_CHECKING:
    from ._asgi import Send
    from ._recording import RecordedRequest

__all__ = ["CHUNK", "NotStored", "send_blob"]

#: Bytes read from disk and written to the transport at a time.
CHUNK = 256 * 1024

_RANGE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$")


class NotStored(Exception):
    """The blob file is gone (collected between the lookup and the open)."""


def _wanted(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """``(start, end)`` (inclusive) of a satisfiable single range; ``None`` for the
    whole file; ``False`` for a range that cannot be satisfied (416)."""
    match = _RANGE.match(header.strip()) if header else None
    if match is None or (not match[1] and not match[2]):
        return None
    if not match[1]:  # the last n bytes
        suffix = int(match[2])
        return (max(size - suffix, 0), size - 1) if suffix and size else False
    start = int(match[1])
    end = min(int(match[2]), size - 1) if match[2] else size - 1
    if match[2] and int(match[2]) < start:
        return None  # invalid: ignored, as RFC 9110 says
    return (start, end) if start < size else False


async def send_blob(
    send: Send,
    record: RecordedRequest,
    source: Path | bytes,
    content_type: str,
    *,
    head: bool,
    range_header: str | None = None,
) -> None:
    """Answer with the contents of ``source`` (a file's path, or bytes): 200, or 206
    for a range, or 416; :class:`NotStored` before anything is sent if the file is
    gone."""
    fd = -1  # an in-memory store's bytes have no file
    if isinstance(source, Path):
        try:
            fd = os.open(source, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            raise NotStored from None
    try:
        size = len(source) if isinstance(source, bytes) else os.fstat(fd).st_size
        wanted = _wanted(range_header, size)
        headers = [(b"content-type", content_type.encode()), (b"accept-ranges", b"bytes")]
        if wanted is False:
            record.status = 416
            headers = [(b"content-range", f"bytes */{size}".encode()), (b"content-length", b"0")]
            await send({"type": "http.response.start", "status": 416, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        start, end = wanted if isinstance(wanted, tuple) else (0, size - 1)
        length = end - start + 1
        record.status = 206 if isinstance(wanted, tuple) else 200
        headers.append((b"content-length", str(length).encode()))
        if isinstance(wanted, tuple):
            headers.append((b"content-range", f"bytes {start}-{end}/{size}".encode()))
        await send({"type": "http.response.start", "status": record.status, "headers": headers})
        if head or not length:
            await send({"type": "http.response.body", "body": b""})
            return
        if fd >= 0:
            os.lseek(fd, start, os.SEEK_SET)  # then sequential reads (no pread on Windows)
        offset, left = start, length
        while left:
            take = min(CHUNK, left)
            chunk = (
                source[offset : offset + take] if isinstance(source, bytes) else os.read(fd, take)
            )
            if not chunk:  # shorter than its size said (never for an immutable blob)
                abort_connection(send)
                return
            offset += len(chunk)
            left -= len(chunk)
            record.response_bytes += len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": bool(left)})
    finally:
        if fd >= 0:
            os.close(fd)
