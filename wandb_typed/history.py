"""Run history: sampled rows (``run.history``), every row (``run.scan_history``),
and the sampled history of a whole collection (``runs.histories``).

A full scan walks windows of ``page_size`` steps, ``[lo, lo + page_size)``, asking
for at most ``page_size`` rows per window: since steps are unique the server
never has to sample, so no row is lost or repeated across pages, and only one
page is held in memory. The scan ends at the run's last step as reported when
the scan starts; resume it later with ``from_cursor`` or ``min_step``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from ._modes import M
from ._steps import Steps, call
from .errors import InputError, MissingDependencyError, NotFoundError, ResponseValidationError
from .paging import Page, Paginator
from .types import JSONValue

if TYPE_CHECKING:
    from .runs import Run, Runs

__all__ = ["HistoryRow", "HistoryScan"]

#: One history row: ``{"_step": 3, "loss": 0.2, ...}``.
HistoryRow: TypeAlias = dict[str, JSONValue]
MAX_SCAN_PAGE = 10_000


class HistoryScan(Paginator[HistoryRow, M]):
    """Every history row of a run in a step range; lazy, re-iterable, resumable."""


def _check_keys(keys: object) -> list[str] | None:
    if keys is None:
        return None
    if isinstance(keys, str) or not isinstance(keys, Sequence):
        raise InputError(f"keys must be a list of strings, got {type(keys).__name__}")
    for key in keys:
        if not isinstance(key, str) or not key:
            raise InputError(f"keys must contain non-empty strings, got {key!r}")
    return list(keys)


def _check_int(value: object, what: str, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{what} must be an int, got {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise InputError(f"{what} must be {bound}, got {value}")
    return value


def _rows(lines: Sequence[str] | None, operation: str) -> list[HistoryRow]:
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
        rows.append(row)
    return rows


def _sampled_rows(value: list[JSONValue | None] | None) -> list[HistoryRow]:
    first = value[0] if value else None
    if first is None:
        return []
    if not isinstance(first, list):
        raise ResponseValidationError(
            "RunSampledHistory: expected a list of rows", operation_name="RunSampledHistory"
        )
    return [row for row in first if isinstance(row, dict)]


def _frame(rows: list[HistoryRow]) -> Any:
    import pandas

    return pandas.DataFrame.from_records(rows)


def history_rows(
    run: Run[Any], samples: int, keys: Sequence[str] | None, x_axis: str, stream: str
) -> Steps[list[HistoryRow]]:
    """Sampled rows of one run (see ``Run.history``)."""
    samples = _check_int(samples, "samples", 1)
    wanted = _check_keys(keys)
    if not isinstance(x_axis, str) or not x_axis:
        raise InputError(f"x_axis must be a non-empty string, got {x_axis!r}")
    if stream not in ("default", "system"):
        raise InputError(f"stream must be 'default' or 'system', got {stream!r}")
    entity, project, name = run.entity, run.project, run.id
    if wanted is None and stream == "system":
        events = yield from call(
            lambda c: c.run_system_events(
                entity=entity, project=project, name=name, samples=samples
            )
        )
        if events.project is None or events.project.run is None:
            raise NotFoundError.of(f"run {run.path}", "RunSystemEvents")
        return _rows(events.project.run.events, "RunSystemEvents")
    if wanted is None:
        window = yield from call(
            lambda c: c.run_history_window(
                entity=entity, project=project, name=name, samples=samples
            )
        )
        if window.project is None or window.project.run is None:
            raise NotFoundError.of(f"run {run.path}", "RunHistoryWindow")
        return _rows(window.project.run.history, "RunHistoryWindow")
    if stream == "system":
        raise InputError("keys select history keys; they cannot be combined with stream='system'")
    spec: JSONValue = {"keys": [x_axis, *[k for k in wanted if k != x_axis]], "samples": samples}
    sampled = yield from call(
        lambda c: c.run_sampled_history(entity=entity, project=project, name=name, spec=spec)
    )
    if sampled.project is None or sampled.project.run is None:
        raise NotFoundError.of(f"run {run.path}", "RunSampledHistory")
    return _sampled_rows(sampled.project.run.sampled_history)


def sampled_history(
    run: Run[Any], samples: int, keys: Sequence[str] | None, x_axis: str, pandas: bool, stream: str
) -> Steps[Any]:
    """``Run.history``: rows, or a DataFrame when asked for and pandas is installed."""
    if not isinstance(pandas, bool):
        raise InputError(f"pandas must be True or False, got {pandas!r}")
    rows = yield from history_rows(run, samples, keys, x_axis, stream)
    if pandas:
        try:
            return _frame(rows)
        except ImportError:
            return rows
    return rows


def histories_of(
    runs: Runs[Any], samples: int, keys: Sequence[str] | None, x_axis: str, format: str, stream: str
) -> Steps[Any]:
    """``Runs.histories``: every run's sampled rows, tagged with ``run_id``."""
    if format not in ("default", "pandas"):
        raise InputError(f"format must be 'default' or 'pandas', got {format!r}")
    _check_int(samples, "samples", 1)
    _check_keys(keys)
    out: list[HistoryRow] = []
    for run in (yield from runs._walk_steps()):
        for row in (yield from history_rows(run, samples, keys, x_axis, stream)):
            row["run_id"] = run.id
            out.append(row)
    if format == "pandas":
        try:
            frame = _frame(out)
        except ImportError:
            raise MissingDependencyError(
                "format='pandas' needs pandas: pip install 'wandb-typed[pandas]'"
            ) from None
        return frame[sorted(frame.columns)]  # columns sorted, as the official client does
    return out


