"""The ``downloads`` benchmark (issue 19): one artifact downloaded by both clients,
direct and through the latency proxy, interleaved round by round, with the server's
share (its CPU per download, per 100 MB) beside each client's. Lighter than
``artifacts`` + ``latency`` (no listings, no version collection: seed with
``--artifact-versions 1``)."""

from __future__ import annotations

import shutil

from ..common import MB, Json
from ..driver import Context, median_of, run_worker, speedup
from ..report import Section, Target, fs, fx, round_ratios
from ..server import LatencyProxy
from ..sizes import artifact_file_size, download_goal

HEADER = ("path", "client", "wall (median)", "wall spread", "client CPU", "server CPU",
          "server CPU / 100 MB", "RSS growth")  # fmt: skip

#: (label, client, max_workers): each client's default call, and ours with more workers.
VARIANTS = (("ours (max_workers=32, the default)", "ours", 32),
            ("ours, max_workers=8", "ours", 8),
            ("official (default threads, fresh cache)", "official", 0))  # fmt: skip


def _rounds(ctx: Context, url: str, tag: str) -> list[list[Json]]:
    """Every variant once per round against ``url``, each in a fresh directory and cache."""
    results: list[list[Json]] = [[] for _ in VARIANTS]
    for i in range(ctx.sizes.repeats):
        for j, (_, client, workers) in enumerate(VARIANTS):
            where = ctx.tmp / f"downloads-{tag}-{j}-{i}"
            try:
                results[j].append(
                    run_worker(
                        ctx, f"download {tag} {client} {workers}", kind="artifact_download",
                        client=client, workers=workers, url=url, root=str(where / "root"),
                        env={"WANDB_CACHE_DIR": str(where / "cache")},
                    )
                )  # fmt: skip
            finally:
                shutil.rmtree(where, ignore_errors=True)
    return results


def bench_downloads(ctx: Context) -> Section:
    """Download one artifact, ours vs official, direct and through the proxy."""
    s = ctx.sizes
    total = artifact_file_size(s) * s.artifact_files
    print(f"  downloads: {s.artifact_files} files / {total / MB:.0f} MB, direct and "
          f"{s.rtt_ms:.0f} ms proxy, {s.repeats} round(s)", flush=True)  # fmt: skip
    direct = _rounds(ctx, ctx.url, "direct")
    proxy = LatencyProxy(ctx.url, ctx.tmp / "proxy.log", s.rtt_ms)
    try:
        proxied = _rounds(ctx, proxy.url, "proxy")
    finally:
        proxy.close()
    for rs in (*direct, *proxied):
        for r in rs:
            if r["items"] != s.artifact_files or r["bytes"] != total:
                raise RuntimeError(f"{r['items']} files, {r['bytes']} bytes downloaded")
    section = Section(
        f"Artifact download: {s.artifact_files:,} files / {total / MB:.0f} MB, direct and "
        f"through a {s.rtt_ms:.0f} ms round-trip proxy",
        HEADER,
    )
    goal = download_goal(s)
    for path, results in (("direct", direct), (f"{s.rtt_ms:.0f} ms proxy", proxied)):
        for (label, _, _), rs in zip(VARIANTS, results, strict=True):
            m = median_of(rs)
            walls = [float(r["wall"]) for r in rs]
            share = float(m["server_cpu"]) * 100 * MB / total
            section.rows.append(
                (path, label, fs(m["wall"]), f"{fs(min(walls))} to {fs(max(walls))}",
                 fs(m["cpu"]), fs(m["server_cpu"]), fs(share), f"{m['rss_growth_mb']:.0f} MB")
            )  # fmt: skip
        ours, ours8, official = results
        x, x8 = speedup(official, ours), speedup(official, ours8)
        section.targets += [
            Target(f"{path}: download ≥ {goal}x official (each client's default call)",
                   x >= goal, f"{fx(x)}; max_workers=8: {fx(x8)}"),
            Target(f"{path}: download RSS growth ≤ 100 MB",
                   median_of(ours)["rss_growth_mb"] <= 100,
                   f"{median_of(ours)['rss_growth_mb']:.0f} MB"),
        ]  # fmt: skip
        section.notes.append(
            f"{path}, official ÷ ours wall round by round: {round_ratios(official, ours)} "
            f"(max_workers=8: {round_ratios(official, ours8)})."
        )
    section.notes.append(
        "Server CPU is the server process's CPU during each timed download: the server's "
        "share. Client CPU includes the official client's wandb-core."
    )
    return section
