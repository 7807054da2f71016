"""The ASGI application: W&B's HTTP surface over the store.

Routes (plain ASGI, so faults can cut a response or a connection):

``POST /graphql``
    ``{"query", "variables", "operationName"?}`` -> ``{"data", "errors"?}``.
    Needs ``Authorization: Basic base64("api:<key>")`` or ``Bearer <key>``;
    otherwise HTTP 401 with ``{"errors": [{"message": ...}]}``.  Documents that
    do not parse or validate get HTTP 400.  The :class:`FaultPlan` applies here.
``GET|HEAD /files/{entity}/{project}/{run}/{name}?token=...``
    Run file bytes.  ``token`` (handed out in ``File.url``/``directUrl``) names the
    user it was issued to and is an HMAC of method, path and user, so no
    Authorization header is needed; a valid API key works as well.  Either way the
    user must still be allowed to read the run's project (public, or a member of
    its entity): otherwise 404.
``PUT /files/{entity}/{project}/{run}/{name}?token=...``
    Upload target of ``createRunFiles`` (a token signed for PUT, or an API key);
    only members of the entity may write (403 for a readable project, else 404).
    Bodies over ``ServerLimits.max_file_bytes`` get 413.
``GET /healthz``
    ``ok``, for readiness checks (no authentication).
``GET /_local/stats``
    Traffic counters since start (or the last reset), for any valid API key:
    ``{"operations": {name: {"requests", "request_bytes", "response_bytes"}},
    "total": {...}}``, where ``name`` is the GraphQL operation name, else
    ``METHOD /route``.  Bytes are HTTP body bytes; ``/_local/`` routes are not
    counted.  ``POST /_local/stats/reset`` (an admin's key only) clears them and
    returns what it cleared.  Used by ``scripts/bench.py``.

Authentication comes first on every route but ``/healthz``: no body is read and
no document parsed for a request without a valid key.  Request bodies and the
work of a GraphQL operation are bounded by :class:`ServerLimits` (see
``_limits``); errors of the server's own (an exception that is not a GraphQL,
filter or store error) are answered as "internal server error" without their text.

Every request is appended to ``requests`` as a :class:`RecordedRequest`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import logging
import secrets
import socket
import struct
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    # graphql-core annotates execute's `middleware` parameter as a bare `Tuple | List`, which
    # pyright strict reports wherever execute is named; we never pass middleware.
    execute,  # pyright: ignore[reportUnknownVariableType]
    parse,
    validate,
)

from ._faults import FaultPlan
from ._filters import FilterError
from ._limits import ServerLimits, check_cost, count_fields
from ._resolvers import FileLinks, RequestContext, build_schema, can_read_project
from ._routes_artifacts import ArtifactRoutes
from ._store import Row, Store, StoreConflict, StoreError

__all__ = ["DocumentCache", "LocalApp", "OperationStats", "RecordedRequest"]

log = logging.getLogger("wandb_typed.testing")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_HTML_ERROR = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>502 Bad Gateway</h1><p>injected by FaultPlan</p></body></html>"
)


@dataclass
class RecordedRequest:
    """One request as the server saw it (``status`` is filled in when answered)."""

    path: str
    operation_name: str | None
    variables: dict[str, Any] | None
    status: int
    had_authorization: bool
    method: str = "POST"
    host: str | None = None
    fault: str | None = None
    request_bytes: int = 0
    response_bytes: int = 0


@dataclass
class OperationStats:
    """Traffic of one operation, as served by ``GET /_local/stats``."""

    requests: int = 0
    request_bytes: int = 0
    response_bytes: int = 0

    def add(self, record: RecordedRequest) -> None:
        self.requests += 1
        self.request_bytes += record.request_bytes
        self.response_bytes += record.response_bytes


def operation_name_of(document: DocumentNode, requested: str | None = None) -> str | None:
    """``operationName`` if given, else the name of the document's first operation."""
    if requested:
        return requested
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition.name.value if definition.name else None
    return None


