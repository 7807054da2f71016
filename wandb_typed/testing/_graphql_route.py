"""``POST /graphql``: ``{"query", "variables", "operationName"?}`` -> ``{"data",
"errors"?}``, executed against the schema of ``_resolvers``.

The caller is authenticated before the body is read; the body, the document
(tokens, fields) and its estimated cost are bounded by :class:`ServerLimits`, and a
document that does not parse or validate gets HTTP 400.  The :class:`FaultPlan`
applies here.  Errors of the server's own (an exception that is not a GraphQL,
filter or store error) are answered as "internal server error" without their
text, which may hold SQL.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    # graphql-core annotates execute's `middleware` parameter as a bare `Tuple | List`, which
    # pyright strict reports wherever execute is named; we never pass middleware.
    execute,  # pyright: ignore[reportUnknownVariableType]
    validate,
)

from ._asgi import (
    Receive,
    Scope,
    Send,
    TooLarge,
    abort_connection,
    error_body,
    finish,
    json_bytes,
    json_object,
    read_body,
    respond,
    too_large,
)
from ._auth import AppAuth, unauthorized
from ._documents import DocumentCache, Parsed, parse_document
from ._execution import EXECUTION_CONTEXT
from ._faults import FaultPlan
from ._filters import FilterError
from ._limits import ServerLimits, check_cost
from ._recording import RecordedRequest
from ._resolvers import RequestContext
from ._store import StoreConflict, StoreError
from ._text import lone_surrogate

__all__ = ["GraphQLRoute", "operation_name_of"]

log = logging.getLogger("wandb_typed.testing")

_HTML_ERROR = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>502 Bad Gateway</h1><p>injected by FaultPlan</p></body></html>"
)


def operation_name_of(document: DocumentNode, requested: str | None = None) -> str | None:
    """``operationName`` if given, else the name of the document's first operation."""
    if requested:
        return requested
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition.name.value if definition.name else None
    return None


def _never_awaitable(value: object) -> bool:
    """Every resolver here is synchronous: graphql-core need not ask each of a page's
    ~50,000 values whether it is awaitable (a tenth of a run page's server time)."""
    return False


class GraphQLRoute(AppAuth):
    """The ``/graphql`` route: authenticate, read, parse, (inject a fault,) execute."""

    faults: FaultPlan
    limits: ServerLimits
    schema: GraphQLSchema
    documents: DocumentCache

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
            await unauthorized(send, record, headers)
            return
        try:
            body = await read_body(receive, headers, self.limits.max_graphql_bytes, record)
        except TooLarge:
            await too_large(send, record, self.limits.max_graphql_bytes)
            return

        payload = json_object(body)
        query = payload.get("query") if payload is not None else None
        if payload is None or not isinstance(query, str):
            await finish(
                send,
                record,
                400,
                error_body('expected a JSON object {"query": ..., "variables": ...}'),
            )
            return
        bad = lone_surrogate(payload)
        if bad is not None:
            # Valid JSON, not text: stored, it would break every later read of it.
            body = error_body(f"{bad} holds a lone surrogate: not Unicode text")
            await finish(send, record, 400, body)
            return
        variables = payload.get("variables")
        record.variables = (
            cast("dict[str, Any]", variables) if isinstance(variables, dict) else None
        )
        requested = payload.get("operationName") or None  # wandb-core sends ""
        if requested is not None and not isinstance(requested, str):
            # A number or a list would otherwise become a key of the stats table and break it.
            body = error_body("operationName must be a string or null")
            await finish(send, record, 400, body)
            return
        parsed = parse_document(self.documents, query, self.limits)
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
                fake = error_body(f"injected {fault}")
                await self._fault(send, record, fault, fake)
                return

        context = RequestContext(
            store=self.store, viewer=user, links=self._links(scope, headers, int(user["id"]))
        )
        status, response = await asyncio.to_thread(
            self._execute, parsed, record.variables, requested, context
        )
        out = json_bytes(response)
        if fault is not None and self.faults.when == "after":
            if fault == "slow":
                await self.faults.wait_slow()
            else:
                await self._fault(send, record, fault, out)
                return
        await finish(send, record, status, out)

    def _execute(
        self,
        parsed: Parsed,
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
            is_awaitable=_never_awaitable,
            execution_context_class=EXECUTION_CONTEXT,
        )
        assert isinstance(result, ExecutionResult), "resolvers are synchronous"
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [_public_error(e) for e in result.errors]
        return 200, response

    async def _fault(self, send: Send, record: RecordedRequest, fault: str, body: bytes) -> None:
        if fault in ("500", "502", "503"):
            await finish(send, record, int(fault), body)
        elif fault == "429":
            retry = f"{self.faults.retry_after:g}"
            await finish(
                send,
                record,
                429,
                error_body("rate limited (injected 429)"),
                extra=[(b"retry-after", retry.encode())],
            )
        elif fault == "truncated":
            await finish(send, record, 200, body[: len(body) // 2])
        elif fault == "non_json":
            await finish(send, record, 200, _HTML_ERROR, "text/html; charset=utf-8")
        elif fault == "reset":
            record.status = 0
            abort_connection(send)
            # Finish the ASGI exchange into the void so uvicorn does not log an error.
            await respond(send, 500, b"")
        else:  # pragma: no cover - FaultPlan validates kinds
            raise ValueError(f"unknown fault {fault!r}")


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
