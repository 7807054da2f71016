"""``wandb-typed runs`` and ``wandb-typed history``: data out of W&B in one command.

Authentication is the ``Api()``'s: ``WANDB_API_KEY``/``WANDB_BASE_URL``, netrc, the
settings files (as the official ``wandb`` commands, which take no key on the command
line either: a key in argv would show in ``ps`` and shell history).

``history`` streams every row through ``scan_history``: one page (``--page-size``
rows) in memory whatever the run's length, written as it arrives (Parquet: a row
group of whole pages per ``--row-group-rows``, held as Arrow columns). Its columns are ``--keys`` (with ``_step``) or else every key of the
run's history-key metadata, read once with the last step, and the scan stops at that
step, so a run still logging cannot add a column mid-file. Only when a server reports
no history keys do the columns come from the first page; a key first seen later then
widens a CSV file (its header is rewritten at the end, a line at a time) and is an
error naming it for CSV on stdout and for Parquet, whose schema is fixed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO, TypeVar, cast

from ._common import (
    Parser,
    UsageProblem,
    cell,
    fit,
    in_place,
    is_terminal,
    output_file,
    progress,
    run_guarded,
    table,
    tsv,
)
from ._writers import (
    ROW_GROUP_ROWS,
    CsvWriter,
    JsonlWriter,
    Kind,
    ParquetWriter,
    RowWriter,
    infer_kinds,
    widen_csv,
)

if TYPE_CHECKING:
    from .._sync.api import Api
    from .._sync.history import HistoryScan
    from .._sync.light_runs import LightRun
    from .._sync.paging import SizedPaginator
    from .._sync.runs import Run
    from ..types import JSONValue

T = TypeVar("T")

__all__ = ["history", "history_parser", "runs", "runs_parser"]

Format = Literal["table", "csv", "jsonl", "parquet"]
FORMATS: dict[str, Format] = {
    "table": "table",
    "csv": "csv",
    "jsonl": "jsonl",
    "parquet": "parquet",
}
SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

# ---------------------------------------------------------------- fields of a run

#: Fields every listing has (``--light`` too).
LIGHT_FIELDS: dict[str, Callable[[LightRun | Run], object]] = {
    "id": lambda r: r.id,
    "name": lambda r: r.name,
    "state": lambda r: r.state.value if r.state is not None else None,
    "path": lambda r: r.path,
    "url": lambda r: r.url,
}
#: Fields of full runs.
RUN_FIELDS: dict[str, Callable[[Run], object]] = {
    "storage_id": lambda r: r.storage_id,
    "created_at": lambda r: r.created_at,
    "heartbeat_at": lambda r: r.heartbeat_at,
    "tags": lambda r: list(r.tags),
    "group": lambda r: r.group,
    "job_type": lambda r: r.job_type,
    "host": lambda r: r.host,
    "notes": lambda r: r.notes,
    "description": lambda r: r.description,
    "commit": lambda r: r.commit,
    "sweep": lambda r: r.sweep_name,
    "user": lambda r: r.user.username if r.user is not None else None,
    "history_line_count": lambda r: r.history_line_count,
    "last_step": lambda r: r.last_step,
    "read_only": lambda r: r.read_only,
    "config": lambda r: r.config,
    "summary": lambda r: r.summary,
}
DEFAULT_FIELDS = "id,name,state,created_at"
DEFAULT_LIGHT_FIELDS = "id,name,state"


def lookup(obj: Mapping[str, JSONValue], dotted: str) -> JSONValue:
    """``obj[dotted]``, else a walk down nested objects along the dots (a key may
    itself hold dots: the longest matching key wins); ``None`` when absent."""
    if dotted in obj:
        return obj[dotted]
    for i in range(len(dotted) - 1, 0, -1):
        if dotted[i] == "." and dotted[:i] in obj:
            inner = obj[dotted[:i]]
            if isinstance(inner, dict):
                found = lookup(inner, dotted[i + 1 :])
                if found is not None:
                    return found
    return None


def split_field(field: str) -> tuple[str, str] | None:
    """``("config" | "summary", key)`` for ``config.<key>``, ``summary.<key>`` or
    ``summary_metrics.<key>`` (the name filters and orders use), else ``None``."""
    for prefix, part in (
        ("config.", "config"),
        ("summary.", "summary"),
        ("summary_metrics.", "summary"),
    ):
        if field.startswith(prefix) and field[len(prefix) :]:
            return part, field[len(prefix) :]
    return None


def parse_fields(text: str, light: bool) -> list[str]:
    """The ``--fields`` list, each one checked."""
    fields = [f.strip() for f in text.split(",")]
    if not all(fields):
        raise UsageProblem(f"--fields has an empty name: {text!r}")
    known = list(LIGHT_FIELDS) + ([] if light else list(RUN_FIELDS))
    for field in fields:
        if field in known:
            continue
        if split_field(field) is not None:
            if light:
                raise UsageProblem(f"--light lists no config or summary; drop {field!r}")
            continue
        allowed = ", ".join(known) + ("" if light else ", config.<key>, summary.<key>")
        raise UsageProblem(f"unknown field {field!r}; fields: {allowed}")
    if len(set(fields)) != len(fields):
        raise UsageProblem(f"--fields names a field twice: {text!r}")
    return fields


def projection(fields: Sequence[str], part: str) -> list[str] | None:
    """The config (or summary) keys the fields need: ``None`` for all, ``[]`` for none.
    ``config.a.b`` asks for ``a`` and ``a.b`` (a key may hold a dot)."""
    if part in fields:
        return None
    keys: list[str] = []
    for field in fields:
        split = split_field(field)
        if split is not None and split[0] == part:
            parts = split[1].split(".")
            keys += [".".join(parts[: i + 1]) for i in range(len(parts))]
    return list(dict.fromkeys(keys))


def run_row(run: LightRun | Run, fields: Sequence[str]) -> dict[str, object]:
    """The values of ``fields`` for one run (fields checked by :func:`parse_fields`)."""
    row: dict[str, object] = {}
    for field in fields:
        if field in LIGHT_FIELDS:
            row[field] = LIGHT_FIELDS[field](run)
        elif isinstance(run, _run_class()):
            if field in RUN_FIELDS:
                row[field] = RUN_FIELDS[field](run)
            else:
                split = split_field(field)
                assert split is not None  # checked by parse_fields
                part, dotted = split
                row[field] = lookup(run.config if part == "config" else run.summary, dotted)
    return row


def _run_class() -> type[Run]:
    from .._sync.runs import Run

    return Run


# ---------------------------------------------------------------- shared plumbing


def output_format(given: str | None, output: Path | None, default: Format) -> Format:
    """``--format``, else the output file's suffix, else ``default``."""
    if given is not None:
        return FORMATS[given]
    if output is not None:
        suffix = output.suffix.lower()
        if suffix not in SUFFIXES:
            raise UsageProblem(
                f"cannot tell the format of {output.name!r} from its suffix; pass --format"
            )
        return SUFFIXES[suffix]
    return default


