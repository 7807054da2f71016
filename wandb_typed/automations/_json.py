"""JSON text exactly as the official client writes it: pydantic-core's encoder
(compact, keys in insertion order, non-ASCII as UTF-8, its own float format, e.g.
``1e+20`` and ``1e-7``), which ``wandb.automations`` uses for every JSON-encoded
field of an automation."""

from __future__ import annotations

import math

from ..errors import InputError
from ..types import JSONValue

__all__ = ["check_number", "to_json"]


def to_json(value: JSONValue) -> str:
    """``value`` as compact JSON text, byte for byte what the official client sends
    (pydantic-core is imported here, on first use: ``import wandb_typed`` stays light)."""
    import pydantic_core

    return pydantic_core.to_json(value).decode("utf-8")


def check_number(value: object, what: str, *, positive: bool = False) -> int | float:
    """A finite ``int`` or ``float`` (not a bool), positive when asked."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{what} must be a number, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{what} must be finite, got {value!r}")
    if positive and value <= 0:
        raise InputError(f"{what} must be positive, got {value!r}")
    return value
