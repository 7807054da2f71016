"""A small reader of TensorBoard event files (``*tfevents*``), shared by both modes.

The files are TFRecord streams (``uint64 length``, ``uint32`` masked CRC-32C of the
length, the record, ``uint32`` masked CRC-32C of the record) of ``tensorflow.Event``
protocol buffers. This module decodes the few fields ``sync_tensorboard`` needs with a
varint reader of its own, so reading needs neither TensorFlow nor the ``tensorboard``
package (with its protobuf, grpcio and numpy dependencies):

* ``Event``: ``wall_time`` (1), ``step`` (2), ``summary`` (5);
* ``Summary.Value``: ``tag`` (1), ``simple_value`` (2), ``image`` (4), ``histo`` (5),
  ``audio`` (6), ``tensor`` (8), ``metadata`` (9, its ``plugin_data.plugin_name``);
* ``HistogramProto``: ``min``/``max``/``num``/``sum``/``sum_squares``,
  ``bucket_limit`` and ``bucket`` (packed doubles);
* ``TensorProto``: ``dtype`` (1), ``tensor_shape`` (2), ``tensor_content`` (4) and the
  typed value lists (``float_val`` 5, ``double_val`` 6, ``int_val`` 7, ``int64_val``
  10, ``string_val`` 8), for scalars and histograms written by ``tf.summary`` (TF2).

A record whose length checksum fails ends the file there (a file still being
written, or cut short); the record checksums are checked too.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = [
    "Histogram",
    "Point",
    "SkippedTensorBoardDataWarning",
    "TensorBoardHistory",
    "history_of",
    "namespaces",
    "read_events",
    "skipped_kind",
]

_MASK_DELTA = 0xA282EAD8


@cache
def _crc_table() -> tuple[int, ...]:
    """CRC-32C's byte table, built on the first event file read (not at import: every
    ``import wandb_typed`` imports this module for its warning class)."""
    table: list[int] = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


def _crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    table = _crc_table()
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _masked(data: bytes) -> int:
    crc = _crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


class SkippedTensorBoardDataWarning(UserWarning):
    """``sync_tensorboard`` met values it does not sync (images, audio, text, ...); the
    message names their kinds and tags."""


@dataclass(frozen=True)
class Histogram:
    """A histogram as W&B stores it: ``counts`` in the buckets between ``bins`` edges
    (``len(bins) == len(counts) + 1``)."""

    counts: list[float]
    bins: list[float]

    def to_json(self) -> dict[str, object]:
        """W&B's history value: ``{"_type": "histogram", "values": ..., "bins": ...}``."""
        return {"_type": "histogram", "values": self.counts, "bins": self.bins}


@dataclass
class Point:
    """What one event logged at one step: numbers and histograms by tag, and the
    kinds of values it had that are not synced (images, audio, text, ...)."""

    step: int
    wall_time: float
    values: dict[str, float | Histogram] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


