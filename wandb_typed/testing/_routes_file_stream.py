"""The run SDK's live stream, and its telemetry.

``POST /files/{entity}/{project}/{run}/file_stream``
    What ``wandb.init()``/``run.log()``/``run.finish()`` send while a run is live
    (wandb-core's filestream), as JSON::

        {"files": {"wandb-history.jsonl": {"offset": 0, "content": ["{...}", ...]},
                   "wandb-summary.json": {"offset": 0, "content": ["{...}"]}, ...},
         "uploaded": [...], "complete": true, "exitcode": 0}

    Needs the API key of a member of the run's entity (401 without a valid key, 404
    when the run is not readable, 403 when it is readable but not writable).  The
    body is bounded by ``ServerLimits.max_stream_bytes`` (413), each line by
    ``max_stream_line_bytes`` (400); a gzip body is inflated within the same bound.
    The store applies the chunk idempotently by offset (``_store/run_streams``).
    Answers ``{}``.  The server's :class:`FaultPlan` applies under the operation name
    ``file_stream`` (``operations={"file_stream"}``): with ``when="after"`` the chunk
    is applied and the answer lost, as a retry-provoking network fault would.
``POST /sdk/otel/...``
    The OpenTelemetry metrics and logs both halves of the SDK post to the base URL,
    without credentials (the SDK sends none there, and prints a warning on a 401):
    drained within ``max_stream_bytes`` and answered 200 ``{}``.  Nothing is kept
    and nothing is answered, so there is nothing to authorize.
"""

from __future__ import annotations

import zlib
from urllib.parse import unquote

from ._asgi import (
    Receive,
    Scope,
    Send,
    TooLarge,
    abort_connection,
    error_body,
    finish,
    json_object,
    read_body,
)
from ._auth import AppAuth, unauthorized
from ._faults import FaultPlan
from ._limits import ServerLimits
from ._recording import RecordedRequest
from ._resolvers import can_read_project
from ._store import StoreError, StreamChunk

__all__ = ["FILE_STREAM", "FileStreamRoutes", "is_file_stream", "is_telemetry"]

_SUFFIX = "/file_stream"
#: The operation name ``file_stream`` requests have in the request log and to faults.
FILE_STREAM = "file_stream"


def is_file_stream(path: str, method: str) -> bool:
    """Whether this is a ``POST /files/e/p/r/file_stream``."""
    return method == "POST" and path.startswith("/files/") and path.endswith(_SUFFIX)


def is_telemetry(path: str, method: str) -> bool:
    """Whether this is one of the SDK's OpenTelemetry posts."""
    return method == "POST" and path.startswith("/sdk/otel/")


def _inflate(body: bytes, limit: int) -> bytes:
    """A gzip body, inflated to at most ``limit`` bytes (:class:`TooLarge` past it)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise StoreError(f"the gzip body does not inflate: {exc}") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise TooLarge
    return data


def parse_chunk(payload: dict[str, object], max_line: int) -> StreamChunk:
    """A ``file_stream`` body -> :class:`StreamChunk`; a malformed one is a
    :class:`StoreError` saying what is wrong."""
    chunk = StreamChunk()
    files = payload.get("files", {})
    if not isinstance(files, dict):
        raise StoreError("file_stream: 'files' must be an object")
    for name, spec in files.items():  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(spec, dict):
            raise StoreError(f"file_stream: {name!r} must be an object")
        offset = spec.get("offset", 0)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        content = spec.get("content", [])  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise StoreError(f"file_stream: {name!r} offset must be a non-negative integer")
        if not isinstance(content, list) or not all(isinstance(x, str) for x in content):  # pyright: ignore[reportUnknownVariableType]
            raise StoreError(f"file_stream: {name!r} content must be a list of strings")
        lines: list[str] = list(content)  # pyright: ignore[reportUnknownArgumentType]
        for line in lines:
            if len(line) > max_line:
                raise StoreError(
                    f"file_stream: a line of {name!r} is longer than {max_line:,} characters"
                )
        chunk.files[str(name)] = (offset, lines)  # pyright: ignore[reportUnknownArgumentType]
    complete = payload.get("complete", False)
    chunk.complete = complete is True
    exitcode = payload.get("exitcode")
    if isinstance(exitcode, int) and not isinstance(exitcode, bool):
        chunk.exitcode = exitcode
    elif exitcode is not None:
        raise StoreError("file_stream: exitcode must be an integer")
    return chunk


class FileStreamRoutes(AppAuth):
    """``file_stream`` and the SDK's telemetry posts (see the module docstring)."""

    limits: ServerLimits
    faults: FaultPlan

    async def _stream_fault(self, send: Send, record: RecordedRequest, fault: str) -> None:
        if fault == "reset":
            record.status = 0
            abort_connection(send)
            return
        if fault == "slow":
            await self.faults.wait_slow()
            await finish(send, record, 200, b"{}")
            return
        status = int(fault) if fault in ("500", "502", "503", "429") else 500
        extra = [(b"retry-after", f"{self.faults.retry_after:g}".encode())] if status == 429 else []
        await finish(send, record, status, error_body(f"injected {fault}"), extra=extra)

    async def _file_stream(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        record: RecordedRequest,
        headers: dict[str, str],
    ) -> None:
        record.operation_name = FILE_STREAM
        user = self._authenticate(headers)
        if user is None:
            await unauthorized(send, record, headers)
            return
        parts = unquote(scope["path"][len("/files/") : -len(_SUFFIX)]).split("/")
        entity, project_name, run_name = [*parts, "", "", ""][:3]
        project = self.store.project(entity, project_name) if len(parts) == 3 else None
        run = None
        if project is not None and can_read_project(self.store, project, user):
            run = self.store.run(int(project["id"]), run_name)
        if run is None or project is None:
            message = f"run {'/'.join(parts)} not found"
            await finish(send, record, 404, error_body(message), close=True)
            return
        if not self.store.is_member(int(project["entity_id"]), int(user["id"])):
            message = f"permission denied: {user['username']} cannot write to {entity!r}"
            await finish(send, record, 403, error_body(message), close=True)
            return
        limit = self.limits.max_stream_bytes
        try:
            body = await read_body(receive, headers, limit, record)
            if headers.get("content-encoding", "").lower() == "gzip":
                body = _inflate(body, limit)
        except TooLarge:
            message = f"file_stream body too large (the limit is {limit:,} bytes)"
            await finish(send, record, 413, error_body(message), close=True)
            return
        except StoreError as exc:
            await finish(send, record, 400, error_body(str(exc)))
            return
        payload = json_object(body)
        if payload is None:
            await finish(
                send, record, 400, error_body("file_stream: the body is not a JSON object")
            )
            return
        fault = self.faults.pick(FILE_STREAM)
        record.fault = fault
        if fault is not None and self.faults.when == "before":
            await self._stream_fault(send, record, fault)
            return
        try:
            chunk = parse_chunk(payload, self.limits.max_stream_line_bytes)
            self.store.apply_stream(int(run["id"]), chunk)
        except StoreError as exc:
            await finish(send, record, 400, error_body(str(exc)))
            return
        if fault is not None:
            await self._stream_fault(send, record, fault)
            return
        await finish(send, record, 200, b"{}")

    async def _telemetry(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        record: RecordedRequest,
        headers: dict[str, str],
    ) -> None:
        try:
            await read_body(receive, headers, self.limits.max_stream_bytes, record)
        except TooLarge:
            await finish(send, record, 413, error_body("telemetry body too large"), close=True)
            return
        await finish(send, record, 200, b"{}")
