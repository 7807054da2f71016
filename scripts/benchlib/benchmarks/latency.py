"""The ``latency`` benchmark: both clients through a proxy that adds a wide-area round
trip (``--rtt-ms``, default 50 ms) to every request, as real users meet W&B. Listings
(each client's default call, and equal page sizes), ``scan_history`` and an artifact
download; requests and wall time per client, interleaved round by round, with the
spread across rounds."""

from __future__ import annotations

import shutil
from collections.abc import Sequence

from ..common import HISTORIES_RUNS, MB, Json
from ..driver import Context, median_of, run_worker, speedup
from ..report import Section, Target, fnum, fs, fx, round_ratios
from ..server import LatencyProxy
from ..sizes import artifact_file_size, download_goal, history_run_name

HEADER = ("case", "client", "items", "wall (median)", "wall spread", "requests", "client CPU",
          "server CPU", "proxy CPU")  # fmt: skip


def _rounds(
    ctx: Context, url: str, proxy_pid: int, variants: Sequence[tuple[str, Json]]
) -> list[list[Json]]:
    """Every variant once per round (ABAB), through ``url``; each variant's results,
    with ``proxy_cpu``: the proxy's CPU over the whole worker (start-up included)."""
    import psutil

    proxy = psutil.Process(proxy_pid)

    def proxy_cpu() -> float:
        t = proxy.cpu_times()
        return float(t.user + t.system)

    results: list[list[Json]] = [[] for _ in variants]
    for i in range(ctx.sizes.repeats):
        for j, (label, spec) in enumerate(variants):
            spec = {**spec, "url": url}
            root = spec.pop("root", None)
            if root is not None:  # a download: a fresh directory and cache each time
                where = ctx.tmp / f"latency-{root}-{i}"
                spec["root"] = str(where / "root")
                spec["env"] = {"WANDB_CACHE_DIR": str(where / "cache")}
            try:
                before = proxy_cpu()
                result = run_worker(ctx, label, **spec)
                results[j].append({**result, "proxy_cpu": proxy_cpu() - before})
            finally:
                if root is not None:
                    shutil.rmtree(ctx.tmp / f"latency-{root}-{i}", ignore_errors=True)
    return results


def _spread(rs: Sequence[Json]) -> str:
    walls = [float(r["wall"]) for r in rs]
    return f"{fs(min(walls))} to {fs(max(walls))}"


def _row(case: str, client: str, rs: Sequence[Json]) -> tuple[str, ...]:
    m = median_of(rs)
    return (case, client, fnum(m["items"]), fs(m["wall"]), _spread(rs), fnum(m["requests"]),
            fs(m["cpu"]), fs(m["server_cpu"]), fs(m["proxy_cpu"]))  # fmt: skip


def bench_latency(ctx: Context) -> Section:
    """Listings, ``scan_history`` and a download through the latency proxy."""
    s = ctx.sizes
    proxy = LatencyProxy(ctx.url, ctx.tmp / "proxy.log", s.rtt_ms)
    try:
        return _measure(ctx, proxy.url, proxy.proc.pid, s.rtt_ms)
    finally:
        proxy.close()