# -- protobuf wire format ---------------------------------------------------------------


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _fields(buf: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """``(field number, wire type, value)``: an int for varints and fixed-width
    numbers (their raw bits), bytes for length-delimited fields."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            yield number, wire, value
        elif wire == 1:
            yield number, wire, int.from_bytes(buf[pos : pos + 8], "little")
            pos += 8
        elif wire == 2:
            size, pos = _varint(buf, pos)
            yield number, wire, buf[pos : pos + size]
            pos += size
        elif wire == 5:
            yield number, wire, int.from_bytes(buf[pos : pos + 4], "little")
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > len(buf):
            raise ValueError("truncated field")


def _double(bits: int) -> float:
    return float(struct.unpack("<d", bits.to_bytes(8, "little"))[0])


def _float(bits: int) -> float:
    return float(struct.unpack("<f", bits.to_bytes(4, "little"))[0])


def _doubles(wire: int, value: int | bytes) -> list[float]:
    if isinstance(value, bytes):
        return [float(x) for x in struct.unpack(f"<{len(value) // 8}d", value)]
    return [_double(value)]


def _floats(wire: int, value: int | bytes) -> list[float]:
    if isinstance(value, bytes):
        return [float(x) for x in struct.unpack(f"<{len(value) // 4}f", value)]
    return [_float(value)]


def _ints(value: int | bytes) -> list[int]:
    if isinstance(value, bytes):
        out: list[int] = []
        pos = 0
        while pos < len(value):
            n, pos = _varint(value, pos)
            out.append(n - (1 << 64) if n >= 1 << 63 else n)
        return out
    return [value - (1 << 64) if value >= 1 << 63 else value]


# -- the messages ---------------------------------------------------------------------------


def _histogram(buf: bytes) -> Histogram | None:
    """A ``HistogramProto`` as W&B converts it: the bucket limits are right edges; the
    first and last edges are extrapolated from their neighbours (the outer limits are
    +-1e12 in files TensorFlow writes)."""
    limits: list[float] = []
    counts: list[float] = []
    for number, wire, value in _fields(buf):
        if number == 6:
            limits.extend(_doubles(wire, value))
        elif number == 7:
            counts.extend(_doubles(wire, value))
    if len(limits) < 3 or len(limits) != len(counts):
        return None
    first = limits[0] + limits[0] - limits[1]
    last = limits[-2] + limits[-2] - limits[-3]
    return Histogram(counts, [first, *limits[:-1], last])


@dataclass
class _Tensor:
    dtype: int = 0
    shape: list[int] = field(default_factory=list)
    content: bytes = b""
    floats: list[float] = field(default_factory=list)
    strings: int = 0

    def numbers(self) -> list[float]:
        if self.floats:
            return self.floats
        fmt = {1: "f", 2: "d", 3: "i", 9: "q", 19: "e"}.get(self.dtype)
        if fmt is None or not self.content:
            return []
        width = struct.calcsize(fmt)
        count = len(self.content) // width
        return [float(x) for x in struct.unpack(f"<{count}{fmt}", self.content[: count * width])]


def _tensor(buf: bytes) -> _Tensor:
    tensor = _Tensor()
    for number, wire, value in _fields(buf):
        if number == 1 and isinstance(value, int):
            tensor.dtype = value
        elif number == 2 and isinstance(value, bytes):
            for dim_number, _, dim in _fields(value):
                if dim_number == 2 and isinstance(dim, bytes):
                    size = next((v for n, _, v in _fields(dim) if n == 1), 0)
                    tensor.shape.append(size if isinstance(size, int) else 0)
        elif number == 4 and isinstance(value, bytes):
            tensor.content = value
        elif number == 5:
            tensor.floats.extend(_floats(wire, value))
        elif number == 6:
            tensor.floats.extend(_doubles(wire, value))
        elif number in (7, 10):
            tensor.floats.extend(float(x) for x in _ints(value))
        elif number == 8:
            tensor.strings += 1
    return tensor


def _plugin(buf: bytes) -> str:
    for number, _, value in _fields(buf):
        if number == 1 and isinstance(value, bytes):
            for inner, _, name in _fields(value):
                if inner == 1 and isinstance(name, bytes):
                    return name.decode("utf-8", "replace")
    return ""


def skipped_kind(plugin: str, field_number: int) -> str:
    """What a value that is not synced is, for the warning that names it."""
    if field_number == 4 or plugin == "images":
        return "images"
    if field_number == 6 or plugin == "audio":
        return "audio"
    return {"text": "text", "pr_curves": "PR curves", "mesh": "meshes"}.get(
        plugin, f"{plugin or 'unknown'} summaries"
    )


def _value(buf: bytes, point: Point) -> None:
    tag, plugin = "", ""
    kind: tuple[int, int | bytes] | None = None
    for number, _wire, value in _fields(buf):
        if number == 1 and isinstance(value, bytes):
            tag = value.decode("utf-8", "replace")
        elif number == 9 and isinstance(value, bytes):
            plugin = _plugin(value)
        elif number in (2, 3, 4, 5, 6, 8):
            kind = (number, value)
    if kind is None or not tag:
        return
    number, value = kind
    if number == 2 and isinstance(value, int):
        point.values[tag] = _float(value)
    elif number == 5 and isinstance(value, bytes):
        histogram = _histogram(value)
        if histogram is not None:
            point.values[tag] = histogram
    elif number == 8 and isinstance(value, bytes) and plugin in ("scalars", ""):
        numbers = _tensor(value).numbers()
        if len(numbers) == 1:
            point.values[tag] = numbers[0]
        else:
            point.skipped[tag] = skipped_kind(plugin, number)
    elif number == 8 and isinstance(value, bytes) and plugin == "histograms":
        tensor = _tensor(value)
        numbers = tensor.numbers()
        if len(numbers) >= 3 and len(numbers) % 3 == 0:
            rows = [numbers[i : i + 3] for i in range(0, len(numbers), 3)]
            point.values[tag] = Histogram([r[2] for r in rows], [rows[0][0], *[r[1] for r in rows]])
    else:
        point.skipped[tag] = skipped_kind(plugin, number)


def _event(buf: bytes) -> Point | None:
    step, wall_time = 0, 0.0
    summary: bytes | None = None
    for number, _, value in _fields(buf):
        if number == 1 and isinstance(value, int):
            wall_time = _double(value)
        elif number == 2 and isinstance(value, int):
            step = value - (1 << 64) if value >= 1 << 63 else value
        elif number == 5 and isinstance(value, bytes):
            summary = value
    if summary is None:
        return None
    point = Point(step, wall_time)
    for number, _, value in _fields(summary):
        if number == 1 and isinstance(value, bytes):
            _value(value, point)
    if not point.values and not point.skipped:
        return None
    return point


def read_events(path: Path) -> Iterator[Point]:
    """The summaries of one event file, in the order written (see the module docstring);
    a malformed record raises ``ValueError`` naming the file."""
    with path.open("rb") as handle:
        while True:
            header = handle.read(12)
            if len(header) < 12:
                return
            length = int.from_bytes(header[:8], "little")
            if _masked(header[:8]) != int.from_bytes(header[8:12], "little"):
                return  # a record still being written, or a cut file: stop here
            data = handle.read(length)
            footer = handle.read(4)
            if len(data) < length or len(footer) < 4:
                return
            if _masked(data) != int.from_bytes(footer, "little"):
                raise ValueError(f"{path}: a record fails its checksum")
            try:
                point = _event(data)
            except (ValueError, struct.error) as exc:
                raise ValueError(f"{path}: a malformed event ({exc})") from None
            if point is not None:
                yield point


@dataclass
class TensorBoardHistory:
    """What ``sync_tensorboard`` streams: one history row per TensorBoard step (all
    event files merged), the summary (each key's last value), and the values it does
    not sync, by kind (``images`` -> their tags)."""

    rows: list[dict[str, object]]
    summary: dict[str, object]
    skipped: dict[str, list[str]]


def namespaces(files: list[Path], root: Path) -> list[str]:
    """The key prefix of each event file: its directory under ``root`` (``train``,
    ``eval``), or none when every file is in the same directory."""
    parents = {f.parent for f in files}
    if len(parents) == 1:
        return ["" for _ in files]
    return [f.parent.relative_to(root).as_posix().strip(".").strip("/") for f in files]


def history_of(streams: list[tuple[str, Iterator[Point]]]) -> TensorBoardHistory:
    """Merge event streams into rows, as W&B's TensorBoard sync lays them out: a row
    per distinct ``step`` in step order, with ``global_step`` (the TensorBoard step),
    ``_timestamp`` (the latest wall time of that step), ``_runtime`` (seconds since the
    first event) and each tag's value under ``<namespace>/<tag>``; histograms in W&B's
    histogram format."""
    merged: dict[int, dict[str, object]] = {}
    wall: dict[int, float] = {}
    skipped: dict[str, set[str]] = {}
    for namespace, points in streams:
        for point in points:
            values = merged.setdefault(point.step, {})
            for tag, value in point.values.items():
                key = f"{namespace}/{tag}" if namespace else tag
                values[key] = value.to_json() if isinstance(value, Histogram) else value
            for tag, kind in point.skipped.items():
                skipped.setdefault(kind, set()).add(f"{namespace}/{tag}" if namespace else tag)
            wall[point.step] = max(wall.get(point.step, point.wall_time), point.wall_time)
    start = min(wall.values()) if wall else 0.0
    rows: list[dict[str, object]] = []
    summary: dict[str, object] = {}
    for step in sorted(merged):
        values = merged[step]
        if not values:
            continue
        row: dict[str, object] = {
            "_step": len(rows),
            "global_step": step,
            "_timestamp": wall[step],
            "_runtime": wall[step] - start,
            **values,
        }
        rows.append(row)
        summary.update(row)
    return TensorBoardHistory(rows, summary, {k: sorted(v) for k, v in sorted(skipped.items())})
