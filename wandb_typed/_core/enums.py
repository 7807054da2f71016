"""Open enums: a value a newer server adds becomes a pseudo-member, not an error."""

from __future__ import annotations

from enum import Enum

from typing_extensions import Self

__all__ = ["OpenStrEnum"]


class OpenStrEnum(str, Enum):
    """A ``str`` enum that accepts values it does not list (``RunState("zombie")``
    is a member named ``ZOMBIE``), so a server's new state never fails a listing.
    ``str()``, f-strings and ``format()`` give the wire value (``finished``), as the
    official client prints it; ``repr()`` keeps the member name."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return member
