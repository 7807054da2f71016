"""What the run SDK streams while a run is live (``POST .../file_stream``): history
rows, the summary, system-metric events, console lines and the final state.

Each file of a chunk carries ``offset``, the line number of its first line, and
the SDK resends the same offsets when it retries, so every append is idempotent:

* ``wandb-history.jsonl`` and ``wandb-events.jsonl`` are append-only: the store
  keeps the next expected line number per run and file (``run_stream_offsets``)
  and skips lines it already has, so a resent chunk adds nothing.  History rows
  are keyed by ``_step``; ``historyKeys`` is merged from the new rows only and
  ``historyLineCount`` counted in SQL, so a long run costs the same per chunk;
* ``output.log`` lines are numbered by their offset and *replaced* when sent again
  (the SDK rewrites a line a progress bar redrew);
* ``wandb-summary.json``'s last line replaces the summary, nested values and all;
* ``complete`` with ``exitcode`` finishes the run (``finished`` for 0, else
  ``failed``); every chunk is a heartbeat.

One chunk is one transaction: a chunk that fails (a line that is not a JSON
object, say) leaves the run as it was, and the SDK's retry finds it unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ._base import StoreError, dumps, utc_now
from .history import HistoryStore, history_type_name
from .logs import LogsStore

__all__ = ["HISTORY", "EVENTS", "OUTPUT", "SUMMARY", "RunStreamsStore", "StreamChunk"]

HISTORY = "wandb-history.jsonl"
EVENTS = "wandb-events.jsonl"
SUMMARY = "wandb-summary.json"
OUTPUT = "output.log"

#: ``ERROR 2024-01-01T12:00:00.123456 text`` / ``2024-01-01T12:00:00.123456 text``:
#: how wandb-core writes a console line (stderr lines start with ``ERROR``).
_CONSOLE_LINE = re.compile(r"^(ERROR )?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?) ?(.*)$", re.S)


@dataclass
class StreamChunk:
    """One ``file_stream`` request, parsed: ``files`` maps a file name to
    ``(offset, lines)``; ``exitcode`` is set with ``complete``."""

    files: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    complete: bool = False
    exitcode: int | None = None


def _json_object(line: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError as exc:
        raise StoreError(f"{what}: a line is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise StoreError(f"{what}: a line is not a JSON object")
    return value  # pyright: ignore[reportUnknownVariableType]  # json.loads returns Any


class RunStreamsStore(HistoryStore, LogsStore):
    """Applies ``file_stream`` chunks to a run (see the module docstring)."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS run_stream_offsets (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    next_offset INTEGER NOT NULL,
    PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
