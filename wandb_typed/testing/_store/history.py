"""Run history (``wandb.log`` rows by ``_step``) and system-metric events."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from .._filters import SQL_JSON, json_lookup
from ._base import Row, dumps, evenly_spaced
from .runs import RunsStore

__all__ = ["HistoryStore", "history_type_name"]


def _history_type(json_type: str) -> str:
    return {
        "integer": "number",
        "real": "number",
        "text": "string",
        "true": "boolean",
        "false": "boolean",
        "null": "nil",
        "object": "map",
        "array": "array",
    }.get(json_type, json_type)


def history_type_name(value: object) -> str:
    """The ``historyKeys`` type name of a decoded JSON value (as :func:`_history_type`
    names SQLite's JSON types)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "nil"
    return "map" if isinstance(value, dict) else "array"


class HistoryStore(RunsStore):
    """History rows and events of a run; sampling and windows run in SQL."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS history (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    row TEXT NOT NULL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
"""

    def add_history_rows(
        self, run_id: int, rows: Iterable[Mapping[str, Any]], *, update_summary: bool = True
    ) -> int:
        """Append (or replace, by ``_step``) history rows; returns how many were written.

        Rows without ``_step`` get the next step.  The run's ``historyKeys``
        and ``historyLineCount`` are recomputed in SQL, and with
        ``update_summary`` the latest value of every key is merged into the
        summary (as W&B does when a run logs).
        """
        return self.bulk_insert_history(run_id, rows, update_summary=update_summary)

    def bulk_insert_history(
        self, run_id: int, rows: Iterable[Mapping[str, Any]], *, update_summary: bool = False
    ) -> int:
        """The seeding path for long histories: like :meth:`add_history_rows` (which
        calls it), but ``rows`` is consumed lazily in one transaction, so a million
        rows never sit in memory at once, and the summary is left alone unless
        ``update_summary``.  Returns how many rows were written."""
        written = 0
        latest: dict[str, Any] = {}
        with self.transaction() as db:
            next_step = int(
                db.execute(
                    "SELECT COALESCE(max(step), -1) + 1 FROM history WHERE run_id = ?", (run_id,)
                ).fetchone()[0]
            )

            def batch() -> Iterator[tuple[int, int, str]]:
                nonlocal next_step, written
                for row in rows:
                    data = dict(row)
                    step = data.get("_step")
                    if not isinstance(step, int) or isinstance(step, bool):
                        step = next_step
                        data["_step"] = step
                    next_step = max(next_step, step + 1)
                    if update_summary:
                        latest.update(data)
                    written += 1
                    yield (run_id, step, dumps(data))

            db.executemany(
                "INSERT OR REPLACE INTO history (run_id, step, row) VALUES (?, ?, ?)", batch()
            )
            self._refresh_history_keys(run_id)
            if latest:
                current = db.execute("SELECT summary FROM runs WHERE id = ?", (run_id,)).fetchone()
                # runs.summary is always a JSON object (the store writes it)
                summary: dict[str, Any] = json.loads(current[0]) if current else {}
                summary.update(latest)
                db.execute("UPDATE runs SET summary = ? WHERE id = ?", (dumps(summary), run_id))
        return written

    def _refresh_history_keys(self, run_id: int) -> None:
        """Recompute ``historyKeys`` (key -> type counts, lastStep) with one aggregate."""
        counts: dict[str, dict[str, int]] = {}
        for key, jtype, count in self._conn.execute(
            f"SELECT j.key, j.type, count(*) FROM history h, json_each({SQL_JSON}(h.row)) j"
            " WHERE h.run_id = ? GROUP BY j.key, j.type ORDER BY j.key",
            (run_id,),
        ):
            per_type = counts.setdefault(str(key), {})
            name = _history_type(str(jtype))
            per_type[name] = per_type.get(name, 0) + int(count)
        total, last = self._conn.execute(
            "SELECT count(*), COALESCE(max(step), -1) FROM history WHERE run_id = ?", (run_id,)
        ).fetchone()
        keys = {
            key: {
                "typeCounts": [{"type": t, "count": c} for t, c in sorted(types.items())],
            }
            for key, types in counts.items()
        }
        self._conn.execute(
            "UPDATE runs SET history_keys = ?, history_line_count = ? WHERE id = ?",
            (dumps({"keys": keys, "lastStep": int(last)}), int(total), run_id),
        )

    def history(
        self,
        run_id: int,
        *,
        samples: int | None = None,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> list[str]:
        """History rows as JSON text, by ``_step``.

        With ``min_step``/``max_step`` this is a page: rows with
        ``min_step <= _step < max_step``, at most ``samples`` of them.  Without a
        range, ``samples`` rows are picked evenly (first and last included).
        """
        if min_step is not None or max_step is not None:
            lo = -(2**63) if min_step is None else int(min_step)
            hi = 2**63 - 1 if max_step is None else int(max_step)
            limit = -1 if samples is None else max(0, int(samples))
            return [
                str(r["row"])
                for r in self._all(
                    "SELECT row FROM history WHERE run_id = ? AND step >= ? AND step < ?"
                    " ORDER BY step LIMIT ?",
                    (run_id, lo, hi, limit),
                )
            ]
        return [str(r["row"]) for r in self._sampled("history", "step", run_id, samples, "1", [])]

    def _sampled(
        self,
        table: str,
        order_column: str,
        run_id: int,
        samples: int | None,
        where: str,
        params: Sequence[object],
    ) -> list[Row]:
        """Evenly spaced rows of ``table`` for a run, selected inside SQLite."""
        base = f"FROM {table} WHERE run_id = ? AND {where}"
        args = [run_id, *params]
        with self._lock:
            count = int(self._conn.execute(f"SELECT count(*) {base}", args).fetchone()[0])
            if samples is None or count <= samples:
                return self._all(f"SELECT row {base} ORDER BY {order_column}", args)
            picks = evenly_spaced(count, int(samples))
            return self._all(
                f"SELECT row FROM (SELECT row, {order_column} AS o,"
                f" ROW_NUMBER() OVER (ORDER BY {order_column}) - 1 AS rn {base})"
                " WHERE rn IN (SELECT value FROM json_each(?)) ORDER BY o",
                [*args, dumps(picks)],
            )

    def sampled_history(
        self,
        run_id: int,
        keys: Sequence[str],
        *,
        samples: int | None = None,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> list[dict[str, Any]]:
        """Rows that have every key, evenly sampled, projected onto ``keys``.

        Unlike :meth:`history`, ``max_step`` is *inclusive* here: wandb-core pages
        ``SampledHistoryPage`` with ``maxStep = minStep + pageSize - 1``.
        """
        conds = ["step >= ?", "step <= ?"]
        params: list[object] = [
            -(2**63) if min_step is None else int(min_step),
            2**63 - 1 if max_step is None else int(max_step),
        ]
        for key in keys:
            if key == "_step" or not key:
                continue
            _, type_expr = json_lookup("row", [key])  # a key may hold dots: one segment
            conds.append(f"{type_expr.text} IS NOT NULL")
            params.extend(type_expr.params)
        rows = self._sampled("history", "step", run_id, samples, " AND ".join(conds), params)
        out: list[dict[str, Any]] = []
        for row in rows:
            data = json.loads(row["row"])
            out.append({key: data[key] for key in keys if key in data})
        return out

    def live_history(self, run_id: int, keys: Sequence[str]) -> list[dict[str, Any]]:
        """One object per step with the requested keys (parquetHistory ``liveData``)."""
        if all(key == "_step" for key in keys):
            return [
                {"_step": int(r["step"])}
                for r in self._all(
                    "SELECT step FROM history WHERE run_id = ? ORDER BY step", (run_id,)
                )
            ]
        out: list[dict[str, Any]] = []
        for r in self._all("SELECT row FROM history WHERE run_id = ? ORDER BY step", (run_id,)):
            data = json.loads(r["row"])
            out.append({key: data[key] for key in keys if key in data})
        return out

    def add_events(self, run_id: int, rows: Iterable[Mapping[str, Any]]) -> int:
        """Append system-metric rows (``Run.events``)."""
        with self.transaction() as db:
            seq = int(
                db.execute(
                    "SELECT COALESCE(max(seq), -1) + 1 FROM events WHERE run_id = ?", (run_id,)
                ).fetchone()[0]
            )
            batch = [(run_id, seq + i, dumps(dict(row))) for i, row in enumerate(rows)]
            db.executemany("INSERT INTO events (run_id, seq, row) VALUES (?, ?, ?)", batch)
        return len(batch)

    def events(self, run_id: int, samples: int | None = None) -> list[str]:
        """A run's system-metric events as JSON text, evenly sampled in SQL."""
        return [str(r["row"]) for r in self._sampled("events", "seq", run_id, samples, "1", [])]
