"""Integrations (a Slack channel or a webhook endpoint an automation sends through):
``Entity.integrations`` and ``createGenericWebhookIntegration``.

An entity's integrations are visible to, and created by, the members of the entity
(of an organization's entity: the members of the organization); anyone else sees an
empty list. A webhook shows the *names* of the secrets it uses, never a secret.
"""

from __future__ import annotations

from ariadne import MutationType, ObjectType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row
from ._common import EMPTY_CONNECTION, RequestContext, connection, denied, gid, request_context

__all__ = ["BINDABLES", "integration_node", "uses_entity"]


def integration_node(row: Row) -> Row:
    """A SlackIntegration or GenericWebhookIntegration from an ``integrations`` row."""
    base: Row = {"_row": row, "id": gid("Integration", int(row["id"]))}
    if row["kind"] == "SLACK":
        return {
            **base,
            "__typename": "SlackIntegration",
            "teamName": row["team_name"],
            "channelName": row["channel_name"],
        }
    return {
        **base,
        "__typename": "GenericWebhookIntegration",
        "name": row["name"],
        "urlEndpoint": row["url_endpoint"],
        "createdAt": row["created_at"],
        "secretRef": row["secret_ref"],
        "accessTokenRef": row["access_token_ref"],
    }


def uses_entity(ctx: RequestContext, entity_id: int) -> bool:
    """Whether the viewer may use the entity's integrations: a member of the entity,
    or of the organization whose entity it is."""
    if ctx.is_member(entity_id):
        return True
    org = ctx.store.organization_of_entity(entity_id)
    return (
        org is not None
        and int(org["entity_id"]) == entity_id
        and ctx.store.organization_role(int(org["id"]), int(ctx.viewer["id"])) is not None
    )


entity_type = ObjectType("Entity")


@entity_type.field("integrations")
def resolve_entity_integrations(
    entity: Row, info: GraphQLResolveInfo, after: str | None = None, first: int | None = None
) -> Row:
    """``Entity.integrations``: the entity's Slack and webhook integrations, oldest
    first; its members only (anyone else: an empty list)."""
    ctx = request_context(info)
    entity_id = int(entity["_row"]["id"])
    if not uses_entity(ctx, entity_id):
        return EMPTY_CONNECTION
    page = ctx.store.integrations_page(entity_id, first, after)
    return connection(page, integration_node)


mutation = MutationType()


@mutation.field("createGenericWebhookIntegration")
def resolve_create_webhook(_: None, info: GraphQLResolveInfo, input: Row) -> Row:
    """``Mutation.createGenericWebhookIntegration``: register a webhook endpoint of an
    entity; its members only (a name taken in the entity is a conflict)."""
    ctx = request_context(info)
    name = str(input["entityName"])
    entity = ctx.store.entity(name)
    if entity is None or not uses_entity(ctx, int(entity["id"])):
        raise denied(str(ctx.viewer["username"]), name)
    row = ctx.store.create_webhook_integration(
        name,
        name=str(input["name"]),
        url_endpoint=str(input["urlEndpoint"]),
        secret_ref=input.get("secretRef"),
        access_token_ref=input.get("accessTokenRef"),
    )
    return {"integration": integration_node(row), "clientMutationId": input.get("clientMutationId")}


BINDABLES: list[SchemaBindable] = [entity_type, mutation]