"""

    def apply_stream(self, run_id: int, chunk: StreamChunk) -> None:
        """Apply one chunk to the run, all of it or (on a :class:`StoreError`) none."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
                raise StoreError(f"run {run_id} not found")
            sets: dict[str, object] = {"heartbeat_at": utc_now()}
            for name, (offset, lines) in chunk.files.items():
                if name == HISTORY:
                    self._append_history(run_id, offset, lines)
                elif name == EVENTS:
                    latest = self._append_events(run_id, offset, lines)
                    if latest is not None:
                        sets["system_metrics"] = latest
                elif name == SUMMARY:
                    if lines:
                        sets["summary"] = dumps(_json_object(lines[-1], SUMMARY))
                elif name == OUTPUT:
                    self._put_console_lines(run_id, offset, lines)
                else:
                    raise StoreError(f"file_stream: unsupported file {name!r}")
            if chunk.complete:
                code = chunk.exitcode if chunk.exitcode is not None else 0
                sets["state"] = "finished" if code == 0 else "failed"
                sets["exitcode"] = code
            sets["updated_at"] = utc_now()
            assignments = ", ".join(f"{column} = ?" for column in sets)
            db.execute(f"UPDATE runs SET {assignments} WHERE id = ?", [*sets.values(), run_id])

    def _new_lines(self, run_id: int, name: str, offset: int, lines: Sequence[str]) -> list[str]:
        """The lines of an append-only file this store has not applied yet (resent lines
        are skipped), moving the file's next expected offset past them."""
        row = self._conn.execute(
            "SELECT next_offset FROM run_stream_offsets WHERE run_id = ? AND name = ?",
            (run_id, name),
        ).fetchone()
        expected = int(row[0]) if row is not None else 0
        fresh = list(lines[max(0, expected - offset) :])
        end = max(expected, offset + len(lines))
        self._conn.execute(
            "INSERT INTO run_stream_offsets (run_id, name, next_offset) VALUES (?, ?, ?)"
            " ON CONFLICT (run_id, name) DO UPDATE SET next_offset = excluded.next_offset",
            (run_id, name, end),
        )
        return fresh

    def _append_history(self, run_id: int, offset: int, lines: Sequence[str]) -> None:
        fresh = self._new_lines(run_id, HISTORY, offset, lines)
        if not fresh:
            return
        db = self._conn
        keys_text, last_step = db.execute(
            "SELECT history_keys, (SELECT COALESCE(max(step), -1) FROM history WHERE run_id = ?)"
            " FROM runs WHERE id = ?",
            (run_id, run_id),
        ).fetchone()
        history_keys: dict[str, Any] = json.loads(keys_text)
        keys: dict[str, Any] = history_keys.setdefault("keys", {})
        next_step = int(last_step) + 1
        batch: list[tuple[int, int, str]] = []
        for line in fresh:
            data = _json_object(line, HISTORY)
            step = data.get("_step")
            text = line  # kept as sent (the SDK's compact JSON), unless given a step
            if not isinstance(step, int) or isinstance(step, bool):
                step = next_step
                data["_step"] = step
                text = dumps(data)
            next_step = max(next_step, step + 1)
            for key, value in data.items():
                counts = keys.setdefault(key, {"typeCounts": []})["typeCounts"]
                kind = history_type_name(value)
                for entry in counts:
                    if entry["type"] == kind:
                        entry["count"] += 1
                        break
                else:
                    counts.append({"type": kind, "count": 1})
            batch.append((run_id, step, text))
        db.executemany("INSERT OR REPLACE INTO history (run_id, step, row) VALUES (?, ?, ?)", batch)
        history_keys["lastStep"] = next_step - 1
        total = db.execute("SELECT count(*) FROM history WHERE run_id = ?", (run_id,)).fetchone()[0]
        db.execute(
            "UPDATE runs SET history_keys = ?, history_line_count = ? WHERE id = ?",
            (dumps(history_keys), int(total), run_id),
        )

    def _append_events(self, run_id: int, offset: int, lines: Sequence[str]) -> str | None:
        fresh = self._new_lines(run_id, EVENTS, offset, lines)
        if not fresh:
            return None
        start = offset + len(lines) - len(fresh)
        rows = [dumps(_json_object(line, EVENTS)) for line in fresh]
        self._conn.executemany(
            "INSERT OR REPLACE INTO events (run_id, seq, row) VALUES (?, ?, ?)",
            [(run_id, start + i, row) for i, row in enumerate(rows)],
        )
        return rows[-1]

    def _put_console_lines(self, run_id: int, offset: int, lines: Sequence[str]) -> None:
        batch: list[tuple[int, int, str, str, str]] = []
        now = utc_now()
        for i, raw in enumerate(lines):
            text = raw[:-1] if raw.endswith("\n") else raw
            level, timestamp = "info", now
            match = _CONSOLE_LINE.match(text)
            if match:
                level = "error" if match.group(1) else "info"
                timestamp = match.group(2)[:19]
                text = match.group(3)
            batch.append((run_id, offset + i, timestamp, level, text))
        self._conn.executemany(
            "INSERT OR REPLACE INTO log_lines (run_id, number, timestamp, level, line)"
            " VALUES (?, ?, ?, ?, ?)",
            batch,
        )
