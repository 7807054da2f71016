"""graphql-core on first use, shared by every seam of the schema tools: the check that
it is installed, and SDL parsed into a schema with the client's errors."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ..errors import InputError, MissingDependencyError, clip

if TYPE_CHECKING:
    from graphql import GraphQLSchema


def require_graphql() -> None:
    try:
        importlib.import_module("graphql")
    except ImportError:
        raise MissingDependencyError(
            "schema tools need graphql-core: pip install 'wandb-typed[schema]'"
        ) from None


def build(sdl: object, what: str) -> GraphQLSchema:
    """``sdl`` is ``object``: untyped callers get an :class:`InputError`, not a crash."""
    require_graphql()
    from graphql import GraphQLError as SyntaxOrSchemaError
    from graphql import build_schema

    if not isinstance(sdl, str):
        raise InputError(f"{what} must be SDL text, got {type(sdl).__name__}")
    try:
        return build_schema(sdl)
    except (SyntaxOrSchemaError, TypeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{what} is not a valid GraphQL schema: {clip(first, 300)}") from None
