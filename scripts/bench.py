#!/usr/bin/env python
"""Benchmark wandb-typed against the official client (wandb==0.31.0), side by side.

    .venv/bin/python scripts/bench.py                    # full sizes (10k runs, 1M history rows)
    .venv/bin/python scripts/bench.py --quick            # 1k runs, 100k rows, fewer repeats
    .venv/bin/python scripts/bench.py --only runs,replay # some benchmarks only
    .venv/bin/python scripts/bench.py --update-md BENCHMARKS.md

Benchmarks: ``import``, ``runs`` (10k runs with config + summary), ``light`` (bytes
per run of a light listing), ``replay`` (the ``runs`` listing against recorded
responses served from memory, so only the clients' own cost remains), ``history``
(scan_history of a 1M-row run), ``cli`` (``wandb-typed history`` of that run and of
one a tenth its length, to CSV and Parquet: the command's peak RSS must not grow with
the run), ``refused`` (time to fail on a refused connection) and ``artifacts``
(downloading a 1,000-file, 500 MB artifact; listing 10,000 versions of a
collection). ``--only artifacts --update-md BENCHMARKS.md --md-block bench-artifacts``
writes its own block, leaving the others as they are.

The data is written into a fresh SQLite file through the store's public seeding API
(``Store.bulk_insert_runs``, ``Store.bulk_insert_history``,
``Store.artifacts.create_artifact``), then served by ``wandb-typed serve`` in a subprocess. Every
measurement runs one client in its own fresh subprocess (this script with
``--worker``), so the CPU and memory reported are that client's own: the CPU of
the worker process *and its children* (the official client's ``wandb-core``
sidecar), and peak RSS growth of that process tree, sampled every 10 ms. Bytes
and request counts come from the server (``GET /_local/stats``). Both clients
get one warm-up call before the timed block (ours ``api.viewer``; the official
constructor already queries the viewer).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

import bench_replay as replay_server  # scripts/bench_replay.py: the record/replay server

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
API_KEY = "bench" + "0" * 35
ENTITY = "demo"
RUNS_PROJECT = "bench-runs"
HISTORY_PROJECT = "bench-history"
RESULT_MARK = "@@bench-result@@ "
BENCHMARKS = (
    "import",
    "runs",
    "light",
    "replay",
    "history",
    "cli",
    "refused",
    "faults",
    "artifacts",
)
ARTIFACTS_PROJECT = "bench-artifacts"
DOWNLOAD_ARTIFACT = "bench-data"
VERSIONS_ARTIFACT = "bench-versions"
MB = 1024 * 1024

Json = dict[str, Any]


# ----------------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class Sizes:
    runs: int
    history_rows: int
    official_history_rows: int
    official_lazy_runs: int
    import_repeats: int
    repeats: int
    artifact_files: int = 1_000
    artifact_mb: int = 500
    artifact_versions: int = 10_000

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Sizes:
        runs = args.runs or (1_000 if args.quick else 10_000)
        rows = args.history_rows or (100_000 if args.quick else 1_000_000)
        return cls(
            runs=runs,
            history_rows=rows,
            official_history_rows=min(rows, args.official_history_rows or rows),
            official_lazy_runs=min(runs, args.official_lazy_runs or runs),
            import_repeats=args.import_repeats or (3 if args.quick else 7),
            repeats=args.repeats or (1 if args.quick else 3),
            artifact_files=args.artifact_files or (200 if args.quick else 1_000),
            artifact_mb=args.artifact_mb or (100 if args.quick else 500),
            artifact_versions=args.artifact_versions or (2_000 if args.quick else 10_000),
        )


def history_run_name(rows: int) -> str:
    return f"h{rows}"


# ----------------------------------------------------------------------------- seeding


def run_config(i: int, rng: random.Random) -> Json:
    """20 config keys, plus the internal ``_wandb`` key (the store wraps each value as
    W&B stores config: ``{"value": v, "desc": null}``)."""
    return {
        "lr": 10 ** rng.uniform(-5, -1),
        "batch_size": rng.choice([16, 32, 64, 128, 256]),
        "epochs": rng.randint(1, 100),
        "optimizer": rng.choice(["adam", "adamw", "sgd", "lion"]),
        "momentum": round(rng.uniform(0.8, 0.99), 4),
        "weight_decay": rng.choice([0.0, 1e-4, 1e-2, 0.1]),
        "dropout": round(rng.uniform(0, 0.5), 3),
        "model": rng.choice(["resnet18", "resnet50", "vit-b16", "convnext-t"]),
        "hidden_sizes": [rng.choice([128, 256, 512]) for _ in range(3)],
        "activation": rng.choice(["relu", "gelu", "silu"]),
        "seed": i,
        "warmup_steps": rng.randint(0, 2000),
        "grad_clip": 1.0,
        "scheduler": {"name": "cosine", "t_max": 10_000, "eta_min": 1e-6},
        "dataset": "imagenet-1k",
        "augment": rng.random() < 0.5,
        "num_workers": 8,
        "precision": rng.choice(["fp32", "bf16", "fp16"]),
        "label_smoothing": 0.1,
        "eval_every": 500,
        "_wandb": {"cli_version": "0.31.0", "python_version": "3.11.7", "is_jupyter_run": False},
    }


def run_summary(i: int, rng: random.Random, started: float) -> Json:
    """12 summary keys, as a finished run has them."""
    runtime = rng.uniform(100, 20_000)
    return {
        "loss": rng.uniform(0.01, 3),
        "accuracy": rng.uniform(0.1, 0.99),
        "val_loss": rng.uniform(0.01, 3),
        "val_accuracy": rng.uniform(0.1, 0.99),
        "epoch": rng.randint(1, 100),
        "lr": 10 ** rng.uniform(-7, -2),
        "grad_norm": rng.uniform(0.1, 10),
        "throughput": rng.uniform(100, 5000),
        "_step": 999,
        "_runtime": runtime,
        "_timestamp": started + runtime,
        "_wandb": {"runtime": int(runtime)},
    }


HISTORY_KEYS = ("_step", "_runtime", "_timestamp", "loss", "accuracy", "lr", "grad_norm")


def history_keys(rows: int) -> Json:
    """W&B's ``historyKeys`` of a run that logged ``rows`` rows of :data:`HISTORY_KEYS`."""
    keys = {k: {"typeCounts": [{"type": "number", "count": rows}]} for k in HISTORY_KEYS}
    return {"keys": keys, "lastStep": rows - 1}


