"""Typed configs and summaries: ``run.config_as(T)``, ``run.summary_as(T)`` and
``api.runs(..., config_type=T, summary_type=S)``, over real HTTP against the demo
data. A mismatch is a ``ConfigValidationError`` naming the run and the key; a type
pydantic cannot validate with is an ``InputError`` before any request."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Literal

import pytest
from pydantic import BaseModel
from typing_extensions import TypedDict

from wandb_typed import (
    AsyncApi,
    AsyncRun,
    AsyncRuns,
    AsyncTypedRun,
    AsyncTypedRuns,
    ConfigValidationError,
    InputError,
)
from wandb_typed.testing import DemoInfo, LocalServer

from ..support import AsyncRecorder, make_async_api

pytestmark = pytest.mark.anyio


class Model(BaseModel):
    name: str
    layers: list[int]
    dropout: float


class TrainConfig(BaseModel):
    lr: float
    batch_size: int
    optimizer: Literal["adam", "sgd", "adamw"]
    epochs: int
    model: Model


class TrainDict(TypedDict):
    lr: float
    batch_size: int


@dataclasses.dataclass
class TrainData:
    lr: float
    optimizer: str


class Best(BaseModel):
    acc: float
    step: int


class MnistSummary(BaseModel):
    loss: float
    acc: float
    best: Best


class NeedsMissing(BaseModel):
    lr: float
    warmup_steps: int


class WrongTypes(BaseModel):
    optimizer: int
    batch_size: str


async def test_config_as_validates_models_typeddicts_and_dataclasses(api: AsyncApi) -> None:
    (run,) = await api.runs("demo/mnist", per_page=1).take(1)
    config = run.config_as(TrainConfig)
    assert isinstance(config, TrainConfig)
    assert config.lr == run.config["lr"]
    assert config.optimizer == run.config["optimizer"]
    model = run.config["model"]
    assert isinstance(model, dict)
    assert config.model.layers == model["layers"]
    as_dict = run.config_as(TrainDict)
    assert as_dict == {"lr": run.config["lr"], "batch_size": run.config["batch_size"]}
    as_data = run.config_as(TrainData)
    assert as_data == TrainData(lr=config.lr, optimizer=config.optimizer)
    summary = run.summary_as(MnistSummary)
    best = run.summary["best"]
    assert isinstance(best, dict)
    assert (summary.acc, summary.best.step) == (run.summary["acc"], best["step"])


async def test_a_mismatch_names_the_run_and_every_key(api: AsyncApi) -> None:
    (run,) = await api.runs("demo/mnist", per_page=1).take(1)
    with pytest.raises(ConfigValidationError) as missing:
        run.config_as(NeedsMissing)
    assert missing.value.run_path == run.path
    assert missing.value.part == "config"
    assert missing.value.type_name == "NeedsMissing"
    assert missing.value.keys == ("warmup_steps",)
    assert f"run {run.path}: config does not match NeedsMissing: warmup_steps" in str(missing.value)
    with pytest.raises(ConfigValidationError) as wrong:
        run.summary_as(WrongTypes)
    assert wrong.value.part == "summary"
    assert set(wrong.value.keys) == {"optimizer", "batch_size"}
    with pytest.raises(ConfigValidationError) as wrong_config:
        run.config_as(WrongTypes)
    assert set(wrong_config.value.keys) == {"optimizer", "batch_size"}
    assert repr(run.config["optimizer"]) in str(wrong_config.value)
    assert isinstance(wrong_config.value, ValueError)
    again = pickle.loads(pickle.dumps(wrong_config.value))
    assert (again.errors, again.run_path, str(again)) == (
        wrong_config.value.errors, run.path, str(wrong_config.value)
    )  # fmt: skip


async def test_nested_keys_are_dotted(fresh_api: AsyncApi) -> None:
    run = await fresh_api.create_run("nested", project="typed")
    run.config = {"lr": 0.1, "model": {"name": "cnn", "layers": [1, "two"], "dropout": 0.5}}
    await run.update()

    class Nested(BaseModel):
        model: Model

    with pytest.raises(ConfigValidationError) as info:
        run.config_as(Nested)
    assert info.value.keys == ("model.layers.1",)


@pytest.mark.parametrize("bad", [42, "TrainConfig", TrainConfig(
    lr=0.1, batch_size=1, optimizer="sgd", epochs=1, model=Model(name="x", layers=[], dropout=0)
)])  # fmt: skip
async def test_a_bad_type_is_an_input_error_before_any_request(
    demo_server: LocalServer, bad: object
) -> None:
    recorder = AsyncRecorder()
    async with make_async_api(demo_server, transport=recorder) as api:
        with pytest.raises(InputError, match="config_type must be a class"):
            api.runs("demo/mnist", config_type=bad)  # type: ignore[call-overload]
        with pytest.raises(InputError, match="summary_type must be a class"):
            api.runs("demo/mnist", summary_type=bad)  # type: ignore[call-overload]
        assert recorder.bodies == []
        (run,) = await api.runs("demo/mnist", per_page=1).take(1)
        with pytest.raises(InputError, match=r"config_as\(type_\) must be a class"):
            run.config_as(bad)  # type: ignore[arg-type]


async def test_a_type_pydantic_cannot_validate_with_is_an_input_error(api: AsyncApi) -> None:
    class Opaque:
        def __init__(self, handle: object) -> None:
            self.handle = handle

    with pytest.raises(InputError, match="cannot validate with"):
        api.runs("demo/mnist", config_type=Opaque)


async def test_light_listings_take_no_types(api: AsyncApi) -> None:
    with pytest.raises(InputError, match="config_type"):
        api.runs("demo/mnist", light=True, config_type=TrainConfig)  # type: ignore[call-overload]


async def test_runs_with_config_type_validates_every_run(
    demo_server: LocalServer, demo: DemoInfo
) -> None:
    recorder = AsyncRecorder()
    per_page = max(1, demo.run_counts["mnist"] // 5)
    async with make_async_api(demo_server, transport=recorder) as api:
        typed = api.runs("demo/mnist", filters={"state": "finished"}, per_page=per_page,
                         config_type=TrainConfig, summary_type=MnistSummary)  # fmt: skip
        assert isinstance(typed, AsyncTypedRuns)
        runs = [r async for r in typed]
        assert len(runs) == await typed.count() > per_page  # several pages
        for run in runs:
            assert isinstance(run, AsyncTypedRun)
            assert isinstance(run, AsyncRun)
            assert isinstance(run.typed_config, TrainConfig)
            assert run.typed_config.batch_size == run.config["batch_size"]
            assert run.typed_summary.acc == run.summary["acc"]
        typed_bodies = list(recorder.bodies)
        recorder.bodies.clear()
        untyped = api.runs("demo/mnist", filters={"state": "finished"}, per_page=per_page)
        assert type(untyped) is AsyncRuns
        assert [r.id async for r in untyped] == [r.id for r in runs]
        assert await untyped.count() == len(runs)
        assert recorder.bodies == typed_bodies  # the same requests: validation is local


async def test_only_one_type_leaves_the_other_a_dict(api: AsyncApi) -> None:
    (run,) = await api.runs("demo/mnist", per_page=2, summary_type=MnistSummary).take(1)
    assert run.typed_config is run.config
    assert isinstance(run.typed_summary, MnistSummary)
    (other,) = await api.runs("demo/mnist", per_page=2, config_type=TrainDict).take(1)
    assert other.typed_summary is other.summary
    assert set(other.typed_config) == {"lr", "batch_size"}


async def test_every_run_of_a_listing_is_validated(api: AsyncApi, demo: DemoInfo) -> None:
    listing = api.runs("demo/mnist", per_page=50, config_type=TrainConfig)
    rows: list[tuple[str, float]] = []
    async for run in listing:
        assert isinstance(run, AsyncTypedRun)
        rows.append((run.id, run.typed_config.lr))
    assert len(rows) == demo.run_counts["mnist"]
    first = await api.run(f"demo/mnist/{rows[0][0]}")
    assert first.config_as(TrainConfig).lr == rows[0][1]


async def test_a_listing_raises_on_the_first_run_that_does_not_match(
    fresh_api: AsyncApi,
) -> None:
    api = fresh_api
    for run_id, lr in (("good", 0.1), ("bad", "fast")):
        run = await api.create_run(run_id, project="typed")
        run.config = {"lr": lr, "batch_size": 8}
        await run.update()
    listing = api.runs("demo/typed", order="+created_at", config_type=TrainDict)
    with pytest.raises(ConfigValidationError) as info:
        [r async for r in listing]
    assert info.value.run_path == "demo/typed/bad"
    assert info.value.keys == ("lr",)
    assert "'fast'" in str(info.value)


async def test_reload_and_update_validate_again(fresh_api: AsyncApi) -> None:
    api = fresh_api
    run = await api.create_run("r1", project="typed")
    run.config = {"lr": 0.1, "batch_size": 8}
    await run.update()
    (typed,) = await api.runs("demo/typed", config_type=TrainDict).take(1)
    assert typed.typed_config == {"lr": 0.1, "batch_size": 8}
    run.config["lr"] = 0.5
    await run.update()
    await typed.reload()
    assert typed.typed_config["lr"] == 0.5
    typed.config["batch_size"] = 16
    await typed.update()
    assert typed.typed_config["batch_size"] == 16
    typed.config["batch_size"] = "many"
    with pytest.raises(ConfigValidationError, match="batch_size"):
        await typed.update()
