"""The ``replay`` benchmark: the ``runs`` listing against responses recorded once from
the live server and replayed from memory, so only the clients' own cost remains."""

from __future__ import annotations

from ..common import Json
from ..driver import Context, interleaved, run_worker
from ..record_replay import ReplayServer
from ..report import Section, Target, fx
from ..sizes import Sizes
from .listings import RUNS_HEADER, runs_row


def _replay_variants(s: Sizes) -> list[tuple[str, str, Json]]:
    runs: Json = {"kind": "runs", "touch": True}
    return [
        ("ours per_page=1000", "ours, per_page=1000", {**runs, "client": "ours", "per_page": 1000}),
        (
            "official per_page=1000 lazy=False",
            "official `lazy=False`, per_page=1000",
            {**runs, "client": "official", "per_page": 1000, "lazy": False},
        ),
        (
            "ours per_page=50",
            "ours, per_page=50 (explicit)",
            {**runs, "client": "ours", "per_page": 50},
        ),
        (
            "official per_page=50 lazy=False",
            "official `lazy=False`, per_page=50",
            {**runs, "client": "official", "per_page": 50, "lazy": False},
        ),
    ]


def _counter_delta(after: Json, before: Json) -> dict[str, int]:
    return {
        k: int(after[k]) - int(before[k]) for k in ("raw", "normalised", "forwarded", "unknown")
    }


def bench_replay(ctx: Context) -> Section:
    """The runs listing against replayed responses: each client's own cost."""
    s = ctx.sizes
    reps = s.repeats
    variants = _replay_variants(s)
    file = ctx.tmp / "replay.pickle"
    print(f"  replay: recording {len(variants)} listings of {s.runs} runs, twice", flush=True)
    proxy = ReplayServer(file, ctx.tmp / "record.log", upstream=ctx.url)
    passes: list[dict[str, int]] = []
    try:
        for pass_no in (1, 2):
            before = proxy.summary()
            for label, _, spec in variants:
                run_worker(ctx, f"record pass {pass_no}: {label}", **spec, url=proxy.url)
            passes.append(_counter_delta(proxy.summary(), before))
        saved = proxy.save()
    finally:
        proxy.close()
    first, second = passes
    print(f"    recorded: {saved}; pass 1 {first}; pass 2 {second}", flush=True)
    if second["forwarded"]:
        print(
            f"  WARNING: {second['forwarded']} request(s) of the second recording pass matched "
            "no recorded body, even normalised: a client's bodies vary between processes",
            flush=True,
        )

    print(f"  replay: {s.runs} runs, {reps} repeat(s) each", flush=True)
    replay = ReplayServer(file, ctx.tmp / "replay.log")
    try:
        before = replay.summary()
        results = interleaved(
            ctx,
            reps,
            [
                (f"replay {label}", {**spec, "url": replay.url, "server_pid": replay.proc.pid})
                for label, _, spec in variants
            ],
        )
        served = _counter_delta(replay.summary(), before)
    finally:
        replay.close()
    ours_1000, off_1000, ours_50, off_50 = results
    for (label, _, _), r in zip(variants, results, strict=True):
        if r["items"] != s.runs or r["checked"] != s.runs:
            raise RuntimeError(f"replay {label}: saw {r['items']} runs, {r['checked']} complete")

    header = tuple("replay server CPU" if h == "server CPU" else h for h in RUNS_HEADER)
    section = Section(
        f"Client only: {s.runs:,} runs from replayed responses, touching config + summary", header
    )
    for (_, row_label, _), r in zip(variants, results, strict=True):
        section.rows.append(runs_row(row_label, r, s.runs))

    def rate(r: Json) -> float:
        return float(r["items"]) / float(r["wall"])

    def us(r: Json, key: str = "cpu") -> str:
        return f"{float(r[key]) / max(1, int(r['items'])) * 1e6:.0f} µs/run"

    ratio = rate(ours_1000) / rate(off_1000)
    ratio_50 = rate(ours_50) / rate(off_50)
    section.targets += [
        Target(
            f"client-only runs throughput ≥ 3x official on {s.runs:,} runs "
            "(replayed responses, per_page=50, official `lazy=False`)",
            ratio_50 >= 3,
            fx(ratio_50),
        ),
        Target(
            f"client-only runs throughput ≥ 3x official on {s.runs:,} runs "
            "(replayed responses, per_page=1000, official `lazy=False`)",
            ratio >= 3,
            fx(ratio),
        ),
    ]
    requests = sum(second.values())
    section.notes += [
        f"Throughput ours ÷ official: per_page=1000 {fx(ratio)}; per_page=50 "
        f"{fx(rate(ours_50) / rate(off_50))}.",
        f"Client CPU per run ours ÷ official: per_page=1000 "
        f"{fx(float(ours_1000['cpu']) / max(float(off_1000['cpu']), 1e-9))} "
        f"(ours {us(ours_1000)}, official {us(off_1000)} incl. wandb-core); per_page=50 "
        f"{fx(float(ours_50['cpu']) / max(float(off_50['cpu']), 1e-9))} "
        f"(ours {us(ours_50)}, official {us(off_50)}). Of the official client's CPU, the "
        f"Python process used {us(off_1000, 'cpu_python')} (per_page=1000) and "
        f"{us(off_50, 'cpu_python')} (per_page=50), wandb-core the rest.",
        f"Recording: each listing ran once through a recording proxy in front of the live "
        f"server ({first['forwarded']} distinct requests stored, keyed by SHA-256 of method, "
        f"path and body), then once more in a new process: {second['raw']} of {requests} "
        f"requests matched a stored body byte for byte, {second['normalised']} only after "
        f"normalising (sorted JSON keys, collapsed whitespace), {second['forwarded']} matched "
        f"neither. Replay answered {served['raw'] + served['normalised']} requests "
        f"({served['normalised']} by the normalised key) and {served['unknown']} unknown ones.",
    ]
    return section
