"""Registry search filters and orders, checked before any request (as the official
client checks them, ``wandb/apis/public/registries/_utils.py``).

Registries and collections are always searched with *basic* search; versions with
basic search, or *advanced* search when the organization has it (which also allows
``order``). Each search knows its fields and their aliases (``collection_id`` means
``artifact_collection_id``); an unknown field is an :class:`InputError` naming the
allowed ones, and aliases are sent under their canonical names. A registry ``name``
is prefixed with ``wandb-registry-`` (except inside ``$regex``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from .._encode import to_json_object
from ..errors import InputError
from ..types import JSONObject, JSONValue
from .artifact_names import REGISTRY_PREFIX

__all__ = [
    "Mode",
    "Target",
    "check_order",
    "check_search_filter",
    "registry_filter_of",
]

#: Basic search, advanced search, or (before the organization's mode is known) either.
Mode = Literal["basic", "advanced", "either"]
#: What a filter selects.
Target = Literal["registry", "collection", "version"]

_LOGICAL = ("$and", "$or", "$nor")
_KNOWN_OPS = frozenset(
    {"$not", "$lt", "$gt", "$lte", "$gte", "$eq", "$ne", "$in", "$nin", "$exists", "$regex",
     "$contains", "$size", "$all", *_LOGICAL}
)  # fmt: skip


def _aliases(fields: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias: name for name, aliases in fields.items() for alias in (name, *aliases)}


_FIELDS: dict[tuple[Target, Literal["basic", "advanced"]], dict[str, str]] = {
    ("registry", "basic"): _aliases(
        {"id": (), "name": (), "entity_id": (), "description": (), "created_at": (),
         "updated_at": ()}
    ),
    ("registry", "advanced"): _aliases({"project_id": ("id",), "name": (), "entity_id": ()}),
    ("collection", "basic"): _aliases(
        {"artifact_collection_id": ("collection_id", "id"), "name": (), "tag": (),
         "description": (), "created_at": (), "updated_at": ()}
    ),
    ("collection", "advanced"): _aliases(
        {"artifact_collection_id": ("collection_id", "id"),
         "name": ("collection_name", "artifact_collection_name"), "tag": ("tags",)}
    ),
    ("version", "basic"): _aliases(
        {"id": (), "version": (), "tag": (), "alias": (), "metadata": (), "created_at": (),
         "updated_at": ()}
    ),
    ("version", "advanced"): _aliases(
        {"artifact_id": ("id",), "version": ("version_index",), "tag": ("tags",),
         "alias": ("aliases",), "metadata": ("artifact_metadata",),
         "artifact_created_at": ("created_at",), "artifact_size": (),
         "acm_created_at": ("linked_at",)}
    ),
}  # fmt: skip
_ORDERS: dict[Target, dict[str, str]] = {
    "registry": _aliases({"name": (), "created_at": (), "updated_at": ()}),
    "collection": _aliases({"name": (), "created_at": (), "updated_at": ()}),
    "version": _aliases(
        {"artifact_created_at": ("created_at",), "artifact_size": (),
         "acm_created_at": ("linked_at",)}
    ),
}  # fmt: skip
_ORDER = re.compile(r"\A([+-])?([A-Za-z_]\w*)\Z", re.ASCII)


def _allowed(target: Target, mode: Mode) -> dict[str, str]:
    if mode == "either":
        return {**_FIELDS[(target, "advanced")], **_FIELDS[(target, "basic")]}
    return _FIELDS[(target, mode)]


def _prefixed(value: JSONValue) -> JSONValue:
    """A registry-name operand with every plain string prefixed (``$regex`` and unknown
    operators left alone), as the official ``prefix_registry_name``."""
    if isinstance(value, str):
        return value if value.startswith(REGISTRY_PREFIX) else REGISTRY_PREFIX + value
    if isinstance(value, dict):
        return {
            k: v if k == "$regex" or (k.startswith("$") and k not in _KNOWN_OPS) else _prefixed(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_prefixed(v) for v in value]
    return value


def _walk(
    node: JSONObject, target: Target, mode: Mode, allowed: dict[str, str], where: str
) -> JSONObject:
    out: JSONObject = {}
    for key, value in node.items():
        if key in _LOGICAL:
            if not isinstance(value, list):
                raise InputError(f"{where}: {key} needs a list of filters")
            out[key] = [_walk(_object(v, where), target, mode, allowed, where) for v in value]
            continue
        if key == "$not":
            out[key] = _walk(_object(value, where), target, mode, allowed, where)
            continue
        if key.startswith("$"):
            out[key] = value
            continue
        root, dot, rest = key.partition(".")
        canonical = allowed.get(root)
        if canonical is None:
            shown = "either search" if mode == "either" else f"{mode} search"
            raise InputError(
                f"{where}: unknown field {root!r}; {shown} of {target} filters allows "
                + ", ".join(sorted(allowed))
            )
        field = f"{canonical}{dot}{rest}"
        if field in out:
            raise InputError(f"{where}: the field {field!r} is given twice (under two aliases)")
        out[field] = _prefixed(value) if target == "registry" and field == "name" else value
    return out


def _object(value: JSONValue, where: str) -> JSONObject:
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a filter (a dict), got {type(value).__name__}")
    return value


def check_search_filter(
    filters: Mapping[str, object] | None, target: Target, mode: Mode, what: str = "filter"
) -> JSONObject | None:
    """A registry, collection or version filter checked for ``mode`` (``either``: a
    field valid in basic or advanced search), with aliases made canonical and registry
    names prefixed."""
    if filters is None:
        return None
    encoded = to_json_object(filters, what)
    return _walk(encoded, target, mode, _allowed(target, mode), what)


def check_order(order: object, target: Target) -> str | None:
    """``[+-]field`` with a field the search orders by; sent as ``+field``/``-field``."""
    if order is None:
        return None
    match = _ORDER.match(order) if isinstance(order, str) else None
    if match is None:
        raise InputError(f"order must be '[+-]field', e.g. '-created_at'; got {order!r}")
    sign, name = match.groups()
    canonical = _ORDERS[target].get(name)
    if canonical is None:
        raise InputError(
            f"cannot order {target} results by {name!r}; use one of "
            + ", ".join(sorted(_ORDERS[target]))
        )
    return f"{sign or '+'}{canonical}"


def registry_filter_of(internal_id: str, full_name: str) -> JSONObject:
    """The filter that selects one registry: its numeric id (from ``internalId``),
    else its name (as the official ``registry_filter_for``)."""
    import base64
    import binascii

    try:
        kind, _, pk = base64.b64decode(internal_id, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        kind, pk = "", ""
    if kind in ("ProjectInternalId", "Project") and pk.isdigit():
        return {"id": int(pk)}
    return {"name": full_name}
