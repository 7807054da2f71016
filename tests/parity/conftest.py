"""One local server, one official ``wandb.Api`` and one ``wandb_typed.Api`` for the
parity suite.

Every test module here marks its tests ``parity`` and ``xdist_group("parity")``
(module ``pytestmark``), so under ``pytest -n auto --dist loadgroup`` the whole suite lands on one worker
and these session fixtures are built once: the server (demo data plus the
``parity`` project below, made to hit edge cases), the official client (slow to
import, starts the wandb-core sidecar) and ours.

The official client needs ``wandb==0.31.0`` (the ``oracle`` extra); without it
the suite is skipped as a whole.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import wandb_typed
from wandb_typed.testing import DemoInfo, LocalServer

ENTITY = "demo"
TEAM = "parity-team"
PARITY = "parity"  # read-only edge-case project
WRITES = "parity-writes"  # project the write tests change
START = datetime(2024, 3, 1, tzinfo=timezone.utc)


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """Show nested differences by path (left = ours, right = official, by convention)."""
    from ._norm import explain

    if op == "==" and isinstance(left, (dict, list)) and isinstance(right, (dict, list)):
        return ["ours == official failed", *explain(left, right).splitlines()]
    return None


@dataclass
class World:
    """What the parity tests read: the server, both clients and the seeded names."""

    server: LocalServer
    demo: DemoInfo
    official: Any  # wandb.Api (typed loosely: the official client is barely typed)
    ours: wandb_typed.Api
    download_root: Path
    parity_runs: list[str] = field(default_factory=list)
    history_run: str = ""
    files_run: str = ""
    alice_run: str = ""
    extra_sweep: str = ""

    def fresh_official(self) -> Any:
        """The official client with its caches dropped (``Api.runs`` caches by path,
        filters and order, not page size; ``Api.projects`` by entity only)."""
        self.official.flush()
        self.official._projects.clear()
        self.official._reports.clear()
        self.official._sweeps.clear()
        return self.official


def _history_rows(count: int) -> list[dict[str, Any]]:
    """Sparse, non-contiguous steps; keys with '/' and '.'; nested, text, bool, null,
    list values; keys logged only on some steps."""
    rows: list[dict[str, Any]] = []
    for i in range(count):
        step = i + (i // 10) * 3  # gaps of 3 steps after every 10 rows
        row: dict[str, Any] = {
            "_step": step,
            "_runtime": round(0.5 * (i + 1), 3),
            "_timestamp": START.timestamp() + i,
            "loss": round(2.0 * math.exp(-i / 80) + 0.01 * (i % 7), 6),
            "train.loss": round(1.0 / (i + 1), 8),
        }
        if i % 7 == 0:
            row["eval/acc"] = round(0.5 + i / (2 * count), 5)
        if i % 10 == 0:
            row["text"] = f"checkpoint é✓ {i}"
        if i % 20 == 0:
            row["nested"] = {"a": i, "b": {"c": [i, i + 1]}}
        if i % 11 == 0:
            row["maybe"] = None
        if i % 13 == 0:
            row["flag"] = i % 2 == 0
        if i % 17 == 0:
            row["image"] = {"_type": "image-file", "path": f"media/images/x_{i}.png", "width": 8}
        if i % 3 == 0:
            row["big"] = 2**53 + i
        if i in (100, 101, 102):  # a diverging run logs non-finite values
            row["loss"] = [math.nan, math.inf, -math.inf][i - 100]
        rows.append(row)
    return rows


def _seed_parity(server: LocalServer, world: World) -> None:
    store = server.store
    server.add_user("alice")
    store.create_team(TEAM, members=[ENTITY, "alice"])
    for i in range(11):
        store.create_project(
            TEAM,
            f"team-proj-{i:02d}",
            description=f"team project {i}",
            created_at=START + timedelta(days=i),
        )
    store.create_project(
        ENTITY, PARITY, description="edge cases for the parity suite", created_at=START
    )
    store.create_project(ENTITY, WRITES, created_at=START + timedelta(days=1))
    sweep = store.create_sweep(
        ENTITY,
        PARITY,
        "name: yaml-named-sweep\nmethod: grid\nmetric:\n  name: acc\n  goal: maximize\n"
        "parameters:\n  x:\n    values: [1, 2, 3]\n",
        state="RUNNING",
        created_at=START,
    )
    world.extra_sweep = str(sweep["name"])

    states = ["finished", "running", "crashed", "failed", "killed", "preempted", "pending"]
    names = ["alpha", "Beta", "gamma-ray", "delta", "épsilon", "zeta", "eta"]
    for i in range(14):
        # pairs of runs share a creation time: pages must break ties the same way
        created = START + timedelta(hours=i // 2)
        config: dict[str, Any] = {
            "x": [1, 2.5, 3, None, 10, -4, 0][i % 7],
            "name": names[i % 7],
            "flag": i % 2 == 0,
            "nested": {"a": {"b": i}, "list": [i, str(i)]},
            "unicode": "héllo ✓",
            "big": 2**53 + i,
        }
        if i % 3 == 0:
            config.pop("x")
        summary: dict[str, Any] = {
            "acc": [0.5, 0.75, 0.75, 0.9, 0.1, 0.75, 0.3][i % 7],
            "loss": 1.0 / (i + 1),
            "best": {"acc": 0.5 + i / 100, "step": i},
            "text": f"run {i}",
            "_wandb": {"runtime": i},
        }
        if i % 4 == 1:
            summary.pop("acc")  # runs without the order key sort last
        if i == 5:
            summary["inf"] = math.inf
            summary["nan"] = math.nan
        tags = [["a"], ["a", "b"], [], ["tag with space"], ["ünï"], ["b"], ["a", "ünï"]][i % 7]
        row = store.create_run(
            ENTITY,
            PARITY,
            name=f"p{i:02d}",
            display_name=f"{names[i % 7]}-{i}",
            state=states[i % 7],
            config=config,
            summary=summary,
            system_metrics={"cpu": i * 1.5, "gpu": {"0": {"util": i}}},
            tags=tags,
            group=["g1", "g2", None][i % 3],
            job_type=["train", "eval"][i % 2],
            host=f"host-{i % 3}",
            notes="line one\nline two ✓" if i % 2 else None,
            description=f"description {i}" if i % 5 == 0 else None,
            commit=f"{i:040x}",
            username="alice" if i == 3 else None,
            sweep=world.extra_sweep if i % 5 == 0 else None,
            created_at=created,
            heartbeat_at=created + timedelta(minutes=i),
        )
        world.parity_runs.append(str(row["name"]))
        if i == 3:
            world.alice_run = str(row["name"])

    # config as older clients and wandb-core store it: internal keys, descriptions,
    # an unwrapped value and a dict that only looks wrapped
    store.create_run(
        ENTITY,
        PARITY,
        name="rawcfg",
        display_name="raw-config",
        config=(
            '{"_wandb": {"value": {"cli_version": "0.31.0", "t": {"1": [1, 5]}}, "desc": null},'
            ' "wandb_version": 1, "lr": {"value": 0.1, "desc": "learning rate"},'
            ' "plain": 5, "dictish": {"a": 1}, "valueish": {"value": null, "desc": null}}'
        ),
        summary='{"acc": 0.5, "_wandb": {"runtime": 3}, "table": {"_type": "table-file",'
        ' "path": "media/table.json", "nrows": 2}}',
        created_at=START + timedelta(days=1, hours=5),
    )

    hist = store.create_run(
        ENTITY,
        PARITY,
        name="history",
        display_name="history-run",
        config={"kind": "history"},
        created_at=START + timedelta(days=2),
    )
    hist_id = int(hist["id"])
    store.add_history_rows(hist_id, _history_rows(700))
    store.add_events(
        hist_id,
        [
            {"_runtime": 30 * (i + 1), "system.cpu": 10.0 + i, "system.gpu.0.gpu": 50 + i}
            for i in range(37)
        ],
    )
    world.history_run = "history"

    files = store.create_run(
        ENTITY,
        PARITY,
        name="files",
        display_name="files-run",
        created_at=START + timedelta(days=3),
    )
    files_id = int(files["id"])
    store.add_file(files_id, "binary.bin", bytes(range(256)) * 64)
    store.add_file(files_id, "media/images/pic.png", b"\x89PNG\r\n\x1a\n" + bytes(100))
    store.add_file(files_id, "empty.txt", b"")
    store.add_file(files_id, "my file.txt", "spaces in the name\n")
    store.add_file(files_id, "données.csv", "a,b\n1,2\n")
    store.add_file(files_id, "large.bin", os.urandom(3 * 1024 * 1024 + 17))
    for i in range(60):  # more files than one default page
        store.add_file(files_id, f"logs/part-{i:03d}.log", f"part {i}\n" * (i + 1))
    world.files_run = "files"

    store.create_report(
        ENTITY,
        PARITY,
        name="second-report",
        display_name="Second ✓ report",
        description=None,
        spec={"panelGroups": [], "blocks": [{"type": "paragraph", "children": [{"text": "x"}]}]},
        created_at=START + timedelta(days=4),
    )
    store.create_report(
        ENTITY,
        PARITY,
        name="a-workspace",
        display_name="not a report",
        spec={"section": {}},
        view_type="project-view",
        created_at=START + timedelta(days=5),
    )


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    import wandb  # the oracle; scripts/test installs the `oracle` extra

    home = tmp_path_factory.mktemp("wandb-home")
    env = {
        "WANDB_DIR": str(home / "dir"),
        "WANDB_CACHE_DIR": str(home / "cache"),
        "WANDB_CONFIG_DIR": str(home / "config"),
        "WANDB_DATA_DIR": str(home / "data"),
        "WANDB_ARTIFACT_DIR": str(home / "artifacts"),
        "WANDB_SILENT": "true",
        "WANDB_ERROR_REPORTING": "false",
        "NETRC": str(home / "netrc"),
    }
    with pytest.MonkeyPatch.context() as mp:
        for name in ("WANDB_API_KEY", "WANDB_BASE_URL", "WANDB_ENTITY", "WANDB_PROJECT"):
            mp.delenv(name, raising=False)
        for name, value in env.items():
            if name.endswith("_DIR"):
                Path(value).mkdir(parents=True, exist_ok=True)
            mp.setenv(name, value)
        mp.chdir(tempfile.mkdtemp(dir=home))
        import wandb

        with LocalServer() as server:
            demo = server.seed_demo(
                mnist_runs=40, long_history_steps=5000
            )  # keeps per_page=1 walks short
            official = wandb.Api(api_key=server.api_key, overrides={"base_url": server.base_url})
            ours = wandb_typed.Api(overrides={"base_url": server.base_url}, api_key=server.api_key)
            w = World(
                server=server,
                demo=demo,
                official=official,
                ours=ours,
                download_root=home / "downloads",
            )
            _seed_parity(server, w)
            try:
                yield w
            finally:
                ours.close()
                wandb.teardown()
