"""Deterministic demo data for the local server (``LocalServer.seed_demo()``,
``wandb-typed serve --seed demo``).

Everything comes from ``random.Random(seed)`` and a fixed start time
(2024-01-01T00:00:00 UTC), so the same arguments always produce the same
run ids, configs, metrics and timestamps.

=====================  ======================  ===============================================
entity/project         runs (parameter)        what the runs have
=====================  ======================  ===============================================
``demo/mnist``         300 (``mnist_runs``)    config ``lr``, ``batch_size``, ``optimizer``,
                                               ``epochs``, ``dataset``, ``seed`` and nested
                                               ``model`` {``name``, ``layers`` (list),
                                               ``dropout``}; states finished (~70%) /
                                               crashed / failed / running; 0-3 tags of
                                               baseline, augment, v2, best, debug; groups
                                               ``exp-a``..``exp-d`` or none; job type train
                                               or eval; host ``gpu-node-1..4``; 100-500
                                               history steps (``_step``, ``_runtime``,
                                               ``_timestamp``, ``loss``, ``acc``,
                                               ``epoch``; ``val_loss``/``val_acc`` every
                                               25 steps and at the last step); summary =
                                               last row + nested ``best`` {``acc``,
                                               ``step``} + ``_wandb``; system metrics; 20
                                               system-metric events; console lines; files
                                               ``config.yaml``, ``output.log``,
                                               ``wandb-metadata.json``. Every 4th run is in
                                               the sweep.
``demo/llm-finetune``  4 (``llm_runs``)        run 1: 20000 steps (``long_history_steps``),
                                               state running; the others 200-300 steps,
                                               finished.  Keys ``loss``, ``lr``,
                                               ``tokens_per_sec``, ``eval/loss`` (every 250
                                               steps); config ``base_model``, nested
                                               ``lora`` {``r``, ``alpha``}, ``lr``; tag
                                               ``lora``; same files as mnist.
``demo/empty``         0                       -
=====================  ======================  ===============================================

The entity is the server's user (``demo`` unless ``LocalServer(username=...)``).

Seeded last (``_demo_registries``): the organization ``demo-org`` with the registries
``model`` and ``dataset``, a Slack and a webhook integration of the entity, and one
automation (:attr:`DemoInfo.organization`, :attr:`DemoInfo.registry`, ...).

Also in ``demo/mnist``: the artifacts ``mnist-train`` (dataset), ``mnist-cnn``
(model, v0-v2) and ``train-mnist`` (job), see ``_demo_artifacts``; one sweep (bayes over ``lr``/``batch_size``/``optimizer``,
metric ``loss`` minimized; :attr:`DemoInfo.sweep_id`) and one report
(view type ``runs``, :attr:`DemoInfo.report_name`) whose spec has one
``panelGroups`` section with a run set over the finished runs.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

import yaml

from ._demo_artifacts import seed_artifacts
from ._demo_registries import seed_registries
from ._demo_teams import TeamsDemo, seed_teams
from ._store import Store, format_time

__all__ = ["DemoInfo", "seed_demo"]

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
_ADJECTIVES = [
    "bright",
    "calm",
    "eager",
    "fancy",
    "gentle",
    "happy",
    "lucky",
    "proud",
    "quiet",
    "swift",
    "wild",
    "young",
]
_NOUNS = [
    "river",
    "forest",
    "cloud",
    "meadow",
    "sun",
    "wave",
    "star",
    "leaf",
    "stone",
    "fire",
    "snow",
    "wind",
]


@dataclass(frozen=True)
class DemoInfo:
    """What :func:`seed_demo` created (for tests and the offline demo)."""

    entity: str
    projects: tuple[str, ...]
    run_counts: Mapping[str, int] = field(hash=False)
    sweep_id: str
    sweep_project: str
    sweep_run_count: int
    report_name: str
    report_project: str
    long_history_run: str
    long_history_project: str
    long_history_steps: int
    # artifacts (see _demo_artifacts): all in ``artifact_project``
    artifact_project: str = "mnist"
    model_artifact: str = "mnist-cnn"  # type model, v0-v2; v2: latest, best; v1: tag candidate
    model_versions: int = 3
    dataset_artifact: str = "mnist-train"  # type dataset, v0: 200 files images/<digit>/<n>.png
    dataset_files: int = 200
    job_artifact: str = "train-mnist"  # type job, v0 (latest)
    job_versions: int = 1
    model_logged_by: tuple[str | None, ...] = ()  # run ids that logged v0, v1, v2
    model_used_by: str | None = None  # run id that used v2
    model_type: str = "model"  # the type of model_artifact
    dataset_type: str = "dataset"  # the type of dataset_artifact
    artifact_types: tuple[str, ...] = ()  # every type in ``artifact_project``, oldest first
    # every collection in ``artifact_project`` and its type, oldest first
    artifact_collections: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    # the sweep ``sweep_id``: its display name and config, as seeded
    sweep_display_name: str = ""
    sweep_config: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    empty_project: str = "empty"  # a project without runs, sweeps, reports or artifacts
    # registries, integrations and an automation (see _demo_registries)
    organization: str = ""  # the organization the entity's user is an admin of
    registries: tuple[str, ...] = ()  # its registries (names without wandb-registry-)
    registry: str = ""  # organization-visible; accepts registry_types
    registry_collection: str = ""  # in ``registry``: links model_artifact's newest version
    registry_alias: str = ""  # the alias of that link
    registry_types: tuple[str, ...] = ()  # the artifact types ``registry`` accepts
    restricted_registry: str = ""  # visible to its members (and organization admins) only
    slack_channel: str = ""  # the entity's Slack integration's channel
    webhook_integration: str = ""  # the entity's webhook integration's name
    automation: str = ""  # on ``registry`` (listed under ``organization``) -> the webhook
    # teams, launch queues and custom charts (see _demo_teams)
    teams: TeamsDemo = field(default_factory=TeamsDemo)


def _display_name(rng: random.Random, index: int) -> str:
    return f"{rng.choice(_ADJECTIVES)}-{rng.choice(_NOUNS)}-{index}"


def _run_id(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))


def _history(
    rng: random.Random,
    steps: int,
    started: datetime,
    *,
    base_loss: float,
    extra: dict[str, Any] | None = None,
    sparse_every: int = 25,
    sparse: tuple[str, ...] = ("val_loss", "val_acc"),
) -> list[dict[str, Any]]:
    """Decaying loss / rising accuracy, with a few sparse (validation) keys."""
    rows: list[dict[str, Any]] = []
    seconds_per_step = rng.uniform(0.5, 3.0)
    for step in range(steps):
        progress = step / max(steps - 1, 1)
        loss = base_loss * math.exp(-3 * progress) + rng.gauss(0, 0.02) + 0.05
        runtime = round((step + 1) * seconds_per_step, 3)
        row: dict[str, Any] = {
            "_step": step,
            "_runtime": runtime,
            "_timestamp": round(started.timestamp() + runtime, 3),
            "loss": round(max(loss, 0.001), 5),
            "acc": round(
                min(0.99, 0.1 + 0.88 * (1 - math.exp(-4 * progress)) + rng.gauss(0, 0.01)), 5
            ),
            "epoch": step * 10 // steps,
        }
        if extra:
            row.update(extra)
        if step % sparse_every == 0 or step == steps - 1:
            for key in sparse:
                row[key] = round(
                    row["loss" if "loss" in key else "acc"] * rng.uniform(0.95, 1.1), 5
                )
        rows.append(row)
    return rows


def _system_events(rng: random.Random, started: datetime, count: int) -> list[dict[str, Any]]:
    return [
        {
            "_runtime": (i + 1) * 30,
            "_timestamp": started.timestamp() + (i + 1) * 30,
            "system.cpu": round(rng.uniform(10, 95), 1),
            "system.memory": round(rng.uniform(20, 80), 1),
            "system.gpu.0.gpu": round(rng.uniform(40, 100), 1),
            "system.gpu.0.memoryAllocated": round(rng.uniform(10, 90), 1),
        }
        for i in range(count)
    ]


def _add_run_files(
    store: Store,
    run_id: int,
    config: Mapping[str, Any],
    host: str,
    started: datetime,
    log_lines: list[str],
) -> None:
    config_yaml = {k: {"value": v, "desc": None} for k, v in config.items()}
    text = yaml.safe_dump(config_yaml, sort_keys=True)
    store.add_file(run_id, "config.yaml", text)
    store.add_file(run_id, "output.log", "\n".join(log_lines) + "\n")
    store.add_file(
        run_id,
        "wandb-metadata.json",
        json.dumps(
            {
                "os": "Linux-6.5.0-x86_64-with-glibc2.35",
                "python": "3.11.7",
                "host": host,
                "program": "train.py",
                "args": ["--epochs", str(config.get("epochs", 1))],
                "startedAt": format_time(started),
                "gpu": "NVIDIA A100-SXM4-40GB",
                "gpu_count": 1,
                "cpu_count": 16,
            },
            indent=2,
        ),
        mimetype="application/json",
    )
    store.add_log_lines(run_id, log_lines, timestamp=format_time(started))


def _seed_mnist(
    store: Store, rng: random.Random, entity: str, runs: int, sweep_name: str
) -> list[str]:
    """Creates the mnist runs; returns the names of the runs in the sweep."""
    project = "mnist"
    sweep_runs: list[str] = []
    for i in range(runs):
        started = START + timedelta(hours=i, minutes=rng.randint(0, 50), seconds=rng.randint(0, 59))
        optimizer = rng.choice(["adam", "sgd", "adamw"])
        layers = [rng.choice([64, 128, 256, 512]) for _ in range(rng.randint(1, 3))]
        config = {
            "lr": rng.choice([1e-4, 3e-4, 1e-3, 3e-3, 1e-2]),
            "batch_size": rng.choice([32, 64, 128, 256]),
            "optimizer": optimizer,
            "epochs": rng.choice([5, 10, 20]),
            "dataset": "mnist",
            "seed": i,
            "model": {
                "name": rng.choice(["cnn", "mlp"]),
                "layers": layers,
                "dropout": rng.choice([0.0, 0.1, 0.25, 0.5]),
            },
        }
        state = rng.choices(["finished", "crashed", "failed", "running"], [70, 10, 10, 10])[0]
        tags = sorted(rng.sample(["baseline", "augment", "v2", "best", "debug"], rng.randint(0, 3)))
        group = rng.choice(["exp-a", "exp-b", "exp-c", "exp-d", None])
        host = f"gpu-node-{rng.randint(1, 4)}"
        steps = rng.randint(100, 500)
        name = _run_id(rng)
        in_sweep = i % 4 == 0
        history = _history(rng, steps, started, base_loss=rng.uniform(1.5, 2.5))
        last = history[-1]
        best = max(history, key=lambda r: r["acc"])
        summary = {
            **{k: v for k, v in last.items() if k != "epoch"},
            "epoch": last["epoch"],
            "best": {"acc": best["acc"], "step": best["_step"]},
            "_wandb": {"runtime": int(last["_runtime"])},
        }
        row = store.create_run(
            entity,
            project,
            name=name,
            display_name=_display_name(rng, i + 1),
            state=state,
            config=config,
            summary=summary,
            system_metrics={
                "cpu": round(rng.uniform(10, 90), 1),
                "memory": round(rng.uniform(20, 80), 1),
            },
            tags=tags,
            group=group,
            job_type=rng.choice(["train", "train", "train", "eval"]),
            host=host,
            commit=f"{rng.getrandbits(160):040x}",
            notes=f"lr={config['lr']} bs={config['batch_size']}" if i % 3 == 0 else None,
            sweep=sweep_name if in_sweep else None,
            created_at=started,
            heartbeat_at=started + timedelta(seconds=int(last["_runtime"])),
        )
        run_id = int(row["id"])
        store.add_history_rows(run_id, history, update_summary=False)
        store.add_events(run_id, _system_events(rng, started, 20))
        log = [
            f"epoch {e}: loss={h['loss']:.4f} acc={h['acc']:.4f}"
            for e, h in enumerate(history[:: max(1, steps // 10)])
        ]
        _add_run_files(store, run_id, config, host, started, ["Starting training", *log])
        if in_sweep:
            sweep_runs.append(name)
    return sweep_runs


def _seed_llm(store: Store, rng: random.Random, entity: str, runs: int, long_steps: int) -> str:
    project = "llm-finetune"
    store.create_project(
        entity,
        project,
        description="LoRA fine-tuning of small LLMs",
        created_at=START + timedelta(days=7),
    )
    long_run = ""
    for i in range(runs):
        started = START + timedelta(days=7 + i, seconds=rng.randint(0, 3600))
        steps = long_steps if i == 0 else rng.randint(200, 300)
        config = {
            "base_model": rng.choice(["llama-3-8b", "mistral-7b", "qwen2-7b"]),
            "lora": {"r": rng.choice([8, 16, 32]), "alpha": rng.choice([16, 32])},
            "lr": rng.choice([1e-5, 2e-5, 5e-5]),
            "epochs": 3,
        }
        history = _history(
            rng,
            steps,
            started,
            base_loss=rng.uniform(2.5, 3.5),
            sparse_every=250,
            sparse=("eval/loss",),
        )
        for row in history:
            row.pop("acc")
            row["lr"] = config["lr"] * (1 - row["_step"] / steps)
            row["tokens_per_sec"] = round(rng.uniform(900, 1100), 1)
        name = _run_id(rng)
        last = history[-1]
        row = store.create_run(
            entity,
            project,
            name=name,
            display_name=_display_name(rng, i + 1),
            state="finished" if i else "running",
            config=config,
            summary={**last, "train": {"loss": last["loss"], "tokens": steps * 4096}},
            tags=["lora"],
            job_type="finetune",
            host=f"gpu-node-{5 + i}",
            created_at=started,
            heartbeat_at=started + timedelta(seconds=int(last["_runtime"])),
        )
        store.add_history_rows(int(row["id"]), history, update_summary=False)
        store.add_events(int(row["id"]), _system_events(rng, started, 10))
        _add_run_files(
            store,
            int(row["id"]),
            config,
            f"gpu-node-{5 + i}",
            started,
            ["Loading model", "Starting fine-tuning"],
        )
        if i == 0:
            long_run = name
    return long_run


def seed_demo(
    store: Store,
    *,
    entity: str = "demo",
    mnist_runs: int = 300,
    llm_runs: int = 4,
    long_history_steps: int = 20_000,
    seed: int = 0,
) -> DemoInfo:
    """Fill ``entity`` (which must exist) with the demo projects described above."""
    if store.entity(entity) is None:
        raise ValueError(f"entity {entity!r} does not exist; create its user first")
    if store.project(entity, "mnist") is not None:
        raise ValueError(f"the demo data is already in entity {entity!r}")
    rng = random.Random(seed)
    store.create_project(
        entity, "mnist", description="Digit classification baselines", created_at=START
    )
    sweep_config = {
        "method": "bayes",
        "metric": {"name": "loss", "goal": "minimize"},
        "parameters": {
            "lr": {"min": 0.0001, "max": 0.01},
            "batch_size": {"values": [32, 64, 128, 256]},
            "optimizer": {"values": ["adam", "sgd", "adamw"]},
        },
        "program": "train.py",
    }
    sweep = store.create_sweep(
        entity,
        "mnist",
        sweep_config,
        name=_run_id(rng),
        display_name="mnist-lr-sweep",
        state="FINISHED",
        run_count_expected=(mnist_runs + 3) // 4,
        created_at=START - timedelta(minutes=5),
    )
    sweep_runs = _seed_mnist(store, rng, entity, mnist_runs, str(sweep["name"]))
    mnist = store.project(entity, "mnist")
    assert mnist is not None
    best = store.runs_page(
        int(mnist["id"]), filters={"sweep": sweep["name"]}, order="+summary_metrics.loss", first=1
    )
    if best.rows:
        store.update_sweep(int(sweep["id"]), best_loss=json.loads(best.rows[0]["summary"])["loss"])

    finished = store.runs_page(int(mnist["id"]), filters={"state": "finished"}, first=5)
    report = store.create_report(
        entity,
        "mnist",
        name="mnist-baselines",
        display_name="MNIST baselines",
        description="How the baseline runs compare",
        spec=_report_spec([str(r["name"]) for r in finished.rows]),
        created_at=START + timedelta(days=3),
    )
    artifacts = seed_artifacts(store, entity, "mnist", START)
    long_run = _seed_llm(store, rng, entity, llm_runs, long_history_steps)
    empty = "empty"
    store.create_project(
        entity,
        empty,
        description="A project without runs",
        created_at=START + timedelta(days=14),
    )
    registries = seed_registries(store, entity, START)  # registries, integrations, automation
    teams = seed_teams(store, entity, START)
    return DemoInfo(
        entity=entity,
        projects=("mnist", "llm-finetune", empty, teams.queue_project),
        run_counts=MappingProxyType(
            {"mnist": mnist_runs, "llm-finetune": llm_runs, empty: 0, teams.queue_project: 0}
        ),
        sweep_id=str(sweep["name"]),
        sweep_project="mnist",
        sweep_run_count=len(sweep_runs),
        report_name=str(report["name"]),
        report_project="mnist",
        long_history_run=long_run,
        long_history_project="llm-finetune",
        long_history_steps=long_history_steps if llm_runs else 0,
        model_logged_by=artifacts.model_logged_by,
        model_used_by=artifacts.model_used_by,
        artifact_types=tuple(
            str(t["name"])
            for t in store.artifacts.artifact_types_page(int(mnist["id"]), None, None).rows
        ),
        artifact_collections=MappingProxyType(
            {
                str(c["name"]): str(c["type_name"])
                for c in store.artifacts.collections_page(int(mnist["id"]), order="+id").rows
            }
        ),
        sweep_display_name=str(sweep["display_name"]),
        sweep_config=MappingProxyType(sweep_config),
        empty_project=empty,
        **registries,
        teams=teams,
    )


def _report_spec(selected: list[str]) -> dict[str, Any]:
    """A report spec in the shape the W&B app writes (one section, one run set)."""
    return {
        "version": 5,
        "width": "readable",
        "authors": [],
        "blocks": [
            {"type": "heading", "level": 1, "children": [{"text": "MNIST baselines"}]},
            {"type": "paragraph", "children": [{"text": "Loss and accuracy of finished runs."}]},
            {"type": "panel-grid", "metadata": {"openViz": True}, "children": [{"text": ""}]},
        ],
        "panelGroups": [
            {
                "name": "Section 1",
                "openRunSet": 0,
                "panels": [
                    {"viewType": "Run History Line Plot", "config": {"metrics": ["loss"]}},
                    {"viewType": "Run History Line Plot", "config": {"metrics": ["acc"]}},
                ],
                "runSets": [
                    {
                        "id": "runset-1",
                        "name": "Run set",
                        "enabled": True,
                        "filters": {
                            "op": "OR",
                            "filters": [
                                {
                                    "op": "AND",
                                    "filters": [
                                        {
                                            "key": {"section": "run", "name": "state"},
                                            "op": "=",
                                            "value": "finished",
                                        }
                                    ],
                                }
                            ],
                        },
                        "sort": {
                            "key": {"section": "run", "name": "createdAt"},
                            "ascending": False,
                        },
                        "selections": {"root": 1, "bounds": [], "tree": selected},
                    }
                ],
            }
        ],
    }