def make_api() -> Api:
    """An ``Api`` from the environment, netrc and settings files, as ``wandb.Api()``."""
    from .._sync.api import Api

    return Api()


def checked(call: Callable[[], T]) -> T:
    """Run an argument-checking call: its ``InputError`` is a usage error (exit 2)."""
    from ..errors import InputError

    try:
        return call()
    except InputError as exc:
        raise UsageProblem(str(exc)) from None


# ---------------------------------------------------------------- runs


def runs_parser() -> Parser:
    """The ``runs`` command line (also read by ``wandb-typed completion``)."""
    parser = Parser(
        prog="wandb-typed runs",
        description=runs.__doc__,
        epilog="Fields: id name state path url (all listings); storage_id created_at "
        "heartbeat_at tags group job_type host notes description commit sweep user "
        "history_line_count last_step read_only config summary config.<key> "
        "summary.<key> (dots reach into nested values). config.<key> and summary.<key> "
        "name the same values in --fields, --filter and --order (summary_metrics.<key>, "
        "W&B's name, works too). Piped, the table is tab-separated rows (no header); "
        "for JSON, --format jsonl (| jq). Authentication: WANDB_API_KEY, "
        "WANDB_BASE_URL, netrc or the wandb settings files, as for Api().",
    )
    parser.add_argument("path", metavar="ENTITY/PROJECT", help="the project (or PROJECT)")
    parser.add_argument(
        "--filter",
        dest="filters",
        metavar="JSON",
        help='a MongoDB-style filter: \'{"state": "finished"}\'',
    )
    parser.add_argument("--order", default="+created_at", help="[+|-]field (default +created_at)")
    parser.add_argument(
        "--fields",
        metavar="A,B,...",
        help=f"columns (default {DEFAULT_FIELDS}; with --light {DEFAULT_LIGHT_FIELDS})",
    )
    parser.add_argument(
        "--light", action="store_true", help="identity and state only: the cheapest listing"
    )
    parser.add_argument(
        "--format",
        choices=["table", "csv", "jsonl", "parquet"],
        help="output format (default: from -o's suffix, else table)",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here, not stdout")
    parser.add_argument("--per-page", type=int, default=200, help="runs per request (1-1000)")
    _csv_escape_option(parser)
    return parser


def runs(argv: Sequence[str]) -> int:
    """List a project's runs as a table, CSV, JSON Lines or Parquet."""
    parser = runs_parser()
    args = parser.parse_args(_glue_order(argv))
    return run_guarded("wandb-typed runs", lambda: _runs(args))


def _runs(args: argparse.Namespace) -> int:
    light: bool = args.light
    output: Path | None = args.output
    path: str = args.path
    order: str = args.order
    sign = order[:1] if order[:1] in "+-" else ""
    order = sign + summary_name(order[len(sign) :])
    per_page: int = args.per_page
    fmt = output_format(args.format, output, "table")
    if fmt == "parquet" and output is None:
        raise UsageProblem("Parquet is written to a file: pass -o FILE.parquet")
    if fmt == "parquet":
        from ._writers import pyarrow_modules

        pyarrow_modules()  # a missing extra fails now, before any request
    fields = parse_fields(args.fields or (DEFAULT_LIGHT_FIELDS if light else DEFAULT_FIELDS), light)
    filters = parse_filter(args.filters)
    with make_api() as api:
        listing: SizedPaginator[Run] | SizedPaginator[LightRun]
        if light:
            listing = checked(lambda: api.runs(path, filters, order, per_page, light=True))
        else:
            listing = checked(
                lambda: api.runs(
                    path, filters, order, per_page, include_sweeps=False,
                    config_keys=projection(fields, "config"),
                    summary_keys=projection(fields, "summary"),
                )
            )  # fmt: skip
        pages = _pages(listing, fields)
        if fmt == "table":  # aligned columns need every row first
            rows = [row for page in pages for row in page]
            cells = [[cell(row[f]) for f in fields] for row in rows]
            if output is None and not is_terminal(sys.stdout):
                sys.stdout.write(tsv(cells))  # piped: tab-separated rows, as gh writes
                return 0
            if output is None:  # a terminal: the table fitted to its width
                width = shutil.get_terminal_size().columns
                sys.stdout.write(table(fit(cells, fields, width), fields) + "\n")
                return 0
            text = table([[_short(c) for c in row] for row in cells], fields) + "\n"
            with output_file(output) as part:
                part.write_text(text, encoding="utf-8")
            return 0
        if output is None:
            _write_runs(sys.stdout, None, fmt, fields, pages, args.csv_escape)
            return 0
        with output_file(output) as part:
            if fmt == "parquet":
                _write_runs(None, part, fmt, fields, pages, args.csv_escape)
            else:
                with part.open("w", newline="", encoding="utf-8") as out:
                    _write_runs(out, part, fmt, fields, pages, args.csv_escape)
    return 0


def parse_filter(text: str | None) -> dict[str, object] | None:
    """``--filter`` as a JSON object (checked further by ``api.runs``)."""
    if text is None:
        return None
    try:
        value: object = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageProblem(f"--filter is not JSON: {exc}") from None
    except RecursionError:
        raise UsageProblem("--filter is nested too deeply to read") from None
    if not isinstance(value, dict):
        raise UsageProblem('--filter must be a JSON object, e.g. \'{"state": "finished"}\'')
    return cast("dict[str, object]", _summary_keys(cast("dict[str, object]", value)))


def _summary_keys(value: object) -> object:
    """A filter with ``summary.<key>`` written as W&B's ``summary_metrics.<key>``, so the
    three options share one name for a summary value (``--fields summary.acc``,
    ``--filter '{"summary.acc": ...}'``, ``--order -summary.acc``)."""
    if isinstance(value, list):
        return [_summary_keys(item) for item in cast("list[object]", value)]
    if isinstance(value, dict):
        items = cast("dict[str, object]", value).items()
        return {summary_name(key): _summary_keys(inner) for key, inner in items}
    return value


def summary_name(key: str) -> str:
    """``summary.<key>`` as ``summary_metrics.<key>``; any other key as it is."""
    return "summary_metrics." + key[len("summary.") :] if key.startswith("summary.") else key


def _csv_escape_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--csv-escape",
        action="store_true",
        help="CSV: prefix text cells that begin with = + - @ (a tab or CR too) with ' so a "
        "spreadsheet shows them instead of running them as formulas. Off by default: "
        "cells are written as they are, as pandas writes them.",
    )


