"""Fetch a W&B server's GraphQL schema and tell which of our operations a change breaks.

    sdl = fetch_schema("https://api.wandb.ai", settings)         # introspection -> SDL
    report = diff_schemas(old_sdl, new_sdl, "queries")           # what breaks, and where
    print(report.format()); sys.exit(1 if report.broken else 0)

:func:`diff_schemas` runs graphql-core's ``find_breaking_changes`` and
``find_dangerous_changes``, then names, for every change, the operations in
``queries/`` that use the removed or changed type, field, argument or enum value
(each operation, with the fragments it spreads, is walked with a ``TypeInfo``
visitor that collects the schema coordinates it uses), the generated client
methods built on them (operation ``RunPage`` -> method ``run_page``) and the facade
functions that call those methods (a scan of ``wandb_typed/**/*.py`` for
``.run_page(``). As a backstop, every operation is also validated against the new
schema: one that no longer validates is broken even if no change names it.

Schema coordinates used here: ``Type``, ``Type.field``, ``Type.field(arg:)``,
``Enum.VALUE``, ``@directive``, ``@directive(arg:)``, and ``$Type`` for an input
type passed whole in a variable (its fields are chosen by the facade, not the
operation, so any change to it counts).

Needs graphql-core (the ``schema`` extra, also pulled in by ``server`` and ``dev``);
it is imported on first use. Also the ``wandb-typed schema fetch|diff`` commands.
"""

from __future__ import annotations

import ast
import base64
import importlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from .config import Settings
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    GraphQLError,
    GraphQLErrorDetail,
    InputError,
    MissingDependencyError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    clip,
)
from .paths import parse_http_url

if TYPE_CHECKING:
    import httpx
    from graphql import (
        DocumentNode,
        GraphQLArgument,
        GraphQLSchema,
        GraphQLType,
        InlineFragmentNode,
        IntrospectionQuery,
        NamedTypeNode,
        TypeNode,
    )

__all__ = [
    "FacadeUse",
    "InvalidOperation",
    "MAX_SCHEMA_BYTES",
    "Report",
    "SchemaChange",
    "compare_members",
    "diff_schemas",
    "fetch_schema",
    "method_name",
]

#: The largest introspection response :func:`fetch_schema` reads.
MAX_SCHEMA_BYTES: int = 64 * 1024 * 1024


def _require_graphql() -> None:
    try:
        importlib.import_module("graphql")
    except ImportError:
        raise MissingDependencyError(
            "schema tools need graphql-core: pip install 'wandb-typed[schema]'"
        ) from None


# ---------------------------------------------------------------- fetch