def history_rows(rows: int, t_start: float) -> Iterator[Json]:
    """The scanned run's history, generated lazily (a million rows never sit in memory)."""
    for s in range(rows):
        yield {
            "_step": s,
            "_runtime": round(s * 0.05, 3),
            "_timestamp": round(t_start + s * 0.05, 3),
            "loss": 1.0 / (s + 1),
            "accuracy": s / rows,
            "lr": 1e-3 * (1 - s / rows),
            "grad_norm": 1.0 + (s % 97) / 10,
        }


def artifact_file_size(sizes: Sizes) -> int:
    return sizes.artifact_mb * MB // sizes.artifact_files


def seed_artifacts(store: Any, sizes: Sizes) -> None:
    """The download benchmark's artifact (``artifact_files`` files of random bytes,
    ``artifact_mb`` MB in all) and the listing benchmark's collection
    (``artifact_versions`` one-file versions), through ``Store.artifacts``."""
    store.create_project(ENTITY, ARTIFACTS_PROJECT)
    size = artifact_file_size(sizes)
    files = {
        f"shard-{i // 100:03d}/part-{i:05d}.bin": random.Random(i).randbytes(size)
        for i in range(sizes.artifact_files)
    }
    store.artifacts.create_artifact(ENTITY, ARTIFACTS_PROJECT, DOWNLOAD_ARTIFACT, "dataset", files)
    del files
    for i in range(sizes.artifact_versions):
        store.artifacts.create_artifact(
            ENTITY, ARTIFACTS_PROJECT, VERSIONS_ARTIFACT, "model", {"step.txt": f"step {i}"},
            metadata={"step": i},
        )  # fmt: skip


def seed(db: Path, sizes: Sizes, *, runs: bool, history: bool, artifacts: bool = False) -> float:
    """Write the benchmark data into ``db`` through the store's public seeding API
    (``bulk_insert_runs``, ``bulk_insert_history``, ``artifacts.create_artifact``);
    returns the seconds it took."""
    from wandb_typed.testing import RunSeed, Store

    t0 = time.perf_counter()
    store = Store(db)
    try:
        store.create_user(ENTITY, api_key=API_KEY, admin=True)
        store.create_project(ENTITY, RUNS_PROJECT)
        store.create_project(ENTITY, HISTORY_PROJECT)
        base = datetime(2025, 1, 1, tzinfo=timezone.utc)
        system = {f"system.gpu.{g}.gpu": 97.5 for g in range(4)} | {"system.cpu": 12.5}
        listed_history = history_keys(1000)  # the listed runs report a 1,000-row history

        def run_seeds() -> Iterator[RunSeed]:
            rng = random.Random(0)
            for i in range(sizes.runs):
                created = base + timedelta(seconds=37 * i)
                yield RunSeed(
                    name=f"r{i:07d}",
                    display_name=f"{rng.choice(['brisk', 'calm', 'dark'])}-run-{i}",
                    config=run_config(i, rng),
                    summary=run_summary(i, rng, created.timestamp()),
                    system_metrics=system,
                    tags=["baseline", f"sweep-{i % 7}"],
                    group=f"group-{i % 20}",
                    job_type="train",
                    host="node-3",
                    created_at=created,
                    heartbeat_at=created + timedelta(hours=2),
                    history_line_count=1000,
                    history_keys=listed_history,
                )

        def history_run(rows: int) -> None:
            name = history_run_name(rows)
            seed_run = RunSeed(
                name=name,
                summary={"_step": rows - 1, "loss": 1.0 / rows},
                created_at=base,
                heartbeat_at=base,
            )
            store.bulk_insert_runs(ENTITY, HISTORY_PROJECT, [seed_run])
            project = store.project(ENTITY, HISTORY_PROJECT)
            run = store.run(int(project["id"]), name) if project else None
            assert run is not None
            store.bulk_insert_history(int(run["id"]), history_rows(rows, base.timestamp()))

        if runs:
            store.bulk_insert_runs(ENTITY, RUNS_PROJECT, run_seeds())
        if history:
            for rows in sorted(
                {sizes.history_rows, sizes.official_history_rows, cli_small_rows(sizes)}
            ):
                history_run(rows)
        if artifacts:
            seed_artifacts(store, sizes)
    finally:
        store.close()
    return time.perf_counter() - t0


