"""Bounds on the work one request may ask of the server (F9, F10).

The server is shared: one request must not read an unbounded body, parse an
unbounded document, or ask for an exponential amount of data.  So, in order:

1. the API key is checked before the body is read (a stranger's request costs a
   header lookup), and a body over :attr:`ServerLimits.max_graphql_bytes` is
   refused with HTTP 413 without reading it (``Content-Length``) or as soon as the
   limit is passed (chunked);
2. the document is parsed with a token limit, and a document with more than
   :attr:`~ServerLimits.max_fields` field selections is refused before
   validation (graphql-core's overlap validation is quadratic in them);
3. before execution, :func:`check_cost` walks the operation with fragments
   expanded and refuses it when it nests deeper than
   :attr:`~ServerLimits.max_depth` or its *cost* passes
   :attr:`~ServerLimits.max_cost`.  The cost estimates how many objects the answer
   may hold: each field counts once per object its parent lists, and a field that
   returns a page (``first``/``last``, or a ``...Connection`` without them, which
   the server pages by 50) multiplies what is below it.  ``entity { projects {
   edges { node { entity { projects ... }}}}}}`` costs 50, 2,500, 125,000, ... and
   is refused at the third level; a page of 1,000 runs with their fields costs
   tens of thousands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLWrappingType,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

__all__ = ["ServerLimits", "check_cost", "count_fields"]


@dataclass(frozen=True)
class ServerLimits:
    """Per-request bounds (see the module docstring)."""

    #: Largest ``POST /graphql`` body, bytes (HTTP 413 above it).
    max_graphql_bytes: int = 8 * 1024 * 1024
    #: Largest file upload (``PUT /files/...``, an artifact file's PUT), bytes.
    max_file_bytes: int = 256 * 1024 * 1024
    #: Largest ``file_stream`` body (inflated, when gzip), bytes (HTTP 413 above it).
    max_stream_bytes: int = 16 * 1024 * 1024
    #: Longest line of a ``file_stream`` file, characters (HTTP 400 above it).
    max_stream_line_bytes: int = 10 * 1024 * 1024
    #: Most bytes of artifact contents the server stores in all; an upload past it
    #: is refused with HTTP 507 naming the limit.
    max_artifact_storage_bytes: int = 4 * 1024 * 1024 * 1024
    #: Most lexical tokens in a GraphQL document.
    max_tokens: int = 50_000
    #: Most field selections written in a document (before fragments are expanded).
    max_fields: int = 3_000
    #: Deepest field nesting of an operation (fragments expanded).
    max_depth: int = 16
    #: Largest estimated number of objects and fields an answer may hold.
    max_cost: int = 1_000_000
    #: Default page size of a connection asked for without ``first``.
    default_page: int = 50
    #: Largest page the store serves (``first`` above it counts as this).
    max_page: int = 10_000


def count_fields(document: DocumentNode) -> int:
    """Field selections as written (fragments counted once)."""
    count = 0
    stack: list[SelectionSetNode] = []
    for definition in document.definitions:
        selection_set = getattr(definition, "selection_set", None)
        if isinstance(selection_set, SelectionSetNode):
            stack.append(selection_set)
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                count += 1
            sub = getattr(selection, "selection_set", None)
            if isinstance(sub, SelectionSetNode):
                stack.append(sub)
    return count


class CostError(Exception):
    """The operation is too deep or too costly (the message says which)."""


class _HasType(Protocol):
    """A field or input field.  graphql-core's own alias for its type leaves the wrapper
    (list, non-null) unparametrized, which pyright strict reads as partially unknown."""

    @property
    def type(self) -> GraphQLNamedType | GraphQLWrappingType[Any]: ...


def _named_type(field: _HasType) -> GraphQLNamedType:
    """The named type under a field's list and non-null wrappers."""
    return get_named_type(field.type)


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        limits: ServerLimits,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.cost = 0
        self.depth = 0

    def _int_arg(self, field: FieldNode, names: tuple[str, ...]) -> int | None:
        for argument in field.arguments or ():
            if argument.name.value not in names:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                found = self.variables.get(value.name.value)
                if isinstance(found, int) and not isinstance(found, bool):
                    return found
        return None

    def _multiplier(self, field: FieldNode, type_name: str) -> int:
        size = self._int_arg(field, ("first", "last"))
        if size is not None:
            return max(1, min(size, self.limits.max_page))
        if type_name.endswith("Connection"):
            return self.limits.default_page
        return 1

    def walk(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType | None,
        factor: int,
        depth: int,
        spreads: tuple[str, ...],
    ) -> None:
        if depth > self.limits.max_depth:
            raise CostError(f"query depth exceeds the limit of {self.limits.max_depth}")
        self.depth = max(self.depth, depth)
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.cost += factor
                if self.cost > self.limits.max_cost:
                    raise CostError(
                        f"query cost exceeds the limit of {self.limits.max_cost:,} (it asks for"
                        " too many objects: use smaller pages or fewer nested lists)"
                    )
                if selection.selection_set is None:
                    continue
                # The walk runs before validation, so a fragment may name an input type.
                fields: Mapping[str, GraphQLField | GraphQLInputField] = (
                    parent.fields
                    if isinstance(
                        parent, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)
                    )
                    else {}
                )
                definition = fields.get(selection.name.value)
                if definition is None:
                    continue  # validation reports unknown fields
                named = _named_type(definition)
                multiplier = self._multiplier(selection, named.name)
                self.walk(selection.selection_set, named, factor * multiplier, depth + 1, spreads)
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                # graphql-core annotates type_condition as always set; `... @skip(...) {}` has none.
                condition = cast("NamedTypeNode | None", selection.type_condition)
                if condition is not None:
                    target = self.schema.get_type(condition.name.value) or parent
                self.walk(selection.selection_set, target, factor, depth, spreads)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None:
                    continue
                if name in spreads:
                    raise CostError(f"fragment {name} spreads itself")
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                self.walk(fragment.selection_set, target, factor, depth, (*spreads, name))


def check_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    limits: ServerLimits,
) -> str | None:
    """Why the operation is refused (too deep, too costly), or ``None`` to run it."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    walker = _Walker(schema, fragments, variables or {}, limits)
    for operation in operations:
        name = operation.name.value if operation.name else None
        if operation_name and name != operation_name:
            continue
        root: GraphQLObjectType | GraphQLInterfaceType | None = {
            "query": schema.query_type,
            "mutation": schema.mutation_type,
            "subscription": schema.subscription_type,
        }.get(operation.operation.value)
        try:
            walker.walk(operation.selection_set, root, 1, 1, ())
        except CostError as exc:
            return str(exc)
    return None
