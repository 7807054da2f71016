"""A run's console output: one :class:`ConsoleLogLine` per line, as the official
client's ``ConsoleLogLine`` (the same fields, ``content`` for the text)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol

__all__ = ["ConsoleLogLine", "line_from", "parse_log_time"]


@dataclass(frozen=True)
class ConsoleLogLine:
    """One line a run wrote to stdout or stderr."""

    number: int
    """The line's number in the run's output, from 0."""
    timestamp: datetime | None
    """When the line was captured (UTC), if the server recorded it."""
    level: str
    """``"error"`` for stderr, ``"info"`` for stdout."""
    label: str
    """Which process wrote it (shared-mode runs; empty otherwise)."""
    content: str
    """The text of the line."""


_FRACTION = re.compile(r"\.(\d+)")


def parse_log_time(value: str | None) -> datetime | None:
    """An RFC 3339 timestamp as UTC (W&B omits the zone: UTC); ``None`` if unreadable."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


class _LineFields(Protocol):
    @property
    def number(self) -> int | None: ...
    @property
    def timestamp(self) -> str | None: ...
    @property
    def level(self) -> str | None: ...
    @property
    def label(self) -> str | None: ...
    @property
    def line(self) -> str: ...


def line_from(f: _LineFields) -> ConsoleLogLine:
    """A :class:`ConsoleLogLine` from a generated ``logLines`` node."""
    return ConsoleLogLine(
        number=f.number or 0,
        timestamp=parse_log_time(f.timestamp),
        level=f.level or "",
        label=f.label or "",
        content=f.line,
    )
