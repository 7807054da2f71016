"""Event filters: conditions on runs (:class:`RunFilter`) and on artifact versions
(:class:`ArtifactFilter`), built from fields (``RunEvent.name.contains("cnn")``,
``ArtifactEvent.alias.eq("production")``) with ``&``, ``|`` and ``~``, or from a
MongoDB-style dict.

They become JSON the way the official ``wandb.automations`` writes them, node for
node: a dict is parsed as its ``parse_filter`` parses it (a plain value means
``$eq``, several keys mean ``$and``, an unknown ``$operator`` is sent as given),
nested ``$and``/``$or``/``$nor`` are flattened and one-child ones unwrapped, ``~``
of ``$or`` is ``$nor`` (and back), and the whole is wrapped in ``{"$and": [...]}``
(a run filter) or ``{"$or": [{"$and": [...]}]}`` (an artifact event's filter). A
run filter and an artifact filter do not mix: combining them is a type error, and
an :class:`~wandb_typed.errors.InputError` at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, NoReturn, TypeVar, cast

from typing_extensions import Self

from .._encode import to_json_value
from ..errors import InputError
from ..types import JSONObject, JSONValue

__all__ = [
    "ArtifactField",
    "Node",
    "ArtifactFilter",
    "Field",
    "filter_node",
    "RunField",
    "RunFilter",
    "Scalar",
    "mutation_event_filter",
    "parse_node",
    "run_filter_json",
]

#: A value a condition compares with.
Scalar = str | int | float | bool

_LOGICAL = ("$and", "$or", "$nor")
#: The operators the official client parses (others are sent as given).
_OPERATORS = frozenset(
    {
        "$and", "$or", "$nor", "$not", "$lt", "$gt", "$lte", "$gte", "$eq", "$ne", "$in",
        "$nin", "$exists", "$regex", "$contains", "$size", "$all",
    }
)  # fmt: skip
#: Comparison operators ``~`` inverts (as ``wandb._filters`` does).
_INVERSE = {
    "$lt": "$gte", "$gte": "$lt", "$gt": "$lte", "$lte": "$gt", "$eq": "$ne", "$ne": "$eq",
    "$in": "$nin", "$nin": "$in",
}  # fmt: skip


# ---------------------------------------------------------------------- nodes
@dataclass(frozen=True)
class _Cond:
    """``{field: {"$op": value, ...}}``."""

    field: str
    ops: JSONObject


@dataclass(frozen=True)
class _Logic:
    """``{"$and" | "$or" | "$nor": [children]}``."""

    key: str
    children: tuple[Node, ...]


@dataclass(frozen=True)
class _Not:
    """``{"$not": child}``."""

    child: Node


@dataclass(frozen=True)
class _Op:
    """A bare operator, ``{"$gt": 1}``."""

    key: str
    value: JSONValue


@dataclass(frozen=True)
class _Raw:
    """Sent as given: ``{}`` or an operator the official client does not know."""

    value: JSONObject


Node = _Cond | _Logic | _Not | _Op | _Raw
_AND = _Logic("$and", ())


def node_json(node: Node) -> JSONValue:
    """A node as the JSON the official client serializes it to."""
    if isinstance(node, _Cond):
        return {node.field: node.ops}
    if isinstance(node, _Logic):
        return {node.key: [node_json(c) for c in node.children]}
    if isinstance(node, _Not):
        return {"$not": node_json(node.child)}
    if isinstance(node, _Op):
        return {node.key: node.value}
    return node.value


def _invert(node: Node) -> Node:
    """``~node`` as ``wandb._filters`` builds it."""
    if isinstance(node, _Logic) and node.key in ("$or", "$nor"):
        return _Logic("$nor" if node.key == "$or" else "$or", node.children)
    if isinstance(node, _Not):
        return node.child
    if isinstance(node, _Op) and node.key in _INVERSE:
        return _Op(_INVERSE[node.key], node.value)
    if isinstance(node, _Op) and node.key == "$exists" and isinstance(node.value, bool):
        return _Op("$exists", not node.value)
    return _Not(node)


def _flatten(node: _Logic) -> Iterable[Node]:
    for child in node.children:
        if isinstance(child, _Logic) and child.key == node.key:
            yield from _flatten(child)
        else:
            yield child


def _simplify(node: Node) -> Node:
    """``simplify_expr``: flatten nested same operators, unwrap one-child ones,
    push ``$not`` into what it can invert."""
    if isinstance(node, _Logic):
        children = tuple(_simplify(c) for c in _flatten(node))
        return children[0] if len(children) == 1 else _Logic(node.key, children)
    if isinstance(node, _Not):
        child = node.child
        invertible = (
            isinstance(child, _Not)
            or (isinstance(child, _Logic) and child.key in ("$or", "$nor"))
            or (isinstance(child, _Op) and (child.key in _INVERSE or child.key == "$exists"))
        )
        return _simplify(_invert(child)) if invertible else _Not(_simplify(child))
    return node


def _wrap(key: str, node: Node) -> _Logic:
    return node if isinstance(node, _Logic) and node.key == key else _Logic(key, (node,))


def run_filter_json(node: Node | None) -> str:
    """A run event's ``run_filter``: ``{"$and": [...]}`` as JSON text."""
    from ._json import to_json

    return to_json(node_json(_wrap("$and", _simplify(node or _AND))))


