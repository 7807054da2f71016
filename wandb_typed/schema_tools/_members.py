"""Member diff: which types and fields one schema has and the other lacks (what
``scripts/fetch_schema.py`` reports against a live server)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._common import build

if TYPE_CHECKING:
    from graphql import GraphQLSchema


def compare_members(ours_sdl: str, theirs_sdl: str) -> tuple[list[str], list[str]]:
    """(types and fields only ours has, those only theirs has): ``Type`` or
    ``Type.field`` (input fields for input types), sorted."""
    a, b = _members(build(ours_sdl, "our schema")), _members(build(theirs_sdl, "their schema"))
    missing = [t for t in sorted(a) if t not in b]
    missing += [f"{t}.{f}" for t in sorted(a) if t in b for f in sorted(a[t] - b[t])]
    extra = [t for t in sorted(b) if t not in a]
    extra += [f"{t}.{f}" for t in sorted(b) if t in a for f in sorted(b[t] - a[t])]
    return missing, extra


def _members(schema: GraphQLSchema) -> dict[str, set[str]]:
    from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

    out: dict[str, set[str]] = {}
    for name, gtype in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(gtype, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            out[name] = set(gtype.fields)
        else:
            out[name] = set()
    return out
