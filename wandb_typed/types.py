"""Shared value types of the public API."""

from __future__ import annotations

from typing import TypeAlias

__all__ = ["JSONObject", "JSONValue"]

#: Any JSON value. Config, summary and history values are JSON: narrow them with
#: ``isinstance`` (``lr = run.config["lr"]; assert isinstance(lr, float)``).
JSONValue: TypeAlias = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]
#: A JSON object.
JSONObject: TypeAlias = dict[str, JSONValue]
