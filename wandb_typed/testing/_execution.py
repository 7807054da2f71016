"""graphql-core's execution with a shortcut for plain leaf fields.

A run page asks for ~26 fields per run, most of them scalars read straight from the
run's dict (``name``, ``state``, ``createdAt``, ...). graphql-core spends ~10 µs on
each: resolve info, argument values, the default resolver, ``complete_value``'s
dispatch. :class:`LeafExecutionContext` answers such a field with a dict lookup and
the scalar's ``serialize``; anything else (a resolver of ours, arguments, an object
or list type, a null where the type forbids it, a value the scalar refuses) takes
graphql-core's own path, so results and errors are graphql-core's.

Written against graphql-core 3.2's ``ExecutionContext.execute_field``; on any other
minor version :data:`EXECUTION_CONTEXT` is graphql-core's class, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import graphql
from graphql import (
    ExecutionContext,
    FieldNode,
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)
from graphql.pyutils import Path

__all__ = ["EXECUTION_CONTEXT", "LeafExecutionContext"]

#: A leaf field's shortcut: its scalar's (or enum's) ``serialize``, and whether null
#: is allowed. ``None``: the field takes graphql-core's path.
_Plan = tuple[Callable[[Any], Any], bool] | None


def _plan(parent_type: GraphQLObjectType, name: str) -> _Plan:
    """The shortcut for ``parent_type.name``, or None where it does not apply."""
    field = parent_type.fields.get(name)  # None for __typename and the other meta fields
    if field is None or field.resolve is not None or field.args:
        return None
    named: object = field.type
    nullable = not isinstance(named, GraphQLNonNull)
    if isinstance(named, GraphQLNonNull):
        # graphql-core leaves NonNull's parameter unknown to pyright
        named = cast("object", named.of_type)  # pyright: ignore[reportUnknownMemberType]
    if not isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
        return None
    serialize: Callable[[Any], Any] = named.serialize
    return serialize, nullable


class LeafExecutionContext(ExecutionContext):
    """graphql-core's ``ExecutionContext``; a plain leaf field read from a dict source
    is completed without the per-field machinery (the module docstring says which)."""

    _plans: dict[tuple[str, str], _Plan]

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_nodes: list[FieldNode],
        path: Path,
    ) -> Any:
        """The field's value: by the shortcut when it applies, else graphql-core's."""
        node = field_nodes[0]
        if type(source) is dict and not node.arguments and not self.middleware_manager:
            fields = cast("dict[str, object]", source)
            name = node.name.value
            try:
                plans = self._plans
            except AttributeError:
                plans = self._plans = {}
            key = (parent_type.name, name)
            try:
                plan = plans[key]
            except KeyError:
                plan = plans[key] = _plan(parent_type, name)
            if plan is not None:
                value = fields.get(name)  # what the default resolver reads
                if value is None:
                    if plan[1]:
                        return None
                elif not callable(value) and not isinstance(value, Exception):
                    try:
                        out = plan[0](value)
                    except Exception:  # graphql-core's path raises it, located
                        out = None
                    if out is not None and out is not Undefined:
                        return out
        return super().execute_field(parent_type, source, field_nodes, path)


#: What ``execute`` is given: the shortcut on graphql-core 3.2, graphql-core's own
#: class on any other version (whose ``execute_field`` it was not written against).
EXECUTION_CONTEXT: type[ExecutionContext] = (
    LeafExecutionContext if graphql.version_info[:2] == (3, 2) else ExecutionContext
)
