"""A run's history exported to parquet files: what ``download_history_exports``
returns, and the file name each export is saved under (sans-I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["HistoryExports", "export_file_name"]


@dataclass(frozen=True)
class HistoryExports:
    """What ``download_history_exports`` wrote: the parquet files (read them with
    pyarrow, pandas or polars), and whether the run has history not exported yet."""

    paths: tuple[Path, ...]
    contains_live_data: bool
    """Steps exist that no file holds yet (``require_complete_history=False`` only)."""


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def export_file_name(url: str, index: int) -> str:
    """A safe local name for the ``index``-th export: its URL's last path segment
    (ending ``.parquet``), else ``history-<index>.parquet``; always prefixed with the
    index, so two exports never share a name."""
    last = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    stem = _UNSAFE.sub("_", last).strip("._")[:100]
    if not stem.endswith(".parquet"):
        stem = f"history-{index}.parquet" if not stem else f"{stem}.parquet"
    return f"{index:04d}-{stem}"
