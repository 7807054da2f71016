"""The worker side: what runs inside the fresh subprocess of one measurement
(``scripts/bench.py --worker SPEC``). ``Meter`` measures a block (wall, CPU and peak
RSS of the process tree, server CPU and traffic); one ``worker_*`` function per kind of
measurement drives one client; ``worker_main`` prints the result for the driver."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from .common import (
    API_KEY,
    ARTIFACTS_PROJECT,
    DOWNLOAD_ARTIFACT,
    ENTITY,
    HISTORIES_PROJECT,
    HISTORY_PROJECT,
    MB,
    PYTHON,
    RESULT_MARK,
    RUNS_PROJECT,
    VERSIONS_ARTIFACT,
    Json,
)
from .server import http_json


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
    path, touch = f"{ENTITY}/{RUNS_PROJECT}", bool(spec["touch"])
    per_page = int(spec["per_page"]) if spec.get("per_page") is not None else 50
    limit = int(spec.get("limit") or 0)
    n = checked = 0
    if spec["client"] == "ours":
        api = _ours(spec)
        _ = api.viewer  # warm-up: imports the generated client
        # per_page None: ours' default call (no per_page given: the page size adapts)
        sized = {} if spec.get("per_page") is None else {"per_page": per_page}
        with Meter(spec["url"], spec["server_pid"]) as meter:
            for run in api.runs(path, light=bool(spec.get("light")), **sized):
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


def worker_histories(spec: Json) -> Json:
    """``runs.histories(samples=500, keys=["loss"])`` of a project's runs: one sampled
    history request per run in both clients; rows counted, each tagged with its run."""
    path = f"{ENTITY}/{HISTORIES_PROJECT}"
    api = _ours(spec) if spec["client"] == "ours" else _official(spec)
    _ = api.viewer  # warm-up: imports the generated client (the official one logs in)
    with Meter(spec["url"], spec["server_pid"]) as meter:
        rows = api.runs(path, per_page=100).histories(samples=500, keys=["loss"])
    tagged = sum(1 for row in rows if row.get("run_id") and "loss" in row)
    return {**meter.result, "items": len(rows), "checked": tagged}


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
    "histories": worker_histories,
    "cli": worker_cli,
    "refused": worker_refused,
}


def worker_main(spec_text: str) -> int:
    """Run one measurement from its JSON spec and print the result after
    :data:`RESULT_MARK`."""
    spec = json.loads(spec_text)
    result = WORKERS[spec["kind"]](spec)
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0
