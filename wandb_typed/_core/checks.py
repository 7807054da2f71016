"""Argument checks shared by every method: one validator per concept, each raising
:class:`~wandb_typed.errors.InputError` before any request is sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from ..errors import InputError

__all__ = [
    "check_bool",
    "check_dict",
    "check_instance",
    "check_int",
    "check_keys",
    "check_optional_str",
    "check_text",
]


def check_int(value: object, what: str, minimum: int, maximum: int | None = None) -> int:
    """An ``int`` (not a bool) within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{what} must be an int, got {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise InputError(f"{what} must be {bound}, got {value}")
    return value


def check_keys(value: object, what: str) -> tuple[str, ...] | None:
    """``None`` or a list of non-empty strings (a bare string is refused: it is not a
    list of its characters)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InputError(f"{what} must be a list of strings, got {type(value).__name__}")
    items = cast("Sequence[object]", value)
    out: list[str] = []
    for key in items:
        if not isinstance(key, str) or not key:
            raise InputError(f"{what} must contain non-empty strings, got {key!r}")
        out.append(key)
    return tuple(out)


def check_bool(value: object, what: str) -> bool:
    """``True`` or ``False`` (not a truthy stand-in)."""
    if not isinstance(value, bool):
        raise InputError(f"{what} must be True or False, got {value!r}")
    return value


def check_text(value: object, what: str) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value:
        raise InputError(f"{what} must be a non-empty string, got {value!r}")
    return value


def check_dict(value: object, what: str) -> dict[str, object]:
    """A ``dict`` (e.g. a run's config or summary)."""
    if not isinstance(value, dict):
        raise InputError(f"{what} must be a dict, got {type(value).__name__}")
    return cast("dict[str, object]", value)


def check_optional_str(value: object, what: str) -> str | None:
    """``None`` or a string."""
    if value is not None and not isinstance(value, str):
        raise InputError(f"{what} must be a string, got {type(value).__name__}")
    return value


def check_instance(value: object, cls: type, what: str) -> None:
    """``None`` or an instance of ``cls`` (e.g. the right kind of httpx client)."""
    if value is not None and not isinstance(value, cls):
        raise InputError(
            f"{what} must be a {cls.__module__}.{cls.__qualname__}, got {type(value).__name__}"
        )
