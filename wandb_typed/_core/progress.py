"""Download progress, shared by both modes: :class:`DownloadProgress` (what a
``progress`` callback receives) and :class:`Tally`, the thread-safe counters of one
download. The tqdm bar is terminal I/O and lives in ``wandb_typed/_progress.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

__all__ = ["DownloadProgress", "ProgressArg", "Tally"]


@dataclass(frozen=True)
class DownloadProgress:
    """How far a download is: what a ``progress`` callback receives."""

    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int


#: What ``download(progress=...)`` takes: ``True`` for a tqdm bar, or a callable.
ProgressArg: TypeAlias = bool | Callable[[DownloadProgress], None] | None


class Tally:
    """Thread-safe counters of one download, reported to a callback."""

    def __init__(
        self,
        bytes_total: int,
        files_total: int,
        report: Callable[[DownloadProgress], None] | None,
    ) -> None:
        self._lock = threading.Lock()
        self._bytes = 0
        self._files = 0
        self._bytes_total = bytes_total
        self._files_total = files_total
        self._report = report

    @property
    def reports(self) -> bool:
        """Whether anyone listens (else bytes need not be counted as they arrive)."""
        return self._report is not None

    def add_bytes(self, n: int) -> None:
        """``n`` more bytes arrived (negative: a failed attempt's bytes are undone)."""
        with self._lock:
            self._bytes += n
            snapshot = self._snapshot()
        if self._report is not None:
            self._report(snapshot)

    def file_done(self, size: int = 0) -> None:
        """One more file is in place (``size`` bytes not counted as they arrived)."""
        with self._lock:
            self._files += 1
            self._bytes += size
            snapshot = self._snapshot()
        if self._report is not None:
            self._report(snapshot)

    def _snapshot(self) -> DownloadProgress:
        return DownloadProgress(self._bytes, self._bytes_total, self._files, self._files_total)
