"""The JSON media W&B stores in artifacts (``<name>.table.json``, ...), read without
importing ``wandb``: a ``wandb.Table`` becomes a typed :class:`Table` of columns and
rows; other media stay their JSON object."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from ..errors import ResponseValidationError
from ..types import JSONObject, JSONValue

__all__ = ["MEDIA_SUFFIXES", "Table", "media_paths", "table_from"]

#: The suffixes ``wandb`` gives media it adds to an artifact as ``<name><suffix>``.
MEDIA_SUFFIXES = (
    ".table.json", ".partitioned-table.json", ".joined-table.json", ".eval-table.json",
    ".image-file.json", ".audio-file.json", ".video-file.json", ".html-file.json",
    ".histogram.json", ".classes.json", ".bounding-boxes.json", ".mask.json",
    ".object3D-file.json", ".molecule-file.json", ".plotly-file.json", ".bokeh-file.json",
    ".graph-file.json", ".pytorch-model-file.json", ".sklearn-model-file.json",
    ".tfkeras-model-file.json", ".wb_trace_tree.json",
)  # fmt: skip


@dataclass(frozen=True)
class Table:
    """A ``wandb.Table`` as stored in an artifact: column names and rows of JSON values
    (media cells stay their JSON reference, e.g. ``{"_type": "image-file", ...}``)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[JSONValue, ...], ...]
    column_types: JSONObject
    """``wandb``'s description of each column's type (as stored; may be empty)."""

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[JSONValue, ...]]:
        return iter(self.rows)

    def column(self, name: str) -> list[JSONValue]:
        """The values of one column, top to bottom (``KeyError`` for an unknown column)."""
        try:
            index = self.columns.index(name)
        except ValueError:
            raise KeyError(name) from None
        return [row[index] for row in self.rows]

    def to_dicts(self) -> list[dict[str, JSONValue]]:
        """One ``{column: value}`` dict per row."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def media_paths(name: str) -> list[str]:
    """The manifest paths ``artifact.get(name)`` looks at, in order: ``name`` itself
    (when it names a JSON file), then ``name`` with each media suffix."""
    exact = [name] if name.endswith(".json") else []
    return exact + [name + suffix for suffix in MEDIA_SUFFIXES]


def table_from(data: JSONObject, what: str) -> Table:
    """A :class:`Table` from its stored JSON (``columns``, ``data``, ``column_types``)."""
    columns, rows = data.get("columns"), data.get("data")
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise ResponseValidationError(f"{what}: a table needs 'columns' and 'data' lists")
    names = tuple(str(c) for c in columns)
    out: list[tuple[JSONValue, ...]] = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(names):
            raise ResponseValidationError(
                f"{what}: row {len(out)} does not have {len(names)} cells"
            )
        out.append(tuple(cast("Sequence[JSONValue]", row)))
    types = data.get("column_types")
    return Table(names, tuple(out), types if isinstance(types, dict) else {})
