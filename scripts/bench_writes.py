#!/usr/bin/env python
"""Benchmarks of the write path (issue 16), never run as timed tests.

    .venv/bin/python scripts/bench_writes.py            # 100,000 steps; 1,000 files / 500 MB
    .venv/bin/python scripts/bench_writes.py --quick    # 20,000 steps; 200 files / 100 MB
    .venv/bin/python scripts/bench_writes.py --only sdk # or: upload

``sdk``: the same training script (``wandb.init``, ``run.log`` N times, ``run.finish``)
run by the official SDK against a local server (``wandb-typed serve`` on a SQLite file,
in a process of its own) and in offline mode; target: online takes at most 1.5x offline (the
server is not the bottleneck). The online run's history is checked complete.

``upload``: one artifact of N files (random contents, so nothing deduplicates) saved by
our client (``ArtifactDraft.add_dir`` + ``save``) and by the official SDK
(``wandb.Artifact.add_dir`` + ``run.log_artifact`` + ``wait``), each in a fresh
subprocess against its own project; the time is the script's own measure of those
calls (process start-up and ``wandb.init`` excluded), the RSS growth that of the
worker process tree (the official SDK's ``wandb-core`` included), sampled every 10 ms:
its peak minus the tree's RSS when the timed calls start (the worker prints it), the
same window as the time; growth from process start (imports included) is printed too.
Targets: ours at least 2x faster, RSS growth at most 100 MB.

Each measurement runs ``--repeats`` times (default 3, quick 1), interleaved; the
median is reported.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wandb_typed.testing import Store  # noqa: E402

#: The API key of the benchmark server's user (a fixed test key, never a real one).
API_KEY = "benchwrites" + "0" * 29

MB = 1024 * 1024

SDK_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import wandb
    steps = int(sys.argv[1])
    start = time.perf_counter()
    run = wandb.init(project="bench-sdk", config={"lr": 0.01})
    for step in range(steps):
        run.log({"loss": 1.0 / (step + 1), "acc": step / steps})
    run.finish()
    print("ELAPSED", time.perf_counter() - start)
    print("RUN_ID", run.id)
    """
)

OURS_UPLOAD = textwrap.dedent(
    """
    import sys, time
    from wandb_typed import Api, ArtifactDraft
    api = Api()
    api.viewer  # warm-up: the connection, as the official init does
    import psutil
    def tree_rss():
        me = psutil.Process()
        return me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
    print("BASE", tree_rss(), flush=True)
    start = time.perf_counter()
    draft = ArtifactDraft("blobs", "dataset")
    draft.add_dir(sys.argv[1])
    saved = draft.save(sys.argv[2], max_workers=int(sys.argv[3]))
    print("ELAPSED", time.perf_counter() - start)
    print("FILES", saved.file_count, "BYTES", saved.size)
    """
)

OFFICIAL_UPLOAD = textwrap.dedent(
    """
    import sys, time
    import wandb
    run = wandb.init(project=sys.argv[2])
    import psutil
    def tree_rss():
        me = psutil.Process()
        return me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
    print("BASE", tree_rss(), flush=True)
    start = time.perf_counter()
    art = wandb.Artifact("blobs", "dataset")
    art.add_dir(sys.argv[1])
    logged = run.log_artifact(art).wait()
    print("ELAPSED", time.perf_counter() - start)
    print("FILES", logged.file_count, "BYTES", logged.size)
    run.finish()
    """
)


@dataclass
class Measure:
    """One worker's run: its own elapsed time, wall time, and RSS growth of its tree."""

    elapsed: float
    wall: float
    #: Peak RSS of the tree minus its RSS when the process started (imports included).
    rss_growth_mb: float
    stdout: str
    #: Peak RSS minus the tree's RSS when the timed calls started (the script's ``BASE``
    #: line: after imports, ``Api()``/``wandb.init``), the same window as ``elapsed``.
    rss_timed_mb: float


