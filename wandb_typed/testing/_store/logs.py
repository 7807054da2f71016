"""Console output of a run (``Run.logLines``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from .._filters import OrderKey
from .._sql import Sql, sql
from ._base import Page, encode_cursor, utc_now
from .runs import RunsStore

__all__ = ["LogsStore"]


class LogsStore(RunsStore):
    """Console lines of a run, numbered from 0."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS log_lines (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    timestamp TEXT,
    level TEXT NOT NULL DEFAULT 'info',
    line TEXT NOT NULL,
    PRIMARY KEY (run_id, number)
) WITHOUT ROWID;
"""

    def add_log_lines(
        self,
        run_id: int,
        lines: Iterable[str],
        *,
        level: str = "info",
        timestamp: str | None = None,
    ) -> int:
        """Append console lines to a run, numbered on from its last; how many were added."""
        with self.transaction() as db:
            start = int(
                db.execute(
                    "SELECT COALESCE(max(number), -1) + 1 FROM log_lines WHERE run_id = ?",
                    (run_id,),
                ).fetchone()[0]
            )
            batch = [
                (run_id, start + i, timestamp or utc_now(), level, line)
                for i, line in enumerate(lines)
            ]
            db.executemany(
                "INSERT INTO log_lines (run_id, number, timestamp, level, line)"
                " VALUES (?, ?, ?, ?, ?)",
                batch,
            )
        return len(batch)

    def log_line_count(self, run_id: int) -> int:
        """How many console lines a run has."""
        return int(self._scalar("SELECT count(*) FROM log_lines WHERE run_id = ?", (run_id,)))

    def log_lines_page(
        self, run_id: int, first: int | None, after: str | None, last: int | None
    ) -> Page:
        """A run's console lines in order, keyset-paginated (``last`` alone: the tail)."""
        if last is not None and first is None:
            rows = self._all(
                "SELECT * FROM (SELECT * FROM log_lines WHERE run_id = ? ORDER BY number DESC"
                " LIMIT ?) ORDER BY number",
                (run_id, max(0, last)),
            )
            return Page(rows, [encode_cursor([r["number"]]) for r in rows], False)
        return self._page(
            "l.*",
            sql("FROM log_lines l WHERE l.run_id = {}", run_id),
            [OrderKey(Sql("l.number"))],
            first,
            after,
            default_first=1000,
        )
