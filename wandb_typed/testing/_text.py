"""Checks of request text the server shares: numbers in URLs and ids (ASCII digits
only: ``"²".isdigit()`` is true and ``int("²")`` fails) and Unicode text (a lone
surrogate such as ``"\\ud800"`` is valid JSON but not text: stored, it breaks every
later read of it, so no string input may hold one)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import cast

__all__ = ["MAX_DIGITS", "ascii_int", "lone_surrogate"]

#: The most digits a number in a URL or an id may have (SQLite integers are 64-bit).
MAX_DIGITS = 18

_DIGITS = re.compile(f"[0-9]{{1,{MAX_DIGITS}}}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def ascii_int(text: str) -> int | None:
    """``text`` as a non-negative integer if it is 1-18 ASCII digits, else ``None``."""
    return int(text) if _DIGITS.fullmatch(text) else None


def lone_surrogate(value: object, where: str = "", depth: int = 0) -> str | None:
    """Where in a JSON-like value (keys too) a string holds a lone surrogate, or
    ``None``. Deeper than 200 levels is not looked at (the parsers refused it)."""
    if isinstance(value, str):
        return (where or "the value") if _SURROGATE.search(value) else None
    if depth > 200:
        return None
    if isinstance(value, Mapping):
        for key, item in cast("Mapping[object, object]", value).items():
            here = f"{where}.{str(key)[:40]!r}" if where else repr(str(key)[:40])
            if isinstance(key, str) and _SURROGATE.search(key):
                return f"the key {here}"
            found = lone_surrogate(item, here, depth + 1)
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(cast("Sequence[object]", value)):
            found = lone_surrogate(item, f"{where}[{i}]", depth + 1)
            if found is not None:
                return found
    return None
