"""Custom charts: ``createCustomChart`` (members of the entity only). A chart's id
is ``entity/name``, as the official client documents it."""

from __future__ import annotations

from ariadne import MutationType, SchemaBindable
from graphql import GraphQLError, GraphQLResolveInfo

from .._store import Row
from ._common import json_text_arg, request_context

__all__ = ["BINDABLES"]

CHART_TYPES = ("vega2",)
CHART_ACCESS = ("PRIVATE", "PUBLIC")

mutation = MutationType()


@mutation.field("createCustomChart")
def resolve_create_custom_chart(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createCustomChart``: save a Vega chart preset in ``entity``; members
    of the entity only; the spec is stored as sent."""
    ctx = request_context(info)
    entity = ctx.require_write(str(input["entity"]))
    if input["type"] not in CHART_TYPES:
        raise GraphQLError(f"unknown chart type {str(input['type'])[:50]!r}")
    if input["access"] not in CHART_ACCESS:
        raise GraphQLError(f"unknown chart access {str(input['access'])[:50]!r}")
    row = ctx.store.create_chart(
        int(entity["id"]),
        str(input["name"]),
        display_name=str(input["displayName"]),
        type=str(input["type"]),
        access=str(input["access"]),
        spec=json_text_arg(input["spec"]) or "{}",
        created_by=int(ctx.viewer["id"]),
    )
    chart = {"id": f"{entity['name']}/{row['name']}"}
    return {"chart": chart, "clientMutationId": input.get("clientMutationId")}


BINDABLES: list[SchemaBindable] = [mutation]