def _glue_order(argv: Sequence[str]) -> list[str]:
    """``--order -summary_metrics.acc`` as ``--order=-summary_metrics.acc``: argparse
    would take a descending order for an option."""
    out: list[str] = []
    args = iter(argv)
    for arg in args:
        value = next(args, None) if arg == "--order" else None
        out.append(arg if value is None else f"--order={value}")
    return out


def _pages(
    listing: SizedPaginator[Run] | SizedPaginator[LightRun], fields: Sequence[str]
) -> Iterator[list[dict[str, object]]]:
    """The listing's pages as rows, with a progress bar counting runs."""
    with progress("runs", "run") as bar:
        for page in listing.pages():
            bar.total(page.total)
            bar.update(len(page.items))
            yield [run_row(run, fields) for run in page.items]


def _write_runs(
    out: TextIO | None,
    part: Path | None,
    fmt: Format,
    fields: Sequence[str],
    pages: Iterator[list[dict[str, object]]],
    escape_formulas: bool,
) -> None:
    writer: RowWriter
    if fmt == "parquet":
        assert part is not None
        # Column types must be known before the first row group: hold the rows (only
        # the chosen fields) and infer them from every value.
        buffered = list(pages)
        kinds = infer_kinds(fields, (row for page in buffered for row in page))
        writer = ParquetWriter(
            part, fields, kinds, where=_run_where, remedy="use --format jsonl or csv"
        )
        for page in buffered:
            writer.write(page)
        writer.close()
        return
    assert out is not None
    if fmt == "jsonl":
        writer = JsonlWriter(out)
    else:
        writer = CsvWriter(
            out, fields, can_widen=False, where=_run_where, remedy="report this as a bug",
            escape_formulas=escape_formulas,
        )  # fmt: skip
    for page in pages:
        writer.write(page)
    writer.close()


