"""History rows as a polars DataFrame (the ``polars`` extra), as ``frame`` makes a
pandas one: imported on first use, ``MissingDependencyError`` without it."""

from __future__ import annotations

from ..errors import MissingDependencyError
from ..types import PolarsFrame
from .history import HistoryRow

__all__ = ["polars_frame", "require_polars"]


def require_polars(what: str) -> None:
    """``MissingDependencyError`` naming the extra, before any request, without polars."""
    import importlib.util

    try:
        found = importlib.util.find_spec("polars") is not None
    except (ImportError, ValueError):  # sys.modules["polars"] = None: blocked
        found = False
    if not found:
        raise MissingDependencyError(
            f"{what} needs polars: pip install 'wandb-typed[polars]'"
        ) from None


def polars_frame(rows: list[HistoryRow], what: str, sort_columns: bool = False) -> PolarsFrame:
    """A polars DataFrame of ``rows``: a column per key (in first-seen order, or sorted),
    null where a row lacks the key; a key whose values mix types becomes their common
    supertype (text, if nothing narrower)."""
    require_polars(what)
    import polars

    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    columns = sorted(keys) if sort_columns else list(keys)
    data = [{key: row.get(key) for key in columns} for row in rows]
    return PolarsFrame(
        polars.DataFrame(data, schema=columns or None, infer_schema_length=None, strict=False)
    )
