"""Rows out, a page at a time: CSV, JSON Lines and Parquet writers.

Each writer takes pages of rows (``dict`` column -> value) and writes them as they
come, so an export holds one page in memory. Parquet (pyarrow's ``ParquetWriter``)
turns each page into Arrow columns at once and writes a row group of whole pages as
soon as it holds :data:`ROW_GROUP_ROWS` rows: memory stays bounded by the row group,
whatever the run's length, and readers get row groups large enough to be efficient
(a row group per 1,000-row page made a million-row file of a thousand tiny groups,
and the writer's memory grew with their metadata). The schema is fixed before the
first page: column *kinds* (:data:`Kind`) come from the caller (a run's history-key
metadata, or the values of a buffered listing) or from the first page.
"""

from __future__ import annotations

import csv
import importlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Literal, TextIO, cast

from ..errors import MissingDependencyError
from ._common import CliError, cell, escaped_cell, json_line

__all__ = [
    "CsvWriter",
    "JsonlWriter",
    "Kind",
    "ParquetWriter",
    "RowWriter",
    "infer_kinds",
    "widen_csv",
]

#: How a column is stored in Parquet: ``json`` is a string holding JSON text (lists,
#: objects and columns whose values have more than one type).
Kind = Literal["int", "float", "bool", "string", "timestamp", "strings", "json"]
#: Rows per Parquet row group (whole pages: a group may hold up to a page more).
ROW_GROUP_ROWS = 65_536
Row = Mapping[str, object]


class RowWriter:
    """The interface: :meth:`write` a page of rows, then :meth:`close`."""

    def write(self, rows: Sequence[Row]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish the output (flush, write the footer)."""


class JsonlWriter(RowWriter):
    """One JSON object per line, keys in the row's order (history rows keep only
    the keys they have)."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, rows: Sequence[Row]) -> None:
        self._out.write("".join(json_line(dict(row)) for row in rows))


class CsvWriter(RowWriter):
    """CSV with a header of ``columns``. A row with a key the header lacks either
    widens the column list (``can_widen``: the caller rewrites the header at the
    end, see :func:`widen_csv`) or is a :class:`CliError` naming it (``where(row)``
    says which row). Cells are written as they are (as pandas writes them), or with
    ``escape_formulas`` text that a spreadsheet would run as a formula gets a ``'``
    first (see :func:`~._common.escaped_cell`)."""

    def __init__(
        self,
        out: TextIO,
        columns: Sequence[str],
        *,
        can_widen: bool,
        where: Callable[[Row], str],
        remedy: str,
        escape_formulas: bool = False,
    ) -> None:
        self.columns = list(columns)
        self._cell = escaped_cell if escape_formulas else cell
        self.widened = False
        self._known = set(self.columns)
        self._can_widen = can_widen
        self._where = where
        self._remedy = remedy
        self._csv = csv.writer(out, lineterminator="\n")
        self._csv.writerow(self.header)

    @property
    def header(self) -> list[str]:
        """The header's cells for :attr:`columns` (escaped like every other cell)."""
        return [self._cell(c) for c in self.columns]

    def write(self, rows: Sequence[Row]) -> None:
        for row in rows:
            extra = [key for key in row if key not in self._known]
            if extra:
                if not self._can_widen:
                    raise CliError(
                        f"{self._where(row)} has {_keys(extra)} that the header (written "
                        f"already) lacks; {self._remedy}"
                    )
                self.columns += extra
                self._known.update(extra)
                self.widened = True
            self._csv.writerow([self._cell(row.get(column)) for column in self.columns])


def widen_csv(path: Path, columns: Sequence[str]) -> None:
    """Give the CSV at ``path`` the header ``columns`` and pad every row to it (rows
    written before a column first appeared are shorter), a line at a time."""
    wider = path.with_name(f"{path.name}.wide")
    try:
        with (
            path.open(newline="", encoding="utf-8") as src,
            wider.open("w", newline="", encoding="utf-8") as dst,
        ):
            reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
            next(reader)  # the old header
            writer.writerow(columns)
            for row in reader:
                writer.writerow(row + [""] * (len(columns) - len(row)))
        os.replace(wider, path)
    finally:
        wider.unlink(missing_ok=True)


def _keys(keys: Sequence[str]) -> str:
    shown = ", ".join(repr(k) for k in keys[:5])
    return f"key{'s' if len(keys) > 1 else ''} {shown}" + (" ..." if len(keys) > 5 else "")


# ---------------------------------------------------------------- Parquet


def pyarrow_modules() -> tuple[Any, Any]:
    """``(pyarrow, pyarrow.parquet)``, or :class:`MissingDependencyError` naming the extra."""
    try:
        pa: Any = importlib.import_module("pyarrow")
        pq: Any = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise MissingDependencyError(
            "Parquet output needs pyarrow: pip install 'wandb-typed[parquet]'"
        ) from None
    return pa, pq


