"""The history benchmarks: ``history`` (``scan_history`` of one long run, both clients)
and ``cli`` (``wandb-typed history RUN -o FILE`` to CSV and Parquet, whose peak RSS must
not grow with the run)."""

from __future__ import annotations

from ..driver import Context, run_worker
from ..report import Section, Target, fbytes, fnum, fs, fx
from ..sizes import cli_small_rows, history_run_name
from .listings import runs_row


def bench_history(ctx: Context) -> Section:
    """``scan_history`` of the long run, ours against the official client."""
    s = ctx.sizes
    print(
        f"  history: ours {s.history_rows:,} rows, official {s.official_history_rows:,}", flush=True
    )
    ours = run_worker(
        ctx,
        f"ours scan_history {s.history_rows}",
        kind="history",
        client="ours",
        run=history_run_name(s.history_rows),
    )
    official = run_worker(
        ctx,
        f"official scan_history {s.official_history_rows}",
        kind="history",
        client="official",
        run=history_run_name(s.official_history_rows),
    )
    for name, r, rows in (
        ("ours", ours, s.history_rows),
        ("official", official, s.official_history_rows),
    ):
        if r["items"] != rows or r["step_errors"]:
            print(f"  WARNING {name}: {r['items']} rows, {r['step_errors']} step errors")
    section = Section(
        "scan_history of one run (_step, _runtime, _timestamp + 4 float metrics)",
        (
            "client",
            "rows",
            "wall",
            "rows/s",
            "client CPU",
            "server CPU",
            "bytes/row",
            "requests",
            "peak RSS growth (Python only)",
            "_step 0..n-1, no gaps",
        ),
    )
    for label, r in (
        ("ours `run.scan_history()`", ours),
        ("official `run.scan_history()`", official),
    ):
        n = max(1, int(r["items"]))
        memory = f"{r['rss_growth_mb']:.1f} MB ({r['rss_growth_python_mb']:.1f} MB)"
        gaps = "yes" if not r["step_errors"] and r["items"] == n else f"{r['step_errors']} errors"
        section.rows.append((*runs_row(label, r, n)[:-1], memory, gaps))
    growth = float(ours["rss_growth_mb"])
    section.targets.append(
        Target(
            f"scan of {s.history_rows:,} rows: peak RSS growth ≤ 50 MB",
            growth <= 50,
            f"{growth:.1f} MB",
        )
    )
    ratio = (ours["items"] / ours["wall"]) / (official["items"] / official["wall"])
    section.notes.append(f"Rows/s ours ÷ official: {fx(ratio)}.")
    if s.official_history_rows != s.history_rows:
        section.notes.append(
            f"The official client was measured on a {s.official_history_rows:,}-row run "
            f"(--official-history-rows)."
        )
    return section


def bench_cli(ctx: Context) -> Section:
    """``wandb-typed history`` of the long run and of one a tenth its length, to CSV and
    Parquet: the command's peak RSS must not grow with the run."""
    s = ctx.sizes
    small = cli_small_rows(s)
    print(f"  cli: wandb-typed history of {small:,} and {s.history_rows:,} rows", flush=True)
    section = Section(
        "`wandb-typed history RUN -o FILE` (a subprocess; the same run as scan_history)",
        ("format", "rows", "wall", "rows/s", "file", "peak RSS of the command"),
    )
    peaks: dict[str, list[float]] = {}
    for fmt in ("csv", "parquet"):
        for rows in (small, s.history_rows):
            r = run_worker(
                ctx, f"cli {fmt} {rows}", kind="cli", run=history_run_name(rows),
                out=str(ctx.tmp / f"history.{fmt}"),
            )  # fmt: skip
            if r["items"] != rows:
                print(f"  WARNING cli {fmt}: wrote {r['items']} rows of {rows}")
            peaks.setdefault(fmt, []).append(float(r["cli_peak_rss_mb"]))
            section.rows.append((
                fmt, f"{rows:,}", fs(float(r["wall"])), fnum(rows / float(r["wall"])),
                fbytes(float(r["file_bytes"])), f"{r['cli_peak_rss_mb']:.1f} MB",
            ))  # fmt: skip
    for fmt, (short, long) in peaks.items():
        section.targets.append(
            Target(
                f"{fmt}: peak RSS for {s.history_rows:,} rows within 10 MB of {small:,} rows",
                long - short <= 10,
                f"{short:.1f} MB → {long:.1f} MB",
            )
        )
    section.notes.append(
        "Peak RSS is the command's whole process (Python, httpx, pydantic, pyarrow for "
        "Parquet). CSV writes each 1,000-row page as it arrives; Parquet converts each "
        "page to Arrow and writes a row group per 65,536 rows."
    )
    return section
