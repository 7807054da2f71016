"""The official SDK's training loop against the local server, in a subprocess:
``wandb.init``/``run.log``/``run.finish`` online, offline + ``wandb sync``, a crash,
10,000 steps, and a stream whose answers are lost (the SDK retries; nothing is lost
or duplicated).  Read back through ``wandb.Api`` and ours."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import wandb  # the oracle extra: scripts/test installs it

from tests.support import make_api
from wandb_typed.testing import FaultPlan, LocalServer

from .support import marker, run_sdk, script, sdk_env

pytestmark = pytest.mark.tooling


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv


def official(server: LocalServer) -> object:
    return wandb.Api(api_key=server.api_key, overrides={"base_url": server.base_url}, timeout=30)


def check_run(server: LocalServer, run_id: str, *, steps: int, state: str) -> None:
    """What a user opening the run expects, through both clients."""
    ours = make_api(server).run(f"{server.entity}/sdk/{run_id}")
    assert ours.state == state
    assert ours.config["lr"] == 0.01
    assert ours.config["opt"] == {"name": "adam"}
    assert ours.summary["best"] == {"loss": 1.0 / steps, "at": [steps - 1]}  # nested, kept
    assert ours.summary["loss"] == 1.0 / steps
    assert ours.summary["_step"] == steps - 1
    rows = list(ours.scan_history(keys=["_step", "loss", "epoch"]))
    assert [r["_step"] for r in rows] == list(range(steps))
    assert rows[-1]["loss"] == 1.0 / steps
    keys = ours.history_keys["keys"]
    assert isinstance(keys, dict)
    assert {"loss", "acc", "epoch", "_step", "_runtime", "_timestamp"} <= set(keys)
    assert ours.last_step == steps - 1
    names = {f.name for f in ours.files()}
    assert {"config.yaml", "wandb-metadata.json", "wandb-summary.json", "output.log"} <= names

    theirs = official(server).run(f"{server.entity}/sdk/{run_id}")  # type: ignore[attr-defined]
    assert theirs.state == state
    assert theirs.config["lr"] == 0.01
    assert theirs.summary["best"]["at"] == [steps - 1]
    history = list(theirs.scan_history(keys=["loss"]))
    assert len(history) == steps
    assert theirs.lastHistoryStep == steps - 1
    sampled = theirs.history(samples=50, keys=["loss"], pandas=False)
    assert 0 < len(sampled) <= 50
    assert sampled[-1]["_step"] == steps - 1


def console(server: LocalServer, run_id: str) -> list[tuple[str, str]]:
    project = server.store.project(server.entity, "sdk")
    assert project is not None
    run = server.store.run(int(project["id"]), run_id)
    assert run is not None
    page = server.store.log_lines_page(int(run["id"]), 1000, None, None)
    return [(str(r["level"]), str(r["line"])) for r in page.rows]


def test_online_run_lands_whole(server: LocalServer, tmp_path: Path) -> None:
    out = run_sdk([script("train.py")], sdk_env(server, tmp_path), tmp_path)
    run_id = marker(out, "RUN_ID")
    check_run(server, run_id, steps=100, state="finished")
    lines = console(server, run_id)
    assert ("info", "training done") in lines
    assert ("error", "a warning on stderr") in lines
    run = make_api(server).run(f"{server.entity}/sdk/{run_id}")
    assert run.system_metrics  # the events stream's latest row
    assert any(k.startswith("system.") for k in run.system_metrics)
    assert server.requests.graphql("UpsertBucket")
    assert not [r for r in server.requests if r.status >= 400 and not r.path.startswith("/sdk/")]


def test_crashed_run_is_failed(server: LocalServer, tmp_path: Path) -> None:
    out = run_sdk([script("train.py"), "--crash"], sdk_env(server, tmp_path), tmp_path, check=False)
    assert out.returncode == 1
    run_id = marker(out, "RUN_ID")
    check_run(server, run_id, steps=100, state="failed")
    project = server.store.project(server.entity, "sdk")
    assert project is not None
    row = server.store.run(int(project["id"]), run_id)
    assert row is not None and row["exitcode"] == 1
    assert any("the model diverged" in line for _, line in console(server, run_id))


def test_ten_thousand_steps(server: LocalServer, tmp_path: Path) -> None:
    out = run_sdk([script("train.py"), "--steps", "10000"], sdk_env(server, tmp_path), tmp_path)
    run_id = marker(out, "RUN_ID")
    check_run(server, run_id, steps=10_000, state="finished")
    streamed = [r for r in server.requests if r.operation_name == "file_stream"]
    assert len(streamed) >= 2  # batched while the run was live, and at finish


def test_lost_answers_are_retried_without_duplicates(server: LocalServer, tmp_path: Path) -> None:
    # every other file_stream chunk is applied and its answer replaced by a 500 or
    # 503: the SDK resends the same offsets, which the server must apply once
    server.faults = FaultPlan(
        rate=0.5, kinds=("500", "503"), when="after", operations={"file_stream"}, seed=3
    )
    out = run_sdk([script("train.py"), "--steps", "2000"], sdk_env(server, tmp_path), tmp_path)
    run_id = marker(out, "RUN_ID")
    assert server.faults.total_injected >= 1
    check_run(server, run_id, steps=2000, state="finished")
    project = server.store.project(server.entity, "sdk")
    assert project is not None
    row = server.store.run(int(project["id"]), run_id)
    assert row is not None and row["history_line_count"] == 2000
    counts = json.loads(row["history_keys"])["keys"]["loss"]["typeCounts"]
    assert counts == [{"type": "number", "count": 2000}]  # no resent row counted twice
    lines = [line for _, line in console(server, run_id)]
    assert lines.count("training done") == 1


def test_offline_run_then_wandb_sync(server: LocalServer, tmp_path: Path) -> None:
    offline = sdk_env(server, tmp_path, mode="offline")
    out = run_sdk([script("train.py")], offline, tmp_path)
    run_id = marker(out, "RUN_ID")
    assert not server.requests.graphql("UpsertBucket")  # offline: nothing sent
    run_dirs = list((tmp_path / "wandb").glob(f"offline-run-*-{run_id}"))
    assert len(run_dirs) == 1
    synced = run_sdk(["-m", "wandb", "sync", str(run_dirs[0])], sdk_env(server, tmp_path), tmp_path)
    assert "ERROR" not in synced.stdout + synced.stderr
    check_run(server, run_id, steps=100, state="finished")
