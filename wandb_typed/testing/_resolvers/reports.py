"""Reports (W&B "views"): ``Project.allViews`` and ``View.user`` (readable with their
project; paged in SQL)."""

from __future__ import annotations

from ariadne import ObjectType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row
from ._common import connection, gid, request_context
from .users import user_node

__all__ = ["BINDABLES", "view_node"]


def view_node(row: Row) -> Row:
    """A View (a report) from a ``views`` row."""
    return {
        "_row": row,
        "id": gid("View", int(row["id"])),
        "name": row["name"],
        "displayName": row["display_name"],
        "description": row["description"],
        "type": row["type"],
        "spec": row["spec"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "accessTokens": [],  # share links: the local server makes none
    }


project_type = ObjectType("Project")


@project_type.field("allViews")
def resolve_all_views(
    project: Row,
    info: GraphQLResolveInfo,
    viewType: str | None = None,
    viewName: str | None = None,
    userName: str | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Row:
    """``Project.allViews``: the project's views, by type, name and author's username
    (wandb-workspaces asks by all three), paged in SQL."""
    page = request_context(info).store.views_page(
        int(project["_row"]["id"]),
        view_type=viewType,
        name=viewName,
        username=userName,
        first=first,
        after=after,
    )
    return connection(page, view_node)


view_type = ObjectType("View")


@view_type.field("user")
def resolve_view_user(view: Row, info: GraphQLResolveInfo) -> Row | None:
    """``View.user``: the view's author, if known."""
    user_id = view["_row"]["user_id"]
    row = request_context(info).store.user_by_id(int(user_id)) if user_id is not None else None
    return user_node(row) if row else None


BINDABLES: list[SchemaBindable] = [project_type, view_type]
