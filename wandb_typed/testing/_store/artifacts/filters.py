"""Artifact and collection filters and orders: a MongoDB-style filter (the subset W&B
clients send) and a ``[+-]field`` order, compiled to SQL with bound parameters.
Only the fields listed here may be named; anything else is refused, never ignored.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from ..._filters import OrderKey
from ..._sql import Sql
from ..._text import ascii_int
from .._base import StoreError
from ._base import VERSION_LABEL, bounded

__all__ = [
    "COLLECTION_FIELDS",
    "COLLECTION_ORDERS",
    "VERSION_FIELDS",
    "VERSION_ORDERS",
    "Filter",
    "compile_filter",
    "compile_order",
]


@dataclass(frozen=True)
class Filter:
    """A compiled artifact or collection filter: SQL and its parameters."""

    sql: str
    params: list[object]


#: The fields a version filter may name -> (kind, SQL over ``a``/``m``).
VERSION_FIELDS: dict[str, tuple[str, str]] = {
    "state": ("column", "a.state"),
    "id": ("id", "a.id"),
    "version": ("version", "m.version_index"),
    "versionIndex": ("version", "m.version_index"),
    "version_index": ("version", "m.version_index"),
    "digest": ("column", "a.digest"),
    "description": ("column", "a.description"),
    "created_at": ("column", "a.created_at"),
    "createdAt": ("column", "a.created_at"),
    "updated_at": ("column", "a.updated_at"),
    "updatedAt": ("column", "a.updated_at"),
    "tag": ("tag", "a.id"),
    "tags": ("tag", "a.id"),
    "alias": ("alias", "m.id"),
    "aliases": ("alias", "m.id"),
}
#: The fields a collection filter may name.
COLLECTION_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("id", "c.id"),
    "artifact_collection_id": ("id", "c.id"),
    "collection_id": ("id", "c.id"),
    "name": ("column", "c.name"),
    "description": ("column", "c.description"),
    "created_at": ("column", "c.created_at"),
    "createdAt": ("column", "c.created_at"),
    "updated_at": ("column", "c.updated_at"),
    "updatedAt": ("column", "c.updated_at"),
    "tag": ("collection_tag", "c.id"),
    "tags": ("collection_tag", "c.id"),
}
_SCALAR_OPS = {"$eq": "=", "$ne": "!=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
_SET_SQL = {
    "tag": (
        "SELECT 1 FROM artifact_tag_assignments ta JOIN artifact_tags tg ON tg.id = ta.tag_id"
        " WHERE ta.artifact_id = {ref} AND tg.name {cond}"
    ),
    "collection_tag": (
        "SELECT 1 FROM artifact_collection_tag_assignments ta"
        " JOIN artifact_tags tg ON tg.id = ta.tag_id WHERE ta.collection_id = {ref}"
        " AND tg.name {cond}"
    ),
    "alias": "SELECT 1 FROM artifact_aliases al WHERE al.membership_id = {ref} AND al.alias {cond}",
}


def compile_filter(filters: object, fields: Mapping[str, tuple[str, str]]) -> Filter:
    """A MongoDB-style filter (JSON text or a mapping) -> SQL.

    ``{"field": value}`` or ``{"field": {"$op": value}}`` with ``$eq $ne $gt $gte
    $lt $lte $in $nin $regex``, combined with ``$and``/``$or`` lists.  Unknown
    fields or operators are errors, never ignored.
    """
    if filters is None or filters == "":
        return Filter("1", [])
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except (ValueError, RecursionError) as exc:
            raise StoreError(f"filters are not valid JSON: {str(exc)[:200]}") from None
    budget = [200]  # conditions per filter
    params: list[object] = []
    sql = _compile_doc(filters, fields, params, budget)
    return Filter(sql, params)


def _compile_doc(
    doc: object, fields: Mapping[str, tuple[str, str]], params: list[object], budget: list[int]
) -> str:
    if not isinstance(doc, Mapping):
        raise StoreError(f"a filter must be a JSON object, not {type(doc).__name__}")
    parts: list[str] = []
    for key, value in cast("Mapping[object, object]", doc).items():
        budget[0] -= 1
        if budget[0] < 0:
            raise StoreError("filter too large")
        if isinstance(key, str) and key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise StoreError(f"{key} needs a non-empty list")
            items = cast("list[object]", value)
            subs = [_compile_doc(item, fields, params, budget) for item in items]
            parts.append("(" + f" {key[1:].upper()} ".join(subs) + ")")
        elif isinstance(key, str) and key in fields:
            parts.append(_compile_field(key, value, fields[key], params))
        else:
            allowed = ", ".join(sorted(fields))
            raise StoreError(f"unknown filter field {key!r} (allowed: {allowed}, $and, $or)")
    return "(" + " AND ".join(parts) + ")" if parts else "1"


def _filter_value(value: object, kind: str, field: str) -> object:
    if kind == "version":
        if isinstance(value, str) and VERSION_LABEL.match(value):
            return int(value[1:])
        if isinstance(value, int) and not isinstance(value, bool):
            return _int64(value, field)
        raise StoreError(f"filter {field!r} needs a version like 'v3' or an index")
    if kind == "id":
        return _decode_id(value, field)
    if isinstance(value, int) and not isinstance(value, bool):
        return _int64(value, field)
    if value is None or isinstance(value, (str, float)):
        return value
    raise StoreError(f"filter {field!r}: unsupported value {value!r}")


def _int64(value: int, field: str) -> int:
    """An integer SQLite can bind (64-bit)."""
    if not -(2**63) <= value < 2**63:
        raise StoreError(f"filter {field!r}: {str(value)[:20]}... is beyond 64-bit integers")
    return value


def _decode_id(value: object, field: str) -> int:
    """An id in a filter: a number or a global id (base64 of ``"Type:N"``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _int64(value, field)
    if isinstance(value, str):
        number = ascii_int(value)
        if number is not None:
            return number
        try:
            _, _, pk = base64.b64decode(value, validate=True).decode().partition(":")
        except (ValueError, UnicodeError):
            pk = ""
        number = ascii_int(pk)
        if number is not None:
            return number
    raise StoreError(f"filter {field!r}: invalid id {value!r}")


def _compile_field(field: str, value: object, spec: tuple[str, str], params: list[object]) -> str:
    kind, ref = spec
    ops: Mapping[object, object] = (
        cast("Mapping[object, object]", value) if isinstance(value, Mapping) else {"$eq": value}
    )
    if not ops:
        raise StoreError(f"filter {field!r} has no condition")
    parts: list[str] = []
    for op, operand in ops.items():
        if kind in _SET_SQL:
            parts.append(_set_condition(kind, ref, field, op, operand, params))
            continue
        if isinstance(op, str) and op in _SCALAR_OPS:
            converted = _filter_value(operand, kind, field)
            if converted is None:
                parts.append(f"{ref} IS {'NOT ' if op == '$ne' else ''}NULL")
            else:
                parts.append(f"{ref} {_SCALAR_OPS[op]} ?")
                params.append(converted)
        elif op == "$in" or op == "$nin":
            items = bounded(
                cast("list[object]", operand) if isinstance(operand, list) else None,
                f"{op} values",
            )
            if not isinstance(operand, list):
                raise StoreError(f"filter {field!r}: {op} needs a list")
            if not items:
                parts.append("0" if op == "$in" else "1")
                continue
            marks = ", ".join("?" for _ in items)
            parts.append(f"{ref} {'NOT ' if op == '$nin' else ''}IN ({marks})")
            params.extend(_filter_value(item, kind, field) for item in items)
        elif op == "$regex" and isinstance(operand, str):
            parts.append(f"{ref} REGEXP ?")
            params.append(operand)
        else:
            raise StoreError(f"filter {field!r}: unsupported operator {op!r}")
    return "(" + " AND ".join(parts) + ")"


def _set_condition(
    kind: str, ref: str, field: str, op: object, operand: object, params: list[object]
) -> str:
    """Membership conditions on tags/aliases: ``$eq``/``$in`` = has one of them."""
    template = _SET_SQL[kind]
    if op == "$eq" or op == "$ne":
        if not isinstance(operand, str):
            raise StoreError(f"filter {field!r}: {op} needs a string")
        params.append(operand)
        exists = f"EXISTS ({template.format(ref=ref, cond='= ?')})"
        return exists if op == "$eq" else f"NOT {exists}"
    if op == "$in" or op == "$nin":
        if not isinstance(operand, list):
            raise StoreError(f"filter {field!r}: {op} needs a list of strings")
        strings = cast("list[object]", operand)
        if not all(isinstance(x, str) for x in strings):
            raise StoreError(f"filter {field!r}: {op} needs a list of strings")
        items = bounded(strings, f"{op} values")
        if not items:
            return "0" if op == "$in" else "1"
        params.extend(items)
        marks = ", ".join("?" for _ in items)
        exists = f"EXISTS ({template.format(ref=ref, cond=f'IN ({marks})')})"
        return exists if op == "$in" else f"NOT {exists}"
    if op == "$regex" and isinstance(operand, str):
        params.append(operand)
        return f"EXISTS ({template.format(ref=ref, cond='REGEXP ?')})"
    raise StoreError(f"filter {field!r}: unsupported operator {op!r}")


VERSION_ORDERS = {
    "version": "m.version_index",
    "versionIndex": "m.version_index",
    "version_index": "m.version_index",
    "created_at": "a.created_at",
    "createdAt": "a.created_at",
    "updated_at": "a.updated_at",
    "updatedAt": "a.updated_at",
    "size": "a.size",
}
COLLECTION_ORDERS = {
    "id": "c.id",
    "name": "c.name",
    "created_at": "c.created_at",
    "createdAt": "c.created_at",
    "updated_at": "c.updated_at",
    "updatedAt": "c.updated_at",
}


def compile_order(
    order: str | None, columns: Mapping[str, str], default: str, tiebreak: str
) -> list[OrderKey]:
    """``"-created_at"`` -> keyset sort keys, with ``tiebreak`` (a unique column) last."""
    text = (order or default).strip() or default
    descending = text.startswith("-")
    key = text.lstrip("+-")
    if key not in columns:
        allowed = ", ".join(sorted(columns))
        raise StoreError(f"unknown order {order!r} (allowed: [+-] then {allowed})")
    keys = [OrderKey(Sql(columns[key]), descending)]
    if columns[key] != tiebreak:
        keys.append(OrderKey(Sql(tiebreak), descending))
    return keys
