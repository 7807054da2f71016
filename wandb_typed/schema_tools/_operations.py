"""Our operations as graphql-core sees them: each operation in ``queries/`` with the
fragments it spreads, as its own document, and the schema coordinates it uses (a
``TypeInfo`` visitor); plus fully typed views of the graphql-core types they read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import InputError, clip

if TYPE_CHECKING:
    from graphql import (
        DocumentNode,
        GraphQLSchema,
        GraphQLType,
        InlineFragmentNode,
        NamedTypeNode,
        TypeNode,
    )


def operation_documents(queries_dir: Path, schema: GraphQLSchema) -> dict[str, DocumentNode]:
    """Each operation with the fragments it spreads (transitively), as its own document."""
    from graphql import (
        DocumentNode,
        FragmentDefinitionNode,
        FragmentSpreadNode,
        GraphQLSyntaxError,
        OperationDefinitionNode,
        parse,
        validate,
        visit,
    )
    from graphql.language import Visitor

    if not queries_dir.is_dir():
        raise InputError(f"queries directory {str(queries_dir)!r} does not exist")
    fragments: dict[str, FragmentDefinitionNode] = {}
    ops: dict[str, OperationDefinitionNode] = {}
    files = sorted(queries_dir.glob("*.graphql"))
    if not files:
        raise InputError(f"queries directory {str(queries_dir)!r} has no .graphql files")
    for path in files:
        try:
            document = parse(path.read_text(encoding="utf-8"))
        except (GraphQLSyntaxError, OSError, UnicodeDecodeError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"{path}: {clip(first, 300)}") from None
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
            elif isinstance(definition, OperationDefinitionNode):
                if definition.name is None:
                    raise InputError(f"{path}: every operation needs a name")
                ops[definition.name.value] = definition

    class Spreads(Visitor):
        def __init__(self) -> None:
            super().__init__()
            self.names: set[str] = set()

        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
            self.names.add(node.name.value)

    def spread_by(node: OperationDefinitionNode | FragmentDefinitionNode) -> set[str]:
        collector = Spreads()
        visit(node, collector)
        return collector.names

    out: dict[str, DocumentNode] = {}
    for name, op in sorted(ops.items()):
        needed: list[str] = []
        todo = sorted(spread_by(op))
        while todo:
            frag = todo.pop()
            if frag in needed:
                continue
            if frag not in fragments:
                raise InputError(f"operation {name} spreads unknown fragment {frag}")
            needed.append(frag)
            todo.extend(sorted(spread_by(fragments[frag])))
        doc = DocumentNode(definitions=(op, *(fragments[f] for f in sorted(needed))))
        errors = validate(schema, doc)
        if errors:
            raise InputError(
                f"operation {name} does not validate against the old schema: "
                f"{clip(errors[0].message, 300)}; diff from the schema the queries were written for"
            )
        out[name] = doc
    return out


def coordinates_used(document: DocumentNode, schema: GraphQLSchema) -> set[str]:
    """The schema coordinates an operation (with its fragments) uses."""
    from graphql import (
        ArgumentNode,
        DirectiveNode,
        EnumValueNode,
        FieldNode,
        FragmentDefinitionNode,
        GraphQLInputObjectType,
        ObjectFieldNode,
        TypeInfo,
        TypeInfoVisitor,
        VariableDefinitionNode,
        visit,
    )
    from graphql.language import Visitor

    info = TypeInfo(schema)
    inputs = _input_types(info)
    used: set[str] = set()

    def add_input(name: str, seen: set[str]) -> None:
        """``$Type`` (and ``Type``) for an input passed whole, with its nested inputs."""
        if name in seen:
            return
        seen.add(name)
        used.update((name, f"${name}"))
        gtype = schema.get_type(name)
        if isinstance(gtype, GraphQLInputObjectType):
            for input_field in gtype.fields.values():
                inner = _named(type_of(input_field))
                if inner is not None:
                    add_input(inner, seen)

    fields: list[str] = []  # the fields being visited, innermost last

    class Collect(Visitor):
        def enter_field(self, node: FieldNode, *_: object) -> None:
            fields.append(node.name.value)
            parent, definition = info.get_parent_type(), info.get_field_def()
            if parent is not None and definition is not None:
                used.update((parent.name, f"{parent.name}.{node.name.value}"))
                returned = _named(type_of(definition))
                if returned is not None:
                    used.add(returned)

        def leave_field(self, node: FieldNode, *_: object) -> None:
            fields.pop()

        def enter_argument(self, node: ArgumentNode, *_: object) -> None:
            directive = info.get_directive()
            if directive is not None:
                used.add(f"@{directive.name}({node.name.value}:)")
            else:
                parent = info.get_parent_type()
                if parent is not None and fields:
                    used.add(f"{parent.name}.{fields[-1]}({node.name.value}:)")
            argument = info.get_argument()
            if argument is not None and (arg_type := _named(type_of(argument))) is not None:
                used.add(arg_type)

        def enter_directive(self, node: DirectiveNode, *_: object) -> None:
            used.add(f"@{node.name.value}")

        def enter_object_field(self, node: ObjectFieldNode, *_: object) -> None:
            parent = _named(inputs.get_parent_input_type())
            if parent is not None:
                used.update((parent, f"{parent}.{node.name.value}"))

        def enter_enum_value(self, node: EnumValueNode, *_: object) -> None:
            enum = _named(inputs.get_input_type())
            if enum is not None:
                used.update((enum, f"{enum}.{node.value}"))

        def enter_variable_definition(self, node: VariableDefinitionNode, *_: object) -> None:
            variable_type = _unwrap(node.type).name.value
            if schema.get_type(variable_type) is not None:
                add_input(variable_type, set())

        def enter_inline_fragment(self, node: InlineFragmentNode, *_: object) -> None:
            condition = _type_condition(node)
            if condition is not None:
                used.add(condition.name.value)

        def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: object) -> None:
            used.add(node.type_condition.name.value)

    visit(document, TypeInfoVisitor(info, Collect()))
    return used


# graphql-core annotates wrapping types as a bare generic (``GraphQLWrappingType``),
# so its ``GraphQLInputType``/``GraphQLOutputType`` unions are partly unknown to a
# type checker. These views read them as the fully known base ``GraphQLType``; every
# graphql-core object passed to them satisfies the protocol structurally.


class _HasType(Protocol):
    """A field, input field or argument definition."""

    @property
    def type(self) -> GraphQLType: ...


class _InputTypes(Protocol):
    """The input-type half of ``TypeInfo``."""

    def get_input_type(self) -> GraphQLType | None: ...
    def get_parent_input_type(self) -> GraphQLType | None: ...


def _input_types(info: _InputTypes) -> _InputTypes:
    return info


def type_of(definition: _HasType) -> GraphQLType:
    return definition.type


def _named(gtype: GraphQLType | None) -> str | None:
    """The name of the named type under any list/non-null wrappers."""
    from graphql import get_named_type

    return get_named_type(gtype).name if gtype is not None else None


def _unwrap(node: TypeNode) -> NamedTypeNode:
    """The named type under a variable type's list/non-null wrappers."""
    from graphql import ListTypeNode, NamedTypeNode, NonNullTypeNode

    while isinstance(node, (ListTypeNode, NonNullTypeNode)):
        node = node.type
    if not isinstance(node, NamedTypeNode):  # the parser builds no other TypeNode
        raise TypeError(f"unexpected type node {type(node).__name__}")
    return node


def _type_condition(node: InlineFragmentNode) -> NamedTypeNode | None:
    """graphql-core annotates it as always set, but ``... @include(if: $x) { f }``
    has none (it is ``None`` then)."""
    return node.type_condition
