"""The driver side: runs each measurement in a fresh worker process (the entry point
again, ``scripts/bench.py --worker SPEC``) with a clean environment, and takes medians
over repeats, interleaving variants so that load from other processes falls on all of
them alike."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .common import BENCH_SCRIPT, PYTHON, RESULT_MARK, ROOT, Json
from .sizes import Sizes


@dataclass
class Context:
    """What every benchmark gets: the live server, the workers' environment, the sizes
    and the scratch directory."""

    url: str
    server_pid: int
    env: dict[str, str]
    sizes: Sizes
    verbose: bool
    tmp: Path
    db: Path


def worker_env(tmp: Path) -> dict[str, str]:
    """A clean environment: no inherited W&B settings, every W&B directory in ``tmp``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")}
    # Workers leave bytecode behind, as `pip install` does for a wheel: with
    # PYTHONDONTWRITEBYTECODE set (some sandboxes set it), every import round would
    # compile our source again while site-packages (httpx, pydantic, wandb) has .pyc.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("DIR", "CACHE_DIR", "CONFIG_DIR", "DATA_DIR", "ARTIFACT_DIR"):
        path = tmp / f"wandb-{name.lower()}"
        path.mkdir(exist_ok=True)
        env[f"WANDB_{name}"] = str(path)
    (tmp / "tmp").mkdir(exist_ok=True)
    env["TMPDIR"] = str(tmp / "tmp")
    env["WANDB_SILENT"] = "true"
    env["WANDB_ERROR_REPORTING"] = "false"
    env["NETRC"] = str(tmp / "netrc")  # empty: no stored credentials are read
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_worker(ctx: Context, label: str, *, timeout: float = 3600, **spec: object) -> Json:
    """Run one measurement in a fresh worker process (``TimeoutExpired`` past ``timeout``);
    ``env=`` (a dict) adds to the worker's environment."""
    extra = spec.pop("env", None)
    env = {str(k): str(v) for k, v in extra.items()} if isinstance(extra, dict) else {}
    full = {"url": ctx.url, "server_pid": ctx.server_pid, **spec}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [PYTHON, str(BENCH_SCRIPT), "--worker", json.dumps(full)],
        env={**ctx.env, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"worker {label} failed (exit {proc.returncode}):\n{tail}")
    result: Json = json.loads(lines[-1][len(RESULT_MARK) :])
    if ctx.verbose:
        shown = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()}
        print(f"    {label}: {shown}  ({time.perf_counter() - t0:.1f} s)", flush=True)
    else:
        print(f"    {label}: done in {time.perf_counter() - t0:.1f} s", flush=True)
    return result


def median_of(results: Sequence[Json]) -> Json:
    """Per-key median of numeric fields; other fields from the first result."""
    out = dict(results[0])
    for key, value in results[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = statistics.median(float(r[key]) for r in results)
    out["repeats"] = len(results)
    return out


def speedup(official: Sequence[Json], ours: Sequence[Json]) -> float:
    """Official ÷ ours, median wall time of each."""
    return float(median_of(official)["wall"]) / float(median_of(ours)["wall"])


def repeat(ctx: Context, label: str, times: int, **spec: object) -> Json:
    """The median of ``times`` runs of one measurement."""
    return median_of([run_worker(ctx, label, timeout=3600, **spec) for _ in range(times)])


def interleaved(ctx: Context, times: int, variants: Sequence[tuple[str, Json]]) -> list[Json]:
    """Medians of ``times`` rounds, each running every variant once (ABAB, not AABB), so
    load from other processes on a shared machine falls on all variants alike."""
    results: list[list[Json]] = [[] for _ in variants]
    for _ in range(times):
        for i, (label, spec) in enumerate(variants):
            results[i].append(run_worker(ctx, label, **spec))
    return [median_of(r) for r in results]
