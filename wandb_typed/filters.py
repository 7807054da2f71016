"""Run filters and orders: MongoDB-style, validated before any request is sent.

Filter fields: ``createdAt``/``created_at``, ``heartbeatAt``, ``displayName``/
``display_name``, ``duration``, ``group``, ``host``, ``jobType``/``job_type``,
``name`` (the run id), ``state``, ``tags``, ``username``, ``sweep``,
``config.<key>`` and ``summary_metrics.<key>`` (dots reach into nested values).
Operators: ``$and $or $nor`` (a list of filters) and ``$eq $ne $gt $gte $lt $lte
$in $nin $exists $regex``. A field given a plain value means ``$eq``.

Common mistakes get a message that says what to write instead: ``summary.loss``
(write ``summary_metrics.loss``), ``id`` (write ``name``), an unknown ``$op``, a
``$in`` that is not a list. ``datetime`` values are sent as ISO-8601 strings.
A filter may nest at most :data:`MAX_DEPTH` levels and hold at most
:data:`MAX_NODES` values, so a hostile or generated filter cannot exhaust the stack.

Orders: ``[+|-]field`` with ``created_at``, ``heartbeat_at``, ``name``,
``display_name``, ``state``, ``config.<key>`` (sent as ``config.<key>.value``,
where W&B keeps the value; ``config.a.b`` as ``config.a.value.b``) or
``summary_metrics.<key>``; ``+`` (default) is ascending.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from .errors import InputError
from .types import JSONObject, JSONValue

__all__ = ["FIELDS", "MAX_DEPTH", "MAX_NODES", "OPERATORS", "validate_filters", "validate_order"]

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


#: How deeply logical operators and values may nest in one filter.
MAX_DEPTH = 64
#: How many values (conditions, list items, ...) one filter may hold.
MAX_NODES = 100_000


class _Budget:
    """Counts the values visited, against :data:`MAX_NODES`."""

    __slots__ = ("nodes",)

    def __init__(self) -> None:
        self.nodes = 0

    def visit(self, depth: int, where: str) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError(f"filters hold more than {MAX_NODES} values; split the query")
        if depth > MAX_DEPTH:
            raise InputError(f"{_short(where)} is nested more than {MAX_DEPTH} levels deep")


def _short(where: str) -> str:
    """A location for a message: deep paths keep their start and end."""
    return where if len(where) <= 200 else f"{where[:100]}…{where[-100:]}"


def validate_filters(filters: object) -> JSONObject | None:
    """Check a filter dict and return the JSON-ready copy sent to the server."""
    if filters is None:
        return None
    if not isinstance(filters, Mapping):
        raise InputError(f"filters must be a dict, got {type(filters).__name__}")
    return _filter(filters, "filters", 0, _Budget())


def _filter(node: Mapping[Any, Any], where: str, depth: int, budget: _Budget) -> JSONObject:
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
            for i, sub in enumerate(value):
                if not isinstance(sub, Mapping):
                    raise InputError(f"{here}[{i}] must be a dict, got {type(sub).__name__}")
                parts.append(_filter(sub, f"{here}[{i}]", depth + 1, budget))
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
    if isinstance(value, Mapping) and any(isinstance(k, str) and k.startswith("$") for k in value):
        if not all(isinstance(k, str) and k.startswith("$") for k in value):
            raise InputError(f"{where} mixes operators and plain keys")
        out: JSONObject = {}
        for op, arg in value.items():
            if op not in OPERATORS:
                hint = (
                    " ($all is not supported by W&B; combine $and of $eq)" if op == "$all" else ""
                )
                raise InputError(
                    f"{where}: unknown operator {op!r}{hint}; use one of {', '.join(sorted(OPERATORS))}"
                )
            out[op] = _operand(op, arg, f"{where}[{op!r}]", depth, budget)
        return out
    return _json(value, where, depth, budget)


def _operand(op: str, arg: object, where: str, depth: int, budget: _Budget) -> JSONValue:
    if op in ("$in", "$nin"):
        if not isinstance(arg, (list, tuple, set, frozenset)):
            raise InputError(f"{where} must be a list, got {type(arg).__name__}")
        budget.visit(depth + 1, where)
        return [_json(v, where, depth + 2, budget) for v in arg]
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
        return arg
    if op in ("$gt", "$gte", "$lt", "$lte") and not isinstance(
        arg, (int, float, str, datetime, date)
    ):
        raise InputError(f"{where} must be a number, string or datetime, got {type(arg).__name__}")
    return _json(arg, where, depth + 1, budget)


def _json(value: object, where: str, depth: int, budget: _Budget) -> JSONValue:
    """A JSON-ready copy; datetimes become ISO-8601 strings."""
    budget.visit(depth, where)
    if value is None or isinstance(value, (bool, int, str)):
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
        return [_json(v, where, depth + 1, budget) for v in value]
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise InputError(f"{where}: keys must be strings")
        return {k: _json(v, where, depth + 1, budget) for k, v in value.items()}
    raise InputError(f"{where}: {type(value).__name__} values cannot be sent in a filter")


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
