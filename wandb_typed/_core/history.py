"""Run history without I/O: argument checks, row parsing, and where a full scan's
next window goes.

A full scan asks for windows of steps ``[lo, hi)`` with at most ``page_size`` rows
each. A window of at most ``page_size`` steps can never hold more rows than that
(steps are unique), so the server never has to sample it; a wider window that
comes back with fewer than ``page_size`` rows was complete too. :class:`ScanPlan`
widens the window while the data is sparse and narrows it again when a window
comes back full, so a run with steps 0 and 1.7e12 takes a few dozen requests, not
billions, and a dense run takes exactly one request per ``page_size`` steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias, cast

from ..errors import InputError, MissingDependencyError, ResponseValidationError
from ..types import JSONValue, PandasFrame
from .checks import check_int, check_keys

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = [
    "SCAN_WINDOWS_AHEAD",
    "HistoryRow",
    "ScanPlan",
    "frame",
    "opening_windows",
    "parse_rows",
    "sampled_rows",
]

#: One history row: ``{"_step": 3, "loss": 0.2, ...}``.
HistoryRow: TypeAlias = dict[str, JSONValue]
"""One row of a run's history: metric name to JSON value (``_step`` included)."""
MAX_SCAN_PAGE = 10_000
MAX_STEP = 2**63 - 1


def check_history_args(samples: object, keys: object, x_axis: object, stream: object) -> None:
    """The arguments of ``history()`` (and ``histories()``), before any request."""
    check_int(samples, "samples", 1)
    check_keys(keys, "keys")
    if not isinstance(x_axis, str) or not x_axis:
        raise InputError(f"x_axis must be a non-empty string, got {x_axis!r}")
    if stream not in ("default", "system"):
        raise InputError(f"stream must be 'default' or 'system', got {stream!r}")
    if keys is not None and stream == "system":
        raise InputError("keys select history keys; they cannot be combined with stream='system'")


def parse_rows(lines: Sequence[str] | None, operation: str) -> list[HistoryRow]:
    """History rows from the server's JSON lines; a row that is not an object is an error."""
    from pydantic_core import from_json  # about 3x json.loads; imported on first use

    rows: list[HistoryRow] = []
    for line in lines or ():
        try:
            row = from_json(line)
        except ValueError:
            raise ResponseValidationError(
                f"{operation}: a history row is not JSON", operation_name=operation
            ) from None
        if not isinstance(row, dict):
            raise ResponseValidationError(
                f"{operation}: a history row is not an object", operation_name=operation
            )
        rows.append(cast("HistoryRow", row))
    return rows


def sampled_rows(value: list[JSONValue | None] | None) -> list[HistoryRow]:
    """The rows of ``sampledHistory``'s first (only) spec."""
    first = value[0] if value else None
    if first is None:
        return []
    if not isinstance(first, list):
        raise ResponseValidationError(
            "RunSampledHistory: expected a list of rows", operation_name="RunSampledHistory"
        )
    return [row for row in first if isinstance(row, dict)]


def require_pandas(what: str) -> None:
    """:class:`MissingDependencyError` now, before any request, if pandas is missing."""
    import importlib

    try:
        importlib.import_module("pandas")
    except ImportError:
        raise MissingDependencyError(
            f"{what} needs pandas: pip install 'wandb-typed[pandas]' (or pass pandas=False)"
        ) from None


def frame(rows: list[HistoryRow], what: str, sort_columns: bool = False) -> PandasFrame:
    """A pandas DataFrame of ``rows`` (``MissingDependencyError`` without pandas)."""
    try:
        import pandas
    except ImportError:
        raise MissingDependencyError(
            f"{what} needs pandas: pip install 'wandb-typed[pandas]' (or pass pandas=False)"
        ) from None
    columns = sorted({key for row in rows for key in row}) if sort_columns else None
    df: DataFrame = pandas.DataFrame(rows, columns=columns)
    return PandasFrame(df)


def check_scan_args(
    keys: object, page_size: object, min_step: object, max_step: object
) -> tuple[tuple[str, ...] | None, int, int, int | None]:
    """The arguments of ``scan_history()``: keys, page size, first step, end step."""
    wanted = check_keys(keys, "keys")
    size = check_int(page_size, "page_size", 1, MAX_SCAN_PAGE)
    start = 0 if min_step is None else check_int(min_step, "min_step", 0, MAX_STEP)
    stop = None if max_step is None else check_int(max_step, "max_step", 0, MAX_STEP)
    if stop is not None and stop < start:
        raise InputError(f"max_step ({stop}) must not be less than min_step ({start})")
    return wanted, size, start, stop


#: Windows of a dense history fetched ahead of the caller, at most. Their step ranges
#: are known in advance (each at most ``page_size`` steps wide, so complete whatever it
#: holds), so they can be in flight together: through a 50 ms round trip a scan costs
#: a few round trips, not one per window.
SCAN_WINDOWS_AHEAD = 8


def opening_windows(
    lo: int, page_size: int, max_step: int | None, lines: int | None, last_step: int | None
) -> list[tuple[int, int]]:
    """The windows a scan asks for before it knows the run's last step: the first one,
    or, when the run as last fetched had a dense history (``lines`` rows over steps up
    to ``last_step``, a quarter of the steps or more, as :class:`ScanPlan` calls a
    window dense), up to :data:`SCAN_WINDOWS_AHEAD` of them, up to that last step."""
    end = lo + page_size if max_step is None else min(lo + page_size, max_step)
    count = 1
    if lines is not None and last_step is not None and lines * 4 >= last_step + 1:
        known = last_step + 1 if max_step is None else min(last_step + 1, max_step)
        if known > lo:  # else the run may have grown since: the first window only
            end, count = known, SCAN_WINDOWS_AHEAD
    out: list[tuple[int, int]] = []
    start = lo
    while len(out) < count and start < end:
        out.append((start, min(start + page_size, end)))
        start = out[-1][1]
    return out


class ScanPlan:
    """Where the next window of a full scan goes (see the module docstring)."""

    def __init__(self, lo: int, stop: int, page_size: int) -> None:
        self.lo = lo
        """The first step not yet scanned."""
        self.stop = stop
        """The end of the scan (exclusive)."""
        self.page_size = page_size
        self._width = page_size
        self._dense = True

    @property
    def done(self) -> bool:
        return self.lo >= self.stop

    @property
    def steady(self) -> bool:
        """Whether several windows may be fetched ahead: each is at most ``page_size``
        steps wide (so it is complete whatever it holds) and the last one was dense (so
        the plan is not about to widen them)."""
        return self._dense and self._width <= self.page_size

    def window(self) -> tuple[int, int]:
        """The next window ``[lo, hi)`` to ask for."""
        return self.window_from(self.lo)

    def window_from(self, start: int) -> tuple[int, int]:
        """The window of the current width that starts at ``start`` (a window fetched
        ahead starts where the one before it ends)."""
        return start, min(start + self._width, self.stop)

    def observe(self, hi: int, rows: int) -> bool:
        """Record that window ``[lo, hi)`` held ``rows`` rows. True: the window was
        complete and the scan moved past it. False: it came back full and may have
        been sampled; ask again for a narrower window."""
        width = hi - self.lo
        if rows >= self.page_size and width > self.page_size:
            self._width = max(self.page_size, width // 8)
            return False
        self.lo = hi
        self._dense = rows * 4 >= self.page_size
        if rows == 0:
            self._width = width * 16
        elif not self._dense:
            self._width = width * 2
        return True
