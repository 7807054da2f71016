"""Diff: graphql-core's breaking and dangerous changes between two schemas, each tied
to schema coordinates by its description, then to the operations using them, their
generated client methods and the facade calls of those methods."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import clip
from ._common import build, require_graphql
from ._facade import facade_uses
from ._operations import coordinates_used, operation_documents, type_of
from ._report import InvalidOperation, Report, SchemaChange

if TYPE_CHECKING:
    from graphql import GraphQLArgument, GraphQLSchema


def method_name(operation: str) -> str:
    """The generated client method of an operation (ariadne-codegen's snake case):
    ``RunPage`` -> ``run_page``, ``CreateRunUploadUrls`` -> ``create_run_upload_urls``."""
    words = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?=[A-Z][a-z]|\d|\W|_|$)|\d+", operation)
    return "_".join(word.lower() for word in words)


def diff_schemas(
    old_sdl: str,
    new_sdl: str,
    queries_dir: str | Path,
    *,
    package_dir: str | Path | None = None,
) -> Report:
    """Compare two schemas and name what each breaking or dangerous change touches:
    operations in ``queries_dir`` (``*.graphql``), their generated client methods,
    and the facade functions in ``package_dir`` (default: this package) calling them.

    Raises :class:`InputError` for SDL that does not parse, a missing queries
    directory, or operations that do not validate against the old schema.
    """
    require_graphql()
    from graphql import find_breaking_changes, find_dangerous_changes, validate

    old, new = build(old_sdl, "the old schema"), build(new_sdl, "the new schema")
    operations = operation_documents(Path(queries_dir), old)
    used = {name: coordinates_used(doc, old) for name, doc in operations.items()}
    facade = facade_uses(
        Path(package_dir) if package_dir is not None else Path(__file__).resolve().parent.parent,
        {method_name(name) for name in operations},
    )

    def describe(kind: str, description: str) -> SchemaChange:
        hits = _hits(kind, description, old, new)
        if hits is None:
            return SchemaChange(kind, description, (), (), (), (), attributed=False)
        ops = tuple(sorted(name for name, coords in used.items() if coords & hits))
        methods = tuple(method_name(op) for op in ops)
        calls = tuple(use for m in methods for use in facade.get(m, ()))
        return SchemaChange(kind, description, tuple(sorted(hits)), ops, methods, calls)

    breaking = tuple(describe(c.type.name, c.description) for c in find_breaking_changes(old, new))
    dangerous = tuple(
        describe(c.type.name, c.description) for c in find_dangerous_changes(old, new)
    )
    invalid: list[InvalidOperation] = []
    for name, doc in operations.items():
        errors = validate(new, doc)
        if errors:
            method = method_name(name)
            message = clip(errors[0].message, 300)
            invalid.append(InvalidOperation(name, message, method, tuple(facade.get(method, ()))))
    return Report(breaking, dangerous, tuple(invalid))


_TYPE = r"(?P<type>\w+)"
_FIELD = r"(?P<field>\w+)"
_ARG = r"(?P<arg>\w+)"
_DIRECTIVE = r"(?P<directive>\w+)"
#: graphql-core's change descriptions, by change type: 3.2's forms here, 3.3's in
#: :data:`_PATTERNS_3_3` (tried when these do not match; the same named groups).
_PATTERNS: dict[str, str] = {
    "TYPE_REMOVED": rf"^(?:Standard scalar )?{_TYPE} was removed",
    "TYPE_CHANGED_KIND": rf"^{_TYPE} changed from ",
    "TYPE_REMOVED_FROM_UNION": rf"^(?P<member>\w+) was removed from union type {_TYPE}\.$",
    "VALUE_REMOVED_FROM_ENUM": rf"^(?P<value>\w+) was removed from enum type {_TYPE}\.$",
    "REQUIRED_INPUT_FIELD_ADDED": rf"^A required field {_FIELD} on input type {_TYPE} was added\.$",
    "IMPLEMENTED_INTERFACE_REMOVED": rf"^{_TYPE} no longer implements interface (?P<iface>\w+)\.$",
    "FIELD_REMOVED": rf"^{_TYPE}\.{_FIELD} was removed\.$",
    "FIELD_CHANGED_KIND": rf"^{_TYPE}\.{_FIELD} changed type from ",
    "REQUIRED_ARG_ADDED": rf"^A required arg {_ARG} on {_TYPE}\.{_FIELD} was added\.$",
    "ARG_REMOVED": rf"^{_TYPE}\.{_FIELD} arg {_ARG} was removed\.$",
    "ARG_CHANGED_KIND": rf"^{_TYPE}\.{_FIELD} arg {_ARG} has changed type from ",
    "DIRECTIVE_REMOVED": rf"^{_DIRECTIVE} was removed\.$",
    "DIRECTIVE_ARG_REMOVED": rf"^{_ARG} was removed from {_DIRECTIVE}\.$",
    "REQUIRED_DIRECTIVE_ARG_ADDED": rf"^A required arg {_ARG} on directive {_DIRECTIVE} was added\.$",
    "DIRECTIVE_REPEATABLE_REMOVED": rf"^Repeatable flag was removed from {_DIRECTIVE}\.$",
    "DIRECTIVE_LOCATION_REMOVED": rf"^(?P<location>\w+) was removed from {_DIRECTIVE}\.$",
    "VALUE_ADDED_TO_ENUM": rf"^(?P<value>\w+) was added to enum type {_TYPE}\.$",
    "TYPE_ADDED_TO_UNION": rf"^(?P<member>\w+) was added to union type {_TYPE}\.$",
    "OPTIONAL_INPUT_FIELD_ADDED": rf"^An optional field {_FIELD} on input type {_TYPE} was added\.$",
    "OPTIONAL_ARG_ADDED": rf"^An optional arg {_ARG} on {_TYPE}\.{_FIELD} was added\.$",
    "IMPLEMENTED_INTERFACE_ADDED": rf"^(?P<iface>\w+) added to interfaces implemented by {_TYPE}\.$",
    "ARG_DEFAULT_VALUE_CHANGE": rf"^{_TYPE}\.{_FIELD} arg {_ARG} (?:defaultValue was removed|has changed defaultValue)",
}

#: graphql-core 3.3's forms ("Field T.f was removed.", "Argument T.f(a:) ...").
_PATTERNS_3_3: dict[str, str] = {
    "VALUE_REMOVED_FROM_ENUM": rf"^Enum value {_TYPE}\.(?P<value>\w+) was removed\.$",
    "REQUIRED_INPUT_FIELD_ADDED": rf"^A required field {_TYPE}\.{_FIELD} was added\.$",
    "FIELD_REMOVED": rf"^Field {_TYPE}\.{_FIELD} was removed\.$",
    "FIELD_CHANGED_KIND": rf"^Field {_TYPE}\.{_FIELD} changed type from ",
    "REQUIRED_ARG_ADDED": rf"^A required argument {_TYPE}\.{_FIELD}\({_ARG}:\) was added\.$",
    "ARG_REMOVED": rf"^Argument {_TYPE}\.{_FIELD}\({_ARG}:\) was removed\.$",
    "ARG_CHANGED_KIND": rf"^Argument {_TYPE}\.{_FIELD}\({_ARG}:\) has changed type from ",
    "DIRECTIVE_REMOVED": rf"^Directive @{_DIRECTIVE} was removed\.$",
    "DIRECTIVE_ARG_REMOVED": rf"^Argument @{_DIRECTIVE}\({_ARG}:\) was removed\.$",
    "REQUIRED_DIRECTIVE_ARG_ADDED": rf"^A required argument @{_DIRECTIVE}\({_ARG}:\) was added\.$",
    "DIRECTIVE_REPEATABLE_REMOVED": rf"^Repeatable flag was removed from @{_DIRECTIVE}\.$",
    "DIRECTIVE_LOCATION_REMOVED": rf"^(?P<location>\w+) was removed from @{_DIRECTIVE}\.$",
    "VALUE_ADDED_TO_ENUM": rf"^Enum value {_TYPE}\.(?P<value>\w+) was added\.$",
    "OPTIONAL_INPUT_FIELD_ADDED": rf"^An optional field {_TYPE}\.{_FIELD} was added\.$",
    "OPTIONAL_ARG_ADDED": rf"^An optional argument {_TYPE}\.{_FIELD}\({_ARG}:\) was added\.$",
    "ARG_DEFAULT_VALUE_CHANGE": rf"^{_TYPE}\.{_FIELD}\({_ARG}:\) (?:defaultValue was removed|has changed defaultValue)",
}


def _hits(kind: str, description: str, old: GraphQLSchema, new: GraphQLSchema) -> set[str] | None:
    """The coordinates whose use makes an operation affected by this change
    (``None``: the description is not one this module knows)."""
    from graphql import GraphQLInputObjectType, GraphQLNonNull
    from graphql.pyutils import Undefined

    match = None
    for patterns in (_PATTERNS, _PATTERNS_3_3):
        pattern = patterns.get(kind)
        match = re.match(pattern, description) if pattern else None
        if match is not None:
            break
    if match is None:
        return None
    g: Mapping[str, str] = {k: v for k, v in match.groupdict().items() if v is not None}
    type_name = g.get("type", "")
    if kind in ("FIELD_REMOVED", "FIELD_CHANGED_KIND"):
        coordinate = f"{type_name}.{g['field']}"
        if isinstance(old.get_type(type_name), GraphQLInputObjectType):
            return {coordinate, f"${type_name}"}  # a variable may carry the field
        return {coordinate}
    if kind in ("ARG_REMOVED",):
        return {f"{type_name}.{g['field']}({g['arg']}:)"}
    if kind == "ARG_CHANGED_KIND":
        hits = {f"{type_name}.{g['field']}({g['arg']}:)"}
        arg = _argument(new, type_name, g["field"], g["arg"])
        if (
            arg is not None
            and isinstance(type_of(arg), GraphQLNonNull)
            and arg.default_value is Undefined
        ):
            hits.add(f"{type_name}.{g['field']}")  # now required: omitting it breaks too
        return hits
    if kind in ("REQUIRED_ARG_ADDED", "OPTIONAL_ARG_ADDED", "ARG_DEFAULT_VALUE_CHANGE"):
        return {f"{type_name}.{g['field']}"}
    if kind in ("TYPE_REMOVED_FROM_UNION", "TYPE_ADDED_TO_UNION"):
        return {g["member"]} if kind.endswith("REMOVED_FROM_UNION") else {type_name}
    if kind == "VALUE_REMOVED_FROM_ENUM":
        return {f"{type_name}.{g['value']}", f"${type_name}", type_name}
    if kind == "IMPLEMENTED_INTERFACE_ADDED":
        return {g["iface"]}
    if "directive" in g:
        if kind == "DIRECTIVE_ARG_REMOVED":
            return {f"@{g['directive']}({g['arg']}:)"}
        return {f"@{g['directive']}"}
    return {type_name}


def _argument(
    schema: GraphQLSchema, type_name: str, field_name: str, arg: str
) -> GraphQLArgument | None:
    """The argument ``arg`` of ``type_name.field_name`` (only object and interface
    fields have arguments), or ``None``."""
    from graphql import GraphQLInterfaceType, GraphQLObjectType

    gtype = schema.get_type(type_name)
    if not isinstance(gtype, (GraphQLObjectType, GraphQLInterfaceType)):
        return None
    definition = gtype.fields.get(field_name)
    return definition.args.get(arg) if definition is not None else None
