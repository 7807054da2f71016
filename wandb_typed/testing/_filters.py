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
import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import cast

from ._regex import RegexError, compile_regex
from ._sql import Sql, sql

__all__ = [
    "SQL_JSON",
    "SQL_JSON_GET",
    "SQL_JSON_TYPE",
    "FilterError",
    "OrderKey",
    "compile_filter",
    "compile_order",
    "filter_sql",
    "json_get",
    "json_lookup",
    "json_type_of",
    "regexp",
    "sql_json",
    "take_regex_failure",
]


class FilterError(ValueError):
    """A run filter or order string the server cannot interpret."""


#: The most levels a filter document may nest (JSON objects and lists alike); the
#: client refuses deeper filters first (its ``MAX_DEPTH`` counts filter levels).
MAX_FILTER_DEPTH = 200
#: The most scalar values one filter may hold (the client's ``MAX_NODES`` counts every
#: value, containers too, so it never sends more).
MAX_FILTER_VALUES = 10_000
#: The most bound parameters one compiled filter may carry (SQLite allows 32,766).
MAX_FILTER_PARAMS = 32_000


def _check_size(doc: object) -> None:
    """Refuse a filter nested deeper than :data:`MAX_FILTER_DEPTH` or holding more
    than :data:`MAX_FILTER_VALUES` scalars, before compiling it (no recursion)."""
    values = 0
    todo: list[tuple[object, int]] = [(doc, 1)]
    while todo:
        node, depth = todo.pop()
        if depth > MAX_FILTER_DEPTH:
            raise FilterError(f"the filter is nested more than {MAX_FILTER_DEPTH} levels deep")
        if isinstance(node, Mapping):
            todo += [(v, depth + 1) for v in cast("Mapping[object, object]", node).values()]
        elif isinstance(node, list):
            todo += [(v, depth + 1) for v in cast("list[object]", node)]
        else:
            values += 1
            if values > MAX_FILTER_VALUES:
                raise FilterError(f"the filter holds more than {MAX_FILTER_VALUES} values")


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
    "entity": "e.name",
    "sweep": "s.name",
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
    """SQLite ``REGEXP`` implementation: ``value REGEXP pattern`` (search), with the
    bounded engine of :mod:`._regex` (never Python's backtracking ``re``).

    An error inside an SQL function reaches the caller only as SQLite's generic
    "user-defined function raised exception"; the reason is kept for
    :func:`take_regex_failure` so the store can report it as a :class:`FilterError`.
    """
    if not isinstance(value, str):
        return False
    try:
        return compile_regex(pattern).search(value)
    except RegexError as exc:
        _failure.message = str(exc)
        raise


class _Failure(threading.local):
    message: str | None = None


_failure = _Failure()


def take_regex_failure() -> str | None:
    """Why the last ``REGEXP`` call in this thread failed (and forget it)."""
    message, _failure.message = _failure.message, None
    return message


def check_regex(pattern: str) -> None:
    """Compile ``pattern`` now, so a bad one is a clear :class:`FilterError`."""
    try:
        compile_regex(pattern)
    except RegexError as exc:
        raise FilterError(str(exc)) from None


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


#: Names of the SQL functions :func:`json_get` and :func:`json_type_of` are
#: registered as: the slow path for keys SQLite's JSON paths cannot name.
SQL_JSON_GET = "SQLJSON_GET"
SQL_JSON_TYPE = "SQLJSON_TYPE"


def _plain_key(segment: str) -> bool:
    """Whether SQLite's ``$."..."`` path can name this key: printable ASCII without
    ``"`` or a backslash.  (SQLite before 3.45 compares a path label with the key's *escaped*
    JSON text, so a key written with escapes, such as non-ASCII text from
    ``json.dumps``, a backslash or a tab, is only found by the slow path.)"""
    return all(" " <= ch <= "~" and ch not in '"\\' for ch in segment)


def json_lookup(column: str, segments: Sequence[str]) -> tuple[Sql, Sql]:
    """SQL for the value at ``segments`` inside the JSON text in ``column``, and for its
    JSON type (NULL when missing), with the path bound as a parameter.

    ``column`` is SQL of our own (a whitelisted column); the keys are request data and
    only ever travel as parameters: a SQLite JSON path (``$."a"."b"``) when SQLite
    can name every key, else a JSON list of keys for :func:`json_get`.
    """
    for seg in segments:
        if not seg:
            raise FilterError("empty key in a filter or order path (two dots in a row?)")
    if all(_plain_key(seg) for seg in segments):
        path = "$" + "".join(f'."{seg}"' for seg in segments)
        return (
            sql(f"json_extract({SQL_JSON}({column}), {{}})", path),
            sql(f"json_type({SQL_JSON}({column}), {{}})", path),
        )
    keys = json.dumps(list(segments))
    return (
        sql(f"{SQL_JSON_GET}({column}, {{}})", keys),
        sql(f"{SQL_JSON_TYPE}({column}, {{}})", keys),
    )


