"""Custom GraphQL scalars (and open enums) of the W&B schema, handled at the model boundary.

Copied into the generated package by ariadne-codegen (``files_to_include``); the
source of truth is ``scripts/codegen_files/custom_types.py``.

- ``JSONString`` is a string holding JSON: parsed to ``dict``/``list``/... on the
  way in, ``json.dumps``'d on the way out. A server that already sends a decoded
  value is accepted as is.
  A few fields keep the text instead (``json_text``; a run's config, summary and
  system metrics: ``RAW_JSON_FIELDS`` in ``scripts/codegen_plugins.py``), parsed by
  the facade on first access.
- ``JSON`` is an arbitrary JSON value: passed through.
- Enums are open: a value a newer server added becomes a pseudo-member (see
  ``open_enum_member``) instead of failing the whole response.
- ``DateTime`` is ISO-8601; W&B omits the zone for UTC, so naive values are read as
  UTC and every parsed value is timezone-aware.

The serializers pass ``UNSET`` and ``None`` through untouched: ariadne-codegen
0.19 calls them on optional operation variables even when the caller left the
argument out (see the project's ariadne-codegen notes).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pydantic_core import from_json

from .base_model import UnsetType

if TYPE_CHECKING:
    from typing_extensions import TypeAliasType

    # TypeAliasType, not a recursive TypeAlias: jedi's completion recurses forever on those.
    JSONValue = TypeAliasType(
        "JSONValue", "None | bool | int | float | str | list[JSONValue] | dict[str, JSONValue]"
    )
else:
    # At run time the value comes straight from json.loads; re-validating every
    # nested value would only cost time, so the model field accepts it as is.
    JSONValue = Any


def parse_json_string(value: object) -> object:
    """Decode a JSONString (with pydantic-core's JSON parser, about 3x faster than the
    json module); values that are not strings are already decoded."""
    if isinstance(value, (str, bytes, bytearray)):
        return from_json(value)
    return value


def json_text(value: object) -> object:
    """Keep a JSONString as its text (parsed later, on first access); a value a server
    sent already decoded is encoded back to text, so the field is always ``str``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return json.dumps(value, separators=(",", ":"))


def parse_json(value: object) -> object:
    """JSON values arrive decoded; a string holding JSON (older servers) is decoded."""
    if isinstance(value, str):
        try:
            return from_json(value)
        except ValueError:
            return value
    return value


def serialize_json_string(value: Any) -> Any:
    """Encode a value for a JSONString argument; strings are sent as given."""
    if value is None or isinstance(value, (str, UnsetType)):
        return value
    return json.dumps(value, separators=(",", ":"))


_FRACTION = re.compile(r"\.(\d+)")


_UTC = timezone.utc


def parse_datetime(value: object) -> object:
    """Parse an ISO-8601 timestamp into an aware ``datetime`` (naive means UTC)."""
    if isinstance(value, str):
        if len(value) == 19:  # W&B's usual "2024-01-01T12:00:00": the fast path
            try:  # one parse with the zone written in: a third of fromisoformat + replace
                return datetime.fromisoformat(value + "+00:00")
            except ValueError:
                pass
        text = value.strip().replace(" ", "T", 1)
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        if "." in text:  # Python 3.10's fromisoformat wants exactly 3 or 6 fraction digits
            text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
        value = datetime.fromisoformat(text)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=_UTC)
    return value


def serialize_datetime(value: Any) -> Any:
    """Send datetimes as ISO-8601 strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


EnumT = TypeVar("EnumT", bound=Enum)


def open_enum_member(cls: type[EnumT], value: object) -> EnumT | None:
    """A pseudo-member for a string value this client does not know yet."""
    if not isinstance(value, str):
        return None
    member = cast(EnumT, str.__new__(cast(Any, cls), value))
    member._name_ = value
    member._value_ = value
    return member