def mutation_event_filter(node: Node | None) -> JSONValue:
    """An artifact event's filter: ``{"$or": [{"$and": [...]}]}``."""
    return node_json(_wrap("$or", _wrap("$and", _simplify(node or _AND))))


def parse_node(raw: Mapping[str, object], where: str = "filter") -> Node:
    """A MongoDB-style dict as ``wandb._filters.parse_filter`` reads it."""
    given = cast("object", raw)
    if not isinstance(given, Mapping):
        raise InputError(f"{where} must be a dict, got {type(given).__name__}")
    pairs = list(cast("Mapping[object, object]", given).items())
    for key, _ in pairs:
        if not isinstance(key, str):
            raise InputError(f"{where}: keys must be strings, got {key!r}")
    items = cast("list[tuple[str, object]]", pairs)
    if not items:
        return _Raw({})
    if len(items) > 1:
        return _Logic("$and", tuple(parse_node({k: v}, where) for k, v in items))
    ((key, value),) = items
    if key in _LOGICAL:
        if not isinstance(value, (list, tuple)):
            raise InputError(f"{where}: {key} needs a list of filters")
        children = cast("Sequence[object]", value)
        return _Logic(key, tuple(parse_node(_mapping(c, where), where) for c in children))
    if key == "$not":
        return _Not(parse_node(_mapping(value, where), where))
    if key in _OPERATORS:
        return _Op(key, to_json_value(value, f"{where}[{key!r}]"))
    if key.startswith("$"):
        return _Raw({key: to_json_value(value, f"{where}[{key!r}]")})
    if isinstance(value, Mapping):
        ops = to_json_value(cast("Mapping[str, object]", value), f"{where}[{key!r}]")
        return _Cond(key, cast("JSONObject", ops))
    return _Cond(key, {"$eq": to_json_value(value, f"{where}[{key!r}]")})


def _mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise InputError(f"{where}: expected a filter (a dict), got {type(value).__name__}")
    return cast("Mapping[str, object]", value)


# ---------------------------------------------------------------------- filters
class _Filter:
    """A condition, combined with ``&`` (and), ``|`` (or) and ``~`` (not). It has no
    truth value: ``f and g`` raises; write ``f & g``."""

    __slots__ = ("_node",)
    _kind = "filter"

    def __init__(self, node: Node) -> None:
        self._node = node

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object]) -> Self:
        """The filter a MongoDB-style dict means (parsed as the official client does)."""
        return cls(parse_node(raw, f"{cls._kind} filter"))

    def to_json(self) -> JSONValue:
        """The filter as built (before an event wraps it)."""
        return node_json(self._node)

    @staticmethod
    def node_of(f: _Filter) -> Node:
        """The node a filter holds."""
        return f._node

    def _other(self, other: object, symbol: str) -> Node | None:
        if isinstance(other, _Filter):
            if type(other) is not type(self):
                raise InputError(
                    f"cannot combine a {self._kind} filter with a {other._kind} filter"
                    f" ({symbol}): they filter different events"
                )
            return other._node
        return None

    def __and__(self, other: Self) -> Self:
        node = self._other(other, "&")
        if node is None:
            return NotImplemented
        return type(self)(_Logic("$and", (self._node, node)))

    def __or__(self, other: Self) -> Self:
        node = self._other(other, "|")
        if node is None:
            return NotImplemented
        return type(self)(_Logic("$or", (self._node, node)))

    def __invert__(self) -> Self:
        return type(self)(_invert(self._node))

    def __bool__(self) -> NoReturn:
        raise InputError("a filter has no truth value: combine filters with &, | and ~")

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Filter) and type(other) is type(self) and other._node == self._node
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self._node)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.to_json()!r})"


