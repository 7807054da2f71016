"""A run's metrics history and system events: ``Run.historyKeys``, ``history``,
``events``, ``sampledHistory`` and ``parquetHistory`` (readable with the run).

Sampling and step windows run in SQL (``_store.history``); a ``sampledHistory``
spec is validated here, before any query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from ariadne import ObjectType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row
from ._common import json_arg, request_context
from .scalars import finite_json

__all__ = ["BINDABLES"]

run_type = ObjectType("Run")


@run_type.field("historyKeys")
def resolve_history_keys(run: Row, info: GraphQLResolveInfo, **_: object) -> Any:
    """``Run.historyKeys``: the keys logged to history, with their types and ranges."""
    return finite_json(run["_row"]["history_keys"])


@run_type.field("history")
def resolve_history(
    run: Row,
    info: GraphQLResolveInfo,
    samples: int | None = None,
    minStep: int | None = None,
    maxStep: int | None = None,
) -> list[str]:
    """``Run.history``: history rows as JSON text, sampled and windowed in SQL."""
    return request_context(info).store.history(
        int(run["_row"]["id"]), samples=samples, min_step=minStep, max_step=maxStep
    )


@run_type.field("events")
def resolve_events(run: Row, info: GraphQLResolveInfo, samples: int | None = None) -> list[str]:
    """``Run.events``: system-metric events as JSON text, sampled in SQL."""
    return request_context(info).store.events(int(run["_row"]["id"]), samples)


@run_type.field("sampledHistory")
def resolve_sampled_history(
    run: Row, info: GraphQLResolveInfo, specs: list[object], **_: object
) -> list[list[dict[str, Any]]]:
    """``Run.sampledHistory``: for each spec (``{"keys", "samples", "minStep",
    "maxStep"}``), evenly spaced rows holding those keys, sampled in SQL."""
    store = request_context(info).store
    out: list[list[dict[str, Any]]] = []
    for raw in specs:
        parsed: object = json_arg(raw, "sampledHistory spec")
        spec: Mapping[object, object] = (
            cast("Mapping[object, object]", parsed) if isinstance(parsed, Mapping) else {}
        )
        keys = spec.get("keys")
        if not isinstance(keys, list):
            raise GraphQLError('a sampledHistory spec needs {"keys": [...], "samples": N}')
        min_step, max_step = spec.get("minStep"), spec.get("maxStep")
        out.append(
            store.sampled_history(
                int(run["_row"]["id"]),
                [str(k) for k in cast("list[object]", keys)],
                samples=_spec_int(spec.get("samples") or 500, "samples"),
                min_step=None if min_step is None else _spec_int(min_step, "minStep"),
                max_step=None if max_step is None else _spec_int(max_step, "maxStep"),
            )
        )
    return out


def _spec_int(value: object, what: str) -> int:
    """A number of a sampledHistory spec, as ``int()`` reads it (``"5"``, ``5.0``)."""
    if isinstance(value, (int, float, str)):
        try:
            return int(value)
        except (ValueError, OverflowError):
            pass
    raise GraphQLError(f"sampledHistory spec {what} must be an integer, got {value!r:.100}")


@run_type.field("parquetHistory")
def resolve_parquet_history(run: Row, info: GraphQLResolveInfo, liveKeys: list[str]) -> Row:
    """``Run.parquetHistory``: no parquet exports here: every step is "live", so
    clients page it via history()."""
    live = request_context(info).store.live_history(int(run["_row"]["id"]), liveKeys)
    return {"parquetUrls": [], "liveData": live}


BINDABLES: list[SchemaBindable] = [run_type]
