"""Values a user wrote into a run, made JSON before they are sent (sans I/O).

:func:`to_json_value` encodes a config or summary value the way the official
client's JSON encoder does for the types people actually put there (its summary
path: ``json_dumps_safer``, i.e. pydantic-core with ``WandBJSONEncoder`` as the
fallback and NaN/Infinity sent as the constants ``NaN``/``Infinity``):

- ``None``, ``bool``, ``int``, ``float`` and ``str`` (subclasses, e.g. a
  ``str`` enum, become the plain type); NaN and +/-inf stay floats, which the
  JSON encoder writes as ``NaN``/``Infinity``/``-Infinity``, as the official
  client sends them;
- numpy scalars become Python numbers (``.item()``; floats wider than 64 bits are
  cast down), numpy arrays become (nested) lists, and a one-element array its
  element; ``datetime64`` becomes what ``.item()`` gives (a datetime, or an int
  for nanosecond precision);
- ``datetime`` and ``date`` become ISO-8601 strings in pydantic-core's format
  (what the official client sends: UTC as ``Z``);
- dicts (with string keys) and lists recursively; tuples become lists.

Anything else raises :class:`InputError` naming the key path
(``config['a']['b']``): strings (values or keys) holding a lone surrogate such as
``"\\ud800"`` (not Unicode text: no server can store it), sets (no order), bytes (no encoding), arbitrary objects,
non-string dict keys (W&B would store ``config[1]`` as ``"1"``), containers that
contain themselves, and values nested deeper than :data:`MAX_DEPTH`. The
official client turns some of these into strings silently; a typed client says so.

numpy is never imported here: its types are recognised only if the caller has
already imported it (``sys.modules``).

:func:`check_tags` validates a run's tags: a list or tuple of non-empty strings
(a bare ``"baseline"`` is an error, not ``["b", "a", ...]``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Protocol, SupportsFloat, cast

from .errors import InputError, clip
from .types import JSONObject, JSONValue

__all__ = ["MAX_DEPTH", "check_tags", "check_unicode", "to_json_object", "to_json_value"]

#: How deeply dicts and lists may nest in one value.
MAX_DEPTH = 100

#: A lone surrogate: a ``str`` that is not Unicode text (cannot be UTF-8 encoded).
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_unicode(text: str, where: str) -> str:
    """``text`` if it is Unicode text; a lone surrogate (``"\\ud800"``, e.g. from
    ``os.fsdecode`` of a non-UTF-8 name) is an :class:`InputError` naming ``where``."""
    found = _SURROGATE.search(text)
    if found is not None:
        raise InputError(
            f"{_at(where)} holds the lone surrogate {found.group()!r} at index {found.start()}: "
            "not Unicode text (decode bytes with errors='replace', or fix the source)"
        )
    return text


def to_json_value(value: object, where: str) -> JSONValue:
    """``value`` as JSON, the way the official client encodes it (see the module
    docstring); ``where`` names it in errors, e.g. ``"config['lr']"``."""
    return _encode(value, where, 0, set())


def to_json_object(value: object, where: str) -> JSONObject:
    """A run's whole config or summary: a dict with string keys, encoded."""
    if not isinstance(value, Mapping):
        raise InputError(f"{where} must be a dict, got {type(value).__name__}")
    encoded = to_json_value(cast("Mapping[object, object]", value), where)
    assert isinstance(encoded, dict)  # a Mapping always encodes to a dict
    return encoded


def check_tags(value: object, where: str = "tags") -> list[str]:
    """A run's tags as a list: a list or tuple of non-empty strings."""
    if isinstance(value, str):
        raise InputError(
            f"{where} must be a list of strings, not a single string; write [{clip(value, 100)!r}]"
        )
    if not isinstance(value, (list, tuple)):
        raise InputError(f"{where} must be a list or tuple of strings, got {type(value).__name__}")
    tags: list[str] = []
    for i, tag in enumerate(cast("Sequence[object]", value)):
        if not isinstance(tag, str) or not tag:
            raise InputError(
                f"{where}[{i}] must be a non-empty string, got {type(tag).__name__} "
                f"{clip(repr(tag), 100)}"
            )
        tags.append(check_unicode(str.__str__(tag), f"{where}[{i}]"))
    return tags


def _encode(value: object, where: str, depth: int, active: set[int]) -> JSONValue:
    if value is None:
        return None
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray):
        array = cast("_NdArray", value)
        if array.size == 1:
            return _encode(array.reshape(-1)[0], where, depth, active)
        return _container(array.tolist(), where, depth, active)
    if numpy is not None and isinstance(value, numpy.generic):  # float64 is a float: here first
        item: object = cast("_NpScalar", value).item()
        if isinstance(item, numpy.generic) and cast("_NpScalar", item).dtype.kind == "f":
            item = float(cast("SupportsFloat", item))  # wider than 64 bits: as the official client
        if isinstance(item, numpy.generic):
            raise InputError(f"{_at(where)}: {_describe(value)} cannot be sent as JSON")
        return _encode(item, where, depth, active)
    # Subclasses (a str or int enum) are sent as the plain value, as json.dumps does.
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return check_unicode(str.__str__(value), where)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, datetime | date):
        from pydantic_core import to_jsonable_python  # the official client's format

        return str(to_jsonable_python(value))
    if isinstance(value, Mapping | list | tuple):
        return _container(cast("object", value), where, depth, active)
    raise InputError(f"{_at(where)}: {_describe(value)} cannot be sent as JSON{_hint(value)}")


def _container(value: object, where: str, depth: int, active: set[int]) -> JSONValue:
    if depth >= MAX_DEPTH:
        raise InputError(f"{_at(where)} is nested more than {MAX_DEPTH} levels deep")
    identity = id(value)
    if identity in active:
        raise InputError(f"{_at(where)} contains itself")
    active.add(identity)
    try:
        if isinstance(value, Mapping):
            out: JSONObject = {}
            for key, item in cast("Mapping[object, object]", value).items():
                if not isinstance(key, str):
                    raise InputError(
                        f"{_at(where)} has the key {clip(repr(key), 100)} ({type(key).__name__}); "
                        "keys must be strings (W&B would store it as a string)"
                    )
                name = check_unicode(str.__str__(key), f"{where}[{key!r}]: the key")
                out[name] = _encode(item, f"{where}[{key!r}]", depth + 1, active)
            return out
        assert isinstance(value, list | tuple)
        items = cast("Sequence[object]", value)
        return [_encode(item, f"{where}[{i}]", depth + 1, active) for i, item in enumerate(items)]
    finally:
        active.discard(identity)


class _NdArray(Protocol):
    """What the encoder uses of a numpy array (numpy is never imported here)."""

    @property
    def size(self) -> int: ...
    def reshape(self, *shape: int) -> Sequence[object]: ...
    def tolist(self) -> object: ...


class _DType(Protocol):
    @property
    def kind(self) -> str: ...


class _NpScalar(Protocol):
    """What the encoder uses of a numpy scalar."""

    @property
    def dtype(self) -> _DType: ...
    def item(self) -> object: ...


def _at(where: str) -> str:
    return clip(where, 200)


def _describe(value: object) -> str:
    kind = type(value)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    return f"a {name} value"


def _hint(value: object) -> str:
    if isinstance(value, set | frozenset):
        return "; use a sorted list (a set has no order)"
    if isinstance(value, bytes | bytearray):
        return "; decode it to a str (or base64-encode it)"
    if isinstance(value, Enum):
        return "; send its .value or .name"
    if hasattr(value, "tolist"):
        return "; convert it with .tolist()"
    return ""
