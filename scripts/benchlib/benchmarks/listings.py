"""The run-listing benchmarks: ``runs`` (every run with config and summary, ours against
the official client's listings) and ``light`` (bytes per run of a light listing); also
the listing table's row and header, which ``replay`` and ``history`` reuse."""

from __future__ import annotations

from ..common import Json
from ..driver import Context, interleaved, run_worker
from ..report import Section, Target, fbytes, fnum, fs, fx


def runs_row(label: str, r: Json, runs: int) -> tuple[str, ...]:
    """One row of a listing table (:data:`RUNS_HEADER`) from a worker's result."""
    n = max(1, int(r["items"]))
    return (
        label,
        fnum(r["items"]),
        fs(r["wall"]),
        fnum(n / r["wall"]),
        f"{r['cpu']:.2f} s",
        f"{r['server_cpu']:.2f} s",
        fbytes(r["response_bytes"] / n),
        fnum(r["requests"]),
        f"{r['rss_growth_mb']:.0f} MB",
    )


RUNS_HEADER = (
    "client / mode",
    "runs",
    "wall",
    "runs/s",
    "client CPU",
    "server CPU",
    "bytes/run",
    "requests",
    "RSS growth",
)


def bench_runs(ctx: Context) -> Section:
    """Every run of the big project with config and summary touched, both clients, each
    at per_page 1000 and 50."""
    s = ctx.sizes
    reps = s.repeats
    print(f"  runs: {s.runs} runs, {reps} repeat(s) each", flush=True)
    runs: Json = {"kind": "runs", "touch": True}
    ours_1000, off_full, ours_50, off_full_50 = interleaved(
        ctx,
        reps,
        [
            ("ours per_page=1000", {**runs, "client": "ours", "per_page": 1000}),
            (
                "official per_page=1000 lazy=False",
                {**runs, "client": "official", "per_page": 1000, "lazy": False},
            ),
            ("ours per_page=50", {**runs, "client": "ours", "per_page": 50}),
            (
                "official per_page=50 lazy=False",
                {**runs, "client": "official", "per_page": 50, "lazy": False},
            ),
        ],
    )
    off_lazy = run_worker(
        ctx,
        "official per_page=50 lazy=True (default)",
        **runs,
        client="official",
        per_page=50,
        lazy=True,
        limit=s.official_lazy_runs,
    )
    for name, r in (("ours 1000", ours_1000), ("ours 50", ours_50)):
        if r["items"] != s.runs or r["checked"] != s.runs:
            raise RuntimeError(f"{name}: saw {r['items']} runs, {r['checked']} complete")
    section = Section(
        f"{s.runs:,} runs with config (20 keys) + summary (12 keys), touching both", RUNS_HEADER
    )
    lazy_label = "official `lazy=True` (default), per_page=50: N+1"
    if s.official_lazy_runs < s.runs:
        lazy_label += f" (first {s.official_lazy_runs:,} runs)"
    for label, r in (
        ("ours, per_page=1000", ours_1000),
        ("ours, per_page=50 (explicit; the default call adapts, see latency)", ours_50),
        ("official `lazy=False`, per_page=1000", off_full),
        ("official `lazy=False`, per_page=50", off_full_50),
        (lazy_label, off_lazy),
    ):
        section.rows.append(runs_row(label, r, s.runs))

    def rate(r: Json) -> float:
        return float(r["items"]) / float(r["wall"])

    ratio = rate(ours_1000) / rate(off_full)
    default_ratio = rate(ours_50) / rate(off_lazy)
    section.targets += [
        Target(
            "runs throughput ≥ 3x official, ours per_page=50 vs the official default call ("
            "official `lazy=True`, per_page=50)",
            default_ratio >= 3,
            fx(default_ratio),
        ),
        Target(
            "runs throughput ≥ 3x official (per_page=1000, official `lazy=False`)",
            ratio >= 3,
            f"{fx(ratio)}",
        ),
    ]
    section.notes += [
        f"Throughput ours ÷ official: per_page=1000 {fx(ratio)}; per_page=50 "
        f"{fx(rate(ours_50) / rate(off_full_50))} (both `lazy=False`); each client's default "
        f"(ours per_page=50 vs official lazy=True per_page=50) {fx(rate(ours_50) / rate(off_lazy))}.",
        f"Client CPU per run ours ÷ official (per_page=1000): "
        f"{fx(ours_1000['cpu'] / max(off_full['cpu'], 1e-9))} "
        f"(ours {ours_1000['cpu'] / s.runs * 1e6:.0f} µs/run, official "
        f"{off_full['cpu'] / s.runs * 1e6:.0f} µs/run incl. wandb-core).",
    ]
    return section


def bench_light(ctx: Context) -> Section:
    """Bytes per run of ours ``light=True`` against the official lazy and full listings."""
    s = ctx.sizes
    reps = s.repeats
    print(f"  light: {s.runs} runs, {reps} repeat(s) each", flush=True)
    light: Json = {"kind": "runs", "touch": False, "per_page": 50}
    ours, official, full = interleaved(
        ctx,
        reps,
        [
            ("ours light=True per_page=50", {**light, "client": "ours", "light": True}),
            ("official lazy=True per_page=50", {**light, "client": "official", "lazy": True}),
            ("official lazy=False per_page=50", {**light, "client": "official", "lazy": False}),
        ],
    )
    section = Section(f"Light listing of {s.runs:,} runs (no config/summary touched)", RUNS_HEADER)
    section.rows.append(runs_row("ours `light=True`, per_page=50", ours, s.runs))
    section.rows.append(runs_row("official `lazy=True` (default), per_page=50", official, s.runs))
    section.rows.append(runs_row("official `lazy=False`, per_page=50", full, s.runs))

    def per_run(r: Json) -> float:
        return float(r["response_bytes"]) / max(1, int(r["items"]))

    vs_lazy, vs_full = per_run(ours) / per_run(official), per_run(ours) / per_run(full)
    section.targets += [
        Target(
            "light bytes/run ≤ 1/5 of the official default listing (`lazy=True`, like for like)",
            vs_lazy <= 0.2,
            f"{vs_lazy:.2f}x: {per_run(ours):,.0f} B vs {per_run(official):,.0f} B",
        ),
        Target(
            "light bytes/run ≤ 1/5 of the official `lazy=False` listing",
            vs_full <= 0.2,
            f"{vs_full:.2f}x: {per_run(ours):,.0f} B vs {per_run(full):,.0f} B",
        ),
    ]
    section.notes += [
        f"Bytes/run ours `light=True` ÷ official: {vs_lazy:.2f}x the default `lazy=True` "
        f"listing, {vs_full:.2f}x the `lazy=False` listing. Ours (`LightRunPage`) selects "
        "`id name displayName state` per run, plus `pageInfo` once per page. The official "
        "lazy fragment leaves out config, summary, system metrics and history keys but still "
        "carries `tags sweepName group jobType commit readOnly createdAt heartbeatAt "
        "description notes historyLineCount user{name username} projectId` and a cursor per "
        "run, and asks for `runCount` on every page.",
        f"Against the official `lazy=True` listing, ours lists "
        f"{fx(float(official['wall']) / max(float(ours['wall']), 1e-9))} as many runs per "
        f"second, with {fx(float(ours['cpu']) / max(float(official['cpu']), 1e-9))} the client "
        "CPU.",
    ]
    return section
