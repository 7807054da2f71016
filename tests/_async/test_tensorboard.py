"""``Api.sync_tensorboard`` over real HTTP against LocalServer: a TensorBoard log
written by the tensorboard package's own writer (``tests/fixtures/tensorboard``: two
log directories, scalars, a TF2 tensor scalar, a histogram, an image) lands as
history, summary and a finished run; skipped values are named in a warning; syncing
again resumes without duplicates; bad input fails before any request."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wandb_typed import AsyncApi, InputError, SkippedTensorBoardDataWarning
from wandb_typed.testing import LocalServer

pytestmark = pytest.mark.anyio

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tensorboard"
HISTOGRAM = {
    "_type": "histogram",
    "values": [1.0, 0.0, 2.0, 1.0, 1.0, 1.0],
    "bins": [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0],
}


async def test_scalars_and_histograms_land_as_history(fresh_api: AsyncApi) -> None:
    with pytest.warns(SkippedTensorBoardDataWarning, match=r"images: train/sample"):
        run = await fresh_api.sync_tensorboard(FIXTURE, run_id="tb", project="tb")
    assert (run.id, run.project, str(run.state)) == ("tb", "tb", "finished")
    rows = [row async for row in run.scan_history()]
    assert [r["_step"] for r in rows] == list(range(10))
    assert [r["global_step"] for r in rows] == list(range(10))
    assert [r["train/loss"] for r in rows] == pytest.approx([1 / (s + 1) for s in range(10)])
    assert [r["train/lr_x2"] for r in rows] == [2.0 * s for s in range(10)]  # a TF2 tensor scalar
    assert {r["_step"]: r["eval/loss"] for r in rows if "eval/loss" in r} == pytest.approx(
        {0: 2.0, 5: 2 / 6, 9: 0.2}
    )
    assert [r["_step"] for r in rows if "train/weights" in r] == [0, 5]
    assert rows[5]["train/weights"] == HISTOGRAM
    assert rows[9]["_runtime"] == 9.0
    assert run.summary["train/acc"] == pytest.approx(0.9)
    assert run.summary["train/weights"] == HISTOGRAM
    assert run.last_step == 9
    sampled = await run.history(samples=3, keys=["eval/loss"], pandas=False)
    assert [r["_step"] for r in sampled] == [0, 5, 9]


async def test_one_log_directory_keeps_its_tags(fresh_api: AsyncApi, tmp_path: Path) -> None:
    shutil.copytree(FIXTURE / "eval", tmp_path / "only")
    run = await fresh_api.sync_tensorboard(tmp_path / "only", run_id="one", project="tb")
    assert [r["loss"] async for r in run.scan_history(keys=["loss"])] == pytest.approx(
        [2.0, 2 / 6, 0.2]
    )


async def test_syncing_again_resumes_without_duplicates(
    fresh: LocalServer, fresh_api: AsyncApi
) -> None:
    with pytest.warns(SkippedTensorBoardDataWarning):
        await fresh_api.sync_tensorboard(FIXTURE, run_id="again", project="tb")
    with pytest.warns(SkippedTensorBoardDataWarning):
        run = await fresh_api.sync_tensorboard(FIXTURE, run_id="again", project="tb")
    assert len([r async for r in run.scan_history()]) == 10
    project = fresh.store.project("demo", "tb")
    assert project is not None
    row = fresh.store.run(int(project["id"]), "again")
    assert row is not None and row["history_line_count"] == 10


async def test_bad_input_fails_before_any_request(
    fresh: LocalServer, fresh_api: AsyncApi, tmp_path: Path
) -> None:
    fresh.requests.reset()
    with pytest.raises(InputError, match="not a directory"):
        await fresh_api.sync_tensorboard(tmp_path / "missing", project="tb")
    with pytest.raises(InputError, match="no TensorBoard event files"):
        await fresh_api.sync_tensorboard(tmp_path, project="tb")
    shutil.copytree(FIXTURE / "eval", tmp_path / "logs")
    with pytest.raises(InputError):
        await fresh_api.sync_tensorboard(tmp_path / "logs", run_id="bad/id", project="tb")
    broken = tmp_path / "broken"
    broken.mkdir()
    data = next((FIXTURE / "train").glob("*tfevents*")).read_bytes()
    (broken / "events.out.tfevents.1.x").write_bytes(
        data[:40] + bytes([data[40] ^ 0xFF]) + data[41:]
    )
    with pytest.raises(InputError, match="checksum"):
        await fresh_api.sync_tensorboard(broken, project="tb")
    assert list(fresh.requests) == []
