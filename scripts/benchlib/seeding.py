"""The benchmark data: runs with config and summary, long histories and artifacts,
written into a fresh SQLite file through the local server's public seeding API before
the server starts (``Store.bulk_insert_runs``, ``Store.bulk_insert_history``,
``Store.artifacts.create_artifact``)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .common import (
    API_KEY,
    ARTIFACTS_PROJECT,
    DOWNLOAD_ARTIFACT,
    ENTITY,
    HISTORIES_PROJECT,
    HISTORIES_ROWS,
    HISTORIES_RUNS,
    HISTORY_PROJECT,
    RUNS_PROJECT,
    VERSIONS_ARTIFACT,
    Json,
)
from .sizes import Sizes, artifact_file_size, cli_small_rows, history_run_name


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
            store.bulk_insert_runs(
                ENTITY,
                HISTORIES_PROJECT,
                [RunSeed(name=f"h{i:04d}", created_at=base + timedelta(seconds=i))
                 for i in range(HISTORIES_RUNS)],
            )  # fmt: skip
            histories = store.project(ENTITY, HISTORIES_PROJECT)
            assert histories is not None
            for i in range(HISTORIES_RUNS):
                found = store.run(int(histories["id"]), f"h{i:04d}")
                assert found is not None
                store.bulk_insert_history(
                    int(found["id"]), history_rows(HISTORIES_ROWS, base.timestamp() + i)
                )
            for rows in sorted(
                {sizes.history_rows, sizes.official_history_rows, cli_small_rows(sizes)}
            ):
                history_run(rows)
        if artifacts:
            seed_artifacts(store, sizes)
    finally:
        store.close()
    return time.perf_counter() - t0