def _kind_of(value: object) -> Kind | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, (str, Enum)):
        return "string"
    if isinstance(value, datetime):
        return "timestamp"
    if isinstance(value, list) and all(isinstance(v, str) for v in cast("list[object]", value)):
        return "strings"
    return "json"


def merge_kinds(kinds: Iterable[Kind]) -> Kind:
    """The kind that holds every value of a column: ``int`` and ``float`` make
    ``float``; any other mix, ``json``; no values at all, ``json`` too."""
    found = set(kinds)
    if not found:
        return "json"
    if len(found) == 1:
        return found.pop()
    if found == {"int", "float"}:
        return "float"
    return "json"


def infer_kinds(columns: Sequence[str], rows: Iterable[Row]) -> dict[str, Kind]:
    """Each column's kind from the values ``rows`` hold."""
    seen: dict[str, set[Kind]] = {column: set() for column in columns}
    for row in rows:
        for column in columns:
            kind = _kind_of(row.get(column))
            if kind is not None:
                seen[column].add(kind)
    return {column: merge_kinds(kinds) for column, kinds in seen.items()}


class ParquetWriter(RowWriter):
    """Parquet at ``path``: each page converted to Arrow as it comes, a row group
    written per ``row_group_rows`` rows of whole pages. ``columns`` and ``kinds`` fix
    the schema; with ``columns=None`` they come from the first page. A key outside the
    columns, or a value its column's kind cannot hold, is a :class:`CliError` naming
    the row (``where``) and what to do (``remedy``), never a dropped value."""

    def __init__(
        self,
        path: Path,
        columns: Sequence[str] | None,
        kinds: Mapping[str, Kind] | None,
        *,
        where: Callable[[Row], str],
        remedy: str,
        row_group_rows: int = ROW_GROUP_ROWS,
    ) -> None:
        self._pa, self._pq = pyarrow_modules()
        self._row_group_rows = row_group_rows
        self._pending: list[Any] = []  # Arrow record batches of the next row group
        self._pending_rows = 0
        self._path = path
        self._columns = list(columns) if columns is not None else None
        self._kinds = dict(kinds or {})
        self._where = where
        self._remedy = remedy
        self._writer: Any = None
        self._schema: Any = None

    def _open(self, rows: Sequence[Row]) -> Any:
        """Fix the schema (from ``rows`` where not given) and open the file."""
        if self._columns is None:
            order: dict[str, None] = {}
            for row in rows:
                order.update(dict.fromkeys(row))
            self._columns = list(order)
        missing = [c for c in self._columns if c not in self._kinds]
        self._kinds.update(infer_kinds(missing, rows))
        pa = self._pa
        types = {
            "int": pa.int64(),
            "float": pa.float64(),
            "bool": pa.bool_(),
            "string": pa.string(),
            "timestamp": pa.timestamp("us", tz="UTC"),
            "strings": pa.list_(pa.string()),
            "json": pa.string(),
        }
        self._schema = pa.schema([(c, types[self._kinds[c]]) for c in self._columns])
        self._writer = self._pq.ParquetWriter(str(self._path), self._schema)
        return self._writer

    def write(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        writer: Any = self._writer if self._writer is not None else self._open(rows)
        columns = self._columns
        assert columns is not None
        known = set(columns)
        values: dict[str, list[object]] = {column: [] for column in columns}
        for row in rows:
            extra = [key for key in row if key not in known]
            if extra:
                raise CliError(
                    f"{self._where(row)} has {_keys(extra)} that the Parquet columns (fixed "
                    f"before the first row) lack; {self._remedy}"
                )
            for column in columns:
                values[column].append(self._convert(row, column))
        arrays = [self._pa.array(values[c], type=self._schema.field(c).type) for c in columns]
        self._pending.append(self._pa.RecordBatch.from_arrays(arrays, schema=self._schema))
        self._pending_rows += len(rows)
        if self._pending_rows >= self._row_group_rows:
            self._flush(writer)

    def _flush(self, writer: Any) -> None:
        """Write the pending pages as one row group."""
        if self._pending_rows:
            table = self._pa.Table.from_batches(self._pending, schema=self._schema)
            writer.write_table(table, row_group_size=self._pending_rows)
        self._pending, self._pending_rows = [], 0

    def _convert(self, row: Row, column: str) -> object:
        value = row.get(column)
        if value is None:
            return None
        kind = self._kinds[column]
        if kind == "json":
            return json.dumps(value, ensure_ascii=False, default=str)
        if isinstance(value, Enum):
            value = value.value
        ok = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "string": isinstance(value, str),
            "timestamp": isinstance(value, datetime),
            "strings": isinstance(value, list),
        }[kind]
        if not ok:
            raise CliError(
                f"{self._where(row)}: {column!r} is {type(value).__name__} {value!r:.40} in a "
                f"column of {kind} values; {self._remedy}"
            )
        if kind == "float" and isinstance(value, (int, float)):
            return float(value)
        return value

    def close(self) -> None:
        # No rows: still a valid file, with the known columns.
        writer: Any = self._writer if self._writer is not None else self._open([])
        self._flush(writer)
        writer.close()
