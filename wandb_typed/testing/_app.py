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
``POST /files/{entity}/{project}/{run}/file_stream``, ``POST /sdk/otel/...``
    The run SDK's live stream (history, summary, events, console, final state) and
    its telemetry: see ``_routes_file_stream``.
``PUT /artifact-uploads/...``, ``PUT /artifact-manifest-uploads/...``
    New artifact contents and manifests (signed URLs): see ``_routes_artifact_uploads``.
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

:class:`LocalApp` composes one class per route family, each deriving from
:class:`~._auth.AppAuth`: ``_graphql_route`` (``/graphql``; documents parsed and
cached by ``_documents``), ``_file_routes`` (``/files``), ``_recording``
(request records, ``/_local/stats``); ``_routes_artifacts`` (artifact downloads)
is a separate object; ``_asgi`` holds the ASGI plumbing they share.
"""

from __future__ import annotations

import secrets

from graphql import GraphQLSchema

from ._asgi import Message, Receive, Scope, Send, error_body, finish, headers_of, lifespan
from ._documents import DocumentCache
from ._faults import FaultPlan
from ._file_routes import FileRoutes
from ._graphql_route import GraphQLRoute
from ._limits import ServerLimits
from ._recording import OperationStats, RecordedRequest, StatsRoutes
from ._resolvers import build_schema
from ._routes_artifact_uploads import ArtifactUploadRoutes
from ._routes_artifacts import ArtifactRoutes
from ._routes_file_stream import FileStreamRoutes, is_file_stream, is_telemetry
from ._store import Store

__all__ = ["DocumentCache", "LocalApp", "OperationStats", "RecordedRequest"]


class LocalApp(GraphQLRoute, FileStreamRoutes, FileRoutes, StatsRoutes):
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
        self.upload_routes: ArtifactUploadRoutes = ArtifactUploadRoutes(store, self.limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        headers = headers_of(scope)
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
        route = f"{method} {route_label(path, method)}"
        try:
            if path != "/graphql":
                fault = self.faults.pick_route(route)
                record.fault = fault
                if fault == "slow":
                    await self.faults.wait_slow()
                elif fault == "truncated":
                    send = _truncating(send)
                elif fault is not None:
                    await self._fault(send, record, fault, error_body(f"injected {fault}"))
                    return
            await self._dispatch(scope, receive, send, record, headers)
        finally:
            name = record.operation_name or route
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
        elif is_file_stream(path, method):
            await self._file_stream(scope, receive, send, record, headers)
        elif is_telemetry(path, method):
            await self._telemetry(scope, receive, send, record, headers)
        elif path.startswith("/files/") and method in ("GET", "HEAD", "PUT"):
            await self._file(scope, receive, send, record, headers)
        elif self.upload_routes.handles(path, method):
            await self.upload_routes(scope, receive, send, record, headers)
        elif self.artifact_routes.handles(path, method):
            await self.artifact_routes(scope, send, record, headers)
        elif path in ("/healthz", "/") and method == "GET":
            await finish(send, record, 200, b"ok", "text/plain")
        else:
            await finish(send, record, 404, error_body(f"no route for {method} {path}"))


def route_label(path: str, method: str) -> str:
    """A path's route as the stats and the fault plan name it (``/files``,
    ``/files/.../file_stream``, ``/artifact-files``, the upload routes, ``/sdk/otel``;
    other paths as they are)."""
    if is_file_stream(path, method):
        return "/files/.../file_stream"
    if is_telemetry(path, method):
        return "/sdk/otel"
    if path.startswith("/files/"):
        return "/files"
    return ArtifactUploadRoutes.label(path) or ArtifactRoutes.label(path) or path


def _truncating(send: Send) -> Send:
    """``send`` for a ``truncated`` fault: the response keeps status 200 but loses its
    ``Content-Length`` and the second half of its first body chunk (and all later ones)."""
    done = False

    async def truncated(message: Message) -> None:
        nonlocal done
        if message["type"] == "http.response.start":
            headers = [
                (k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"
            ]
            await send({**message, "headers": headers})
        elif message["type"] == "http.response.body" and not done:
            body = message.get("body", b"")
            done = True
            await send(
                {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": False}
            )

    return truncated
