"""A run's console output: ``Run.logLineCount`` and ``Run.logLines`` (readable with
the run; lines paged in SQL)."""

from __future__ import annotations

from ariadne import ObjectType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row
from ._common import connection, request_context

__all__ = ["BINDABLES"]

run_type = ObjectType("Run")


@run_type.field("logLineCount")
def resolve_log_line_count(run: Row, info: GraphQLResolveInfo) -> int:
    """``Run.logLineCount``: how many console lines the run has (one count query)."""
    return request_context(info).store.log_line_count(int(run["_row"]["id"]))


@run_type.field("logLines")
def resolve_log_lines(
    run: Row,
    info: GraphQLResolveInfo,
    after: str | None = None,
    first: int | None = None,
    last: int | None = None,
    **_: object,
) -> Row:
    """``Run.logLines``: console lines in order, paged in SQL (``last``: the tail)."""
    page = request_context(info).store.log_lines_page(int(run["_row"]["id"]), first, after, last)
    return connection(
        page,
        lambda r: {
            "number": r["number"],
            "timestamp": r["timestamp"],
            "level": r["level"],
            "label": "",
            "line": r["line"],
        },
    )


BINDABLES: list[SchemaBindable] = [run_type]