def _run_where(row: Mapping[str, object]) -> str:
    return f"run {row.get('id', '?')}"


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------- history

#: W&B's history value types -> Parquet kinds.
HISTORY_KINDS: dict[str, Kind] = {"number": "float", "string": "string", "boolean": "bool"}


def history_parser() -> Parser:
    """The ``history`` command line (also read by ``wandb-typed completion``)."""
    parser = Parser(
        prog="wandb-typed history",
        description=history.__doc__,
        epilog="Columns: _step and --keys, else every key the run logged (its "
        "history-key metadata). Memory holds one page of rows. Authentication: "
        "WANDB_API_KEY, WANDB_BASE_URL, netrc or the wandb settings files.",
    )
    parser.add_argument("run_path", metavar="RUN_PATH", help="entity/project/run_id (or its URL)")
    parser.add_argument(
        "--keys", metavar="A,B,...", help="only these keys (rows that have them all)"
    )
    parser.add_argument(
        "--format",
        choices=["csv", "jsonl", "parquet"],
        help="output format (default: from -o's suffix, else csv)",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here, not stdout")
    parser.add_argument("--page-size", type=int, default=1000, help="rows per request")
    parser.add_argument(
        "--row-group-rows",
        type=int,
        default=ROW_GROUP_ROWS,
        help=f"Parquet: rows per row group, in whole pages (default {ROW_GROUP_ROWS})",
    )
    _csv_escape_option(parser)
    return parser


def history(argv: Sequence[str]) -> int:
    """Write every history row of a run as CSV, JSON Lines or Parquet, streamed."""
    parser = history_parser()
    args = parser.parse_args(argv)
    return run_guarded("wandb-typed history", lambda: _history(args))


def _history(args: argparse.Namespace) -> int:
    output: Path | None = args.output
    run_path: str = args.run_path
    page_size: int = args.page_size
    row_group_rows: int = args.row_group_rows
    if row_group_rows < 1:
        raise UsageProblem(f"--row-group-rows must be at least 1, got {row_group_rows}")
    fmt = output_format(args.format, output, "csv")
    if fmt == "table":
        raise UsageProblem("history is written as csv, jsonl or parquet")
    if fmt == "parquet" and output is None:
        raise UsageProblem("Parquet is written to a file: pass -o FILE.parquet")
    if fmt == "parquet":
        from ._writers import pyarrow_modules

        pyarrow_modules()
    keys = parse_keys(args.keys)
    from .._core.history import check_scan_args

    checked(lambda: check_scan_args(keys, page_size, None, None))
    with make_api() as api:
        run = checked(lambda: api.run(run_path))
        metadata = run.history_keys.get("keys")
        logged = list(metadata) if isinstance(metadata, dict) else []
        columns: list[str] | None
        if keys is not None:
            columns = ["_step", *keys]
        elif logged:
            columns = ["_step", *(k for k in logged if k != "_step")]
        else:
            columns = None  # the server reports no keys: the first page decides
        kinds: dict[str, Kind] = {"_step": "int"}
        if isinstance(metadata, dict):
            for key, info in metadata.items():
                if key != "_step":
                    kinds[key] = _kind_from_metadata(info)
        last = run.last_step
        end = None if last is None else last + 1
        scan = checked(lambda: run.scan_history(keys=keys, page_size=page_size, max_step=end))
        job = HistoryJob(
            scan, fmt, columns, kinds, end, row_group_rows,
            where=lambda row: f"run {run.path}, step {row.get('_step', '?')}",
            remedy="pass --keys to choose the columns, or use --format jsonl",
            escape_formulas=args.csv_escape,
        )  # fmt: skip
        if output is None:
            job.write(sys.stdout, None)
            return 0
        with output_file(output) as part:
            if fmt == "parquet":
                job.write(None, part)
            else:
                with part.open("w", newline="", encoding="utf-8") as out:
                    widened = job.write(out, part)
                if widened is not None:
                    widen_csv(part, widened)
    return 0


def parse_keys(text: str | None) -> list[str] | None:
    """``--keys`` as a list without ``_step`` (always a column)."""
    if text is None:
        return None
    keys = [k.strip() for k in text.split(",")]
    if not all(keys):
        raise UsageProblem(f"--keys has an empty name: {text!r}")
    return [k for k in dict.fromkeys(keys) if k != "_step"]


def _kind_from_metadata(info: JSONValue) -> Kind:
    """The Parquet kind of a history key from its ``typeCounts`` (``nil`` ignored)."""
    types: set[str] = set()
    counts = info.get("typeCounts") if isinstance(info, dict) else None
    if isinstance(counts, list):
        for entry in counts:
            if isinstance(entry, dict) and isinstance(entry.get("type"), str):
                types.add(str(entry["type"]))
    types.discard("nil")
    if len(types) == 1:
        return HISTORY_KINDS.get(types.pop(), "json")
    return "json"


class HistoryJob:
    """One history export: the scan, the format, the columns and their kinds."""

    def __init__(
        self,
        scan: HistoryScan,
        fmt: Format,
        columns: list[str] | None,
        kinds: dict[str, Kind],
        end: int | None,
        row_group_rows: int,
        *,
        where: Callable[[Mapping[str, object]], str],
        remedy: str,
        escape_formulas: bool = False,
    ) -> None:
        self.scan, self.fmt, self.columns, self.kinds, self.end = scan, fmt, columns, kinds, end
        self.row_group_rows, self.where, self.remedy = row_group_rows, where, remedy
        self.escape_formulas = escape_formulas

    def write(self, out: TextIO | None, part: Path | None) -> list[str] | None:
        """Write the scan page by page; returns the widened columns when a CSV file
        needs its header rewritten, else ``None``."""
        writer: RowWriter | None = None
        if self.fmt == "parquet":
            assert part is not None
            writer = ParquetWriter(
                part, self.columns, self.kinds, where=self.where, remedy=self.remedy,
                row_group_rows=self.row_group_rows,
            )  # fmt: skip
        elif self.fmt == "jsonl":
            assert out is not None
            writer = JsonlWriter(out)
        done = 0
        with progress("history", "step", self.end) as bar:
            for page in self.scan.pages():
                if writer is None:  # CSV: the header needs the columns
                    writer = self._csv(out, part, self.columns or _keys_of(page.items))
                writer.write(page.items)
                step = int(page.end_cursor) if page.end_cursor is not None else done
                bar.update(step - done)
                done = step
        if writer is None:
            writer = self._csv(out, part, self.columns or ["_step"])
        writer.close()
        if isinstance(writer, CsvWriter) and writer.widened:
            return writer.header
        return None

    def _csv(self, out: TextIO | None, part: Path | None, columns: list[str]) -> CsvWriter:
        assert out is not None
        return CsvWriter(
            out, columns, can_widen=part is not None and not in_place(part),
            where=self.where, remedy=self.remedy, escape_formulas=self.escape_formulas,
        )  # fmt: skip


def _keys_of(rows: Sequence[Mapping[str, object]]) -> list[str]:
    order: dict[str, None] = {"_step": None}
    for row in rows:
        order.update(dict.fromkeys(row))
    return list(order)