def tree_rss(process: psutil.Process) -> int:
    """Resident memory of a process and its children, bytes (0 once gone)."""
    try:
        total = process.memory_info().rss
        children = process.children(recursive=True)
    except psutil.Error:
        return 0
    for child in children:
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total


def run_worker(source: str, args: list[str], env: dict[str, str], cwd: Path) -> Measure:
    """Run ``python -c source args`` to the end, sampling its tree's RSS every 10 ms."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", source, *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process = psutil.Process(child.pid)
    base = tree_rss(process)
    peak = base
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = child.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"worker exited {child.returncode}:\n{stdout}\n{stderr}")
    elapsed = next(
        float(line.split()[1]) for line in stdout.splitlines() if line.startswith("ELAPSED")
    )
    timed_base = next(
        (int(line.split()[1]) for line in stdout.splitlines() if line.startswith("BASE ")), base
    )
    return Measure(elapsed, wall, (peak - base) / MB, stdout, (peak - timed_base) / MB)


class Server:
    """``wandb-typed serve`` on ``db`` and a free port, in its own process."""

    def __init__(self, db: Path) -> None:
        store = Store(db)
        store.create_user("demo", api_key=API_KEY, admin=True)
        store.close()
        with contextlib.closing(socket.socket()) as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.db = db
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api_key = API_KEY
        self.entity = "demo"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wandb_typed.cli", "serve", "--port", str(self.port), "--db", str(db)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
        )  # fmt: skip
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if "API key" in line:
                break
        else:
            raise RuntimeError("the server did not start")

    def run_row(self, project: str, run_id: str) -> dict[str, object] | None:
        """The stored run (read from the database, beside the server)."""
        store = Store(self.db)
        try:
            found = store.project(self.entity, project)
            return store.run(int(found["id"]), run_id) if found else None
        finally:
            store.close()

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system)."""
        times = psutil.Process(self.proc.pid).cpu_times()
        return float(times.user + times.system)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)


