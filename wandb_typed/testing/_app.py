"""The ASGI application: W&B's HTTP surface over the store.

Routes (plain ASGI, so faults can cut a response or a connection):

``POST /graphql``
    ``{"query", "variables", "operationName"?}`` -> ``{"data", "errors"?}``.
    Needs ``Authorization: Basic base64("api:<key>")`` or ``Bearer <key>``;
    otherwise HTTP 401 with ``{"errors": [{"message": ...}]}``.  Documents that
    do not parse or validate get HTTP 400.  The :class:`FaultPlan` applies here.
``GET|HEAD /files/{entity}/{project}/{run}/{name}?token=...``
    Run file bytes.  ``token`` is an HMAC signature handed out in ``File.url``
    (no Authorization header needed); a valid API key works as well.
``PUT /files/{entity}/{project}/{run}/{name}?token=...``
    Upload target of ``createRunFiles`` (a differently signed token).
``GET /healthz``
    ``ok``, for readiness checks.
``GET /_local/stats``
    Traffic counters since start (or the last reset), read-only and without auth
    (the server is local): ``{"operations": {name: {"requests", "request_bytes",
    "response_bytes"}}, "total": {...}}``, where ``name`` is the GraphQL operation
    name, else ``METHOD /route``.  Bytes are HTTP body bytes; ``/_local/`` routes
    are not counted.  ``POST /_local/stats/reset`` clears them and returns what
    it cleared.  Used by ``scripts/bench.py``.

Every request is appended to ``requests`` as a :class:`RecordedRequest`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import secrets
import socket
import struct
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    execute,
    parse,
    validate,
)

from ._faults import FaultPlan
from ._resolvers import FileLinks, RequestContext, build_schema
from ._routes_artifacts import ArtifactRoutes
from ._store import Row, Store

__all__ = ["LocalApp", "OperationStats", "RecordedRequest"]

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


def _json_bytes(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _error_body(message: str) -> bytes:
    return _json_bytes({"errors": [{"message": message}]})


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
    ) -> None:
        self.store = store
        self.faults = faults if faults is not None else FaultPlan()
        self.file_host = file_host
        self.requests: list[RecordedRequest] = requests if requests is not None else []
        self.schema = schema or build_schema()
        self._secret = secrets.token_bytes(32)
        self._documents: dict[str, DocumentNode | GraphQLError] = {}
        self._validation: dict[str, list[GraphQLError]] = {}
        self.stats: dict[str, OperationStats] = {}
        self.artifact_routes = ArtifactRoutes(store, self._authenticate)

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
            await self._stats_route(send, record)
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

    async def _stats_route(self, send: Send, record: RecordedRequest) -> None:
        """``GET /_local/stats`` and ``POST /_local/stats/reset`` (see the module doc)."""
        route = (record.method, record.path)
        if route not in (("GET", "/_local/stats"), ("POST", "/_local/stats/reset")):
            body = _error_body(f"no route for {record.method} {record.path}")
            await self._finish(send, record, 404, body)
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
    def sign(self, method: str, key: str) -> str:
        """Signature of a file URL: HMAC of the method and ``entity/project/run/name``."""
        digest = hmac.new(self._secret, f"{method} {key}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def _links(self, scope: Scope, headers: dict[str, str]) -> FileLinks:
        scheme = scope.get("scheme", "http")
        server = scope.get("server") or ("127.0.0.1", 80)
        host = headers.get("host") or f"{server[0]}:{server[1]}"
        file_host = f"{self.file_host}:{server[1]}" if self.file_host else host

        def sign(method: str, path: str) -> str:
            return self.sign(method, _file_key_from_path(path))

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
        body = await _read_body(receive)
        record.request_bytes = len(body)

        try:
            payload = json.loads(body or b"null")
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            await self._finish(
                send,
                record,
                400,
                _error_body('expected a JSON object {"query": ..., "variables": ...}'),
            )
            return
        query = payload["query"]
        variables = payload.get("variables")
        record.variables = variables if isinstance(variables, dict) else None
        document = self._document(query)
        requested = payload.get("operationName") or None  # wandb-core sends ""
        record.operation_name = (
            operation_name_of(document, requested)
            if isinstance(document, DocumentNode)
            else requested
        )

        fault = self.faults.pick(record.operation_name)
        record.fault = fault
        if fault is not None and self.faults.when == "before":
            if fault == "slow":
                await asyncio.sleep(self.faults.slow_seconds)
            else:
                fake = _error_body(f"injected {fault}")
                await self._fault(send, record, fault, fake)
                return

        user = self._authenticate(headers)
        if user is None:
            message = "missing API key" if "authorization" not in headers else "invalid API key"
            await self._finish(send, record, 401, _error_body(f"{message} (HTTP 401)"))
            return

        context = RequestContext(store=self.store, viewer=user, links=self._links(scope, headers))
        status, response = await asyncio.to_thread(
            self._execute, document, query, record.variables, requested, context
        )
        out = _json_bytes(response)
        if fault is not None and self.faults.when == "after":
            if fault == "slow":
                await asyncio.sleep(self.faults.slow_seconds)
            else:
                await self._fault(send, record, fault, out)
                return
        await self._finish(send, record, status, out)

    def _authenticate(self, headers: dict[str, str]) -> Row | None:
        key = api_key_from(headers.get("authorization"))
        return self.store.user_by_key(key) if key else None

    def _document(self, query: str) -> DocumentNode | GraphQLError:
        """Parse once per distinct document (clients resend the same few)."""
        found = self._documents.get(query)
        if found is None:
            try:
                found = parse(query)
            except GraphQLError as exc:
                found = exc
            if len(self._documents) < 2048:
                self._documents[query] = found
        return found

    def _execute(
        self,
        document: DocumentNode | GraphQLError,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: RequestContext,
    ) -> tuple[int, dict[str, Any]]:
        if isinstance(document, GraphQLError):
            return 400, {"errors": [document.formatted]}
        errors = self._validation.get(query)
        if errors is None:
            errors = validate(self.schema, document)
            if len(self._validation) < 2048:
                self._validation[query] = errors
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
            response["errors"] = [e.formatted for e in result.errors]
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
            await _respond(send, 500, b"")
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
    ) -> None:
        record.status = status
        record.response_bytes = len(body)
        await _respond(send, status, body, content_type, extra)

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
        body = await _read_body(receive)
        record.request_bytes = len(body)
        parts = scope["path"][len("/files/") :].split("/", 3)
        if len(parts) != 4 or not all(parts):
            await self._finish(send, record, 404, _error_body("bad file path"))
            return
        entity, project, run_name, name = parts
        key = "/".join(parts)
        token = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])[0]
        signed_for = "PUT" if method == "PUT" else "GET"
        if not hmac.compare_digest(token, self.sign(signed_for, key)) and (
            self._authenticate(headers) is None
        ):
            await self._finish(send, record, 401, _error_body("invalid or missing file token"))
            return
        project_row = self.store.project(entity, project)
        run = self.store.run(int(project_row["id"]), run_name) if project_row else None
        if run is None:
            await self._finish(send, record, 404, _error_body(f"run {run_name} not found"))
            return
        file_row = self.store.file(int(run["id"]), name)
        if method == "PUT":
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
        await _respond(
            send,
            200,
            b"" if method == "HEAD" else content,
            str(file_row["mimetype"] or "application/octet-stream"),
            content_length=len(content),
        )


def _file_key_from_path(path: str) -> str:
    """``/files/e/p/r/name`` (URL-quoted) -> ``e/p/r/name`` (decoded), the signed key."""
    from urllib.parse import unquote

    return unquote(path[len("/files/") :])


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: str = "application/json",
    extra: list[tuple[bytes, bytes]] | None = None,
    *,
    content_length: int | None = None,
) -> None:
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
