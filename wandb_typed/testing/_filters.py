"""Translate W&B's MongoDB-style run filters and order strings into SQL.

W&B clients send ``Project.runs(filters: JSONString, order: String)``; the
filter is a MongoDB-like document such as::

    {"$and": [{"state": "finished"}, {"config.lr": {"$lt": 0.01}}]}

:func:`compile_filter` turns it into a SQL boolean expression plus parameters
over the runs query's aliases (``r`` = runs, ``u`` = users, ``s`` = sweeps), so
filtering and counting happen inside SQLite.  :func:`compile_order` turns
``"-summary_metrics.loss"`` into sort keys.  Anything we do not understand
raises :class:`FilterError`, which the resolvers report as a GraphQL error.

Semantics follow MongoDB where it matters: a missing field never satisfies a
comparison, ``$ne``/``$nin`` match missing fields, comparisons only match
values of the same kind (numbers with numbers, strings with strings), and
``tags`` conditions are about membership.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "SQL_JSON",
    "FilterError",
    "OrderKey",
    "compile_filter",
    "compile_order",
    "json_path",
    "regexp",
    "sql_json",
]


class FilterError(ValueError):
    """A run filter or order string the server cannot interpret."""


#: Name of the SQL function :func:`sql_json` is registered as; wrap every JSON
#: column in it before SQLite's JSON functions read it.
SQL_JSON = "SQLJSON"

#: Duration of a run in seconds: the summary's ``_runtime`` if logged, else
#: the time between creation and the last heartbeat.
DURATION_SQL = (
    f"COALESCE(json_extract({SQL_JSON}(r.summary), '$._runtime'),"
    " (julianday(r.heartbeat_at) - julianday(r.created_at)) * 86400.0)"
)

#: Plain (non-JSON) fields a filter or order may name, with their SQL.
SCALAR_FIELDS: dict[str, str] = {
    "createdAt": "r.created_at",
    "created_at": "r.created_at",
    "heartbeatAt": "r.heartbeat_at",
    "heartbeat_at": "r.heartbeat_at",
    "updatedAt": "r.updated_at",
    "updated_at": "r.updated_at",
    "displayName": "r.display_name",
    "display_name": "r.display_name",
    "name": "r.name",
    "state": "r.state",
    "group": "r.group_name",
    "jobType": "r.job_type",
    "job_type": "r.job_type",
    "host": "r.host",
    "notes": "r.notes",
    "description": "r.description",
    "commit": "r.commit_hash",
    "username": "u.username",
    "sweep": "s.name",
    "entity": "e.name",
    "duration": DURATION_SQL,
}

_DATE_FIELDS = {"r.created_at", "r.heartbeat_at", "r.updated_at"}

#: Prefixes of JSON-document fields: filter key prefix -> (column, wrapped).
#: ``wrapped`` means values sit under ``{"value": ...}`` (W&B's config format).
JSON_PREFIXES: dict[str, tuple[str, bool]] = {
    "config": ("r.config", True),
    "summary_metrics": ("r.summary", False),
    "summaryMetrics": ("r.summary", False),
    "summary": ("r.summary", False),
    "system_metrics": ("r.system_metrics", False),
    "systemMetrics": ("r.system_metrics", False),
}

_COMPARISONS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
_NUMBER_TYPES = "('integer', 'real')"


def regexp(pattern: str, value: object) -> bool:
    """SQLite ``REGEXP`` implementation: ``value REGEXP pattern`` (search)."""
    if not isinstance(value, str):
        return False
    return _compiled(pattern).search(value) is not None


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}

#: A JSON string literal (kept as is) or a non-finite number token.
_NON_FINITE = re.compile(r'"(?:[^"\\]|\\.)*"|NaN|Infinity')


def _finite_token(match: re.Match[str]) -> str:
    token = match.group(0)
    if token == "NaN":
        return "null"
    if token == "Infinity":
        return "1e999"  # SQLite reads it as +inf (and "-Infinity" as -inf)
    return token


def sql_json(text: str | None) -> str | None:
    """The SQL function ``SQLJSON(text)``: JSON text that SQLite's JSON functions accept.

    W&B runs log ``NaN`` and ``Infinity`` (a diverging loss), and the stored JSON
    keeps them as Python writes them, which SQLite (before 3.42) rejects as
    malformed, failing the whole query. For filtering, ordering and history
    sampling, ``Infinity`` becomes ``1e999`` (read back as infinity) and ``NaN``
    becomes ``null`` (it satisfies no comparison and sorts with missing values).
    What the server returns is the stored text, unchanged.
    """
    if not isinstance(text, str) or ("NaN" not in text and "Infinity" not in text):
        return text
    return _NON_FINITE.sub(_finite_token, text)


def _compiled(pattern: str) -> re.Pattern[str]:
    found = _REGEX_CACHE.get(pattern)
    if found is None:
        found = re.compile(pattern)
        if len(_REGEX_CACHE) < 512:
            _REGEX_CACHE[pattern] = found
    return found


def json_path(segments: Sequence[str]) -> str:
    """A SQLite JSON path such as ``$."model"."layers"`` (every key quoted)."""
    for seg in segments:
        if not seg or '"' in seg:
            raise FilterError(f"invalid key segment {seg!r} in filter path")
    return "$" + "".join(f'."{seg}"' for seg in segments)


@dataclass(frozen=True)
class _Target:
    """What a filter key refers to: an SQL value expression (and its JSON type)."""

    value: str
    type_expr: str | None = None  # json_type(...) for JSON paths (NULL = missing)
    is_tags: bool = False
    is_date: bool = False

    @property
    def exists(self) -> str:
        return f"{self.type_expr or self.value} IS NOT NULL"


def _split_json_key(key: str) -> tuple[str, bool, list[str]] | None:
    prefix, _, rest = key.partition(".")
    if prefix not in JSON_PREFIXES or not rest:
        return None
    column, wrapped = JSON_PREFIXES[prefix]
    return column, wrapped, rest.split(".")


def _json_segments(wrapped: bool, parts: list[str]) -> list[str]:
    """Insert W&B's ``value`` wrapper after the top-level config key."""
    if not wrapped:
        return parts
    if len(parts) >= 2 and parts[1] == "value":
        return parts
    return [parts[0], "value", *parts[1:]]