def api_key_from(authorization: str | None) -> str | None:
    """The API key of a ``Basic base64("api:<key>")`` or ``Bearer <key>`` header."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def _json_object(body: bytes) -> dict[str, object] | None:
    """The body as a JSON object (whose keys JSON makes strings), else ``None``."""
    try:
        payload: object = json.loads(body or b"null")
    except ValueError:
        return None
    return cast("dict[str, object]", payload) if isinstance(payload, dict) else None


def _json_bytes(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _error_body(message: str) -> bytes:
    return _json_bytes({"errors": [{"message": message}]})


@dataclass
class _Parsed:
    document: DocumentNode | GraphQLError
    errors: list[GraphQLError] | None = None  # validation, once done


class DocumentCache:
    """Parsed (and validated) documents by query text, least recently used first out.

    Clients resend the same few documents, so parsing once pays; the cache is
    bounded by count and by the total size of the query texts it keeps, and a
    document larger than ``max_entry_bytes`` is never kept.
    """

    def __init__(
        self, max_entries: int = 256, max_bytes: int = 4 << 20, max_entry_bytes: int = 64 << 10
    ) -> None:
        self.max_entries: int = max_entries
        self.max_bytes: int = max_bytes
        self.max_entry_bytes: int = max_entry_bytes
        self.total_bytes: int = 0
        self._items: OrderedDict[str, _Parsed] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, query: object) -> bool:
        return query in self._items

    def get(self, query: str) -> _Parsed | None:
        with self._lock:
            found = self._items.get(query)
            if found is not None:
                self._items.move_to_end(query)
            return found

    def put(self, query: str, parsed: _Parsed) -> None:
        size = len(query)
        if size > self.max_entry_bytes:
            return
        with self._lock:
            if query in self._items:
                return
            self._items[query] = parsed
            self.total_bytes += size
            while len(self._items) > self.max_entries or self.total_bytes > self.max_bytes:
                old, _ = self._items.popitem(last=False)
                self.total_bytes -= len(old)


class _TooLarge(Exception):
    """The request body passed its limit (answered 413)."""


class LocalApp:
    """ASGI callable serving one :class:`Store`."""

    def __init__(
        self,
        store: Store,
        *,
        faults: FaultPlan | None = None,
        file_host: str | None = None,
        requests: list[RecordedRequest] | None = None,
        schema: GraphQLSchema | None = None,
        limits: ServerLimits | None = None,
    ) -> None:
        self.store: Store = store
        self.faults: FaultPlan = faults if faults is not None else FaultPlan()
        self.file_host: str | None = file_host
        self.requests: list[RecordedRequest] = requests if requests is not None else []
        self.schema: GraphQLSchema = schema or build_schema()
        self.limits: ServerLimits = limits or ServerLimits()
        self.documents: DocumentCache = DocumentCache()
        self._secret = secrets.token_bytes(32)
        self.stats: dict[str, OperationStats] = {}
        self.artifact_routes: ArtifactRoutes = ArtifactRoutes(store, self._authenticate)

    # ------------------------------------------------------------------ ASGI entry
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        headers = _headers(scope)
        record = RecordedRequest(
            path=path,
            operation_name=None,
            variables=None,
            status=0,
            had_authorization="authorization" in headers,
            method=method,
            host=headers.get("host"),
        )
        self.requests.append(record)
        if path.startswith("/_local/"):
            await self._stats_route(send, record, headers)
            return
        try:
            await self._dispatch(scope, receive, send, record, headers)
        finally:
            route = "/files" if path.startswith("/files/") else ArtifactRoutes.label(path) or path
            name = record.operation_name or f"{method} {route}"
            self.stats.setdefault(name, OperationStats()).add(record)

    async def _dispatch(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        record: RecordedRequest,
        headers: dict[str, str],
    ) -> None:
        path, method = scope["path"], scope["method"]
        if path == "/graphql" and method == "POST":
            await self._graphql(scope, receive, send, record, headers)
        elif path.startswith("/files/") and method in ("GET", "HEAD", "PUT"):
            await self._file(scope, receive, send, record, headers)
        elif self.artifact_routes.handles(path, method):
            await self.artifact_routes(scope, send, record, headers)
        elif path in ("/healthz", "/") and method == "GET":
            await self._finish(send, record, 200, b"ok", "text/plain")
        else:
            await self._finish(send, record, 404, _error_body(f"no route for {method} {path}"))

    async def _stats_route(
        self, send: Send, record: RecordedRequest, headers: dict[str, str]
    ) -> None:
        """``GET /_local/stats`` (any user) and ``POST /_local/stats/reset`` (admins)."""
        route = (record.method, record.path)
        if route not in (("GET", "/_local/stats"), ("POST", "/_local/stats/reset")):
            body = _error_body(f"no route for {record.method} {record.path}")
            await self._finish(send, record, 404, body)
            return
        user = self._authenticate(headers)
        if user is None:
            await self._unauthorized(send, record, headers)
            return
        if record.method == "POST" and not user["admin"]:
            await self._finish(send, record, 403, _error_body("resetting stats needs an admin"))
            return
        snapshot = self.stats_snapshot()
        if record.method == "POST":
            self.stats = {}
        await self._finish(send, record, 200, _json_bytes(snapshot))

    def stats_snapshot(self) -> dict[str, Any]:
        """The counters as ``GET /_local/stats`` serves them."""
        total = OperationStats()
        operations: dict[str, dict[str, int]] = {}
        for name in sorted(self.stats):
            op = self.stats[name]
            operations[name] = vars(op).copy()
            total.requests += op.requests
            total.request_bytes += op.request_bytes
            total.response_bytes += op.response_bytes
        faults = dict(sorted(self.faults.injected.items()))
        return {"operations": operations, "total": vars(total).copy(), "faults": faults}

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    # ------------------------------------------------------------------ signing
    def sign(self, method: str, key: str, user_id: int) -> str:
        """Signature of a file URL: HMAC of the method, ``entity/project/run/name`` and
        the user it is issued to (whose access is checked again when it is used)."""
        digest = hmac.new(self._secret, f"{method} {key} {user_id}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def _links(self, scope: Scope, headers: dict[str, str], user_id: int) -> FileLinks:
        scheme = scope.get("scheme", "http")
        server = scope.get("server") or ("127.0.0.1", 80)
        host = headers.get("host") or f"{server[0]}:{server[1]}"
        file_host = f"{self.file_host}:{server[1]}" if self.file_host else host

        def sign(method: str, path: str) -> str:
            return f"{user_id}.{self.sign(method, _file_key_from_path(path), user_id)}"

        return FileLinks(f"{scheme}://{host}", f"{scheme}://{file_host}", sign)

    # ------------------------------------------------------------------ /graphql
    async def _graphql(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        record: RecordedRequest,
        headers: dict[str, str],
    ) -> None:
        user = self._authenticate(headers)  # before any work on the body
        if user is None:
            await self._unauthorized(send, record, headers)
            return
        try:
            body = await _read_body(receive, headers, self.limits.max_graphql_bytes, record)
        except _TooLarge:
            await self._too_large(send, record, self.limits.max_graphql_bytes)
            return

        payload = _json_object(body)
        query = payload.get("query") if payload is not None else None
        if payload is None or not isinstance(query, str):
            await self._finish(
                send,
                record,
                400,
                _error_body('expected a JSON object {"query": ..., "variables": ...}'),
            )
            return
        variables = payload.get("variables")
        record.variables = (
            cast("dict[str, Any]", variables) if isinstance(variables, dict) else None
        )
        requested = payload.get("operationName") or None  # wandb-core sends ""
        if requested is not None and not isinstance(requested, str):
            # A number or a list would otherwise become a key of the stats table and break it.
            body = _error_body("operationName must be a string or null")
            await self._finish(send, record, 400, body)
            return
        parsed = self._document(query)
        document = parsed.document
        record.operation_name = (
            operation_name_of(document, requested)
            if isinstance(document, DocumentNode)
            else requested
        )

        fault = self.faults.pick(record.operation_name)
        record.fault = fault
        if fault is not None and self.faults.when == "before":
            if fault == "slow":
                await self.faults.wait_slow()
            else:
                fake = _error_body(f"injected {fault}")
                await self._fault(send, record, fault, fake)
                return

        context = RequestContext(
            store=self.store, viewer=user, links=self._links(scope, headers, int(user["id"]))
        )
        status, response = await asyncio.to_thread(
            self._execute, parsed, record.variables, requested, context
        )
        out = _json_bytes(response)
        if fault is not None and self.faults.when == "after":
            if fault == "slow":
                await self.faults.wait_slow()
            else:
                await self._fault(send, record, fault, out)
                return
        await self._finish(send, record, status, out)

    async def _unauthorized(
        self, send: Send, record: RecordedRequest, headers: dict[str, str]
    ) -> None:
        message = "missing API key" if "authorization" not in headers else "invalid API key"
        await self._finish(send, record, 401, _error_body(f"{message} (HTTP 401)"), close=True)

    async def _too_large(self, send: Send, record: RecordedRequest, limit: int) -> None:
        body = _error_body(f"request body too large (the limit is {limit:,} bytes)")
        await self._finish(send, record, 413, body, close=True)

    def _authenticate(self, headers: dict[str, str]) -> Row | None:
        key = api_key_from(headers.get("authorization"))
        return self.store.user_by_key(key) if key else None

    def _document(self, query: str) -> _Parsed:
        """Parse once per distinct document (clients resend the same few), within the
        token and field limits."""
        found = self.documents.get(query)
        if found is None:
            try:
                document: DocumentNode | GraphQLError = parse(
                    query, max_tokens=self.limits.max_tokens
                )
            except GraphQLError as exc:
                document = exc
            if isinstance(document, DocumentNode):
                fields = count_fields(document)
                if fields > self.limits.max_fields:
                    document = GraphQLError(
                        f"the document has too many fields ({fields:,}; the limit is "
                        f"{self.limits.max_fields:,})"
                    )
            found = _Parsed(document)
            self.documents.put(query, found)
        return found

    def _execute(
        self,
        parsed: _Parsed,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: RequestContext,
    ) -> tuple[int, dict[str, Any]]:
        document = parsed.document
        if isinstance(document, GraphQLError):
            return 400, {"errors": [document.formatted]}
        refused = check_cost(self.schema, document, operation_name, variables, self.limits)
        if refused is not None:
            return 400, {"errors": [{"message": refused, "extensions": {"code": "TOO_COSTLY"}}]}
        errors = parsed.errors
        if errors is None:
            errors = parsed.errors = validate(self.schema, document)
        if errors:
            return 400, {"errors": [e.formatted for e in errors]}
        result = execute(
            self.schema,
            document,
            variable_values=variables,
            operation_name=operation_name,
            context_value=context,
        )
        assert isinstance(result, ExecutionResult), "resolvers are synchronous"
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [_public_error(e) for e in result.errors]
        return 200, response

    async def _fault(self, send: Send, record: RecordedRequest, fault: str, body: bytes) -> None:
        if fault in ("500", "502", "503"):
            await self._finish(send, record, int(fault), body)
        elif fault == "429":
            retry = f"{self.faults.retry_after:g}"
            await self._finish(
                send,
                record,
                429,
                _error_body("rate limited (injected 429)"),
                extra=[(b"retry-after", retry.encode())],
            )
        elif fault == "truncated":
            await self._finish(send, record, 200, body[: len(body) // 2])
        elif fault == "non_json":
            await self._finish(send, record, 200, _HTML_ERROR, "text/html; charset=utf-8")
        elif fault == "reset":
            record.status = 0
            _abort_connection(send)
            # Finish the ASGI exchange into the void so uvicorn does not log an error.
            await respond(send, 500, b"")
        else:  # pragma: no cover - FaultPlan validates kinds
            raise ValueError(f"unknown fault {fault!r}")

    @staticmethod
    async def _finish(
        send: Send,
        record: RecordedRequest,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        extra: list[tuple[bytes, bytes]] | None = None,
        *,
        close: bool = False,
    ) -> None:
        """Answer; ``close`` when the request body was not read (the connection cannot
        carry another request after an unread body)."""
        record.status = status
        record.response_bytes = len(body)
        headers = [*(extra or []), *([(b"connection", b"close")] if close else [])]
        await respond(send, status, body, content_type, headers)

    # ------------------------------------------------------------------ /files
    async def _file(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        record: RecordedRequest,
        headers: dict[str, str],
    ) -> None:
        method = scope["method"]
        parts = scope["path"][len("/files/") :].split("/", 3)
        if len(parts) != 4 or not all(parts):
            await self._finish(send, record, 404, _error_body("bad file path"), close=True)
            return
        entity, project, run_name, name = parts
        key = "/".join(parts)
        token = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])[0]
        signed_for = "PUT" if method == "PUT" else "GET"
        user = self._token_user(signed_for, key, token) or self._authenticate(headers)
        if user is None:
            body = _error_body("invalid or missing file token")
            await self._finish(send, record, 401, body, close=True)
            return
        project_row = self.store.project(entity, project)
        readable = project_row is not None and can_read_project(self.store, project_row, user)
        run = self.store.run(int(project_row["id"]), run_name) if project_row else None
        if run is None or not readable:
            body = _error_body(f"run {entity}/{project}/{run_name} not found")
            await self._finish(send, record, 404, body, close=True)
            return
        assert project_row is not None
        file_row = self.store.file(int(run["id"]), name)
        if method == "PUT":
            if not self.store.is_member(int(project_row["entity_id"]), int(user["id"])):
                message = f"permission denied: {user['username']} cannot write to {entity!r}"
                await self._finish(send, record, 403, _error_body(message), close=True)
                return
            try:
                body = await _read_body(receive, headers, self.limits.max_file_bytes, record)
            except _TooLarge:
                await self._too_large(send, record, self.limits.max_file_bytes)
                return
            mimetype = headers.get("content-type")
            if mimetype in (None, "", "application/octet-stream"):
                mimetype = None
            if file_row is None:
                self.store.add_file(int(run["id"]), name, body, mimetype=mimetype)
            else:
                self.store.store_upload(int(file_row["id"]), body, mimetype)
            await self._finish(send, record, 200, b"", "text/plain")
            return
        content = self.store.file_content(int(file_row["id"])) if file_row else None
        if file_row is None or content is None:
            await self._finish(send, record, 404, _error_body(f"file {name} not found"))
            return
        record.status = 200
        record.response_bytes = 0 if method == "HEAD" else len(content)
        await respond(
            send,
            200,
            b"" if method == "HEAD" else content,
            str(file_row["mimetype"] or "application/octet-stream"),
            content_length=len(content),
        )

    def _token_user(self, method: str, key: str, token: str) -> Row | None:
        """The user a file token was issued to, if the token is valid for this
        method and path (``<user id>.<signature>``)."""
        user_id, _, signature = token.partition(".")
        if not user_id.isdigit() or not signature:
            return None
        if not hmac.compare_digest(signature, self.sign(method, key, int(user_id))):
            return None
        return self.store.user_by_id(int(user_id))


def _public_error(error: GraphQLError) -> dict[str, Any]:
    """A resolver's error as sent: GraphQL, filter and store errors keep their message
    (written for users); anything else is a bug or SQLite's complaint, whose text may
    hold SQL, so it is logged here and answered without it."""
    original = error.original_error
    formatted: dict[str, Any] = dict(error.formatted)
    if isinstance(original, StoreError):  # what the request asked for cannot be done
        code = "CONFLICT" if isinstance(original, StoreConflict) else "BAD_REQUEST"
        formatted.setdefault("extensions", {"code": code})
    if original is None or isinstance(original, (GraphQLError, FilterError, StoreError)):
        return formatted
    log.error("internal error in %s", error.path, exc_info=original)
    formatted["message"] = "internal server error (details are in the server log)"
    formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
    return formatted


def _file_key_from_path(path: str) -> str:
    """``/files/e/p/r/name`` (URL-quoted) -> ``e/p/r/name`` (decoded), the signed key."""
    from urllib.parse import unquote

    return unquote(path[len("/files/") :])


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _read_body(
    receive: Receive, headers: dict[str, str], limit: int, record: RecordedRequest
) -> bytes:
    """The request body, at most ``limit`` bytes: a larger ``Content-Length`` is refused
    before reading, a chunked body as soon as it passes the limit (:class:`_TooLarge`)."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        record.request_bytes = size
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


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


def _abort_connection(send: Send) -> None:
    """Drop the client's TCP connection with a RST (uvicorn's h11 transport)."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionResetError("injected reset")  # uvicorn answers 500 instead
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