def scan_history(
    run: Run[M],
    keys: Sequence[str] | None,
    page_size: int,
    min_step: int | None,
    max_step: int | None,
) -> HistoryScan[M]:
    """``Run.scan_history``: validate now, fetch lazily."""
    wanted = _check_keys(keys)
    page_size = _check_int(page_size, "page_size", 1, MAX_SCAN_PAGE)
    start = 0 if min_step is None else _check_int(min_step, "min_step", 0)
    stop_arg = None if max_step is None else _check_int(max_step, "max_step", 0)
    if stop_arg is not None and stop_arg < start:
        raise InputError(f"max_step ({stop_arg}) must not be less than min_step ({start})")
    entity, project, name = run.entity, run.project, run.id
    end: list[int] = []  # the exclusive end step, learnt on the first page

    def stop() -> Steps[int]:
        if not end:
            meta = yield from call(
                lambda c: c.run_history_keys(entity=entity, project=project, name=name)
            )
            if meta.project is None or meta.project.run is None:
                raise NotFoundError.of(f"run {run.path}", "RunHistoryKeys")
            keys_meta = meta.project.run.history_keys
            last = keys_meta.get("lastStep") if isinstance(keys_meta, dict) else None
            if not isinstance(last, int) or isinstance(last, bool):
                last = (meta.project.run.history_line_count or 0) - 1
            end.append(last + 1 if stop_arg is None else min(stop_arg, last + 1))
        return end[0]

    def fetch(cursor: str | None, first: int) -> Steps[Page[HistoryRow]]:
        try:
            lo = start if cursor is None else int(cursor)
        except ValueError:
            raise InputError(f"history scan cursor must be a step number, got {cursor!r}") from None
        limit = yield from stop()
        hi = min(lo + first, limit)
        if lo >= limit:
            return Page((), None, False)
        if wanted is None:
            window = yield from call(
                lambda c: c.run_history_window(
                    entity=entity,
                    project=project,
                    name=name,
                    min_step=lo,
                    max_step=hi,
                    samples=first,
                )
            )
            if window.project is None or window.project.run is None:
                raise NotFoundError.of(f"run {run.path}", "RunHistoryWindow")
            rows = _rows(window.project.run.history, "RunHistoryWindow")
        else:
            # sampledHistory's maxStep is inclusive (wandb-core pages it that way).
            spec: JSONValue = {
                "keys": ["_step", *wanted],
                "minStep": lo,
                "maxStep": hi - 1,
                "samples": first,
            }
            sampled = yield from call(
                lambda c: c.run_sampled_history(
                    entity=entity, project=project, name=name, spec=spec
                )
            )
            if sampled.project is None or sampled.project.run is None:
                raise NotFoundError.of(f"run {run.path}", "RunSampledHistory")
            rows = [
                r
                for r in _sampled_rows(sampled.project.run.sampled_history)
                if all(k in r for k in wanted)
            ]
        return Page(tuple(rows), str(hi), hi < limit)

    return HistoryScan(
        run, fetch, per_page=page_size, what=f"history of {run.path}",
        max_per_page=MAX_SCAN_PAGE, max_empty_pages=None,
    )  # fmt: skip
