"""Shared value types of the public API."""

from __future__ import annotations

from typing import TypeAlias

from typing_extensions import TypeAliasType

__all__ = ["JSONObject", "JSONValue", "as_object"]

#: Any JSON value. Config, summary and history values are JSON: narrow them with
#: ``isinstance`` (``lr = run.config["lr"]; assert isinstance(lr, float)``).
#: Declared with ``TypeAliasType`` (PEP 695's ``type`` statement): mypy and pyright
#: see the recursive type, and jedi, whose completion recurses forever on a
#: recursive ``TypeAlias``, sees an opaque name.
JSONValue = TypeAliasType(
    "JSONValue", "None | bool | int | float | str | list[JSONValue] | dict[str, JSONValue]"
)
"""Any JSON value: ``None | bool | int | float | str | list[JSONValue] | dict[str,
JSONValue]``. Config, summary and history values are JSON: narrow them with
``isinstance``."""
#: A JSON object.
JSONObject: TypeAlias = "dict[str, JSONValue]"
"""A JSON object: ``dict[str, JSONValue]`` (a run's config and summary, a report's spec)."""


def as_object(value: JSONValue | None, what: str) -> JSONObject:
    """A field that must be a JSON object: null means empty, anything else is an error
    (a silently emptied config would be a wrong answer)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        from .errors import ResponseValidationError

        raise ResponseValidationError(f"{what} is a JSON {type(value).__name__}, not an object")
    return value