def filter_node(f: _Filter) -> Node:
    """The node a filter holds (for the events that serialize it)."""
    return _Filter.node_of(f)


class RunFilter(_Filter):
    """A condition on the run of a run event (``RunEvent.name.contains("cnn")``)."""

    __slots__ = ()
    _kind = "run"


class ArtifactFilter(_Filter):
    """A condition on the version of an artifact event (``ArtifactEvent.alias.eq(...)``)."""

    __slots__ = ()
    _kind = "artifact"


F = TypeVar("F", RunFilter, ArtifactFilter)


def _scalar(value: object, what: str) -> Scalar:
    if not isinstance(value, (str, int, float, bool)):
        raise InputError(f"{what} must be a string, number or bool, got {type(value).__name__}")
    return value


def _scalars(values: object, what: str) -> list[JSONValue]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InputError(f"{what} must be a list of values, got {type(values).__name__}")
    return [_scalar(v, what) for v in cast("Iterable[object]", values)]


class Field(Generic[F]):
    """A field an event filter may test; each method is one condition."""

    __slots__ = ("_make", "name")

    def __init__(self, name: str, make: Callable[[Node], F]) -> None:
        self.name: str = name
        """The field's name on the server (``RunEvent.name`` is ``display_name``)."""
        self._make: Callable[[Node], F] = make

    def __repr__(self) -> str:
        return f"Field({self.name!r})"

    def _cond(self, op: str, value: JSONValue) -> F:
        return self._make(_Cond(self.name, {op: value}))

    def eq(self, value: Scalar | Sequence[Scalar]) -> F:
        """``field == value`` (a list: equal to the whole list)."""
        if isinstance(value, (str, int, float, bool)):
            return self._cond("$eq", value)
        return self._cond("$eq", _scalars(value, f"{self.name}.eq"))

    def ne(self, value: Scalar | Sequence[Scalar]) -> F:
        """``field != value``."""
        if isinstance(value, (str, int, float, bool)):
            return self._cond("$ne", value)
        return self._cond("$ne", _scalars(value, f"{self.name}.ne"))

    def gt(self, value: Scalar) -> F:
        """``field > value``."""
        return self._cond("$gt", _scalar(value, f"{self.name}.gt"))

    def gte(self, value: Scalar) -> F:
        """``field >= value``."""
        return self._cond("$gte", _scalar(value, f"{self.name}.gte"))

    def lt(self, value: Scalar) -> F:
        """``field < value``."""
        return self._cond("$lt", _scalar(value, f"{self.name}.lt"))

    def lte(self, value: Scalar) -> F:
        """``field <= value``."""
        return self._cond("$lte", _scalar(value, f"{self.name}.lte"))

    def __gt__(self, value: Scalar) -> F:
        return self.gt(value)

    def __ge__(self, value: Scalar) -> F:
        return self.gte(value)

    def __lt__(self, value: Scalar) -> F:
        return self.lt(value)

    def __le__(self, value: Scalar) -> F:
        return self.lte(value)

    def in_(self, values: Iterable[Scalar]) -> F:
        """The field is one of ``values``."""
        return self._cond("$in", _scalars(values, f"{self.name}.in_"))

    def not_in(self, values: Iterable[Scalar]) -> F:
        """The field is none of ``values``."""
        return self._cond("$nin", _scalars(values, f"{self.name}.not_in"))

    def exists(self, exists: bool = True) -> F:
        """The field is set (or, with ``False``, not set)."""
        if not isinstance(cast("object", exists), bool):
            raise InputError(f"{self.name}.exists takes True or False, got {exists!r}")
        return self._cond("$exists", exists)

    def matches_regex(self, pattern: str) -> F:
        """The field matches a regular expression."""
        if not isinstance(cast("object", pattern), str):
            raise InputError(f"{self.name}.matches_regex takes a string pattern")
        return self._cond("$regex", pattern)

    def contains(self, text: str) -> F:
        """The field contains ``text``."""
        if not isinstance(cast("object", text), str):
            raise InputError(f"{self.name}.contains takes a string")
        return self._cond("$contains", text)


#: A field of a run event's run.
RunField = Field[RunFilter]
#: A field of an artifact event's version.
ArtifactField = Field[ArtifactFilter]