@lru_cache(maxsize=64)
def _parsed(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


_MISSING = object()


def _walk(text: object, keys_json: object) -> object:
    if not isinstance(text, str) or not isinstance(keys_json, str):
        return _MISSING
    node = _parsed(text)
    for key in json.loads(keys_json):
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = cast("dict[object, object]", node)[key]
    return node


def json_get(text: object, keys_json: object) -> str | int | float | None:
    """SQL function ``SQLJSON_GET(text, keys)``: what ``json_extract`` would return for
    the path of keys (a JSON list) -- numbers, text, NULL, 1/0 for booleans, JSON text
    for objects and arrays; NaN reads as NULL, as in :func:`sql_json`."""
    value = _walk(text, keys_json)
    if value is _MISSING or value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return value if isinstance(value, (str, int, float)) else None


def json_type_of(text: object, keys_json: object) -> str | None:
    """SQL function ``SQLJSON_TYPE(text, keys)``: ``json_type`` for a path of keys."""
    value = _walk(text, keys_json)
    if value is _MISSING:
        return None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "real"
    if isinstance(value, str):
        return "text"
    return "object" if isinstance(value, dict) else "array"


@dataclass(frozen=True)
class _Target:
    """What a filter key refers to: an SQL value expression (and its JSON type)."""

    value: Sql
    type_expr: Sql | None = None  # json_type(...) for JSON paths (NULL = missing)
    is_tags: bool = False
    is_date: bool = False

    @property
    def exists(self) -> Sql:
        return sql("{} IS NOT NULL", self.type_expr or self.value)


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


def _shown(key: str) -> str:
    """A key as error messages show it (bounded: keys may be megabytes long)."""
    return repr(key) if len(key) <= 80 else repr(key[:80]) + "..."


def _target(key: str) -> _Target:
    if key == "tags":
        return _Target(value=Sql("r.tags"), is_tags=True)
    if key in SCALAR_FIELDS:
        column = SCALAR_FIELDS[key]
        return _Target(value=Sql(column), is_date=column in _DATE_FIELDS)
    split = _split_json_key(key)
    if split is None:
        known = ", ".join(sorted({"tags", *SCALAR_FIELDS}))
        raise FilterError(
            f"unknown run filter field {_shown(key)}; expected one of {known}, "
            "config.<key>, summary_metrics.<key> or system_metrics.<key>"
        )
    column, wrapped, parts = split
    value, type_expr = json_lookup(column, _json_segments(wrapped, parts))
    return _Target(value=value, type_expr=type_expr)


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
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        try:
            return float(value)  # SQLite integers are 64-bit
        except OverflowError:
            raise FilterError(f"the number {str(value)[:20]}... is beyond float range") from None
    if value is not None and not isinstance(value, (int, float, str)):
        raise FilterError(f"cannot compare with {type(value).__name__}")
    return value


_TRUE = Sql("1")
_FALSE = Sql("0")


class _Compiler:
    """Walks one filter document into one SQL fragment (every value bound)."""

    # -- documents ---------------------------------------------------------
    def document(self, doc: object) -> Sql:
        if not isinstance(doc, Mapping):
            raise FilterError(f"a filter must be a JSON object, got {type(doc).__name__}")
        entries = cast("Mapping[object, object]", doc).items()
        parts = [self.entry(str(key), value) for key, value in entries]
        return _join(parts, "AND", _TRUE)

    def entry(self, key: str, value: object) -> Sql:
        if key in ("$and", "$or", "$nor"):
            if not isinstance(value, list):
                raise FilterError(f"{key} expects a list of filters")
            parts = [self.document(item) for item in cast("list[object]", value)]
            if key == "$and":
                return _join(parts, "AND", _TRUE)
            if not parts:  # W&B clients send empty $or/$nor meaning "no constraint"
                return _TRUE
            joined = _join(parts, "OR", _FALSE)
            return joined if key == "$or" else sql("NOT {}", joined)
        if key.startswith("$"):
            raise FilterError(f"unsupported top-level operator {_shown(key)}")
        target = _target(key)
        if isinstance(value, Mapping):
            ops = cast("Mapping[object, object]", value)
            if ops and all(str(k).startswith("$") for k in ops):
                return self.operators(target, ops)
            raise FilterError(
                f"filter on {_shown(key)}: expected a value or an operator object like "
                f'{{"$gt": 1}}, got {json.dumps(ops)[:200]}'
            )
        return self.op(target, "$eq", value, {})

    def operators(self, target: _Target, ops: Mapping[object, object]) -> Sql:
        parts: list[Sql] = []
        for op, arg in ops.items():
            if not isinstance(op, str):  # only a Python dict (not JSON) has such keys
                raise FilterError(f"unsupported filter operator {_shown(str(op))}")
            if op != "$options":
                parts.append(self.op(target, op, arg, ops))
        return _join(parts, "AND", _TRUE)

    # -- single operators --------------------------------------------------
    def op(self, t: _Target, op: str, arg: object, ops: Mapping[object, object]) -> Sql:
        if t.is_tags:
            return self.tags_op(op, arg, ops)
        v = t.value
        if op == "$eq":
            if arg is None:
                return sql("({} IS NULL)", v)
            return sql("IFNULL({} = {}, 0)", v, _param(arg, t))
        if op == "$ne":
            return sql("NOT {}", self.op(t, "$eq", arg, ops))
        if op in _COMPARISONS:
            return self.compare(t, _COMPARISONS[op], arg)
        if op in ("$in", "$nin"):
            if not isinstance(arg, list):
                raise FilterError(f"{op} expects a list")
            inside = self.in_list(t, cast("list[object]", arg))
            return inside if op == "$in" else sql("NOT {}", inside)
        if op == "$exists":
            return sql("({})", t.exists) if arg else sql("NOT ({})", t.exists)
        if op == "$regex":
            pattern = self.regex_pattern(arg, ops)
            return sql("IFNULL({} REGEXP {}, 0)", v, pattern)
        if op == "$contains":
            if not isinstance(arg, str):
                raise FilterError("$contains expects a string")
            return sql("IFNULL(typeof({}) = 'text' AND instr({}, {}) > 0, 0)", v, v, arg)
        if op == "$not":
            if not isinstance(arg, Mapping):
                raise FilterError("$not expects an operator object")
            return sql("NOT {}", self.operators(t, cast("Mapping[object, object]", arg)))
        raise FilterError(f"unsupported filter operator {_shown(op)}")

    def compare(self, t: _Target, sql_op: str, arg: object) -> Sql:
        arg = _param(arg, t)
        if isinstance(arg, (int, float)):
            guard = sql(f"typeof({{}}) IN {_NUMBER_TYPES}", t.value)
        elif isinstance(arg, str):
            guard = sql("typeof({}) = 'text'", t.value)
        else:
            raise FilterError(f"cannot compare with {json.dumps(arg)}")
        return sql(f"IFNULL({{}} AND {{}} {sql_op} {{}}, 0)", guard, t.value, arg)

    def in_list(self, t: _Target, values: list[object]) -> Sql:
        present = [val for val in values if val is not None]
        parts: list[Sql] = []
        if present:
            marks = Sql.join(", ", [sql("{}", _param(val, t)) for val in present])
            parts.append(sql("IFNULL({} IN ({}), 0)", t.value, marks))
        if len(present) != len(values):
            parts.append(sql("({} IS NULL)", t.value))
        return _join(parts, "OR", _FALSE)

    def regex_pattern(self, arg: object, ops: Mapping[object, object]) -> str:
        if not isinstance(arg, str):
            raise FilterError("$regex expects a string")
        options = ops.get("$options", "")
        pattern = f"(?i){arg}" if isinstance(options, str) and "i" in options else arg
        check_regex(pattern)
        return pattern

    def tags_op(self, op: str, arg: object, ops: Mapping[object, object]) -> Sql:
        def has(tag: object) -> Sql:
            if not isinstance(tag, str):
                raise FilterError(f"tags are strings, got {json.dumps(tag)[:200]}")
            return sql("EXISTS (SELECT 1 FROM json_each(r.tags) WHERE value = {})", tag)

        if op in ("$eq", "$contains"):
            if arg is None:  # {"tags": null}: no tags at all
                return Sql("(json_array_length(r.tags) = 0)")
            if isinstance(arg, list):  # exact array match, like MongoDB
                return sql("(r.tags = {})", json.dumps(arg, separators=(",", ":")))
            return has(arg)
        if op == "$ne":
            return sql("NOT {}", self.tags_op("$eq", arg, ops))
        if op in ("$in", "$nin", "$all"):
            if not isinstance(arg, list):
                raise FilterError(f"tags {op} expects a list")
            tags = cast("list[object]", arg)
            if op == "$all":
                return _join([has(tag) for tag in tags], "AND", _TRUE)
            any_of = _join([has(tag) for tag in tags], "OR", _FALSE)
            return any_of if op == "$in" else sql("NOT {}", any_of)
        if op == "$exists":
            nonempty = Sql("(json_array_length(r.tags) > 0)")
            return nonempty if arg else sql("NOT {}", nonempty)
        if op == "$size":
            if not isinstance(arg, int) or isinstance(arg, bool) or not 0 <= arg < 2**63:
                raise FilterError("$size expects a non-negative 64-bit integer")
            return sql("(json_array_length(r.tags) = {})", arg)
        if op == "$regex":
            pattern = self.regex_pattern(arg, ops)
            return sql("EXISTS (SELECT 1 FROM json_each(r.tags) WHERE value REGEXP {})", pattern)
        if op == "$not":
            if not isinstance(arg, Mapping):
                raise FilterError("$not expects an operator object")
            tags_target = _Target(value=Sql("r.tags"), is_tags=True)
            return sql("NOT {}", self.operators(tags_target, cast("Mapping[object, object]", arg)))
        raise FilterError(f"operator {_shown(op)} is not supported on tags")


#: Terms joined flat at most; longer runs are joined as a balanced tree, since SQLite
#: parses ``a AND b AND c ...`` as a left-deep tree and refuses one 1,000 deep.
_FLAT_TERMS = 16


def _join(parts: list[Sql], word: str, empty: Sql) -> Sql:
    if not parts:
        return empty
    if len(parts) == 1:
        return parts[0]
    if len(parts) > _FLAT_TERMS:
        size = -(-len(parts) // _FLAT_TERMS)  # groups of at most _FLAT_TERMS, balanced
        parts = [_join(parts[i : i + size], word, empty) for i in range(0, len(parts), size)]
    return sql("({})", Sql.join(f" {word} ", parts))


def filter_sql(filters: object) -> Sql:
    """Filter document (dict, JSON text or None) -> one SQL boolean fragment."""
    if filters is None or filters == "":
        return _TRUE
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except (ValueError, RecursionError) as exc:
            raise FilterError(f"filters is not valid JSON: {str(exc)[:200]}") from None
        if filters is None:
            return _TRUE
    _check_size(filters)
    fragment = _Compiler().document(filters)
    if len(fragment.params) > MAX_FILTER_PARAMS:
        raise FilterError(
            f"the filter needs {len(fragment.params)} SQL values; at most {MAX_FILTER_PARAMS}"
        )
    return fragment


def compile_filter(filters: object) -> tuple[str, list[object]]:
    """Filter document (dict, JSON text or None) -> (SQL expression, params)."""
    fragment = filter_sql(filters)
    return fragment.text, list(fragment.params)


@dataclass(frozen=True)
class OrderKey:
    """One ``ORDER BY`` key: an SQL expression (with its parameters) and its direction."""

    expr: Sql
    descending: bool = False


def compile_order(order: str | None) -> list[OrderKey]:
    """``"-summary_metrics.loss"`` -> sort keys (missing values last, id tie-break).

    A leading ``+`` (or nothing) sorts ascending, ``-`` descending.  The run id
    is always the final key so pages are stable; see ``Store.runs_page``.
    """
    text = (order or "+created_at").strip() or "+created_at"
    descending = text.startswith("-")
    key = text[1:].strip() if text[0] in "+-" else text
    if key in SCALAR_FIELDS:
        expr = Sql(SCALAR_FIELDS[key])
    else:
        split = _split_json_key(key)
        if split is None:
            raise FilterError(
                f"unsupported run order {_shown(order or '')}; use [+-]created_at, "
                "heartbeat_at, display_name, state, config.<key>.value or summary_metrics.<key>"
            )
        column, wrapped, parts = split
        expr, _ = json_lookup(column, _json_segments(wrapped, parts))
    return [
        OrderKey(sql("({}) IS NULL", expr)),
        OrderKey(expr, descending),
        OrderKey(Sql("r.id"), descending),
    ]