def _target(key: str) -> _Target:
    if key == "tags":
        return _Target(value="r.tags", is_tags=True)
    if key in SCALAR_FIELDS:
        sql = SCALAR_FIELDS[key]
        return _Target(value=sql, is_date=sql in _DATE_FIELDS)
    split = _split_json_key(key)
    if split is None:
        known = ", ".join(sorted({"tags", *SCALAR_FIELDS}))
        raise FilterError(
            f"unknown run filter field {key!r}; expected one of {known}, "
            "config.<key>, summary_metrics.<key> or system_metrics.<key>"
        )
    column, wrapped, parts = split
    path = json_path(_json_segments(wrapped, parts))
    return _Target(
        value=f"json_extract({SQL_JSON}({column}), '{path}')",
        type_expr=f"json_type({SQL_JSON}({column}), '{path}')",
    )


def _normalize_date(value: object) -> object:
    """Dates in filters may carry a timezone; we store naive UTC ISO strings."""
    if not isinstance(value, str):
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed.isoformat()


def _param(value: object, target: _Target) -> object:
    """Python value -> SQLite parameter comparable with a json_extract result."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return int(value)
    if target.is_date:
        return _normalize_date(value)
    return value


class _Compiler:
    """Accumulates parameters while walking one filter document."""

    def __init__(self) -> None:
        self.params: list[object] = []

    def add(self, value: object) -> str:
        self.params.append(value)
        return "?"

    # -- documents ---------------------------------------------------------
    def document(self, doc: object) -> str:
        if not isinstance(doc, Mapping):
            raise FilterError(f"a filter must be a JSON object, got {type(doc).__name__}")
        parts = [self.entry(str(key), value) for key, value in doc.items()]
        return _join(parts, "AND", "1")

    def entry(self, key: str, value: object) -> str:
        if key in ("$and", "$or", "$nor"):
            if not isinstance(value, list):
                raise FilterError(f"{key} expects a list of filters")
            parts = [self.document(item) for item in value]
            if key == "$and":
                return _join(parts, "AND", "1")
            if not parts:  # W&B clients send empty $or/$nor meaning "no constraint"
                return "1"
            joined = _join(parts, "OR", "0")
            return joined if key == "$or" else f"NOT {joined}"
        if key.startswith("$"):
            raise FilterError(f"unsupported top-level operator {key!r}")
        target = _target(key)
        if isinstance(value, Mapping) and value and all(str(k).startswith("$") for k in value):
            return self.operators(target, value)
        if isinstance(value, Mapping):
            raise FilterError(
                f"filter on {key!r}: expected a value or an operator object like "
                f'{{"$gt": 1}}, got {json.dumps(value)}'
            )
        return self.op(target, "$eq", value, {})

    def operators(self, target: _Target, ops: Mapping[str, Any]) -> str:
        parts = [self.op(target, op, arg, ops) for op, arg in ops.items() if op != "$options"]
        return _join(parts, "AND", "1")

    # -- single operators --------------------------------------------------
    def op(self, t: _Target, op: str, arg: object, ops: Mapping[str, Any]) -> str:
        if t.is_tags:
            return self.tags_op(op, arg, ops)
        v = t.value
        if op == "$eq":
            if arg is None:
                return f"({v} IS NULL)"
            return f"IFNULL({v} = {self.add(_param(arg, t))}, 0)"
        if op == "$ne":
            return f"NOT {self.op(t, '$eq', arg, ops)}"
        if op in _COMPARISONS:
            return self.compare(t, _COMPARISONS[op], arg)
        if op in ("$in", "$nin"):
            if not isinstance(arg, list):
                raise FilterError(f"{op} expects a list")
            inside = self.in_list(t, arg)
            return inside if op == "$in" else f"NOT {inside}"
        if op == "$exists":
            return f"({t.exists})" if arg else f"NOT ({t.exists})"
        if op == "$regex":
            pattern = self.regex_pattern(arg, ops)
            return f"IFNULL({v} REGEXP {self.add(pattern)}, 0)"
        if op == "$contains":
            if not isinstance(arg, str):
                raise FilterError("$contains expects a string")
            return f"IFNULL(typeof({v}) = 'text' AND instr({v}, {self.add(arg)}) > 0, 0)"
        if op == "$not":
            if not isinstance(arg, Mapping):
                raise FilterError("$not expects an operator object")
            return f"NOT {self.operators(t, arg)}"
        raise FilterError(f"unsupported filter operator {op!r}")

    def compare(self, t: _Target, sql_op: str, arg: object) -> str:
        arg = _param(arg, t)
        if isinstance(arg, (int, float)):
            guard = f"typeof({t.value}) IN {_NUMBER_TYPES}"
        elif isinstance(arg, str):
            guard = f"typeof({t.value}) = 'text'"
        else:
            raise FilterError(f"cannot compare with {json.dumps(arg)}")
        return f"IFNULL({guard} AND {t.value} {sql_op} {self.add(arg)}, 0)"

    def in_list(self, t: _Target, values: list[object]) -> str:
        present = [val for val in values if val is not None]
        parts = []
        if present:
            marks = ", ".join(self.add(_param(val, t)) for val in present)
            parts.append(f"IFNULL({t.value} IN ({marks}), 0)")
        if len(present) != len(values):
            parts.append(f"({t.value} IS NULL)")
        return _join(parts, "OR", "0")

    def regex_pattern(self, arg: object, ops: Mapping[str, Any]) -> str:
        if not isinstance(arg, str):
            raise FilterError("$regex expects a string")
        try:
            re.compile(arg)
        except re.error as exc:
            raise FilterError(f"invalid $regex {arg!r}: {exc}") from None
        options = ops.get("$options", "")
        return f"(?i){arg}" if isinstance(options, str) and "i" in options else arg

    def tags_op(self, op: str, arg: object, ops: Mapping[str, Any]) -> str:
        def has(tag: object) -> str:
            if not isinstance(tag, str):
                raise FilterError(f"tags are strings, got {json.dumps(tag)}")
            return f"EXISTS (SELECT 1 FROM json_each(r.tags) WHERE value = {self.add(tag)})"

        if op in ("$eq", "$contains"):
            if arg is None:  # {"tags": null}: no tags at all
                return "(json_array_length(r.tags) = 0)"
            if isinstance(arg, list):  # exact array match, like MongoDB
                return f"(r.tags = {self.add(json.dumps(arg, separators=(',', ':')))})"
            return has(arg)
        if op == "$ne":
            return f"NOT {self.tags_op('$eq', arg, ops)}"
        if op in ("$in", "$nin", "$all"):
            if not isinstance(arg, list):
                raise FilterError(f"tags {op} expects a list")
            if op == "$all":
                return _join([has(tag) for tag in arg], "AND", "1")
            any_of = _join([has(tag) for tag in arg], "OR", "0")
            return any_of if op == "$in" else f"NOT {any_of}"
        if op == "$exists":
            nonempty = "(json_array_length(r.tags) > 0)"
            return nonempty if arg else f"NOT {nonempty}"
        if op == "$size":
            if not isinstance(arg, int):
                raise FilterError("$size expects an integer")
            return f"(json_array_length(r.tags) = {self.add(arg)})"
        if op == "$regex":
            pattern = self.regex_pattern(arg, ops)
            return (
                f"EXISTS (SELECT 1 FROM json_each(r.tags) WHERE value REGEXP {self.add(pattern)})"
            )
        if op == "$not":
            if not isinstance(arg, Mapping):
                raise FilterError("$not expects an operator object")
            return f"NOT {self.operators(_Target(value='r.tags', is_tags=True), arg)}"
        raise FilterError(f"operator {op!r} is not supported on tags")


def _join(parts: list[str], word: str, empty: str) -> str:
    if not parts:
        return empty
    if len(parts) == 1:
        return parts[0]
    return "(" + f" {word} ".join(parts) + ")"


def compile_filter(filters: object) -> tuple[str, list[object]]:
    """Filter document (dict, JSON text or None) -> (SQL expression, params)."""
    if filters is None or filters == "":
        return "1", []
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except json.JSONDecodeError as exc:
            raise FilterError(f"filters is not valid JSON: {exc}") from None
        if filters is None:
            return "1", []
    compiler = _Compiler()
    sql = compiler.document(filters)
    return sql, compiler.params


@dataclass(frozen=True)
class OrderKey:
    """One ``ORDER BY`` key: an SQL expression and its direction."""

    expr: str
    descending: bool = False


def compile_order(order: str | None) -> list[OrderKey]:
    """``"-summary_metrics.loss"`` -> sort keys (missing values last, id tie-break).

    A leading ``+`` (or nothing) sorts ascending, ``-`` descending.  The run id
    is always the final key so pages are stable; see ``Store.runs_page``.
    """
    text = (order or "+created_at").strip() or "+created_at"
    descending = text.startswith("-")
    key = text.lstrip("+-").strip()
    if key in SCALAR_FIELDS:
        expr = SCALAR_FIELDS[key]
    else:
        split = _split_json_key(key)
        if split is None:
            raise FilterError(
                f"unsupported run order {order!r}; use [+-]created_at, heartbeat_at, "
                "display_name, state, config.<key>.value or summary_metrics.<key>"
            )
        column, wrapped, parts = split
        path = json_path(_json_segments(wrapped, parts))
        expr = f"json_extract({SQL_JSON}({column}), '{path}')"
    return [
        OrderKey(f"({expr}) IS NULL"),
        OrderKey(expr, descending),
        OrderKey("r.id", descending),
    ]