def sdk_env(server: Server, home: Path, mode: str) -> dict[str, str]:
    """The environment of one SDK run: its own WANDB_DIR, quiet, the local server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")}
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        WANDB_BASE_URL=server.base_url,
        WANDB_API_KEY=server.api_key,
        WANDB_MODE=mode,
        WANDB_DIR=str(home),
        WANDB_CACHE_DIR=str(home / "cache"),
        WANDB_DATA_DIR=str(home / "data"),
        WANDB_CONFIG_DIR=str(home / "config"),
        WANDB_SILENT="true",
        WANDB_DISABLE_CODE="true",
        WANDB_DISABLE_GIT="true",
        WANDB_CONSOLE="off",
    )
    return env


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_sdk(server: Server, tmp: Path, steps: int, repeats: int) -> bool:
    """Online vs offline time of a ``steps``-step training script."""
    online: list[Measure] = []
    offline: list[Measure] = []
    for i in range(repeats):
        for mode, out in (("online", online), ("offline", offline)):
            home = tmp / f"sdk-{mode}-{i}"
            out.append(run_worker(SDK_SCRIPT, [str(steps)], sdk_env(server, home, mode), tmp))
    for m in online:
        run_id = next(
            line.split()[1] for line in m.stdout.splitlines() if line.startswith("RUN_ID")
        )
        row = server.run_row("bench-sdk", run_id)
        if row is None or row["history_line_count"] != steps or row["state"] != "finished":
            raise RuntimeError(f"run {run_id}: the server did not get the whole history")
    on, off = median([m.elapsed for m in online]), median([m.elapsed for m in offline])
    ratio = on / off
    print(f"sdk: {steps:,} steps: online {on:.2f} s, offline {off:.2f} s, ratio {ratio:.2f}x"
          f" (target <= 1.5x): {'PASS' if ratio <= 1.5 else 'FAIL'}")  # fmt: skip
    print(f"     online RSS growth {median([m.rss_growth_mb for m in online]):.0f} MB,"
          f" offline {median([m.rss_growth_mb for m in offline]):.0f} MB")  # fmt: skip
    return ratio <= 1.5


def bench_upload(server: Server, tmp: Path, files: int, total_mb: int, repeats: int) -> bool:
    """Our draft save vs the official ``log_artifact`` of the same directory."""
    data = tmp / "upload-data"
    data.mkdir()
    size = total_mb * MB // files
    ours: list[Measure] = []
    official: list[Measure] = []
    server_cpu: dict[str, list[float]] = {"ours": [], "official": []}
    for i in range(repeats):
        for label, out in (("ours", ours), ("official", official)):
            # fresh contents per run: a second upload of the same blobs would be free
            for n in range(files):
                (data / f"part-{n:05d}.bin").write_bytes(os.urandom(size))
            project = f"bench-upload-{label}-{i}"
            home = tmp / f"upload-{label}-{i}"
            env = sdk_env(server, home, "online")
            before = server.cpu_seconds()
            if label == "ours":
                args = [str(data), project, "16"]
                out.append(run_worker(OURS_UPLOAD, args, env, tmp))
            else:
                out.append(run_worker(OFFICIAL_UPLOAD, [str(data), project], env, tmp))
            server_cpu[label].append(server.cpu_seconds() - before)
    for m in ours + official:
        line = next(x for x in m.stdout.splitlines() if x.startswith("FILES"))
        if line.split()[1] != str(files):
            raise RuntimeError(f"an upload did not store every file: {line}")
    o, f = median([m.elapsed for m in ours]), median([m.elapsed for m in official])
    rss = median([m.rss_timed_mb for m in ours])
    speed = f / o
    print(f"upload: {files:,} files / {total_mb} MB: ours {o:.2f} s ({total_mb / o:.0f} MB/s),"
          f" official {f:.2f} s ({total_mb / f:.0f} MB/s): {speed:.2f}x (target >= 2x):"
          f" {'PASS' if speed >= 2 else 'FAIL'}")  # fmt: skip
    print(f"        RSS growth while uploading (from the timed calls' start): ours {rss:.0f} MB"
          f" (target <= 100 MB): {'PASS' if rss <= 100 else 'FAIL'},"
          f" official {median([m.rss_timed_mb for m in official]):.0f} MB")  # fmt: skip
    print(f"        RSS growth from process start (imports, Api()/wandb.init included): ours"
          f" {median([m.rss_growth_mb for m in ours]):.0f} MB,"
          f" official {median([m.rss_growth_mb for m in official]):.0f} MB")  # fmt: skip
    print(f"        server CPU while uploading: ours {median(server_cpu['ours']):.2f} s,"
          f" official {median(server_cpu['official']):.2f} s (what the server costs each client)")  # fmt: skip
    print("        rounds (ours / official, server CPU in brackets): " + ", ".join(
        f"{u.elapsed:.2f} s [{su:.2f}] / {o_.elapsed:.2f} s [{so:.2f}] = {o_.elapsed / u.elapsed:.2f}x"
        for u, o_, su, so in zip(ours, official, server_cpu["ours"], server_cpu["official"], strict=True)
    ))  # fmt: skip
    return speed >= 2 and rss <= 100


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=("sdk", "upload"))
    parser.add_argument("--repeats", type=int)
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    steps = 20_000 if args.quick else 100_000
    files, total_mb = (200, 100) if args.quick else (1000, 500)
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as tmp_name:
        tmp = Path(tmp_name)
        server = Server(tmp / "server.db")
        try:
            if args.only in (None, "sdk"):
                ok &= bench_sdk(server, tmp, steps, repeats)
            if args.only in (None, "upload"):
                ok &= bench_upload(server, tmp, files, total_mb, repeats)
        finally:
            server.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