def fetch_schema(
    url: str, settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> str:
    """The SDL of the server at ``url`` (its base URL or its ``/graphql`` endpoint),
    fetched by introspection with the key in ``settings``, sent only to the settings'
    own server, as the client sends it (one attempt, no retries). Raises the client's
    typed errors. ``transport`` is an httpx transport to send through (tests, proxies)."""
    _require_graphql()
    from graphql import build_client_schema, get_introspection_query, print_schema

    endpoint = _endpoint(url, settings)
    body = json.dumps(
        {
            "query": get_introspection_query(descriptions=True),
            "operationName": "IntrospectionQuery",
        }
    ).encode()
    payload = _post(endpoint, body, settings, transport)
    errors = payload.get("errors")
    if errors:
        # a JSON array is a list of JSON values; anything else is one error
        raw: list[object] = cast("list[object]", errors) if isinstance(errors, list) else [errors]
        details = [GraphQLErrorDetail.from_json(e) for e in raw]
        raise GraphQLError(
            f"IntrospectionQuery: the server returned errors: {details[0].message} "
            "(servers may disable introspection)",
            errors=details,
            operation_name="IntrospectionQuery",
        )
    data = payload.get("data")
    if not isinstance(data, dict):
        raise ResponseValidationError(
            "IntrospectionQuery: the response has no data object",
            operation_name="IntrospectionQuery",
        )
    try:
        schema = build_client_schema(cast("IntrospectionQuery", data))
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ResponseValidationError(
            f"IntrospectionQuery: the server's introspection result is not a schema: {clip(str(exc), 300)}",
            operation_name="IntrospectionQuery",
        ) from None
    return print_schema(schema) + "\n"


def _endpoint(url: str, settings: Settings) -> str:
    parts = parse_http_url(url, "schema URL")
    endpoint = url.rstrip("/")
    if not parts.path.rstrip("/").endswith("/graphql"):
        endpoint += "/graphql"
    home = parse_http_url(settings.base_url, "base_url")
    if (parts.scheme, parts.hostname, parts.port) != (home.scheme, home.hostname, home.port):
        raise InputError(
            f"schema URL {url!r} is not on the settings' server {settings.base_url}; "
            "the API key is only sent to its own server (resolve settings for this URL)"
        )
    return endpoint


_STATUS: dict[int, type[APIStatusError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def _post(
    endpoint: str, body: bytes, settings: Settings, transport: httpx.BaseTransport | None
) -> dict[str, object]:
    import httpx

    from . import __version__

    token = base64.b64encode(f"api:{settings.api_key}".encode()).decode("ascii")
    headers = {
        "Authorization": f"Basic {token}",
        "User-Agent": f"wandb-typed/{__version__} (schema tools)",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
    name = "IntrospectionQuery"
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, transport=transport) as client,
            client.stream("POST", endpoint, content=body, headers=headers) as response,
        ):
            content = bytearray()
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > MAX_SCHEMA_BYTES:
                    raise ResponseValidationError(
                        f"{name}: the response from {endpoint} is larger than "
                        f"{MAX_SCHEMA_BYTES} bytes",
                        operation_name=name,
                    )
    except httpx.TimeoutException as exc:
        raise APITimeoutError(
            f"{name}: no answer from {endpoint} within {settings.timeout} s ({type(exc).__name__})",
            url=endpoint,
        ) from None
    except httpx.TransportError as exc:
        raise APIConnectionError(
            f"{name}: could not reach {endpoint}: {type(exc).__name__}: {clip(str(exc), 300)}",
            url=endpoint,
        ) from None
    status = response.status_code
    if status >= 300:
        text = clip(bytes(content[:2000]).decode("utf-8", "replace"), 300)
        cls = ServerError if status >= 500 else _STATUS.get(status, APIStatusError)
        hint = (
            f"; redirected to {clip(response.headers.get('location', '?'), 200)}"
            if status < 400
            else ""
        )
        raise cls(
            f"{name}: HTTP {status} from {endpoint}{hint}"
            + (f" (server said: {text})" if text else ""),
            status_code=status,
            url=endpoint,
            operation_name=name,
            body=text,
            request_id=response.headers.get("x-request-id"),
        )
    try:
        payload: object = json.loads(content)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise ResponseValidationError(
            f"{name}: the server at {endpoint} did not answer with a GraphQL JSON object",
            operation_name=name,
        )
    return cast("dict[str, object]", payload)  # a JSON object's keys are strings


# ---------------------------------------------------------------- member diff


def compare_members(ours_sdl: str, theirs_sdl: str) -> tuple[list[str], list[str]]:
    """(types and fields only ours has, those only theirs has): ``Type`` or
    ``Type.field`` (input fields for input types), sorted."""
    a, b = _members(_build(ours_sdl, "our schema")), _members(_build(theirs_sdl, "their schema"))
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


def _build(sdl: object, what: str) -> GraphQLSchema:
    """``sdl`` is ``object``: untyped callers get an :class:`InputError`, not a crash."""
    _require_graphql()
    from graphql import GraphQLError as SyntaxOrSchemaError
    from graphql import build_schema

    if not isinstance(sdl, str):
        raise InputError(f"{what} must be SDL text, got {type(sdl).__name__}")
    try:
        return build_schema(sdl)
    except (SyntaxOrSchemaError, TypeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{what} is not a valid GraphQL schema: {clip(first, 300)}") from None


# ---------------------------------------------------------------- diff


@dataclass(frozen=True)
class FacadeUse:
    """A call of a generated client method in the facade's source."""

    module: str
    """The module, e.g. ``wandb_typed.runs``."""
    function: str
    """The enclosing function's qualified name (``list_runs.fetch``, ``Run.update``)."""
    line: int
    method: str
    """The generated client method called, e.g. ``run_page``."""

    def __str__(self) -> str:
        return f"{self.module}:{self.function}"


@dataclass(frozen=True)
class SchemaChange:
    """One breaking or dangerous change and what it touches."""

    kind: str
    """graphql-core's change type, e.g. ``FIELD_REMOVED``."""
    description: str
    coordinates: tuple[str, ...]
    """The schema coordinates whose use makes an operation affected."""
    operations: tuple[str, ...]
    """Operations in the queries directory that use them, sorted."""
    methods: tuple[str, ...]
    """The generated client methods of those operations."""
    facade: tuple[FacadeUse, ...]
    """Where the facade calls those methods."""
    attributed: bool = True
    """``False`` when the change could not be tied to coordinates (then it counts as
    breaking whatever it is: better a false alarm than a silent break)."""


@dataclass(frozen=True)
class InvalidOperation:
    """An operation that does not validate against the new schema."""

    operation: str
    message: str


@dataclass(frozen=True)
class Report:
    """What changed between two schemas and which of our operations it breaks."""

    breaking: tuple[SchemaChange, ...]
    dangerous: tuple[SchemaChange, ...]
    invalid: tuple[InvalidOperation, ...] = field(default=())
    """Operations that no longer validate against the new schema."""

    @property
    def broken_operations(self) -> tuple[str, ...]:
        """Every operation a breaking change uses or that no longer validates, sorted."""
        names = {op for change in self.breaking for op in change.operations}
        names |= {bad.operation for bad in self.invalid}
        return tuple(sorted(names))

    @property
    def broken(self) -> bool:
        """True when an operation breaks (or a breaking change could not be attributed)."""
        return bool(self.broken_operations) or any(not c.attributed for c in self.breaking)

    def format(self) -> str:
        """A human-readable report (what the ``schema diff`` command prints)."""
        lines: list[str] = []
        for label, changes in (("BREAKING", self.breaking), ("dangerous", self.dangerous)):
            for change in changes:
                lines.append(f"{label}: {change.description}")
                if not change.attributed:
                    lines.append("  could not tell which operations use it: check by hand")
                elif change.operations:
                    lines.append(f"  operations: {', '.join(change.operations)}")
                    lines.append(f"  client methods: {', '.join(change.methods)}")
                    uses = sorted({str(use) for use in change.facade})
                    lines.append(f"  facade: {', '.join(uses) if uses else '(not called)'}")
                else:
                    lines.append("  used by none of our operations")
        named = {op for change in self.breaking for op in change.operations}
        for bad in self.invalid:
            if bad.operation not in named:  # the backstop caught what no change names
                lines.append(f"INVALID: {bad.operation} no longer validates: {bad.message}")
        broken = self.broken_operations
        lines.append(
            f"{len(self.breaking)} breaking, {len(self.dangerous)} dangerous change(s); "
            + (f"broken operations: {', '.join(broken)}" if broken else "no operation breaks")
        )
        return "\n".join(lines)


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
    _require_graphql()
    from graphql import find_breaking_changes, find_dangerous_changes, validate

    old, new = _build(old_sdl, "the old schema"), _build(new_sdl, "the new schema")
    operations = _operations(Path(queries_dir), old)
    used = {name: _coordinates(doc, old) for name, doc in operations.items()}
    facade = _facade_uses(
        Path(package_dir) if package_dir is not None else Path(__file__).resolve().parent,
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
            invalid.append(InvalidOperation(name, clip(errors[0].message, 300)))
    return Report(breaking, dangerous, tuple(invalid))


def _operations(queries_dir: Path, schema: GraphQLSchema) -> dict[str, DocumentNode]:
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


def _coordinates(document: DocumentNode, schema: GraphQLSchema) -> set[str]:
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
                inner = _named(_type_of(input_field))
                if inner is not None:
                    add_input(inner, seen)

    fields: list[str] = []  # the fields being visited, innermost last

    class Collect(Visitor):
        def enter_field(self, node: FieldNode, *_: object) -> None:
            fields.append(node.name.value)
            parent, definition = info.get_parent_type(), info.get_field_def()
            if parent is not None and definition is not None:
                used.update((parent.name, f"{parent.name}.{node.name.value}"))
                returned = _named(_type_of(definition))
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
            if argument is not None and (arg_type := _named(_type_of(argument))) is not None:
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


def _type_of(definition: _HasType) -> GraphQLType:
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


_TYPE = r"(?P<type>\w+)"
_FIELD = r"(?P<field>\w+)"
_ARG = r"(?P<arg>\w+)"
_DIRECTIVE = r"(?P<directive>\w+)"
#: graphql-core 3.2's change descriptions, by change type.
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


def _hits(kind: str, description: str, old: GraphQLSchema, new: GraphQLSchema) -> set[str] | None:
    """The coordinates whose use makes an operation affected by this change
    (``None``: the description is not one this module knows)."""
    from graphql import GraphQLInputObjectType, GraphQLNonNull
    from graphql.pyutils import Undefined

    pattern = _PATTERNS.get(kind)
    match = re.match(pattern, description) if pattern else None
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
            and isinstance(_type_of(arg), GraphQLNonNull)
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


# ---------------------------------------------------------------- facade scan


def _facade_uses(package_dir: Path, methods: set[str]) -> dict[str, list[FacadeUse]]:
    """Calls ``<anything>.<method>(...)`` in the package's modules (the local server
    in ``testing/`` is not the facade), by enclosing function."""
    found: dict[str, list[FacadeUse]] = {}
    root = package_dir.parent
    for path in sorted(package_dir.rglob("*.py")):
        relative = path.relative_to(package_dir)
        if relative.parts[0] == "testing":
            continue
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        try:
            uses = list(_calls(ast.parse(source), module, methods))
        except SyntaxError:  # still name the module: scan the text for ".method("
            uses = [
                FacadeUse(module, "<unparsed>", source.count("\n", 0, m.start()) + 1, m.group(1))
                for m in re.finditer(r"\.(\w+)\(", source)
                if m.group(1) in methods
            ]
        for use in uses:
            found.setdefault(use.method, []).append(use)
    return found


def _calls(tree: ast.AST, module: str, methods: set[str]) -> Iterator[FacadeUse]:
    def walk(node: ast.AST, scope: tuple[str, ...]) -> Iterator[FacadeUse]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield from walk(child, (*scope, child.name))
                continue
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr in methods
            ):
                yield FacadeUse(
                    module, ".".join(scope) or "<module>", child.lineno, child.func.attr
                )
            yield from walk(child, scope)

    return walk(tree, ())