def _measure(ctx: Context, url: str, proxy_pid: int, rtt_ms: float) -> Section:
    s = ctx.sizes
    print(f"  latency: {rtt_ms:.0f} ms round trip, {s.repeats} round(s)", flush=True)
    runs: Json = {"kind": "runs", "touch": True}
    history: Json = {"kind": "history", "run": history_run_name(s.official_history_rows)}
    download: Json = {"kind": "artifact_download", "workers": 32}
    histories: Json = {"kind": "histories"}
    variants: list[tuple[str, Json]] = [
        ("runs ours default", {**runs, "client": "ours", "per_page": None}),
        ("runs official lazy=False per_page=50",
         {**runs, "client": "official", "per_page": 50, "lazy": False}),
        ("runs ours per_page=50", {**runs, "client": "ours", "per_page": 50}),
        ("history ours", {**history, "client": "ours"}),
        ("history official", {**history, "client": "official"}),
        ("histories ours", {**histories, "client": "ours"}),
        ("histories official", {**histories, "client": "official"}),
        ("download ours", {**download, "client": "ours", "root": "ours"}),
        ("download ours max_workers=8",
         {**download, "client": "ours", "root": "ours8", "workers": 8}),
        ("download official", {**download, "client": "official", "root": "official"}),
    ]  # fmt: skip
    (runs_default, runs_off, runs_50, hist_ours, hist_off, many_ours, many_off, dl_ours, dl_8,
     dl_off) = _rounds(ctx, url, proxy_pid, variants)  # fmt: skip
    section = Section(
        f"Through a {rtt_ms:.0f} ms round-trip proxy: {s.runs:,} runs with config + summary, "
        f"scan_history of {s.official_history_rows:,} rows, histories of {HISTORIES_RUNS} runs "
        f"(200 rows each), download of "
        f"{s.artifact_files:,} files / {artifact_file_size(s) * s.artifact_files / MB:.0f} MB",
        HEADER,
    )
    section.rows += [
        _row("runs listing", "ours, default call (adaptive page size)", runs_default),
        _row("runs listing", "ours, per_page=50", runs_50),
        _row("runs listing", "official `lazy=False`, per_page=50", runs_off),
        _row("scan_history", "ours", hist_ours),
        _row("scan_history", "official", hist_off),
        _row(f"histories of {HISTORIES_RUNS} runs", "ours", many_ours),
        _row(f"histories of {HISTORIES_RUNS} runs", "official", many_off),
        _row("artifact download", "ours (max_workers=32, the default)", dl_ours),
        _row("artifact download", "ours, max_workers=8", dl_8),
        _row("artifact download", "official", dl_off),
    ]

    default_x, equal_x = speedup(runs_off, runs_default), speedup(runs_off, runs_50)
    hist_x, dl_x = speedup(hist_off, hist_ours), speedup(dl_off, dl_ours)
    dl_goal = download_goal(s)
    section.targets += [
        Target(f"{rtt_ms:.0f} ms proxy: runs listing, ours default ≥ 4x official "
               "(`lazy=False`, per_page=50)", default_x >= 4, fx(default_x)),
        Target(f"{rtt_ms:.0f} ms proxy: runs listing at equal page sizes (50) ≥ 2x official",
               equal_x >= 2, fx(equal_x)),
        Target(f"{rtt_ms:.0f} ms proxy: scan_history ≥ 6x official", hist_x >= 6, fx(hist_x)),
        Target(f"{rtt_ms:.0f} ms proxy: artifact download ≥ {dl_goal}x official",
               dl_x >= dl_goal, f"{fx(dl_x)}; max_workers=8: {fx(speedup(dl_off, dl_8))}"),
        Target(f"{rtt_ms:.0f} ms proxy: artifact download RSS growth ≤ 100 MB",
               median_of(dl_ours)["rss_growth_mb"] <= 100,
               f"{median_of(dl_ours)['rss_growth_mb']:.0f} MB"),
    ]  # fmt: skip
    section.notes += [
        f"Official ÷ ours wall, round by round: listing default {round_ratios(runs_off, runs_default)}; "
        f"listing per_page=50 {round_ratios(runs_off, runs_50)}; scan_history "
        f"{round_ratios(hist_off, hist_ours)}; histories {round_ratios(many_off, many_ours)}; download {round_ratios(dl_off, dl_ours)} "
        f"(max_workers=8: {round_ratios(dl_off, dl_8)}).",
        f"Each request pays {rtt_ms:.0f} ms (and each new connection one more round trip): "
        f"requests x round trip is the floor of a client that waits for each answer, e.g. "
        f"{fnum(median_of(runs_off)['requests'])} requests ≈ "
        f"{fs(median_of(runs_off)['requests'] * rtt_ms / 1000)} for the official listing.",
        "Proxy CPU is the proxy process's CPU over each whole worker (its start-up and "
        "warm-up traffic included); the proxy shares the machine's cores with both clients "
        "and the server.",
    ]
    return section
