"""The ``artifacts`` benchmark: downloading one big artifact (ours at two worker counts,
and the official client) and listing every version of a long collection."""

from __future__ import annotations

from ..common import MB, Json
from ..driver import Context, interleaved, median_of, run_worker
from ..report import Section, Target, fnum, fs, fx, round_ratios
from ..sizes import artifact_file_size


def bench_artifacts(ctx: Context) -> Section:
    """Download one big artifact and list a long collection, ours vs official."""
    import shutil

    s = ctx.sizes
    reps = s.repeats
    expected_bytes = artifact_file_size(s) * s.artifact_files
    print(
        f"  artifacts: {s.artifact_files} files / {expected_bytes / MB:.0f} MB download, "
        f"{s.artifact_versions} versions, {reps} repeat(s) each",
        flush=True,
    )
    variants = {"ours": ("ours", 32), "ours8": ("ours", 8), "official": ("official", 0)}
    downloads: dict[str, list[Json]] = {key: [] for key in variants}
    for i in range(reps):  # interleaved; every run gets a fresh directory and cache
        for key, (client, workers) in variants.items():
            where = ctx.tmp / f"download-{key}-{i}"
            try:
                downloads[key].append(
                    run_worker(
                        ctx, f"download {key}", kind="artifact_download", client=client,
                        root=str(where / "root"), workers=workers,
                        env={"WANDB_CACHE_DIR": str(where / "cache")},
                    )
                )  # fmt: skip
            finally:
                shutil.rmtree(where, ignore_errors=True)
    ours, ours8, official = (median_of(downloads[key]) for key in variants)
    for label, r in (("ours", ours), ("ours8", ours8), ("official", official)):
        if r["items"] != s.artifact_files or r["bytes"] != expected_bytes:
            raise RuntimeError(f"{label}: {r['items']} files, {r['bytes']} bytes downloaded")
    versions = {"kind": "artifact_versions"}
    ours_1000, official_1000, ours_50, official_50 = interleaved(
        ctx,
        reps,
        [
            ("versions ours per_page=1000", {**versions, "client": "ours", "per_page": 1000}),
            ("versions official per_page=1000", {**versions, "client": "official", "per_page": 1000}),
            ("versions ours per_page=50", {**versions, "client": "ours", "per_page": 50}),
            ("versions official per_page=50", {**versions, "client": "official", "per_page": 50}),
        ],
    )  # fmt: skip
    for label, r in (("ours 1000", ours_1000), ("ours 50", ours_50)):
        if r["items"] != s.artifact_versions or r["checked"] != s.artifact_versions:
            raise RuntimeError(f"versions {label}: {r['items']} seen, {r['checked']} complete")
    section = Section(
        f"Artifacts: download {s.artifact_files:,} files / {expected_bytes / MB:.0f} MB; "
        f"list {s.artifact_versions:,} versions",
        ("client", "wall", "MB/s or items/s", "client CPU", "server CPU", "RSS growth",
         "GraphQL requests"),
    )  # fmt: skip
    for label, r, unit in (
        ("download: ours (default max_workers=32)", ours, expected_bytes / MB),
        ("download: ours, max_workers=8", ours8, expected_bytes / MB),
        ("download: official (default threads, fresh cache)", official, expected_bytes / MB),
        ("versions: ours, per_page=1000", ours_1000, s.artifact_versions),
        ("versions: official, per_page=1000", official_1000, s.artifact_versions),
        ("versions: ours, per_page=50 (default)", ours_50, s.artifact_versions),
        ("versions: official, per_page=50 (default)", official_50, s.artifact_versions),
    ):
        section.rows.append(
            (label, fs(r["wall"]), fnum(unit / r["wall"]), fs(r["cpu"]), fs(r["server_cpu"]),
             f"{r['rss_growth_mb']:.1f} MB", fnum(r["requests"]))
        )  # fmt: skip
    speed = official["wall"] / ours["wall"]
    speed8 = official["wall"] / ours8["wall"]
    section.targets += [
        Target(
            f"artifact download ({s.artifact_files:,} files, {expected_bytes / MB:.0f} MB) "
            "≥ 2x faster than official, each client's default call",
            speed >= 2,
            f"{fx(speed)}; max_workers=8: {fx(speed8)}",
        ),
        Target(
            "artifact download: peak RSS growth ≤ 100 MB",
            ours["rss_growth_mb"] <= 100,
            f"{ours['rss_growth_mb']:.1f} MB (official {official['rss_growth_mb']:.1f} MB)",
        ),
    ]
    section.notes += [
        f"Download wall ours ÷ official: {fx(ours['wall'] / official['wall'])} (max_workers=8: "
        f"{fx(ours8['wall'] / official['wall'])}); client CPU "
        f"{fx(ours['cpu'] / max(official['cpu'], 1e-9))} (official incl. wandb-core). Rounds, "
        "official ÷ ours wall: "
        + round_ratios(downloads["official"], downloads["ours"])
        + ". Both "
        "start from an artifact already fetched, in a fresh directory; the official client "
        "also writes every file into its cache (a fresh `WANDB_CACHE_DIR` per run) and "
        "copies it out. Ours checks every file's MD5 as it streams.",
        f"Listing {s.artifact_versions:,} versions, items/s ours ÷ official: per_page=1000 "
        f"{fx(official_1000['wall'] / ours_1000['wall'])}, per_page=50 "
        f"{fx(official_50['wall'] / ours_50['wall'])}.",
    ]
    return section
