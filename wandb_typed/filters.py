"""Run filters and orders: MongoDB-style, validated before any request is sent.

A filter is a dict, or one built with typed fields (:class:`Filter`)::

    from wandb_typed.filters import Config, State, Summary

    api.runs("team/mnist", filters=(Config("lr") > 0.01) & (Summary("acc") >= 0.9)
                                   & State.in_("finished", "running"))

The builder compiles to exactly the dict :func:`validate_filters` sends for the
equivalent dict filter (``{"$and": [{"config.lr": {"$gt": 0.01}}, ...]}``); ``&``,
``|`` and ``~`` are ``$and``, ``$or`` and ``$nor``. A nonsensical condition is a type
error for mypy and pyright (``State > 3``, ``Tags >= "a"``, ``Duration > "x"``,
``~Config("lr")``, ``filter & {...}``) and an :class:`InputError` when built at run
time. A filter has no truth value: ``0 < Config("x") < 1`` and ``f and g`` raise
instead of silently keeping one side; write ``(Config("x") > 0) & (Config("x") < 1)``.

Filter fields: ``createdAt``/``created_at``, ``heartbeatAt``, ``displayName``/
``display_name``, ``duration``, ``entity``, ``group``, ``host``, ``jobType``/
``job_type``, ``name`` (the run id), ``state``, ``tags``, ``username``, ``sweep``,
``config.<key>`` and ``summary_metrics.<key>`` (dots reach into nested values).
Operators: ``$and $or $nor`` (a list of filters) and ``$eq $ne $gt $gte $lt $lte
$in $nin $exists $regex``. A field given a plain value means ``$eq``.

Common mistakes get a message that says what to write instead: ``summary.loss``
(write ``summary_metrics.loss``), ``id`` (write ``name``), an unknown ``$op``, a
``$in`` that is not a list. ``datetime`` values are sent as ISO-8601 strings.
A filter may nest at most :data:`MAX_DEPTH` levels and hold at most
:data:`MAX_NODES` values, so a hostile or generated filter cannot exhaust the stack;
its strings must be Unicode text (no lone surrogate) and its numbers within float
range: what the server would refuse is refused here, before any request.

Orders: ``[+|-]field`` with ``created_at``, ``heartbeat_at``, ``name``,
``display_name``, ``state``, ``config.<key>`` (sent as ``config.<key>.value``,
where W&B keeps the value; ``config.a.b`` as ``config.a.value.b``) or
``summary_metrics.<key>``; ``+`` (default) is ascending.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Generic, NoReturn, TypeVar, cast

from ._encode import check_unicode
from .errors import InputError
from .types import JSONObject, JSONValue

__all__ = [
    "FIELDS",
    "MAX_DEPTH",
    "MAX_NODES",
    "OPERATORS",
    "Config",
    "CreatedAt",
    "DisplayName",
    "DocumentField",
    "Duration",
    "Entity",
    "Field",
    "Filter",
    "Group",
    "HeartbeatAt",
    "Host",
    "JobType",
    "Name",
    "OrderedField",
    "State",
    "Summary",
    "Sweep",
    "Tags",
    "TextField",
    "Username",
    "validate_filters",
    "validate_order",
]

LOGICAL = frozenset({"$and", "$or", "$nor"})
OPERATORS = frozenset(
    {"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$regex"}
)
FIELDS = frozenset(
    {
        "createdAt",
        "created_at",
        "heartbeatAt",
        "heartbeat_at",
        "displayName",
        "display_name",
        "duration",
        "entity",
        "group",
        "host",
        "jobType",
        "job_type",
        "name",
        "state",
        "tags",
        "username",
        "sweep",
    }
)
_PREFIXES = ("config.", "summary_metrics.")
_HINTS = {
    "id": "filter on 'name' (the run id); 'id' is the storage id",
    "summary": "write 'summary_metrics.<key>'",
    "config": "write 'config.<key>'",
    "Name": "write 'display_name' for the run's display name or 'name' for its id",
}
_ORDER_FIELDS = {
    "created_at": "created_at", "createdAt": "created_at",
    "heartbeat_at": "heartbeat_at", "heartbeatAt": "heartbeat_at",
    "name": "name", "display_name": "display_name", "displayName": "display_name",
    "state": "state", "duration": "duration",
}  # fmt: skip


#: The largest integer a server can compare (one beyond float range is refused).
_LARGEST = int(sys.float_info.max)

#: How deeply logical operators and values may nest in one filter.
MAX_DEPTH = 64
#: How many values (conditions, list items, ...) one filter may hold: what the local
#: server binds (at most 3 SQL parameters a value, within SQLite's 32,766).
MAX_NODES = 10_000


class _Budget:
    """Counts the values visited, against :data:`MAX_NODES`, and the deepest level."""

    __slots__ = ("deepest", "nodes")

    def __init__(self) -> None:
        self.nodes = 0
        self.deepest = 0

    def visit(self, depth: int, where: str) -> None:
        self.nodes += 1
        self.deepest = max(self.deepest, depth)
        if self.nodes > MAX_NODES:
            raise InputError(f"filters hold more than {MAX_NODES} values; split the query")
        if depth > MAX_DEPTH:
            raise InputError(f"{_short(where)} is nested more than {MAX_DEPTH} levels deep")


def _short(where: str) -> str:
    """A location for a message: deep paths keep their start and end."""
    return where if len(where) <= 200 else f"{where[:100]}…{where[-100:]}"


def validate_filters(filters: object) -> JSONObject | None:
    """Check a filter dict and return the JSON-ready copy sent to the server."""
    given = filters  # as given (the checks below narrow `filters`)
    if filters is None:
        return None
    if not isinstance(filters, Mapping):
        hint = ""
        if isinstance(filters, bool):
            hint = " (== on a field compares objects: write State.eq('finished'))"
        elif isinstance(filters, Field):
            hint = f" (a field alone is not a condition: write {cast('object', filters)!r}.eq(...))"
        kind = _type_name(given)
        raise InputError(f"filters must be a dict or a Filter, got {kind}{hint}")
    return _filter(cast("Mapping[object, object]", filters), "filters", 0, _Budget())


def _filter(node: Mapping[object, object], where: str, depth: int, budget: _Budget) -> JSONObject:
    budget.visit(depth, where)
    out: JSONObject = {}
    for key, value in node.items():
        if not isinstance(key, str):
            raise InputError(f"{where}: keys must be strings, got {key!r}")
        here = f"{where}[{key!r}]"
        if key in LOGICAL:
            if not isinstance(value, (list, tuple)) or not value:
                raise InputError(f"{here} must be a non-empty list of filters")
            parts: list[JSONValue] = []
            for i, sub in enumerate(cast("Sequence[object]", value)):
                if not isinstance(sub, Mapping):
                    raise InputError(f"{here}[{i}] must be a dict, got {type(sub).__name__}")
                parts.append(
                    _filter(cast("Mapping[object, object]", sub), f"{here}[{i}]", depth + 1, budget)
                )
            out[key] = parts
        elif key.startswith("$"):
            raise InputError(
                f"{where}: unknown operator {key!r} at the top of a filter; "
                f"use one of {', '.join(sorted(LOGICAL))} or a field name"
            )
        else:
            _check_field(key, where)
            out[key] = _condition(value, here, depth, budget)
    return out


def _check_field(key: str, where: str) -> None:
    check_unicode(key, f"{where}: the field name")
    if key in FIELDS:
        return
    if key.startswith(_PREFIXES):
        rest = key.split(".", 1)[1]
        if not rest or any(not part for part in rest.split(".")):
            raise InputError(f"{where}: field {key!r} has an empty key part")
        return
    head = key.split(".", 1)[0]
    hint = _HINTS.get(key) or _HINTS.get(head)
    raise InputError(
        f"{where}: unknown field {key!r}"
        + (f"; {hint}" if hint else "")
        + f". Fields: {', '.join(sorted(FIELDS))}, config.<key>, summary_metrics.<key>"
    )


def _condition(value: object, where: str, depth: int, budget: _Budget) -> JSONValue:
    plain = value  # as given (the checks below narrow `value`)
    mapping = cast("Mapping[object, object]", value) if isinstance(value, Mapping) else None
    if mapping is not None and any(isinstance(k, str) and k.startswith("$") for k in mapping):
        if not all(isinstance(k, str) and k.startswith("$") for k in mapping):
            raise InputError(f"{where} mixes operators and plain keys")
        out: JSONObject = {}
        for op, arg in mapping.items():
            assert isinstance(op, str)  # checked above
            if op not in OPERATORS:
                hint = (
                    " ($all is not supported by W&B; combine $and of $eq)" if op == "$all" else ""
                )
                raise InputError(
                    f"{where}: unknown operator {op!r}{hint}; use one of {', '.join(sorted(OPERATORS))}"
                )
            out[op] = _operand(op, arg, f"{where}[{op!r}]", depth, budget)
        return out
    if mapping is not None:  # the server reads a field's object as operators only
        raise InputError(
            f"{where} is an object without operators; write {{'$eq': ...}} to compare with "
            "an object, or an operator object like {'$gt': 1}"
        )
    return _json(plain, where, depth, budget)


def _operand(op: str, arg: object, where: str, depth: int, budget: _Budget) -> JSONValue:
    if op in ("$in", "$nin"):
        if not isinstance(arg, (list, tuple, set, frozenset)):
            raise InputError(f"{where} must be a list, got {type(arg).__name__}")
        budget.visit(depth + 1, where)
        return [_json(v, where, depth + 2, budget) for v in cast("Iterable[object]", arg)]
    if op == "$exists":
        if not isinstance(arg, bool):
            raise InputError(f"{where} must be True or False, got {arg!r}")
        return arg
    if op == "$regex":
        if not isinstance(arg, str):
            raise InputError(f"{where} must be a string, got {type(arg).__name__}")
        try:
            re.compile(arg)
        except re.error as exc:
            raise InputError(f"{where} is not a valid regular expression: {exc}") from None
        return check_unicode(arg, where)
    if op in ("$gt", "$gte", "$lt", "$lte") and not isinstance(
        arg, (int, float, str, datetime, date)
    ):
        raise InputError(f"{where} must be a number, string or datetime, got {type(arg).__name__}")
    return _json(arg, where, depth + 1, budget)


def _json(value: object, where: str, depth: int, budget: _Budget) -> JSONValue:
    """A JSON-ready copy; datetimes become ISO-8601 strings."""
    budget.visit(depth, where)
    if isinstance(value, str):
        return check_unicode(value, where)
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > _LARGEST:
            raise InputError(f"{where}: {str(value)[:20]}... is beyond the range a server compares")
        return value
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InputError(f"{where}: {value!r} cannot be compared by the server")
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json(v, where, depth + 1, budget) for v in cast("Sequence[object]", value)]
    if isinstance(value, Mapping):
        mapping = cast("Mapping[object, object]", value)
        out: JSONObject = {}
        for k, v in mapping.items():
            if not isinstance(k, str):
                raise InputError(f"{where}: keys must be strings")
            out[check_unicode(k, f"{where}: a key")] = _json(v, where, depth + 1, budget)
        return out
    raise InputError(f"{where}: {type(value).__name__} values cannot be sent in a filter")


def _type_name(value: object) -> str:
    return type(value).__name__


def _is_instance(value: object, kind: type | tuple[type, ...]) -> bool:
    """``isinstance`` for arguments whose annotation already says the type: callers
    without a type checker pass anything, and get an InputError."""
    return isinstance(value, kind)


def validate_order(order: object) -> str:
    """Check an order string and return the form W&B expects."""
    if not isinstance(order, str) or not order.strip():
        raise InputError(f"order must be a non-empty string like '+created_at', got {order!r}")
    sign = "-" if order.startswith("-") else "+"
    field = order[1:] if order[:1] in "+-" else order
    if field in _ORDER_FIELDS:
        return sign + _ORDER_FIELDS[field]
    if field.startswith("config.") and len(field) > len("config."):
        # W&B keeps each top-level config value under "value": config.model.value.dropout
        top, *rest = field[len("config.") :].split(".")
        if rest[:1] != ["value"]:
            rest = ["value", *rest]
        return f"{sign}config.{'.'.join([top, *rest])}"
    if field.startswith("summary_metrics.") and len(field) > len("summary_metrics."):
        return sign + field
    if field.startswith("summary."):
        raise InputError(f"order {order!r}: write 'summary_metrics.{field[8:]}'")
    raise InputError(
        f"order {order!r}: unknown field {field!r}; use created_at, heartbeat_at, name, "
        "display_name, state, config.<key> or summary_metrics.<key>, prefixed by + or -"
    )


# ---------------------------------------------------------------- the typed builder

_V = TypeVar("_V")
#: What a config or summary value may be compared with for equality.
_Value = JSONValue | date
#: What a config or summary value may be ordered against.
_Ordinal = float | str | date


class Filter(Mapping[str, JSONValue]):
    """A validated run filter: a read-only mapping holding the JSON sent to the server.

    Build one from fields (``Config("lr") > 0.01``) or from a dict
    (``Filter({"state": "finished"})``, validated like :func:`validate_filters`),
    and combine with ``&`` (``$and``), ``|`` (``$or``) and ``~`` (``$nor``). Nested
    ``&`` (and ``|``) are flattened into one list. It is accepted wherever a filter
    dict is (``api.runs(path, filters=...)``) and compares equal to its JSON dict.
    """

    __slots__ = ("_depth", "_json", "_size")
    _json: JSONObject
    _depth: int
    _size: int

    def __init__(self, filters: Mapping[str, object]) -> None:
        if isinstance(filters, Filter):
            self._json, self._depth, self._size = filters._json, filters._depth, filters._size
            return
        if not _is_instance(filters, Mapping):
            raise InputError(f"Filter() takes a filter dict, got {type(filters).__name__}")
        budget = _Budget()
        self._json = _filter(cast("Mapping[object, object]", filters), "filters", 0, budget)
        self._depth, self._size = budget.deepest, budget.nodes

    @classmethod
    def _of(cls, compiled: JSONObject, depth: int, size: int) -> Filter:
        if depth > MAX_DEPTH:
            raise InputError(f"the filter is nested more than {MAX_DEPTH} levels deep")
        if size > MAX_NODES:
            raise InputError(f"the filter holds more than {MAX_NODES} values; split the query")
        made = cls.__new__(cls)
        made._json, made._depth, made._size = compiled, depth, size
        return made

    def __getitem__(self, key: str) -> JSONValue:
        return self._json[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._json)

    def __len__(self) -> int:
        return len(self._json)

    def __repr__(self) -> str:
        return f"Filter({self._json!r})"

    def __bool__(self) -> NoReturn:
        raise InputError(
            "a filter has no truth value: combine filters with & and |, not 'and'/'or', and "
            "write a range as (Config('x') > 0) & (Config('x') < 1), not 0 < Config('x') < 1"
        )

    def to_json(self) -> JSONObject:
        """A fresh copy of the JSON sent to the server."""
        return _filter(cast("Mapping[object, object]", self._json), "filters", 0, _Budget())

    def __and__(self, other: Filter) -> Filter:
        return self._combine("$and", other, "&")

    def __or__(self, other: Filter) -> Filter:
        return self._combine("$or", other, "|")

    def __invert__(self) -> Filter:
        return Filter._of({"$nor": [self._json]}, self._depth + 1, self._size + 1)

    def _combine(self, op: str, other: object, symbol: str) -> Filter:
        if not isinstance(other, Filter):
            raise InputError(
                f"{symbol} combines two filters, got {type(other).__name__} on the right; "
                "wrap a dict filter as Filter({...})"
            )
        parts: list[JSONValue] = []
        depth, size = 0, 1
        for side in (self, other):
            inner = side._json.get(op) if len(side._json) == 1 else None
            if isinstance(inner, list):  # (a & b) & c is one $and of three
                parts.extend(inner)
                depth, size = max(depth, side._depth), size + side._size - 1
            else:
                parts.append(side._json)
                depth, size = max(depth, side._depth + 1), size + side._size
        return Filter._of({op: parts}, depth, size)


class Field(Generic[_V]):
    """A run field in a filter: the conditions every field supports."""

    __slots__ = ("_key", "_kinds", "_label")

    def __init__(self, key: str, kinds: tuple[type, ...], label: str) -> None:
        self._key = key
        self._kinds = kinds
        self._label = label

    def __repr__(self) -> str:
        return self._label

    def _check(self, value: object, op: str) -> object:
        if isinstance(value, bool) and bool not in self._kinds:
            raise InputError(f"{self._label}{op}: a bool cannot be compared with this field")
        if not isinstance(value, self._kinds):
            kinds = " or ".join(k.__name__ for k in self._kinds)
            raise InputError(
                f"{self._label}{op}: expected {kinds}, got {type(value).__name__} {value!r}"
            )
        if isinstance(value, str):
            return str.__str__(value)  # a str enum (RunState.FINISHED) as its plain value
        return value

    def _condition(self, op: str, arg: object) -> Filter:
        return Filter({self._key: {op: arg}})

    def eq(self, value: _V) -> Filter:
        """``{field: {"$eq": value}}`` (for ``tags``: has this tag)."""
        return self._condition("$eq", self._check(value, ".eq"))

    def ne(self, value: _V) -> Filter:
        """``{field: {"$ne": value}}`` (also matches runs without the field)."""
        return self._condition("$ne", self._check(value, ".ne"))

    def in_(self, *values: _V) -> Filter:
        """``{field: {"$in": [values...]}}``: any of these values."""
        return self._condition("$in", self._list(values, "in_"))

    def nin(self, *values: _V) -> Filter:
        """``{field: {"$nin": [values...]}}``: none of these values."""
        return self._condition("$nin", self._list(values, "nin"))

    def exists(self, exists: bool = True) -> Filter:
        """``{field: {"$exists": exists}}``."""
        if not _is_instance(exists, bool):
            raise InputError(f"{self._label}.exists: expected True or False, got {exists!r}")
        return self._condition("$exists", exists)

    def _list(self, values: tuple[object, ...], op: str) -> list[object]:
        if not values:
            raise InputError(f"{self._label}.{op}() needs at least one value")
        return [self._check(v, f".{op}") for v in values]


class TextField(Field[str]):
    """A string field: equality, membership and regular expressions."""

    __slots__ = ()

    def __init__(self, key: str, label: str) -> None:
        super().__init__(key, (str,), label)

    def regex(self, pattern: str) -> Filter:
        """``{field: {"$regex": pattern}}`` (RE2 on W&B: no lookarounds or backreferences)."""
        return self._condition("$regex", self._check(pattern, ".regex"))


class OrderedField(Field[_V]):
    """A field with an order (numbers, times): also ``>``, ``>=``, ``<``, ``<=``."""

    __slots__ = ()

    def __gt__(self, value: _V) -> Filter:
        return self._condition("$gt", self._check(value, " >"))

    def __ge__(self, value: _V) -> Filter:
        return self._condition("$gte", self._check(value, " >="))

    def __lt__(self, value: _V) -> Filter:
        return self._condition("$lt", self._check(value, " <"))

    def __le__(self, value: _V) -> Filter:
        return self._condition("$lte", self._check(value, " <="))


_JSON_KINDS: tuple[type, ...] = (type(None), bool, int, float, str, list, tuple, dict, date)
_ORDINAL_KINDS: tuple[type, ...] = (int, float, str, date)


class DocumentField(Field[_Value]):
    """A key inside the run's config or summary: any JSON value, ordered comparisons
    with numbers, strings and times, and regular expressions."""

    __slots__ = ()

    def __init__(self, prefix: str, key: str) -> None:
        if not _is_instance(key, str):
            raise InputError(f"a {prefix} key must be a string, got {type(key).__name__}")
        super().__init__(f"{prefix}.{key}", _JSON_KINDS, f"{type(self).__name__}({key!r})")
        _check_field(self._key, "filter")

    def _ordinal(self, value: object, op: str) -> object:
        if isinstance(value, bool) or not isinstance(value, _ORDINAL_KINDS):
            raise InputError(
                f"{self._label}{op}: expected a number, string or datetime, "
                f"got {type(value).__name__} {value!r}"
            )
        return self._check(value, op)

    def __gt__(self, value: _Ordinal) -> Filter:
        return self._condition("$gt", self._ordinal(value, " >"))

    def __ge__(self, value: _Ordinal) -> Filter:
        return self._condition("$gte", self._ordinal(value, " >="))

    def __lt__(self, value: _Ordinal) -> Filter:
        return self._condition("$lt", self._ordinal(value, " <"))

    def __le__(self, value: _Ordinal) -> Filter:
        return self._condition("$lte", self._ordinal(value, " <="))

    def regex(self, pattern: str) -> Filter:
        """``{key: {"$regex": pattern}}`` on a string value."""
        if not _is_instance(pattern, str):
            raise InputError(f"{self._label}.regex: expected str, got {type(pattern).__name__}")
        return self._condition("$regex", pattern)


class Config(DocumentField):
    """A config key: ``Config("lr") > 0.01`` is ``{"config.lr": {"$gt": 0.01}}``;
    ``Config("model.depth")`` reaches into nested values."""

    __slots__ = ()

    def __init__(self, key: str) -> None:
        super().__init__("config", key)


class Summary(DocumentField):
    """A summary key: ``Summary("acc") >= 0.9`` is
    ``{"summary_metrics.acc": {"$gte": 0.9}}``."""

    __slots__ = ()

    def __init__(self, key: str) -> None:
        super().__init__("summary_metrics", key)


_NUMBER_KINDS: tuple[type, ...] = (int, float)

#: When the run was created (a ``datetime`` or ``date``; sent as ISO-8601).
CreatedAt: OrderedField[date] = OrderedField("createdAt", (date,), "CreatedAt")
#: The run's last heartbeat.
HeartbeatAt: OrderedField[date] = OrderedField("heartbeatAt", (date,), "HeartbeatAt")
#: How long the run ran, in seconds.
Duration: OrderedField[float] = OrderedField("duration", _NUMBER_KINDS, "Duration")
#: The run's display name (``run.name``).
DisplayName: TextField = TextField("display_name", "DisplayName")
#: The run id (``run.id``; W&B calls it ``name``).
Name: TextField = TextField("name", "Name")
#: The run's state: ``"running"``, ``"finished"``, ``"crashed"``, ... or a ``RunState``.
State: TextField = TextField("state", "State")
#: The run's tags: ``Tags.eq("a")`` has tag a, ``Tags.in_("a", "b")`` has either.
Tags: TextField = TextField("tags", "Tags")
#: The entity (user or team) the run belongs to.
Entity: TextField = TextField("entity", "Entity")
#: The run's group.
Group: TextField = TextField("group", "Group")
#: The host the run ran on.
Host: TextField = TextField("host", "Host")
#: The run's job type.
JobType: TextField = TextField("jobType", "JobType")
#: The username of the run's author.
Username: TextField = TextField("username", "Username")
#: The id of the sweep the run belongs to.
Sweep: TextField = TextField("sweep", "Sweep")