# ----------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_json(url: str, method: str = "GET") -> Json:
    """GET or POST a JSON route (with the seeded admin's key: ``/_local/stats`` needs a
    key, and resetting it an admin's)."""
    request = urllib.request.Request(
        url,
        method=method,
        data=b"" if method == "POST" else None,
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.loads(response.read())
    assert isinstance(data, dict)
    return data


class Daemon:
    """A server subprocess on a free port, ready once ``GET /healthz`` answers."""

    def __init__(self, args: Sequence[str], log: Path, what: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("wb")
        cmd = [PYTHON, *args, "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError(f"{what} did not start; see {log}") from None
                time.sleep(0.05)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class Server(Daemon):
    """``wandb-typed serve`` in a subprocess (``extra``: more CLI flags, e.g. faults)."""

    def __init__(self, db: Path, log: Path, extra: Sequence[str] = ()) -> None:
        args = ["-m", "wandb_typed.cli", "serve", "--db", str(db), *extra]
        super().__init__(args, log, "the server")


# ----------------------------------------------------------------------------- record / replay


class ReplayServer(Daemon):
    """The record/replay server (``scripts/bench_replay.py``) in a subprocess."""

    def __init__(self, file: Path, log: Path, upstream: str | None = None) -> None:
        spec = json.dumps({"file": str(file), "upstream": upstream})
        mode = "recording proxy" if upstream else "replay server"
        super().__init__([str(Path(replay_server.__file__).resolve()), spec], log, mode)

    def summary(self) -> Json:
        return http_json(f"{self.url}/_local/replay")

    def save(self) -> Json:
        return http_json(f"{self.url}/_local/replay/save", "POST")


# ----------------------------------------------------------------------------- worker side


class Meter:
    """Measures one block inside a worker: wall time, CPU of this process tree
    (including the official client's wandb-core), peak RSS growth of the tree,
    the server's CPU, and the server's traffic (``/_local/stats``)."""

    def __init__(self, url: str, server_pid: int) -> None:
        import psutil

        self._psutil: Any = psutil
        self._me: Any = psutil.Process()
        self._server: Any = psutil.Process(server_pid)
        self._url = url
        self._stop = threading.Event()
        self._tree: list[Any] = []
        self._rss0 = self._peak = self._self0 = self._self_peak = 0
        self._server_cpu0 = self._t0 = 0.0
        self._cpu0: dict[int, float] = {}
        self._sampler: threading.Thread | None = None
        self.result: Json = {}

    def _procs(self) -> list[Any]:
        return [self._me, *self._me.children(recursive=True)]

    def _cpu(self, procs: Sequence[Any]) -> dict[int, float]:
        out: dict[int, float] = {}
        for proc in procs:
            try:
                t = proc.cpu_times()
            except self._psutil.Error:
                continue
            out[int(proc.pid)] = float(t.user + t.system)
        return out

    def _rss(self) -> tuple[int, int]:
        """RSS of this process and of the whole tree."""
        own = total = 0
        for proc in self._tree:
            try:
                rss = int(proc.memory_info().rss)
            except self._psutil.Error:
                continue
            total += rss
            own = rss if proc is self._me else own
        return own, total

    def _update_peak(self) -> None:
        own, total = self._rss()
        self._self_peak, self._peak = max(self._self_peak, own), max(self._peak, total)

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self._update_peak()

    def __enter__(self) -> Meter:
        import gc

        http_json(f"{self._url}/_local/stats/reset", "POST")
        gc.collect()
        self._tree = self._procs()
        self._self0, self._rss0 = self._self_peak, self._peak = self._rss()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        st = self._server.cpu_times()
        self._server_cpu0 = float(st.user + st.system)
        self._cpu0 = self._cpu(self._tree)
        self._t0 = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        wall = time.perf_counter() - self._t0
        cpu1 = self._cpu(self._procs())
        st = self._server.cpu_times()
        server_cpu = float(st.user + st.system) - self._server_cpu0
        self._stop.set()
        if self._sampler is not None:
            self._sampler.join()
        self._tree = self._procs()
        self._update_peak()
        stats = http_json(f"{self._url}/_local/stats")
        graphql = {
            k: v for k, v in stats["operations"].items() if not k.startswith(("GET ", "POST "))
        }
        me = int(self._me.pid)
        self.result = {
            "wall": wall,
            "cpu": sum(cpu1[pid] - self._cpu0.get(pid, 0.0) for pid in cpu1),
            "cpu_python": cpu1.get(me, 0.0) - self._cpu0.get(me, 0.0),
            "processes": len(cpu1),
            "server_cpu": server_cpu,
            "rss_before_mb": self._rss0 / MB,
            "rss_growth_mb": (self._peak - self._rss0) / MB,
            "rss_growth_python_mb": (self._self_peak - self._self0) / MB,
            "requests": sum(int(v["requests"]) for v in graphql.values()),
            "response_bytes": sum(int(v["response_bytes"]) for v in graphql.values()),
            "request_bytes": sum(int(v["request_bytes"]) for v in graphql.values()),
            "operations": {k: int(v["requests"]) for k, v in stats["operations"].items()},
        }


def _ours(spec: Json) -> Any:
    import wandb_typed

    retry = wandb_typed.RetryPolicy.none() if spec.get("no_retry") else None
    return wandb_typed.Api(api_key=API_KEY, overrides={"base_url": spec["url"]}, retry=retry)


def _official(spec: Json) -> Any:
    import wandb

    return wandb.Api(api_key=API_KEY, overrides={"base_url": spec["url"]})


def worker_runs(spec: Json) -> Json:
    """Iterate a project's runs, touching config and summary unless ``touch`` is false."""
    path, per_page, touch = f"{ENTITY}/{RUNS_PROJECT}", int(spec["per_page"]), bool(spec["touch"])
    limit = int(spec.get("limit") or 0)
    n = checked = 0
    if spec["client"] == "ours":
        api = _ours(spec)
        _ = api.viewer  # warm-up: imports the generated client
        with Meter(spec["url"], spec["server_pid"]) as meter:
            for run in api.runs(path, per_page=per_page, light=bool(spec.get("light"))):
                if touch:
                    config, summary = run.config, run.summary
                    checked += len(config) >= 20 and len(summary) >= 12 and "lr" in config
                    _ = (config["lr"], summary["loss"])
                n += 1
    else:
        api = _official(spec)
        with Meter(spec["url"], spec["server_pid"]) as meter:
            for run in api.runs(path, per_page=per_page, lazy=bool(spec["lazy"])):
                if touch:
                    config, summary = run.config, run.summary
                    checked += len(config) >= 20 and "lr" in config
                    _ = (config["lr"], summary.get("loss"))
                n += 1
                if limit and n >= limit:
                    break
    return {**meter.result, "items": n, "checked": checked}


def worker_history(spec: Json) -> Json:
    """Scan a run's whole history, checking ``_step`` runs 0, 1, 2, ... without gaps."""
    path = f"{ENTITY}/{HISTORY_PROJECT}/{spec['run']}"
    api = _ours(spec) if spec["client"] == "ours" else _official(spec)
    run = api.run(path)
    n, expected, bad = 0, 0, 0
    with Meter(spec["url"], spec["server_pid"]) as meter:
        for row in run.scan_history():
            if row["_step"] != expected:
                bad += 1
                expected = int(row["_step"])
            expected += 1
            n += 1
    return {**meter.result, "items": n, "step_errors": bad}


def worker_cli(spec: Json) -> Json:
    """``wandb-typed history`` of one run into a file, as a child process: its peak RSS
    (``ru_maxrss`` of this worker's only child) and the rows it wrote."""
    import resource

    out = Path(spec["out"])
    env = {**os.environ, "WANDB_BASE_URL": spec["url"], "WANDB_API_KEY": API_KEY}
    command = [PYTHON, "-m", "wandb_typed.cli", "history", f"{ENTITY}/{HISTORY_PROJECT}/{spec['run']}",
               "-o", str(out)]  # fmt: skip
    with Meter(spec["url"], spec["server_pid"]) as meter:
        subprocess.run(command, env=env, check=True, capture_output=True)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    if out.suffix == ".csv":
        with out.open("rb") as f:
            rows = sum(1 for _ in f) - 1
    else:
        import pyarrow.parquet as pq

        rows = int(pq.ParquetFile(out).metadata.num_rows)
    size = out.stat().st_size
    out.unlink()
    return {**meter.result, "items": rows, "cli_peak_rss_mb": peak_kb / 1024, "file_bytes": size}


def worker_refused(spec: Json) -> Json:
    """Seconds until the client raises when the server port is closed."""
    error = ""
    t0 = time.perf_counter()
    try:
        if spec["client"] == "ours":
            _ = _ours(spec).viewer  # the constructor sends nothing; this does
        else:
            _official(spec)  # the official constructor goes to the network
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    wall = time.perf_counter() - t0
    return {"wall": wall, "error": " ".join(error.split())[:300]}


def worker_faults(spec: Json) -> Json:
    """Page through every run while the server fails requests; count what came back."""
    import wandb_typed

    retry = wandb_typed.RetryPolicy(
        max_attempts=10, initial_delay=0.05, max_delay=0.5, max_retry_after=0.5
    )
    api = wandb_typed.Api(api_key=API_KEY, overrides={"base_url": spec["url"]}, retry=retry)
    path = f"{ENTITY}/{RUNS_PROJECT}"
    t0 = time.perf_counter()
    ids = [run.id for run in api.runs(path, per_page=int(spec["per_page"]), light=True)]
    return {"wall": time.perf_counter() - t0, "items": len(ids), "unique": len(set(ids))}


def worker_artifact_download(spec: Json) -> Json:
    """Download the benchmark artifact into a fresh directory; count what landed."""
    name = f"{ENTITY}/{ARTIFACTS_PROJECT}/{DOWNLOAD_ARTIFACT}:v0"
    root = Path(spec["root"])
    if spec["client"] == "ours":
        api = _ours(spec)
        art = api.artifact(name)
        with Meter(spec["url"], spec["server_pid"]) as meter:
            art.download(root, max_workers=int(spec["workers"]))
    else:
        api = _official(spec)
        art = api.artifact(name)
        with Meter(spec["url"], spec["server_pid"]) as meter:
            art.download(root=str(root))
    files = [p for p in root.rglob("*") if p.is_file()]
    return {**meter.result, "items": len(files), "bytes": sum(p.stat().st_size for p in files)}


def worker_artifact_versions(spec: Json) -> Json:
    """List every version of the benchmark collection, touching name and metadata."""
    name = f"{ENTITY}/{ARTIFACTS_PROJECT}/{VERSIONS_ARTIFACT}"
    per_page = int(spec["per_page"])
    api = _ours(spec) if spec["client"] == "ours" else _official(spec)
    if spec["client"] == "ours":
        _ = api.viewer  # warm-up: imports the generated client
    n = checked = 0
    with Meter(spec["url"], spec["server_pid"]) as meter:
        for art in api.artifacts("model", name, per_page=per_page):
            checked += art.version.startswith("v") and "step" in art.metadata
            n += 1
    return {**meter.result, "items": n, "checked": checked}


WORKERS: dict[str, Callable[[Json], Json]] = {
    "artifact_download": worker_artifact_download,
    "artifact_versions": worker_artifact_versions,
    "faults": worker_faults,
    "runs": worker_runs,
    "history": worker_history,
    "cli": worker_cli,
    "refused": worker_refused,
}


def worker_main(spec_text: str) -> int:
    spec = json.loads(spec_text)
    result = WORKERS[spec["kind"]](spec)
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


# ----------------------------------------------------------------------------- driver side


@dataclass
class Context:
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
        [PYTHON, str(Path(__file__).resolve()), "--worker", json.dumps(full)],
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


def repeat(ctx: Context, label: str, times: int, **spec: object) -> Json:
    return median_of([run_worker(ctx, label, timeout=3600, **spec) for _ in range(times)])


def interleaved(ctx: Context, times: int, variants: Sequence[tuple[str, Json]]) -> list[Json]:
    """Medians of ``times`` rounds, each running every variant once (ABAB, not AABB), so
    load from other processes on a shared machine falls on all variants alike."""
    results: list[list[Json]] = [[] for _ in variants]
    for _ in range(times):
        for i, (label, spec) in enumerate(variants):
            results[i].append(run_worker(ctx, label, **spec))
    return [median_of(r) for r in results]


# ----------------------------------------------------------------------------- report


@dataclass
class Target:
    text: str
    met: bool
    detail: str


@dataclass
class Section:
    title: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fs(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fnum(value: float) -> str:
    return f"{value:,.0f}"


def fbytes(value: float) -> str:
    if value >= MB:
        return f"{value / MB:.1f} MB"
    if value >= 10_000:
        return f"{value / 1024:.1f} KB"
    return f"{value:,.0f} B"


def fx(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def render_table(section: Section, markdown: bool) -> str:
    rows = [section.header, *section.rows]
    if markdown:
        lines = ["| " + " | ".join(r) + " |" for r in rows]
        lines.insert(1, "|" + "|".join("---" for _ in section.header) + "|")
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in rows) for i in range(len(section.header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join("  " + ln for ln in lines)


# ----------------------------------------------------------------------------- benchmarks


def bench_import(ctx: Context) -> Section:
    variants = [
        ("bare interpreter: `pass`", "pass"),
        ("`import httpx, pydantic`", "import httpx, pydantic"),
        ("`import wandb_typed; wandb_typed.Api()`", "import wandb_typed; wandb_typed.Api()"),
        ("`import wandb`", "import wandb"),
        (
            "`import wandb; wandb.Api(...)` (viewer query to the local server)",
            f"import wandb; wandb.Api(api_key={API_KEY!r}, overrides={{'base_url': {ctx.url!r}}})",
        ),
    ]
    env = {**ctx.env, "WANDB_API_KEY": API_KEY}
    walls: dict[str, list[float]] = {label: [] for label, _ in variants}
    rss: dict[str, list[float]] = {label: [] for label, _ in variants}
    for round_no in range(ctx.sizes.import_repeats + 1):  # round 0 warms the caches
        for label, code in variants:
            with tempfile.TemporaryFile() as err:
                t0 = time.perf_counter()
                proc = subprocess.Popen([PYTHON, "-c", code], env=env, stderr=err)
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - t0
                proc.returncode = os.waitstatus_to_exitcode(status)
                if proc.returncode != 0:
                    err.seek(0)
                    raise RuntimeError(f"{code!r} failed: {err.read().decode()[-2000:]}")
            if round_no:
                walls[label].append(wall)
                rss[label].append(usage.ru_maxrss / 1024)
    med = {label: statistics.median(v) for label, v in walls.items()}
    labels = [label for label, _ in variants]
    base, ours, official_import, official_api = (med[label] for label in labels[1:])
    section = Section(
        f"Import (whole process, median of {ctx.sizes.import_repeats})",
        ("command", "wall", "min-max", "max RSS (python)", "ours ÷ this"),
    )
    for label in labels:
        section.rows.append(
            (
                label,
                fs(med[label]),
                f"{fs(min(walls[label]))}-{fs(max(walls[label]))}",
                f"{statistics.median(rss[label]):.0f} MB",
                fx(ours / med[label]),
            )
        )
    ratio = ours / base
    section.targets.append(
        Target("import + Api() ≤ 1.3x `import httpx, pydantic`", ratio <= 1.3, f"{fx(ratio)}")
    )
    section.notes.append(
        f"Ours is {fx(official_import / ours)} faster than `import wandb` and "
        f"{fx(official_api / ours)} faster than `import wandb` + `wandb.Api(...)` "
        "(which starts the wandb-core sidecar and queries the viewer)."
    )
    return section


def _runs_row(label: str, r: Json, runs: int) -> tuple[str, ...]:
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


_RUNS_HEADER = (
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
        f"{s.runs:,} runs with config (20 keys) + summary (12 keys), touching both", _RUNS_HEADER
    )
    lazy_label = "official `lazy=True` (default), per_page=50: N+1"
    if s.official_lazy_runs < s.runs:
        lazy_label += f" (first {s.official_lazy_runs:,} runs)"
    for label, r in (
        ("ours, per_page=1000", ours_1000),
        ("ours, per_page=50 (default)", ours_50),
        ("official `lazy=False`, per_page=1000", off_full),
        ("official `lazy=False`, per_page=50", off_full_50),
        (lazy_label, off_lazy),
    ):
        section.rows.append(_runs_row(label, r, s.runs))

    def rate(r: Json) -> float:
        return float(r["items"]) / float(r["wall"])

    ratio = rate(ours_1000) / rate(off_full)
    default_ratio = rate(ours_50) / rate(off_lazy)
    section.targets += [
        Target(
            "runs throughput ≥ 3x official, each client's default call (ours per_page=50; "
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
    section = Section(f"Light listing of {s.runs:,} runs (no config/summary touched)", _RUNS_HEADER)
    section.rows.append(_runs_row("ours `light=True`, per_page=50", ours, s.runs))
    section.rows.append(_runs_row("official `lazy=True` (default), per_page=50", official, s.runs))
    section.rows.append(_runs_row("official `lazy=False`, per_page=50", full, s.runs))

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
            "ours, per_page=50 (default)",
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

    header = tuple("replay server CPU" if h == "server CPU" else h for h in _RUNS_HEADER)
    section = Section(
        f"Client only: {s.runs:,} runs from replayed responses, touching config + summary", header
    )
    for (_, row_label, _), r in zip(variants, results, strict=True):
        section.rows.append(_runs_row(row_label, r, s.runs))

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


def bench_history(ctx: Context) -> Section:
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
        section.rows.append((*_runs_row(label, r, n)[:-1], memory, gaps))
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


def cli_small_rows(sizes: Sizes) -> int:
    """The shorter run the ``cli`` benchmark compares with: a tenth of the long one."""
    return max(1, sizes.history_rows // 10)


def bench_cli(ctx: Context) -> Section:
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


def bench_refused(ctx: Context) -> Section:
    closed = f"http://127.0.0.1:{free_port()}"
    print(f"  refused: {closed}", flush=True)
    reps = max(3, ctx.sizes.repeats)
    ours = repeat(ctx, "ours default retry", reps, kind="refused", client="ours", url=closed)
    limit = 120.0
    try:
        official = run_worker(
            ctx,
            "official default timeout",
            timeout=limit,
            kind="refused",
            client="official",
            url=closed,
        )
    except subprocess.TimeoutExpired:  # seen once: wandb-core kept retrying for over 10 min
        print(f"    official default timeout: no error within {limit:.0f} s", flush=True)
        official = {"wall": limit, "error": f"(still waiting after {limit:.0f} s; stopped)"}
    section = Section(
        "Refused connection (closed port on 127.0.0.1)", ("client", "time to raise", "error")
    )
    section.rows += [
        (f"ours, default settings (median of {reps})", fs(ours["wall"]), ours["error"][:150]),
        (
            "official, default timeout",
            fs(official["wall"]) if official["wall"] < limit else f"> {limit:.0f} s",
            official["error"][:150],
        ),
        (
            "official, reference measurement (user-needs.md §0)",
            "19.45 s",
            "AuthenticationError: … the service process is busy and did not respond in time",
        ),
    ]
    section.notes.append(
        f"Ours fails {fx(official['wall'] / ours['wall'])} sooner than the official client "
        "with default settings, naming the refused connection. Ours does not retry a refused "
        "connection (nothing listens there); its time includes the constructor and the first "
        "call's import of the generated client. The official time starts at `wandb.Api(...)` "
        "(after `import wandb`)."
    )
    return section


def bench_faults(ctx: Context) -> Section:
    """All runs of the big project, paged through a server failing 20% of requests."""
    s = ctx.sizes
    rate, per_page = 0.2, 100
    print(
        f"  faults: {s.runs} runs, {rate:.0%} of requests failing, per_page={per_page}", flush=True
    )
    server = Server(
        ctx.db, ctx.tmp / "faults.log", ["--fault-rate", str(rate), "--fault-seed", "1"]
    )
    try:
        result = run_worker(
            ctx, "ours under faults", kind="faults", url=server.url, per_page=per_page
        )
        stats = http_json(f"{server.url}/_local/stats")
    finally:
        server.close()
    faults = {k: int(v) for k, v in stats.get("faults", {}).items()}
    injected = sum(faults.values())
    graphql = sum(
        int(v["requests"])
        for k, v in stats["operations"].items()
        if not k.startswith(("GET ", "POST "))
    )
    items, unique = int(result["items"]), int(result["unique"])
    section = Section(
        f"Paging {s.runs:,} runs through {rate:.0%} injected faults (ours, light listing)",
        ("runs paginated", "requests", "faults injected", "by kind", "lost", "duplicated", "wall"),
    )
    section.rows.append(
        (f"{items:,}", f"{graphql:,}", f"{injected:,}", ", ".join(f"{k} {v}" for k, v in faults.items()),
         f"{s.runs - unique:,}", f"{items - unique:,}", fs(float(result["wall"])))
    )  # fmt: skip
    section.targets.append(
        Target(
            f"every run exactly once under {rate:.0%} faults",
            items == unique == s.runs,
            f"{unique:,} of {s.runs:,} once, {injected:,} faults",
        )
    )
    section.notes.append(
        "Kinds: HTTP 500/502/503, 429 with Retry-After, connection resets, 1 s stalls, truncated "
        "and non-JSON bodies (`wandb-typed serve --fault-rate 0.2`). Ours retries with up to 10 "
        "attempts and capped backoff; keyset cursors make a retried page the same page."
    )
    return section


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
    variants = {"ours": ("ours", 8), "ours4": ("ours", 4), "official": ("official", 0)}
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
    ours, ours4, official = (median_of(downloads[key]) for key in variants)
    for label, r in (("ours", ours), ("ours4", ours4), ("official", official)):
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
        ("download: ours (default max_workers=8)", ours, expected_bytes / MB),
        ("download: ours, max_workers=4", ours4, expected_bytes / MB),
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
    speed4 = official["wall"] / ours4["wall"]
    section.targets += [
        Target(
            f"artifact download ({s.artifact_files:,} files, {expected_bytes / MB:.0f} MB) "
            "≥ 2x faster than official, each client's default call",
            speed >= 2,
            f"{fx(speed)}; max_workers=4: {fx(speed4)}",
        ),
        Target(
            "artifact download: peak RSS growth ≤ 100 MB",
            ours["rss_growth_mb"] <= 100,
            f"{ours['rss_growth_mb']:.1f} MB (official {official['rss_growth_mb']:.1f} MB)",
        ),
    ]
    section.notes += [
        f"Download wall ours ÷ official: {fx(ours['wall'] / official['wall'])} (max_workers=4: "
        f"{fx(ours4['wall'] / official['wall'])}); client CPU "
        f"{fx(ours['cpu'] / max(official['cpu'], 1e-9))} (official incl. wandb-core). Rounds, "
        "official ÷ ours wall: "
        + ", ".join(
            fx(o["wall"] / u["wall"])
            for o, u in zip(downloads["official"], downloads["ours"], strict=True)
        )
        + ". Both "
        "start from an artifact already fetched, in a fresh directory; the official client "
        "also writes every file into its cache (a fresh `WANDB_CACHE_DIR` per run) and "
        "copies it out. Ours checks every file's MD5 as it streams.",
        f"Listing {s.artifact_versions:,} versions, items/s ours ÷ official: per_page=1000 "
        f"{fx(official_1000['wall'] / ours_1000['wall'])}, per_page=50 "
        f"{fx(official_50['wall'] / ours_50['wall'])}.",
    ]
    return section


BENCH_FUNCS: dict[str, Callable[[Context], Section]] = {
    "artifacts": bench_artifacts,
    "import": bench_import,
    "runs": bench_runs,
    "light": bench_light,
    "replay": bench_replay,
    "history": bench_history,
    "cli": bench_cli,
    "refused": bench_refused,
    "faults": bench_faults,
}


# ----------------------------------------------------------------------------- main


def machine() -> str:
    import httpx
    import pydantic

    try:
        from importlib.metadata import version

        wandb_version = version("wandb")
    except Exception:
        wandb_version = "not installed"
    cpu = platform.processor() or platform.machine()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({model or cpu}), {platform.system()} {platform.release()}, "
        f"CPython {platform.python_version()}, wandb {wandb_version}, httpx {httpx.__version__}, "
        f"pydantic {pydantic.VERSION}"
    )


def render(
    sections: Sequence[Section], command: str, sizes: Sizes, load: str, markdown: bool
) -> str:
    when = f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
    data = f"{sizes.runs:,} runs, {sizes.history_rows:,} history rows"
    out = [
        f"Command: `{command}`  ",
        f"Machine: {machine()}  ",
        f"Run: {when}; data: {data}; 1-min load average {load}.",
        "",
    ]
    if not markdown:
        out = [line.rstrip().replace("`", "") for line in out]
    for section in sections:
        out.append(f"### {section.title}" if markdown else f"\n== {section.title}")
        out += ["", render_table(section, markdown), ""]
        out += [("- " if markdown else "  ") + note for note in section.notes]
        if section.notes:
            out.append("")
    targets = [t for s in sections for t in s.targets]
    out.append("### Targets" if markdown else "\n== Targets")
    out.append("")
    for t in targets:
        mark = "met" if t.met else "NOT met"
        out.append(
            f"- **{mark}**: {t.text} ({t.detail})"
            if markdown
            else f"  {mark:8} {t.text} ({t.detail})"
        )
    return "\n".join(out) + "\n"


def update_markdown(path: Path, block: str, name: str = "bench") -> None:
    """Replace the text between the ``<!-- name:begin -->`` and ``<!-- name:end -->``
    markers (appended if missing; a new file if none)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin not in text or end not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{block}{end}{tail}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1k runs, 100k rows, fewer repeats")
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help=f"comma-separated subset of {','.join(BENCHMARKS)}",
    )
    parser.add_argument("--runs", type=int, help="runs in the listing project (default 10000)")
    parser.add_argument(
        "--history-rows", type=int, help="rows of the scanned run (default 1000000)"
    )
    parser.add_argument(
        "--official-history-rows", type=int, help="scan a smaller run with the official client"
    )
    parser.add_argument(
        "--official-lazy-runs",
        type=int,
        help="stop the official lazy=True (N+1) listing after this many runs",
    )
    parser.add_argument("--repeats", type=int, help="repeats of the cheap measurements (median)")
    parser.add_argument("--import-repeats", type=int, help="repeats of each import (default 7)")
    parser.add_argument("--update-md", type=Path, help="write the results into this markdown file")
    parser.add_argument(
        "--md-block",
        default="bench",
        help="the marked block of --update-md to replace (default 'bench'; 'bench-artifacts')",
    )
    parser.add_argument("--artifact-files", type=int, help="files of the downloaded artifact")
    parser.add_argument("--artifact-mb", type=int, help="MB of the downloaded artifact (500)")
    parser.add_argument("--artifact-versions", type=int, help="versions listed (10000)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every raw result")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker_main(args.worker)
    selected = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(selected) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    sizes = Sizes.from_args(args)
    command = " ".join(
        [".venv/bin/python", "scripts/bench.py", *(argv if argv is not None else sys.argv[1:])]
    )
    loads = os.getloadavg()
    print(f"machine: {machine()}\nsizes: {sizes}\nload average: {loads}", flush=True)
    sections: list[Section] = []
    with tempfile.TemporaryDirectory(prefix="wandb-typed-bench-") as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "bench.sqlite3"
        wants_runs = bool({"runs", "light", "replay", "faults"} & set(selected))
        took = seed(
            db,
            sizes,
            runs=wants_runs,
            history=bool({"history", "cli"} & set(selected)),
            artifacts="artifacts" in selected,
        )
        print(f"seeded {db} in {took:.1f} s ({db.stat().st_size / MB:.0f} MB)", flush=True)
        server = Server(db, tmp / "server.log")
        try:
            ctx = Context(
                server.url, server.proc.pid, worker_env(tmp), sizes, args.verbose, tmp, db
            )
            for name in BENCHMARKS:
                if name in selected:
                    print(f"[{name}]", flush=True)
                    sections.append(BENCH_FUNCS[name](ctx))
        finally:
            server.close()
    load = f"{loads[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end"
    print(render(sections, command, sizes, load, markdown=False))
    if args.update_md:
        update_markdown(
            args.update_md, render(sections, command, sizes, load, markdown=True), args.md_block
        )
        print(f"wrote {args.update_md}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
