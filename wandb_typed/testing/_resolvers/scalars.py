"""Custom scalars: ``JSONString``, ``JSON``, ``DateTime`` and ``Int64``, serialized as
W&B does (JSONString as JSON *text*; NaN and infinities as strings in ``JSON``)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from ariadne import ScalarType, SchemaBindable
from graphql import GraphQLError

from .._store import format_time
from .._text import lone_surrogate

__all__ = ["BINDABLES", "FiniteJSON", "finite_json"]


def _serialize_json_string(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _serialize_datetime(value: object) -> str | None:
    if isinstance(value, datetime):
        return format_time(value)
    return None if value is None else str(value)


def _identity(value: object) -> object:
    return value


class FiniteJSON:
    """A ``JSON`` value parsed from stored text with NaN and infinities refused
    (:func:`finite_json`): the scalar passes it on without checking it again."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not finite")


_FINITE_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def finite_json(text: str) -> object:
    """Stored JSON text, parsed: a :class:`FiniteJSON` when it holds no NaN or
    infinity (the usual case; the parse proves it, sparing the scalar a second pass
    over the value, ~10 µs a run for ``historyKeys``), else the plain value, which the
    scalar then checks and rewrites."""
    try:
        return FiniteJSON(_FINITE_DECODER.decode(text))
    except ValueError:
        return json.loads(text)


def _serialize_json(value: object) -> object:
    """A ``JSON`` value with NaN and infinities as the strings ``"NaN"``,
    ``"Infinity"`` and ``"-Infinity"``: a response body must be strict JSON (Go's
    decoder in wandb-core rejects bare ``NaN``), and history may hold them.

    Most values hold none: the C encoder proves that (``allow_nan=False``) faster than
    a walk in Python, which then runs only for the values that need it (a run page
    spent a tenth of its server time walking ``historyKeys``)."""
    if type(value) is FiniteJSON:
        return value.value
    whole: object = value  # not narrowed below: what goes back is the value as it came
    if isinstance(value, (dict, list)):
        try:
            json.dumps(value, allow_nan=False)
        except (ValueError, TypeError):
            return _finite(whole)
        return whole
    return _finite(value)


def _finite(value: object) -> object:
    """``value`` with every non-finite float replaced by its string (see above)."""
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (math.inf, -math.inf):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in cast("dict[object, object]", value).items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in cast("Sequence[object]", value)]
    return value


def _parse_json_string(value: object) -> object:
    """A JSONString input must be JSON text (NaN and infinities allowed, as W&B clients
    write them): anything else is refused here, before any resolver runs, so no
    malformed text is ever stored (it would break every later read of it). Refusals
    are ``GraphQLError``s: graphql-core reports those as the client's mistake in every
    release (in older 3.2 releases another exception became an internal error)."""
    if isinstance(value, str):
        try:
            parsed: object = json.loads(value)
        except (ValueError, RecursionError) as exc:
            raise GraphQLError(f"not valid JSON: {str(exc)[:200]}") from None
        bad = lone_surrogate(parsed)
        if bad is not None:
            raise GraphQLError(f"JSONString: {bad} holds a lone surrogate: not Unicode text")
    return value


def _parse_int64(value: object) -> int:
    """An ``Int64`` input: an integer (or its decimal text, as W&B clients send)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise GraphQLError(f"Int64 cannot represent {type(value).__name__} {value!r}")
    try:
        return int(value)
    except ValueError:
        raise GraphQLError(f"Int64 cannot represent {value!r}") from None


json_string = ScalarType(
    "JSONString", serializer=_serialize_json_string, value_parser=_parse_json_string
)
json_scalar = ScalarType("JSON", serializer=_serialize_json, value_parser=_identity)
datetime_scalar = ScalarType("DateTime", serializer=_serialize_datetime, value_parser=_identity)
int64_scalar = ScalarType("Int64", serializer=int, value_parser=_parse_int64)

BINDABLES: list[SchemaBindable] = [json_string, json_scalar, datetime_scalar, int64_scalar]
