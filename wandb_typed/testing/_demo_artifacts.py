"""Demo artifacts in ``demo/mnist`` (part of ``seed_demo``; deterministic, fast).

=================  ========  =====================================================
collection         type      versions
=================  ========  =====================================================
``mnist-train``    dataset   v0 (``latest``): 200 8x8 grayscale PNGs
                             ``images/<digit>/<n>.png`` (20 per digit), logged by
                             the first finished run; used by the runs that logged
                             ``mnist-cnn``.
``mnist-cnn``      model     v0, v1, v2, each ``model.pt`` (64 KiB of seeded
                             random bytes) and ``config.json``, logged by the
                             first three finished runs (v0 by the first) after
                             their last history step; v1 has
                             the tag ``candidate``; v2 has ``latest`` and ``best``
                             and was used by a fourth run (an ``eval`` one if any).
``train-mnist``    job       v0 (``latest``): ``wandb-job.json`` (a git-sourced job,
                             as wandb's job builder writes it) and
                             ``requirements.frozen.txt``, logged by the run of v0.
=================  ========  =====================================================

With fewer runs than that, the versions have no logging/using run.
"""

from __future__ import annotations

import json
import random
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from ._store import Row, Store, format_time

__all__ = ["ArtifactDemo", "seed_artifacts"]

MODEL = "mnist-cnn"
DATASET = "mnist-train"
JOB = "train-mnist"
MODEL_VERSIONS = 3
DATASET_FILES = 200
MODEL_BYTES = 64 * 1024


@dataclass(frozen=True)
class ArtifactDemo:
    """What :func:`seed_artifacts` created."""

    model_logged_by: tuple[str | None, ...]
    model_used_by: str | None
    dataset_logged_by: str | None


def png(pixels: bytes, width: int = 8, height: int = 8) -> bytes:
    """A minimal grayscale PNG (8 bits a pixel)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + pixels[y * width : (y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def model_bytes(version: int) -> bytes:
    """The ``model.pt`` of ``mnist-cnn:v<version>`` (64 KiB, the same on every seed)."""
    return random.Random(f"{MODEL}:v{version}").randbytes(MODEL_BYTES)


def _job_files() -> dict[str, bytes | str]:
    number = {"wb_type": "number"}
    job = {
        "_version": "v0",
        "source_type": "repo",
        "source": {
            "git": {
                "remote": "https://github.com/example/mnist.git",
                "commit": "4f8e1d2c9b7a6e5d4c3b2a1f0e9d8c7b6a5f4e3d",
            },
            "entrypoint": ["python", "train.py"],
            "notebook": False,
        },
        "input_types": {
            "wb_type": "typedDict",
            "params": {
                "type_map": {
                    "lr": number,
                    "batch_size": number,
                    "epochs": number,
                    "optimizer": {"wb_type": "string"},
                }
            },
        },
        "output_types": {
            "wb_type": "typedDict",
            "params": {"type_map": {"loss": number, "acc": number}},
        },
        "runtime": "3.11.7",
    }
    return {
        "wandb-job.json": json.dumps(job, indent=4),
        "requirements.frozen.txt": "numpy==1.26.4\ntorch==2.2.0\nwandb==0.31.0\n",
    }


def _next_step(run: Row | None) -> int | None:
    """W&B's ``historyStep`` of an artifact logged at the end of the run: the step the
    run would log next (clients show the one before, the run's last step)."""
    if run is None:
        return None
    return int(json.loads(str(run["history_keys"]))["lastStep"]) + 1


def seed_artifacts(store: Store, entity: str, project: str, start: datetime) -> ArtifactDemo:
    """Create the artifacts above in ``entity/project`` (whose runs already exist)."""
    project_row = store.project(entity, project)
    assert project_row is not None
    pid = int(project_row["id"])
    finished = store.runs_page(pid, filters={"state": "finished"}, first=MODEL_VERSIONS + 1).rows
    loggers: list[Row | None] = [*finished[:MODEL_VERSIONS]]
    loggers += [None] * (MODEL_VERSIONS - len(loggers))
    evals = store.runs_page(pid, filters={"jobType": "eval"}, first=MODEL_VERSIONS + 1).rows
    logger_ids = {int(r["id"]) for r in loggers if r is not None}
    user_run = next((r for r in [*evals, *finished] if int(r["id"]) not in logger_ids), None)
    arts = store.artifacts

    def run_id(run: Row | None) -> int | None:
        return int(run["id"]) if run is not None else None

    def when(run: Row | None, minutes: int) -> str:
        """``minutes`` after the run started (after ``start`` without a run)."""
        began = datetime.fromisoformat(str(run["created_at"])) if run is not None else start
        return format_time(began + timedelta(minutes=minutes))

    rng = random.Random(DATASET)
    images = {
        f"images/{digit}/{n}.png": png(rng.randbytes(64))
        for digit in range(10)
        for n in range(DATASET_FILES // 10)
    }
    dataset = arts.create_artifact(
        entity,
        project,
        DATASET,
        "dataset",
        images,
        description="MNIST training images (a small sample)",
        metadata={"images": DATASET_FILES, "shape": [8, 8], "classes": 10},
        run_id=run_id(loggers[0]),
        created_at=when(loggers[0], 1),
    )
    model: Row | None = None
    for version, run in enumerate(loggers):
        config = {"lr": [0.01, 0.003, 0.001][version], "epochs": 10 * (version + 1)}
        model = arts.create_artifact(
            entity,
            project,
            MODEL,
            "model",
            {"model.pt": model_bytes(version), "config.json": json.dumps(config, indent=2)},
            description=f"CNN checkpoint after {config['epochs']} epochs",
            metadata={"accuracy": [0.91, 0.95, 0.97][version], **config},
            aliases=["best"] if version == MODEL_VERSIONS - 1 else (),
            tags=["candidate"] if version == 1 else (),
            run_id=run_id(run),
            history_step=_next_step(run),
            created_at=when(run, 20) if run is not None else when(None, 60 * version + 20),
        )
        if run is not None:
            arts.use(int(dataset["id"]), int(run["id"]), f"{DATASET}:v0")
    if user_run is not None and model is not None:  # model is v2, the newest
        arts.use(int(model["id"]), int(user_run["id"]), f"{MODEL}:v{MODEL_VERSIONS - 1}")
    arts.create_artifact(
        entity,
        project,
        JOB,
        "job",
        _job_files(),
        description="Train the MNIST CNN (launch job)",
        run_id=run_id(loggers[0]),
        created_at=when(loggers[0], 21),
    )
    return ArtifactDemo(
        model_logged_by=tuple(str(r["name"]) if r else None for r in loggers),
        model_used_by=str(user_run["name"]) if user_run is not None else None,
        dataset_logged_by=str(loggers[0]["name"]) if loggers[0] is not None else None,
    )
